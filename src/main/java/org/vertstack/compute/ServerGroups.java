package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.Target;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/**
 * Nova's server groups (os-server-groups): a policy (affinity, anti-affinity and their soft
 * variants) that the scheduler honours for the group's members. A group counts against the
 * project's {@code server_groups} quota; its members against {@code server_group_members}.
 */
final class ServerGroups {

  static final String RESOURCE = "compute.server_group";
  static final Set<String> HARD = Set.of("affinity", "anti-affinity");
  private static final Set<String> POLICIES = Set.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity");

  /** The group an instance joins, as the scheduler needs it; memberLimit is server_group_members (-1: none). */
  record Membership(String groupId, String policy, int maxPerHost, long memberLimit) {
  }

  private final Vertx vertx;
  private final Pool db;
  private final ComputeQuota quota;

  ServerGroups(Vertx vertx, Pool db, ComputeQuota quota) {
    this.vertx = vertx;
    this.db = db;
    this.quota = quota;
  }

  Future<JsonArray> list(AuthContext caller, MultiMap q, Microversion mv) {
    boolean all = q.contains("all_projects") && !"0".equals(q.get("all_projects")) && !"false".equalsIgnoreCase(q.get("all_projects"));
    String project = caller.projectId();
    if (all && may(caller, "os-server-groups:index:all_projects", Target.none())) {
      check(caller, "os-server-groups:index", Target.none());
      project = null;
    } else {
      check(caller.requireProjectScope(), "os-server-groups:index", Target.project(project, null));
    }
    long limit = param(q, "limit", 1000);
    long offset = param(q, "offset", 0);
    return db.preparedQuery(SELECT + " WHERE ($1::text IS NULL OR g.project_id = $1) ORDER BY g.created_at, g.id LIMIT $2 OFFSET $3")
      .execute(Tuple.of(project, Math.min(limit, 1000), offset)).map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(render(r, mv)));
        return out;
      });
  }

  private static final String SELECT = """
    SELECT g.*, coalesce((SELECT array_agg(m.instance_id ORDER BY m.instance_id) FROM server_group_members m
      JOIN instances i ON i.id = m.instance_id AND NOT i.deleted WHERE m.group_id = g.id), '{}') AS members
    FROM server_groups g""";

  Future<JsonObject> get(AuthContext caller, String id, Microversion mv) {
    return load(caller, id, "os-server-groups:show").map(r -> render(r, mv));
  }

  private Future<Row> load(AuthContext caller, String id, String rule) {
    return db.preparedQuery(SELECT + " WHERE g.id = $1").execute(Tuple.of(id)).map(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null || !may(caller, rule, Target.project(r.getString("project_id"), null))) {
        throw Errors.notFound("Instance group " + id + " could not be found.");
      }
      return r;
    });
  }

  Future<JsonObject> create(AuthContext caller, JsonObject body, Microversion mv) {
    // the name, and a policy's or policies' values, were checked against schemas/server-group-create.json
    JsonObject g = body.getJsonObject("server_group");
    String name = g.getString("name");
    String policy;
    JsonObject rules = new JsonObject();
    if (mv.atLeast(2, 64)) {
      if (g.containsKey("policies")) {
        throw Errors.badRequest("Additional properties are not allowed ('policies' was unexpected)");
      }
      policy = Json.string(g, "policy");
      JsonObject given = Json.optObject(g, "rules");
      if (given != null && !given.isEmpty()) {
        if (!"anti-affinity".equals(policy)) {
          throw Errors.badRequest("Only anti-affinity policy supports rules.");
        }
        for (String key : given.fieldNames()) {
          if (!"max_server_per_host".equals(key)) {
            throw Errors.badRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
          }
        }
        Object max = given.getValue("max_server_per_host");
        long n;
        try {
          n = max instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) ? num.longValue()
            : Long.parseLong(String.valueOf(max));
        } catch (NumberFormatException e) {
          throw Errors.badRequest("Invalid input for field/attribute max_server_per_host: it must be an integer.");
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
          throw Errors.badRequest("Invalid input for field/attribute max_server_per_host: it must be 1 or more.");
        }
        rules.put("max_server_per_host", (int) n);
      }
    } else {
      if (g.containsKey("policy") || g.containsKey("rules")) {
        throw Errors.badRequest("Additional properties are not allowed ('policy' was unexpected)");
      }
      JsonArray policies = Json.optArray(g, "policies");
      if (policies == null) {
        throw Errors.badRequest("'policies' is a required property.");
      }
      policy = policies.getString(0);
    }
    boolean allowed = mv.atLeast(2, 15) ? POLICIES.contains(policy) : HARD.contains(policy);
    if (!allowed) {
      throw Errors.badRequest("Invalid input for field/attribute policy: '" + policy + "' is not one of "
        + (mv.atLeast(2, 15) ? "affinity, anti-affinity, soft-affinity, soft-anti-affinity" : "affinity, anti-affinity") + ".");
    }
    check(caller.requireProjectScope(), "os-server-groups:create", Target.project(caller.projectId(), null));
    String id = UUID.randomUUID().toString();
    return quota.reserve(caller.projectId(), Map.of("server_groups", 1L))
      .recover(err -> Future.failedFuture(err instanceof io.vertx.serviceproxy.ServiceException se && se.failureCode() == 403
        ? Errors.forbidden("Quota exceeded, too many server groups.") : err))
      .compose(v -> db.preparedQuery("INSERT INTO server_groups (id, project_id, user_id, name, policy, rules) "
          + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING *, '{}'::text[] AS members")
        .execute(Tuple.of(id, caller.projectId(), caller.userId(), name.trim(), policy, rules))
        .recover(err -> quota.release(caller.projectId(), Map.of("server_groups", 1L)).compose(x -> Future.failedFuture(err))))
      .map(rows -> {
        JsonObject out = render(rows.iterator().next(), mv);
        publish(out, caller.projectId(), "created");
        return out;
      });
  }

  Future<Void> delete(AuthContext caller, String id) {
    return load(caller, id, "os-server-groups:delete").compose(r -> db.preparedQuery("DELETE FROM server_groups WHERE id = $1")
      .execute(Tuple.of(id)).compose(rows -> {
        if (rows.rowCount() == 0) {
          return Future.failedFuture(Errors.notFound("Instance group " + id + " could not be found."));
        }
        publish(new JsonObject().put("id", id).put("name", r.getString("name")), r.getString("project_id"), "deleted");
        return quota.release(r.getString("project_id"), Map.of("server_groups", 1L));
      }));
  }

  /**
   * The group a server create names in {@code os:scheduler_hints.group}: one the caller may see,
   * with room for {@code count} more members under the project's {@code server_group_members} quota.
   */
  Future<Membership> forBoot(AuthContext caller, String groupId, int count) {
    return load(caller, groupId, "os-server-groups:show").compose(r -> quota.usage(caller.projectId()).map(u -> {
      JsonObject limit = u.getJsonObject("server_group_members");
      long max = limit == null ? -1 : limit.getLong("limit", -1L);
      int members = r.getArrayOfStrings("members").length;
      if (max >= 0 && members + count > max) {
        throw Errors.forbidden("Quota exceeded, too many servers in group");
      }
      return new Membership(groupId, r.getString("policy"), maxPerHost(r), max);
    }));
  }

  /**
   * The atomic half of the server_group_members check, inside the transaction that inserts the
   * memberships: the group's row is locked (concurrent boots into one group queue here until this
   * transaction ends), then the members are counted by a new statement, whose snapshot sees every
   * membership committed before the lock was granted. So two boots can never both take the last place.
   */
  static Future<Void> admit(SqlClient tx, Membership group, int count) {
    if (group.memberLimit() < 0) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("SELECT id FROM server_groups WHERE id = $1 FOR UPDATE").execute(Tuple.of(group.groupId()))
      .compose(locked -> {
        if (locked.size() == 0) {
          return Future.failedFuture(Errors.badRequest("Invalid server group: group " + group.groupId() + " could not be found."));
        }
        return tx.preparedQuery("SELECT count(*) AS members FROM server_group_members m JOIN instances i ON i.id = m.instance_id "
            + "AND NOT i.deleted WHERE m.group_id = $1").execute(Tuple.of(group.groupId()))
          .compose(rows -> rows.iterator().next().getLong("members") + count > group.memberLimit()
            ? Future.failedFuture(Errors.forbidden("Quota exceeded, too many servers in group")) : Future.succeededFuture());
      });
  }

  private static int maxPerHost(Row r) {
    JsonObject rules = rules(r);
    return "anti-affinity".equals(r.getString("policy")) ? rules.getInteger("max_server_per_host", 1) : Integer.MAX_VALUE;
  }

  private static JsonObject rules(Row r) {
    Object raw = r.getValue("rules");
    return raw instanceof JsonObject o ? o : new JsonObject();
  }

  /** The ids of the groups an instance is in (2.71's {@code server_groups}: zero or one). */
  Future<JsonArray> groupsOf(String instanceId) {
    return db.preparedQuery("SELECT group_id FROM server_group_members WHERE instance_id = $1").execute(Tuple.of(instanceId))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(r.getString("group_id")));
        return out;
      });
  }

  static JsonObject render(Row r, Microversion mv) {
    JsonObject g = new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"));
    if (mv.atLeast(2, 64)) {
      g.put("policy", r.getString("policy")).put("rules", rules(r));
    } else {
      g.put("policies", new JsonArray().add(r.getString("policy")));
    }
    g.put("members", new JsonArray(List.of((Object[]) r.getArrayOfStrings("members"))));
    if (!mv.atLeast(2, 64)) {
      g.put("metadata", new JsonObject());
    }
    if (mv.atLeast(2, 13)) {
      g.put("project_id", r.getString("project_id")).put("user_id", r.getString("user_id"));
    }
    return g;
  }

  private void publish(JsonObject group, String project, String action) {
    ResourceEvents.publish(vertx, project, RESOURCE, group.getString("id"), action, group);
  }

  private static long param(MultiMap q, String key, long dflt) {
    String v = q.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid input for query parameters " + key + ": it must be a non-negative integer.");
    }
  }
}
