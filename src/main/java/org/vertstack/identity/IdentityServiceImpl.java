package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Keystone v3 behind the event bus: policy first, then the store, then one event per change. */
final class IdentityServiceImpl implements IdentityService {

  private static final Map<String, Table> TABLES = Map.of(
    "domains", Tables.DOMAINS, "projects", Tables.PROJECTS, "users", Tables.USERS, "groups", Tables.GROUPS,
    "roles", Tables.ROLES, "regions", Tables.REGIONS, "services", Tables.SERVICES, "endpoints", Tables.ENDPOINTS,
    "registered_limits", Tables.REGISTERED_LIMITS, "limits", Tables.LIMITS);

  private static final Policy POLICY = IdentityPolicy.RULES;

  /** Collections whose rows belong to a domain (the domain admin's to manage). */
  private static final Set<String> DOMAIN_OWNED = Set.of("projects", "users", "groups");

  private static final Set<String> BUILTIN_ROLES = Set.of("admin", "member", "reader");

  private final Vertx vertx;
  private final Pool db;
  private final String baseUrl;
  private final Passwords passwords;
  private final Authenticator authenticator;
  private final Assignments assignments;
  private final RoleAssignmentQuery roleAssignments;
  private final Catalog catalog;
  private final Revoker revoker;
  private final TokenIssuer issuer;
  private final CloudGuards guards;
  private final Map<String, JsonObject> serviceTokens = new java.util.concurrent.ConcurrentHashMap<>();

  IdentityServiceImpl(Vertx vertx, Pool db, String identityUrl, Passwords passwords, Authenticator authenticator,
                      Assignments assignments, Catalog catalog, Revoker revoker, TokenIssuer issuer) {
    this.vertx = vertx;
    this.db = db;
    this.baseUrl = identityUrl;
    this.passwords = passwords;
    this.authenticator = authenticator;
    this.assignments = assignments;
    this.roleAssignments = new RoleAssignmentQuery(db);
    this.catalog = catalog;
    this.revoker = revoker;
    this.issuer = issuer;
    this.guards = new CloudGuards(db);
  }

  private static Table table(String collection) {
    Table t = TABLES.get(collection);
    if (t == null) {
      throw Errors.notFound("Unknown collection " + collection + ".");
    }
    return t;
  }

