package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * OS-TRUST: a trustor delegates some of its roles on a project to a trustee. The trustee then
 * gets trust-scoped tokens ({@link Authenticator}) carrying those roles only, acting as the
 * trustor when the trust impersonates. A trust dies with its expiry, its uses, its deletion, or
 * either user; deleting it revokes the tokens issued under it.
 */
final class Trusts implements Extension {

  private static final Policy POLICY = IdentityPolicy.RULES;
  private static final String LIVE = "(expires_at IS NULL OR expires_at > now()) AND (remaining_uses IS NULL OR remaining_uses > 0)";

  private final Pool db;
  private final Assignments assignments;
  private final Revoker revoker;
  private final String baseUrl;

  Trusts(Pool db, Assignments assignments, Revoker revoker, String baseUrl) {
    this.db = db;
    this.assignments = assignments;
    this.revoker = revoker;
    this.baseUrl = baseUrl;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    String id = req.param("id");
    return switch (action) {
      case "create" -> create(caller, req.member("trust"));
      case "list" -> list(caller, req.query());
      case "get" -> readable(caller, id).map(t -> Extension.ok(new JsonObject().put("trust", render(t))));
      case "delete" -> live(id).compose(t -> {
        POLICY.check(caller, "identity:delete_trust", Target.user(t.getString("trustor_user_id"), null));
        return db.preparedQuery("DELETE FROM trusts WHERE id = $1").execute(Tuple.of(id))
          .compose(v -> revoker.trust(id))
          .map(v -> Extension.noContent());
      });
      case "list_roles" -> readable(caller, id).map(t -> Extension.ok(new JsonObject()
        .put("roles", roles(t)).put("links", (Object) null)));
      case "get_role" -> readable(caller, id).map(t -> {
        String roleId = req.param("role");
        JsonObject role = roles(t).stream().map(o -> (JsonObject) o).filter(r -> r.getString("id").equals(roleId)).findFirst()
          .orElseThrow(() -> Errors.notFound("Could not find role " + roleId + " in trust " + id + "."));
        return Extension.ok(new JsonObject().put("role", role));
      });
      default -> throw Extension.unknownAction(action);
    };
  }

  private Future<JsonObject> create(AuthContext caller, JsonObject body) {
    String trustor = Json.string(body, "trustor_user_id");
    String trustee = Json.string(body, "trustee_user_id");
    POLICY.check(caller, "identity:create_trust", Target.user(trustor, null));
    Boolean impersonation = Json.optBoolean(body, "impersonation");
    if (impersonation == null) {
      throw Errors.badRequest("'impersonation' is a required property.");
    }
    String projectId = Json.optString(body, "project_id");
    OffsetDateTime expiresAt = expiry(Json.optString(body, "expires_at"));
    Long uses = Json.optLong(body, "remaining_uses");
    if (uses != null && uses < 1) {
      throw Errors.badRequest("'remaining_uses' must be a positive integer or null.");
    }
    boolean redelegation = Boolean.TRUE.equals(Json.optBoolean(body, "allow_redelegation"));
    JsonArray wanted = Json.optArray(body, "roles");
    if (wanted != null && !wanted.isEmpty() && projectId == null) {
      throw Errors.badRequest("Roles can only be delegated on a project.");
    }
    if (caller.toJson().containsKey("OS-TRUST:trust")) {
      throw Errors.forbidden("A trust-scoped token cannot create a trust.");
    }
    Future<JsonArray> held = projectId == null ? Future.succeededFuture(new JsonArray())
      : Tables.PROJECTS.get(db, projectId, baseUrl).compose(p -> assignments.effectiveRoles(trustor, "project", projectId));
    return Tables.USERS.get(db, trustee, baseUrl)
      .compose(u -> held)
      .map(roles -> delegated(roles, wanted))
      .compose(roles -> db.preparedQuery("INSERT INTO trusts (id, trustor_user_id, trustee_user_id, project_id, impersonation, "
          + "expires_at, remaining_uses, allow_redelegation, roles) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *")
        .execute(Tuple.of(Catalog.newId(), trustor, trustee, projectId, impersonation, expiresAt)
          .addValue(uses == null ? null : uses.intValue()).addBoolean(redelegation).addValue(roles)))
      .map(rows -> Extension.created(new JsonObject().put("trust", render(rows.iterator().next()))));
  }

