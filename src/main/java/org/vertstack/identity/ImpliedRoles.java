package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Role inference rules ("admin implies member"): listed, added, removed and checked by the cloud's admins. */
final class ImpliedRoles {

  private static final Policy POLICY = IdentityCollection.POLICY;

  private final IdentityBackend backend;

  ImpliedRoles(IdentityBackend backend) {
    this.backend = backend;
  }

  /** All rules, or those of one prior role (priorRoleId not null), grouped by prior role. */
  Future<JsonArray> list(AuthContext caller, String priorRoleId) {
    POLICY.check(caller, "identity:list_role_inference_rules", Target.none());
    Future<?> exists = priorRoleId == null ? Future.succeededFuture() : Tables.ROLES.get(backend.db(), priorRoleId, backend.baseUrl());
    return exists.compose(v -> backend.db().preparedQuery("""
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
  }

  /** Adds, removes or checks the rule "prior implies implied". */
  Future<JsonObject> apply(AuthContext caller, String action, String priorRoleId, String impliedRoleId) {
    POLICY.check(caller, switch (action) {
      case "add" -> "identity:create_implied_role";
      case "remove" -> "identity:delete_implied_role";
      default -> "identity:check_implied_role";
    }, Target.none());
    Tuple key = Tuple.of(priorRoleId, impliedRoleId);
    var db = backend.db();
    return Tables.ROLES.get(db, priorRoleId, backend.baseUrl()).compose(prior -> Tables.ROLES.get(db, impliedRoleId, backend.baseUrl())
      .compose(implied -> {
        if (priorRoleId.equals(impliedRoleId)) {
          return Future.failedFuture(Errors.badRequest("A role cannot imply itself."));
        }
        if ("add".equals(action) && prior.getString("domain_id") == null && implied.getString("domain_id") != null) {
          return Future.failedFuture(Errors.forbidden("A global role cannot imply a domain-specific role."));
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
  }

  private JsonObject roleRef(String id, String name) {
    return new JsonObject().put("id", id).put("name", name).put("links", new JsonObject().put("self", backend.baseUrl() + "/v3/roles/" + id));
  }
}