  /** Runs a body that may throw (bad input, policy) and turns the throw into a failed future. */
  private static <T> Future<T> guarded(java.util.function.Supplier<Future<T>> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<JsonObject> issueToken(JsonObject auth) {
    return guarded(() -> authenticator.issue(auth));
  }

  @Override
  public Future<JsonArray> catalog() {
    return catalog.load();
  }

  @Override
  public Future<Void> revokeToken(AuthContext caller, AuthContext subject) {
    return guarded(() -> {
      POLICY.check(caller, "identity:revoke_token", Target.user(subject.userId(), subject.userDomainId()));
      return revoker.auditId(subject.auditId(), subject.expiresAt());
    });
  }

  @Override
  public Future<JsonArray> scopesOfUser(AuthContext caller, String kind) {
    boolean projects = "projects".equals(kind);
    return assignments.targetsOfUser(caller.userId(), projects ? "project" : "domain").compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(new JsonArray());
      }
      Table t = projects ? Tables.PROJECTS : Tables.DOMAINS;
      return t.list(db, new JsonObject(), baseUrl, List.of("id = ANY($1)", "enabled"), List.<Object>of((Object) ids.toArray(String[]::new)))
        .map(list -> decorate(t, list));
    });
  }

  // ---- generic collections ------------------------------------------------------------

  @Override
  public Future<JsonObject> create(AuthContext caller, String collection, JsonObject original) {
    return guarded(() -> {
      Table t = table(collection);
      String rule = "identity:create_" + t.member;
      if (!caller.isSystemAdmin() && caller.domainId() == null) {
        throw Policy.denied(rule); // every create rule needs a system admin or a domain admin
      }
      JsonObject body = original.copy();
      if (caller.domainId() != null && body.getValue("domain_id") == null && DOMAIN_OWNED.contains(collection)) {
        body.put("domain_id", caller.domainId()); // as in Keystone: a domain-scoped token creates in its domain
      }
      Map<String, Object> values = t.updatableValues(body);
      values.put("id", "regions".equals(collection) && body.getString("id") != null
        ? checkedRegionId(body.getString("id")) : Catalog.newId());
      Future<Map<String, Object>> prepared = switch (collection) {
        case "domains", "roles", "groups" -> Future.succeededFuture(named(values, collection, body));
        case "projects" -> prepareProject(values, body);
        case "users" -> prepareUser(values, body);
        case "services" -> {
          Json.string(body, "type");
          yield Future.succeededFuture(values);
        }
        case "endpoints" -> Future.succeededFuture(prepareEndpoint(values, body));
        case "registered_limits", "limits" -> prepareLimit(values, body, collection);
        default -> Future.succeededFuture(values);
      };
      return prepared
        .compose(v -> POLICY.authorize(caller, rule, DOMAIN_OWNED.contains(collection)
          ? Target.domain((String) v.get("domain_id")) : Target.none()).map(v))
        .compose(v -> t.insert(db, v, baseUrl))
        .map(created -> decorate(t, created))
        .onSuccess(created -> publish(t, created, "created"));
    });
  }

  /** Keystone's limits: user and role names up to 255 characters, the others up to 64. */
  private static int maxNameLength(String collection) {
    return "users".equals(collection) || "roles".equals(collection) ? 255 : 64;
  }

  private Map<String, Object> named(Map<String, Object> values, String collection, JsonObject body) {
    String name = Json.string(body, "name").trim();
    if (name.isEmpty() || name.length() > maxNameLength(collection)) {
      throw Errors.badRequest("'name' must be 1 to " + maxNameLength(collection) + " characters.");
    }
    values.put("name", name);
    if (!"domains".equals(collection) && !"roles".equals(collection)) {
      values.put("domain_id", body.getString("domain_id", Bootstrap.DEFAULT_DOMAIN));
    } else if ("roles".equals(collection) && body.getString("domain_id") != null) {
      values.put("domain_id", Json.optString(body, "domain_id"));
    }
    if (values.containsKey("tags")) {
      checkTags(values.get("tags"));
    }
    return values;
  }

  private static void checkTags(Object tags) {
    if (tags == null) {
      return;
    }
    if (!(tags instanceof JsonArray a) || a.size() > 80 || a.stream().anyMatch(x -> !(x instanceof String s) || s.isEmpty() || s.length() > 255 || s.contains("/") || s.contains(","))) {
      throw Errors.badRequest("'tags' must be a list of at most 80 non-empty strings without '/' or ','.");
    }
  }

  private static String checkedRegionId(String id) {
    if (id.isBlank() || id.length() > 255) {
      throw Errors.badRequest("Invalid region id.");
    }
    return id;
  }

  private Future<Map<String, Object>> prepareProject(Map<String, Object> values, JsonObject body) {
    named(values, "projects", body);
    if (Boolean.TRUE.equals(Json.optBoolean(body, "is_domain"))) {
      throw Errors.badRequest("Projects acting as domains are not supported; create a domain instead.");
    }
    String parent = Json.optString(body, "parent_id");
    if (parent == null) {
      return Future.succeededFuture(values);
    }
    values.put("parent_id", parent);
    return Tables.PROJECTS.find(db, parent, baseUrl).map(p -> {
      if (p == null) {
        throw Errors.notFound("Could not find project: " + parent + ".");
      }
      if (body.getString("domain_id") == null) {
        values.put("domain_id", p.getString("domain_id"));
      } else if (!p.getString("domain_id").equals(body.getString("domain_id"))) {
        throw Errors.badRequest("A project must be in the same domain as its parent.");
      }
      return values;
    });
  }

  private Future<Map<String, Object>> prepareUser(Map<String, Object> values, JsonObject body) {
    named(values, "users", body);
    String password = Json.optString(body, "password", Passwords.MAX_LENGTH);
    if (password == null) {
      return Future.succeededFuture(values);
    }
    return passwords.hash(password).map(hash -> {
      values.put("password_hash", hash);
      values.put("password_changed_at", java.time.OffsetDateTime.now());
      return values;
    });
  }

  private static Map<String, Object> prepareEndpoint(Map<String, Object> values, JsonObject body) {
    Json.string(body, "service_id");
    String iface = Json.string(body, "interface");
    if (!Set.of("public", "internal", "admin").contains(iface)) {
      throw Errors.badRequest("'interface' must be public, internal or admin.");
    }
    Json.string(body, "url");
    if (body.getString("region") != null && body.getString("region_id") == null) {
      values.put("region_id", body.getString("region"));
    }
    return values;
  }

  private Future<Map<String, Object>> prepareLimit(Map<String, Object> values, JsonObject body, String collection) {
    boolean registered = "registered_limits".equals(collection);
    String service = Json.string(body, "service_id");
    String resource = Json.string(body, "resource_name");
    Long limit = Json.optLong(body, registered ? "default_limit" : "resource_limit");
    if (limit == null || limit < -1) {
      throw Errors.badRequest("'" + (registered ? "default_limit" : "resource_limit") + "' is required: an integer, -1 for unlimited.");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", values.get("id"));
    row.put("service_id", service);
    row.put("region_id", Json.optString(body, "region_id"));
    row.put("resource_name", resource);
    row.put(registered ? "default_limit" : "resource_limit", limit);
    row.put("description", Json.optString(body, "description", 65535));
    if (registered) {
      return Future.succeededFuture(row);
    }
    String project = Json.optString(body, "project_id");
    String domain = Json.optString(body, "domain_id");
    if ((project == null) == (domain == null)) {
      throw Errors.badRequest("A limit needs exactly one of project_id and domain_id.");
    }
    row.put("project_id", project);
    row.put("domain_id", domain);
    return db.preparedQuery("SELECT 1 FROM registered_limits WHERE service_id = $1 AND resource_name = $2")
      .execute(Tuple.of(service, resource)).map(rs -> {
        if (rs.size() == 0) {
          throw Errors.forbidden("No registered limit exists for service " + service + " and resource " + resource + ".");
        }
        return row;
      });
  }

  @Override
  public Future<JsonObject> get(AuthContext caller, String collection, String id) {
    return guarded(() -> {
      Table t = table(collection);
      return t.get(db, id, baseUrl).compose(found -> targetOf(collection, found)
        .compose(target -> POLICY.authorize(caller, "identity:get_" + t.member, target))
        .map(v -> decorate(t, found)));
    });
  }

  /** The policy target of a stored row: its domain, project and user, and the cloud's own rows flagged. */
  private Future<Target> targetOf(String collection, JsonObject found) {
    String id = found.getString("id");
    return switch (collection) {
      case "domains" -> Future.succeededFuture(Target.domain(id));
      case "projects" -> Future.succeededFuture(Target.project(id, found.getString("domain_id"))
        .flag("cloud_project", CloudGuards.cloudProject(id)));
      case "users" -> guards.actorFacts("user", id).map(facts -> Target.user(id, found.getString("domain_id"))
        .flag("cloud_user", facts.getBoolean("cloud")).flag("service_user", facts.getBoolean("service")));
      case "groups" -> guards.actorFacts("group", id).map(facts -> Target.domain(found.getString("domain_id"))
        .flag("cloud_user", facts.getBoolean("cloud")));
      case "limits" -> found.getString("project_id") == null
        ? Future.succeededFuture(Target.domain(found.getString("domain_id")))
        : Tables.PROJECTS.find(db, found.getString("project_id"), baseUrl).map(p ->
          Target.project(found.getString("project_id"), p == null ? null : p.getString("domain_id")));
      default -> Future.succeededFuture(Target.none());
    };
  }

  @Override
  public Future<JsonArray> list(AuthContext caller, String collection, JsonObject query) {
    return guarded(() -> {
      Table t = table(collection);
      String rule = "identity:list_" + collection;
      List<String> where = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      if (!POLICY.allowed(caller, rule, Target.none())) {
        // Not a system reader: a domain reader sees its own domain, a project reader its project's limits.
        if (caller.domainId() != null && POLICY.allowed(caller, rule, Target.domain(caller.domainId()))) {
          args.add(caller.domainId());
          where.add(switch (collection) {
            case "domains" -> "id = $1";
            case "limits" -> "(domain_id = $1 OR project_id IN (SELECT id FROM projects WHERE domain_id = $1))";
            default -> "domain_id = $1";
          });
        } else if ("limits".equals(collection) && caller.projectId() != null
          && POLICY.allowed(caller, rule, Target.project(caller.projectId(), caller.projectDomainId()))) {
          args.add(caller.projectId());
          where.add("project_id = $1");
        } else {
          throw Policy.denied(rule);
        }
      }
      JsonObject filters = query.copy();
      if ("endpoints".equals(collection) && filters.containsKey("region")) {
        filters.put("region_id", filters.remove("region"));
      }
      if ("services".equals(collection) && filters.containsKey("service")) {
        filters.put("type", filters.remove("service"));
      }
      return t.list(db, filters, baseUrl, where, args).map(list -> decorate(t, list));
    });
  }

  @Override
  public Future<JsonObject> update(AuthContext caller, String collection, String id, JsonObject body) {
    return guarded(() -> {
      Table t = table(collection);
      Map<String, Object> values = t.updatableValues(body);
      if (values.containsKey("name")) {
        String name = String.valueOf(values.get("name")).trim();
        if (name.isEmpty() || name.length() > maxNameLength(collection)) {
          throw Errors.badRequest("'name' must be 1 to " + maxNameLength(collection) + " characters.");
        }
      }
      if (values.containsKey("tags")) {
        checkTags(values.get("tags"));
      }
      if ("endpoints".equals(collection) && body.getString("region") != null && !values.containsKey("region_id")) {
        values.put("region_id", body.getString("region"));
      }
      String password = "users".equals(collection) ? Json.optString(body, "password", Passwords.MAX_LENGTH) : null;
      boolean disabling = Boolean.FALSE.equals(values.get("enabled"));
      return t.get(db, id, baseUrl).compose(found -> targetOf(collection, found)).compose(target -> {
        POLICY.check(caller, "identity:update_" + t.member, target);
        if (disabling) {
          checkRemovable(caller, collection, id, target, "disable");
        }
        Future<Map<String, Object>> prepared = Future.succeededFuture(values);
        if (password != null) {
          prepared = passwords.hash(password).map(hash -> {
            values.put("password_hash", hash);
            values.put("password_changed_at", java.time.OffsetDateTime.now());
            return values;
          });
        }
        return prepared;
      }).compose(v -> disabling
          ? guards.keepingASystemAdmin(tx -> t.update(tx, id, v, baseUrl))
          : t.update(db, id, v, baseUrl))
        .compose(updated -> revokeAfterUpdate(collection, id, disabling || password != null).map(updated))
        .map(updated -> decorate(t, updated))
        .onSuccess(updated -> publish(t, updated, "updated"));
    });
  }

  /**
   * Disabling or deleting a user or domain: never one's own user or domain (that is how a
   * cloud locks itself out), and the services' own users only with a system-scoped token, an
   * explicit operator action rather than a click with the admin project's token.
   */
  private static void checkRemovable(AuthContext caller, String collection, String id, Target target, String verb) {
    if ("users".equals(collection) && id.equals(caller.userId())) {
      throw Errors.forbidden("You cannot " + verb + " your own user.");
    }
    if ("domains".equals(collection) && id.equals(caller.userDomainId())) {
      throw Errors.forbidden("You cannot " + verb + " the domain of your own user.");
    }
    if (target.is("service_user")) {
      POLICY.check(caller, "identity:disable_service_user", target);
    }
  }

  private Future<Void> revokeAfterUpdate(String collection, String id, boolean revoke) {
    if (!revoke) {
      return Future.succeededFuture();
    }
    return switch (collection) {
      case "users" -> revoker.user(id);
      case "projects" -> revoker.project(id);
      case "domains" -> revoker.domain(id);
      default -> Future.succeededFuture();
    };
  }

  @Override
  public Future<Void> delete(AuthContext caller, String collection, String id) {
    return guarded(() -> {
      Table t = table(collection);
      return t.get(db, id, baseUrl).compose(found -> targetOf(collection, found).compose(target -> {
        POLICY.check(caller, "identity:delete_" + t.member, target);
        checkRemovable(caller, collection, id, target, "delete");
        switch (collection) {
          case "domains" -> {
            if (Bootstrap.DEFAULT_DOMAIN.equals(id)) {
              throw Errors.forbidden("The default domain cannot be deleted.");
            }
            if (found.getBoolean("enabled")) {
              throw Errors.forbidden("Cannot delete a domain that is enabled, please disable it first.");
            }
          }
          case "roles" -> {
            if (BUILTIN_ROLES.contains(found.getString("name")) && found.getString("domain_id") == null) {
              throw Errors.forbidden("The default roles admin, member and reader cannot be deleted.");
            }
          }
          case "projects" -> {
            if (CloudGuards.cloudProject(id)) {
              throw Errors.forbidden("The admin and service projects cannot be deleted.");
            }
          }
          default -> {
          }
        }
        // A deleted group's members lose what it granted: list them before the rows go.
        Future<List<String>> members = "groups".equals(collection) ? groupMembers(id) : Future.succeededFuture(List.of());
        return members.compose(users -> guards.keepingASystemAdmin(tx -> cleanUpReferences(tx, collection, id).compose(v -> t.delete(tx, id)))
          .compose(v -> switch (collection) {
            case "users" -> revoker.user(id);
            case "projects" -> revoker.project(id);
            case "domains" -> revoker.domain(id);
            case "groups" -> revokeUsers(users);
            default -> Future.<Void>succeededFuture();
          }))
          .onSuccess(v -> publish(t, found, "deleted"));
      }));
    });
  }

  private Future<List<String>> groupMembers(String groupId) {
    return db.preparedQuery("SELECT user_id FROM group_members WHERE group_id = $1").execute(Tuple.of(groupId)).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString("user_id")));
      return ids;
    });
  }

  private Future<Void> revokeUsers(List<String> userIds) {
    Future<Void> chain = Future.succeededFuture();
    for (String userId : userIds) {
      chain = chain.compose(v -> revoker.user(userId));
    }
    return chain;
  }

  /** Assignments name their actor and target without foreign keys; they go with what they name. */
  private static Future<Void> cleanUpReferences(io.vertx.sqlclient.SqlConnection tx, String collection, String id) {
    return switch (collection) {
      case "users", "groups" -> tx.preparedQuery("DELETE FROM assignments WHERE actor_type = $1 AND actor_id = $2")
        .execute(Tuple.of("users".equals(collection) ? "user" : "group", id)).mapEmpty();
      case "projects" -> tx.preparedQuery("DELETE FROM assignments WHERE target_type = 'project' AND target_id = $1")
        .execute(Tuple.of(id)).mapEmpty();
      case "domains" -> deleteDomainContents(tx, id);
      default -> Future.succeededFuture();
    };
  }

  /** As in Keystone, a (disabled) domain goes with its projects, users, groups, roles and their grants. */
  private static Future<Void> deleteDomainContents(io.vertx.sqlclient.SqlConnection tx, String domainId) {
    Tuple d = Tuple.of(domainId);
    return tx.preparedQuery("""
        DELETE FROM assignments WHERE (target_type = 'domain' AND target_id = $1)
          OR (target_type = 'project' AND target_id IN (SELECT id FROM projects WHERE domain_id = $1))
          OR (actor_type = 'user' AND actor_id IN (SELECT id FROM users WHERE domain_id = $1))
          OR (actor_type = 'group' AND actor_id IN (SELECT id FROM groups WHERE domain_id = $1))""").execute(d)
      .compose(v -> tx.preparedQuery("DELETE FROM projects WHERE domain_id = $1").execute(d))
      .compose(v -> tx.preparedQuery("DELETE FROM users WHERE domain_id = $1").execute(d))
      .compose(v -> tx.preparedQuery("DELETE FROM groups WHERE domain_id = $1").execute(d))
      .compose(v -> tx.preparedQuery("DELETE FROM roles WHERE domain_id = $1").execute(d))
      .mapEmpty();
  }

  /** Fields Keystone always shows that are not columns here. */
  private static JsonObject decorate(Table t, JsonObject r) {
    switch (t.collection) {
      // Keystone shows a top-level project's domain as its parent.
      case "projects" -> r.put("is_domain", false).put("options", new JsonObject())
        .put("parent_id", r.getString("parent_id") != null ? r.getString("parent_id") : r.getString("domain_id"));
      case "users" -> r.put("password_expires_at", (Object) null).put("options", new JsonObject());
      case "domains", "roles" -> r.put("options", new JsonObject());
      case "endpoints" -> r.put("region", r.getString("region_id"));
      case "regions" -> r.put("parent_region_id", r.getString("parent_region_id"));
      default -> {
      }
    }
    return r;
  }

  private static JsonArray decorate(Table t, JsonArray list) {
    list.forEach(o -> decorate(t, (JsonObject) o));
    return list;
  }

  private void publish(Table t, JsonObject resource, String action) {
    String project = switch (t.collection) {
      case "projects" -> resource.getString("id");
      case "limits" -> resource.getString("project_id");
      default -> null;
    };
    ResourceEvents.publish(vertx, project, "identity." + t.member, resource.getString("id"), action, resource);
  }

  // ---- assignments and memberships ----------------------------------------------------

  @Override
  public Future<Void> grant(AuthContext caller, String action, JsonObject a) {
    return guarded(() -> {
      String rule = switch (action) {
        case "grant" -> "identity:create_grant";
        case "revoke" -> "identity:revoke_grant";
        case "check" -> "identity:check_grant";
        default -> throw Errors.badRequest("Unknown action " + action + ".");
      };
      return grantTarget(a).compose(target -> POLICY.authorize(caller, rule, target)).compose(allowed -> switch (action) {
        case "grant" -> assignments.grant(a).onSuccess(v -> publishAssignment(a, "created"));
        case "revoke" -> guards.keepingASystemAdmin(tx -> assignments.revoke(tx, a)).compose(removed -> {
          if (!removed) {
            return Future.failedFuture(Errors.notFound("Could not find role assignment."));
          }
          publishAssignment(a, "deleted");
          return revokeActor(a.getString("actor_type"), a.getString("actor_id"));
        });
        default -> assignments.exists(a).compose(found -> found ? Future.<Void>succeededFuture()
          : Future.failedFuture(Errors.notFound("Could not find role assignment.")));
      });
    });
  }

  /**
   * The policy target of a grant: the target's domain (and project), the actor's domain, and
   * whether it touches the cloud itself (the system scope, the admin or services' project, an
   * actor that holds such roles). Unknown actors or targets give a target no domain admin
   * matches; a system admin then gets the 404.
   */
  private Future<Target> grantTarget(JsonObject a) {
    String targetType = a.getString("target_type");
    String targetId = a.getString("target_id");
    Future<Target> target = switch (targetType) {
      case "project" -> Tables.PROJECTS.find(db, targetId, baseUrl).map(p -> Target.project(targetId, p == null ? null : p.getString("domain_id"))
        .flag("cloud_project", CloudGuards.cloudProject(targetId)));
      case "domain" -> Future.succeededFuture(Target.domain(targetId));
      default -> Future.succeededFuture(Target.none().flag("system_grant", true));
    };
    Table actorTable = "user".equals(a.getString("actor_type")) ? Tables.USERS : Tables.GROUPS;
    return target.compose(t -> actorTable.find(db, a.getString("actor_id"), baseUrl)
      .compose(actor -> guards.actorFacts(a.getString("actor_type"), a.getString("actor_id")).map(facts -> t
        .with("actor_domain_id", actor == null ? null : actor.getString("domain_id"))
        .flag("cloud_project", t.is("cloud_project") || facts.getBoolean("cloud")))));
  }

  private void publishAssignment(JsonObject a, String action) {
    String project = "project".equals(a.getString("target_type")) ? a.getString("target_id") : null;
    String id = a.getString("actor_id") + ":" + a.getString("target_id") + ":" + a.getString("role_id");
    ResourceEvents.publish(vertx, project, "identity.role_assignment", id, action, a);
  }

  /** Losing a role ends the tokens that carried it: every token of the user (or group members). */
  private Future<Void> revokeActor(String actorType, String actorId) {
    if ("user".equals(actorType)) {
      return revoker.user(actorId);
    }
    return db.preparedQuery("SELECT user_id FROM group_members WHERE group_id = $1").execute(Tuple.of(actorId))
      .compose(rows -> {
        Future<Void> chain = Future.succeededFuture();
        for (var r : rows) {
          chain = chain.compose(v -> revoker.user(r.getString("user_id")));
        }
        return chain;
      });
  }

  @Override
  public Future<JsonArray> listGrants(AuthContext caller, JsonObject a) {
    return guarded(() -> {
      return grantTarget(a).compose(target -> POLICY.authorize(caller, "identity:list_grants", target))
        .compose(v -> assignments.checkExistsTarget(a)).compose(v -> assignments.granted(a, baseUrl));
    });
  }

  @Override
  public Future<JsonArray> roleAssignments(AuthContext caller, JsonObject query) {
    return guarded(() -> {
      String rule = "identity:list_role_assignments";
      if (POLICY.allowed(caller, rule, Target.user(query.getString("user.id"), null))) {
        return roleAssignments.run(query, baseUrl, null); // a system reader, or a user asking about itself
      }
      if (caller.domainId() != null && POLICY.allowed(caller, rule, Target.domain(caller.domainId()))) {
        return roleAssignments.run(query, baseUrl, caller.domainId()); // a domain reader: its domain and its projects
      }
      throw Policy.denied(rule);
    });
  }

  @Override
  public Future<JsonArray> roleInferences(AuthContext caller, String priorRoleId) {
    return guarded(() -> {
      POLICY.check(caller, "identity:list_role_inference_rules", Target.none());
      Future<?> exists = priorRoleId == null ? Future.succeededFuture() : Tables.ROLES.get(db, priorRoleId, baseUrl);
      return exists.compose(v -> db.preparedQuery("""
          SELECT p.id AS prior_id, p.name AS prior_name, i.id AS implied_id, i.name AS implied_name
          FROM implied_roles ir JOIN roles p ON p.id = ir.prior_role_id JOIN roles i ON i.id = ir.implied_role_id
          WHERE $1::text IS NULL OR p.id = $1 ORDER BY p.name, i.name""").execute(Tuple.of(priorRoleId)))
        .map(rows -> {
          Map<String, JsonObject> byPrior = new LinkedHashMap<>();
          rows.forEach(r -> byPrior.computeIfAbsent(r.getString("prior_id"), id -> new JsonObject()
              .put("prior_role", roleRef(id, r.getString("prior_name"))).put("implies", new JsonArray()))
            .getJsonArray("implies").add(roleRef(r.getString("implied_id"), r.getString("implied_name"))));
          return new JsonArray(new ArrayList<>(byPrior.values()));
        });
    });
  }

  private JsonObject roleRef(String id, String name) {
    return new JsonObject().put("id", id).put("name", name).put("links", new JsonObject().put("self", baseUrl + "/v3/roles/" + id));
  }

  @Override
  public Future<JsonObject> impliedRole(AuthContext caller, String action, String priorRoleId, String impliedRoleId) {
    return guarded(() -> {
      POLICY.check(caller, switch (action) {
        case "add" -> "identity:create_implied_role";
        case "remove" -> "identity:delete_implied_role";
        default -> "identity:check_implied_role";
      }, Target.none());
      Tuple key = Tuple.of(priorRoleId, impliedRoleId);
      return Tables.ROLES.get(db, priorRoleId, baseUrl).compose(prior -> Tables.ROLES.get(db, impliedRoleId, baseUrl).compose(implied -> {
        if (priorRoleId.equals(impliedRoleId)) {
          return Future.failedFuture(Errors.badRequest("A role cannot imply itself."));
        }
        JsonObject rule = new JsonObject().put("prior_role", roleRef(priorRoleId, prior.getString("name")))
          .put("implies", roleRef(impliedRoleId, implied.getString("name")));
        return switch (action) {
          case "add" -> db.preparedQuery("INSERT INTO implied_roles (prior_role_id, implied_role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .execute(key).map(rule);
          case "remove" -> db.preparedQuery("DELETE FROM implied_roles WHERE prior_role_id = $1 AND implied_role_id = $2").execute(key)
            .compose(rs -> rs.rowCount() == 0 ? Future.failedFuture(Errors.notFound("Could not find implied role rule."))
              : Future.succeededFuture(rule));
          default -> db.preparedQuery("SELECT 1 FROM implied_roles WHERE prior_role_id = $1 AND implied_role_id = $2").execute(key)
            .compose(rs -> rs.size() == 0 ? Future.failedFuture(Errors.notFound("Could not find implied role rule."))
              : Future.succeededFuture(rule));
        };
      }));
    });
  }

  @Override
  public Future<Void> groupMember(AuthContext caller, String action, String groupId, String userId) {
    return guarded(() -> {
      String rule = switch (action) {
        case "add" -> "identity:add_user_to_group";
        case "remove" -> "identity:remove_user_from_group";
        default -> "identity:check_user_in_group";
      };
      return Tables.GROUPS.get(db, groupId, baseUrl).compose(g -> Tables.USERS.get(db, userId, baseUrl)
        .compose(u -> guards.actorFacts("group", groupId).compose(groupFacts -> guards.actorFacts("user", userId)
          .compose(userFacts -> POLICY.authorize(caller, rule, Target.domain(g.getString("domain_id"))
            .with("actor_domain_id", u.getString("domain_id"))
            .flag("cloud_user", groupFacts.getBoolean("cloud") || userFacts.getBoolean("cloud")))))))
        .compose(u -> switch (action) {
        case "add" -> db.preparedQuery("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
          .execute(Tuple.of(groupId, userId)).<Void>mapEmpty();
        case "remove" -> guards.keepingASystemAdmin(tx -> tx.preparedQuery("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .execute(Tuple.of(groupId, userId)))
          .compose(rs -> rs.rowCount() == 0 ? Future.<Void>failedFuture(Errors.notFound("User " + userId + " is not in group " + groupId + "."))
            : revoker.user(userId));
        default -> db.preparedQuery("SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2").execute(Tuple.of(groupId, userId))
          .compose(rs -> rs.size() > 0 ? Future.<Void>succeededFuture()
            : Future.failedFuture(Errors.notFound("User " + userId + " is not in group " + groupId + ".")));
      });
    });
  }

  @Override
  public Future<JsonArray> memberships(AuthContext caller, String kind, String id) {
    return guarded(() -> {
      boolean usersOfGroup = "group-users".equals(kind);
      Table parent = usersOfGroup ? Tables.GROUPS : Tables.USERS;
      Table listed = usersOfGroup ? Tables.USERS : Tables.GROUPS;
      String condition = usersOfGroup
        ? "id IN (SELECT user_id FROM group_members WHERE group_id = $1)"
        : "id IN (SELECT group_id FROM group_members WHERE user_id = $1)";
      return parent.get(db, id, baseUrl)
        .compose(p -> POLICY.authorize(caller, usersOfGroup ? "identity:list_users_in_group" : "identity:list_groups_for_user",
          usersOfGroup ? Target.domain(p.getString("domain_id")) : Target.user(id, p.getString("domain_id"))))
        .compose(p -> listed.list(db, new JsonObject(), baseUrl, List.of(condition), List.of(id)))
        .map(list -> decorate(listed, list));
    });
  }

  @Override
  public Future<JsonArray> projectsOfUser(AuthContext caller, String userId) {
    return guarded(() -> {
      return Tables.USERS.get(db, userId, baseUrl)
        .compose(u -> POLICY.authorize(caller, "identity:list_user_projects", Target.user(userId, u.getString("domain_id"))))
        .compose(u -> assignments.targetsOfUser(userId, "project"))
        .compose(ids -> Tables.PROJECTS.list(db, new JsonObject(), baseUrl, List.of("id = ANY($1)"), List.<Object>of((Object) ids.toArray(String[]::new))))
        .map(list -> decorate(Tables.PROJECTS, list));
    });
  }

  @Override
  public Future<Void> changePassword(String userId, String originalPassword, String newPassword) {
    return guarded(() -> {
      if (originalPassword == null || newPassword == null) {
        throw Errors.badRequest("'original_password' and 'password' are required.");
      }
      if (newPassword.isEmpty() || newPassword.length() > Passwords.MAX_LENGTH) {
        throw Errors.badRequest("The new password must be 1 to " + Passwords.MAX_LENGTH + " characters.");
      }
      JsonObject check = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
        .put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("id", userId).put("password", originalPassword))))
        .put("scope", "unscoped"));
      return authenticator.issue(check)
        .compose(ok -> passwords.hash(newPassword))
        .compose(hash -> db.preparedQuery("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1")
          .execute(Tuple.of(userId, hash)))
        .compose(v -> revoker.user(userId))
        .onSuccess(v -> ResourceEvents.publish(vertx, null, "identity.user", userId, "password_changed", new JsonObject().put("id", userId)));
    });
  }

  // ---- application credentials ----------------------------------------------------------

  @Override
  public Future<JsonObject> createApplicationCredential(AuthContext caller, String userId, JsonObject body) {
    return guarded(() -> {
      POLICY.check(caller, "identity:create_application_credential", Target.user(userId, null));
      caller.requireProjectScope();
      if (caller.toJson().containsKey("application_credential")) {
        throw Errors.forbidden("An application credential cannot create another one.");
      }
      String name = Json.string(body, "name");
      String secret = Json.optString(body, "secret", Passwords.MAX_LENGTH);
      String theSecret = secret != null ? secret : Passwords.randomSecret() + Passwords.randomSecret();
      JsonArray roles = pickRoles(caller, Json.optArray(body, "roles"));
      String expires = Json.optString(body, "expires_at");
      java.time.OffsetDateTime expiresAt = null;
      if (expires != null) {
        try {
          expiresAt = java.time.OffsetDateTime.parse(expires.endsWith("Z") || expires.matches(".*[+-]\\d\\d:\\d\\d$") ? expires : expires + "Z");
        } catch (java.time.format.DateTimeParseException e) {
          throw Errors.badRequest("'expires_at' must be an ISO 8601 time.");
        }
      }
      boolean unrestricted = Boolean.TRUE.equals(Json.optBoolean(body, "unrestricted"));
      String id = Catalog.newId();
      java.time.OffsetDateTime expiry = expiresAt;
      return passwords.hash(theSecret).compose(hash -> db.preparedQuery(
            "INSERT INTO application_credentials (id, name, user_id, project_id, secret_hash, description, expires_at, unrestricted, roles) "
              + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
          .execute(Tuple.of(id, name, userId, caller.projectId(), hash, body.getString("description", ""))
            .addOffsetDateTime(expiry).addBoolean(unrestricted).addValue(roles))
          .recover(err -> Tables.USERS.translate(err)))
        .compose(v -> getApplicationCredential(caller, userId, id))
        .map(cred -> cred.put("secret", theSecret));
    });
  }

  private static JsonArray pickRoles(AuthContext caller, JsonArray requested) {
    if (requested == null || requested.isEmpty()) {
      return caller.roles().copy();
    }
    JsonArray out = new JsonArray();
    for (Object o : requested) {
      if (!(o instanceof JsonObject r)) {
        throw Errors.badRequest("'roles' must be a list of {\"id\"} or {\"name\"} objects.");
      }
      JsonObject held = caller.roles().stream().map(x -> (JsonObject) x)
        .filter(x -> x.getString("id").equals(r.getString("id")) || x.getString("name").equals(r.getString("name")))
        .findFirst().orElseThrow(() -> Errors.forbidden("An application credential can only hold roles its user holds on the project."));
      out.add(held);
    }
    return out;
  }

  @Override
  public Future<JsonArray> listApplicationCredentials(AuthContext caller, String userId, JsonObject query) {
    return guarded(() -> {
      POLICY.check(caller, "identity:list_application_credentials", Target.user(userId, null));
      String name = query.getString("name");
      return db.preparedQuery("SELECT * FROM application_credentials WHERE user_id = $1 AND ($2::text IS NULL OR name = $2) ORDER BY name")
        .execute(Tuple.of(userId, name)).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(renderCredential(r)));
          return out;
        });
    });
  }

  @Override
  public Future<JsonObject> getApplicationCredential(AuthContext caller, String userId, String id) {
    return guarded(() -> {
      POLICY.check(caller, "identity:get_application_credential", Target.user(userId, null));
      return db.preparedQuery("SELECT * FROM application_credentials WHERE user_id = $1 AND id = $2").execute(Tuple.of(userId, id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Errors.notFound("Could not find application credential: " + id + ".");
          }
          return renderCredential(rows.iterator().next());
        });
    });
  }

  @Override
  public Future<Void> deleteApplicationCredential(AuthContext caller, String userId, String id) {
    return guarded(() -> {
      POLICY.check(caller, "identity:delete_application_credential", Target.user(userId, null));
      return db.preparedQuery("DELETE FROM application_credentials WHERE user_id = $1 AND id = $2").execute(Tuple.of(userId, id))
        .compose(rows -> rows.rowCount() == 0
          ? Future.<Void>failedFuture(Errors.notFound("Could not find application credential: " + id + "."))
          : revoker.user(userId));
    });
  }

  private JsonObject renderCredential(io.vertx.sqlclient.Row r) {
    java.time.OffsetDateTime expires = r.getOffsetDateTime("expires_at");
    return new JsonObject()
      .put("id", r.getString("id"))
      .put("name", r.getString("name"))
      .put("description", r.getString("description"))
      .put("user_id", r.getString("user_id"))
      .put("project_id", r.getString("project_id"))
      .put("expires_at", expires == null ? null : TokenIssuer.format(expires.toInstant()))
      .put("unrestricted", r.getBoolean("unrestricted"))
      .put("roles", r.getValue("roles"))
      .put("access_rules", new JsonArray())
      .put("links", new JsonObject().put("self", baseUrl + "/v3/users/" + r.getString("user_id") + "/application_credentials/" + r.getString("id")));
  }

  // ---- service accounts -----------------------------------------------------------------

  @Override
  public Future<JsonObject> serviceToken(String serviceName) {
    JsonObject cached = serviceTokens.get(serviceName);
    if (cached != null && Instant.parse(cached.getString("expires_at")).isAfter(Instant.now().plusSeconds(300))) {
      return Future.succeededFuture(cached);
    }
    if (serviceName == null || !serviceName.matches("[a-z][a-z0-9-]{1,31}")) {
      return Future.failedFuture(Errors.badRequest("Invalid service name."));
    }
    String userId = "svc" + Catalog.newId().substring(0, 8);
    return passwords.hash(Passwords.randomSecret())
      .compose(hash -> db.withTransaction(tx -> tx.preparedQuery(
            "INSERT INTO users (id, name, domain_id, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
          .execute(Tuple.of(userId, serviceName, Bootstrap.DEFAULT_DOMAIN, hash))
          .compose(v -> tx.preparedQuery("SELECT id FROM users WHERE domain_id = $1 AND lower(name) = lower($2)")
            .execute(Tuple.of(Bootstrap.DEFAULT_DOMAIN, serviceName)))
          .compose(rows -> {
            String id = rows.iterator().next().getString("id");
            return tx.preparedQuery("INSERT INTO assignments (actor_type, actor_id, target_type, target_id, role_id) "
                + "VALUES ('user', $1, 'project', md5('project-service'), md5('role-admin')) ON CONFLICT DO NOTHING")
              .execute(Tuple.of(id)).map(id);
          })))
      .compose(id -> authenticator.loadUser("u.id = $1", Tuple.of(id)))
      .compose(user -> assignments.effectiveRoles(user.getString("id"), "project", Catalog.md5Id("project-service"))
        .map(roles -> {
          JsonObject tokenUser = new JsonObject().put("id", user.getString("id")).put("name", user.getString("name"))
            .put("domain", new JsonObject().put("id", user.getString("domain_id")).put("name", user.getString("domain_name")))
            .put("password_expires_at", (Object) null);
          JsonObject scope = new JsonObject().put("project", new JsonObject().put("id", Catalog.md5Id("project-service"))
            .put("name", Bootstrap.SERVICE_PROJECT)
            .put("domain", new JsonObject().put("id", Bootstrap.DEFAULT_DOMAIN).put("name", "Default")));
          JsonObject issued = issuer.issue(tokenUser, new JsonArray().add("password"), scope, roles, null, null, null);
          JsonObject result = new JsonObject().put("token", issued.getString("token"))
            .put("project_id", Catalog.md5Id("project-service"))
            .put("expires_at", Instant.parse(issued.getJsonObject("body").getString("expires_at")).toString());
          serviceTokens.put(serviceName, result);
          return result;
        }));
  }
}