  /** The roles asked for (by id or name), each one the trustor holds on the project; else 403. */
  private static JsonArray delegated(JsonArray held, JsonArray wanted) {
    JsonArray out = new JsonArray();
    if (wanted == null) {
      return out;
    }
    for (Object o : wanted) {
      if (!(o instanceof JsonObject w) || w.getString("id") == null && w.getString("name") == null) {
        throw Errors.badRequest("'roles' must be a list of {\"id\"} or {\"name\"} objects.");
      }
      JsonObject match = held.stream().map(x -> (JsonObject) x)
        .filter(r -> r.getString("id").equals(w.getString("id")) || r.getString("name").equals(w.getString("name")))
        .findFirst().orElseThrow(() -> Errors.forbidden("A trustor can only delegate roles it holds on the project."));
      if (!out.contains(match)) {
        out.add(match);
      }
    }
    return out;
  }

  private static OffsetDateTime expiry(String raw) {
    if (raw == null) {
      return null;
    }
    OffsetDateTime t;
    try {
      t = OffsetDateTime.parse(raw.endsWith("Z") || raw.matches(".*[+-]\\d\\d:\\d\\d$") ? raw : raw + "Z");
    } catch (DateTimeParseException e) {
      throw Errors.badRequest("'expires_at' must be an ISO 8601 time, such as 2030-01-31T12:00:00Z.");
    }
    if (t.toInstant().isBefore(Instant.now())) {
      throw Errors.badRequest("'expires_at' is in the past.");
    }
    return t.withOffsetSameInstant(ZoneOffset.UTC);
  }

  private Future<JsonObject> list(AuthContext caller, JsonObject query) {
    String trustor = query.getString("trustor_user_id");
    String trustee = query.getString("trustee_user_id");
    if (trustor == null && trustee == null) {
      POLICY.check(caller, "identity:list_trusts", Target.none());
    } else {
      if (trustor != null) {
        POLICY.check(caller, "identity:list_trusts_for_trustor", Target.user(trustor, null));
      }
      if (trustee != null) {
        POLICY.check(caller, "identity:list_trusts_for_trustee", Target.user(trustee, null));
      }
    }
    return db.preparedQuery("SELECT * FROM trusts WHERE " + LIVE + " AND ($1::text IS NULL OR trustor_user_id = $1) "
        + "AND ($2::text IS NULL OR trustee_user_id = $2) ORDER BY created_at, id").execute(Tuple.of(trustor, trustee))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(render(r)));
        return Extension.ok(new JsonObject().put("trusts", out).put("links", (Object) null));
      });
  }

  /** A live trust its trustor, its trustee or a system reader may read; 404 for expired ones, as in Keystone. */
  private Future<Row> readable(AuthContext caller, String id) {
    return live(id).map(t -> {
      if (!POLICY.allowed(caller, "identity:get_trust", Target.user(t.getString("trustor_user_id"), null))) {
        POLICY.check(caller, "identity:get_trust", Target.user(t.getString("trustee_user_id"), null));
      }
      return t;
    });
  }

  private Future<Row> live(String id) {
    return db.preparedQuery("SELECT * FROM trusts WHERE id = $1 AND " + LIVE).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Could not find trust: " + id + ".");
      }
      return rows.iterator().next();
    });
  }

  private JsonArray roles(Row t) {
    JsonArray out = new JsonArray();
    ((JsonArray) t.getValue("roles")).forEach(o -> {
      JsonObject r = (JsonObject) o;
      out.add(new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
        .put("domain_id", (Object) null)
        .put("links", new JsonObject().put("self", baseUrl + "/v3/roles/" + r.getString("id"))));
    });
    return out;
  }

  private JsonObject render(Row t) {
    OffsetDateTime expires = t.getOffsetDateTime("expires_at");
    String id = t.getString("id");
    return new JsonObject().put("id", id)
      .put("trustor_user_id", t.getString("trustor_user_id"))
      .put("trustee_user_id", t.getString("trustee_user_id"))
      .put("project_id", t.getString("project_id"))
      .put("impersonation", t.getBoolean("impersonation"))
      .put("expires_at", expires == null ? null : TokenIssuer.format(expires.toInstant()))
      .put("remaining_uses", t.getInteger("remaining_uses"))
      .put("allow_redelegation", t.getBoolean("allow_redelegation"))
      .put("redelegation_count", 0)
      .put("roles", roles(t))
      .put("roles_links", new JsonObject().put("self", baseUrl + "/v3/OS-TRUST/trusts/" + id + "/roles")
        .put("previous", (Object) null).put("next", (Object) null))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/OS-TRUST/trusts/" + id));
  }
}
