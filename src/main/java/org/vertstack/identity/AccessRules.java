package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Target;

import java.util.Set;

/**
 * Application-credential access rules ({service, method, path}): kept per user, shared by the
 * user's credentials that name the same rule, deletable only once no credential uses them.
 */
final class AccessRules implements Extension {

  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  /** The access rules of one application credential, as a jsonb list, for a SELECT on application_credentials a. */
  static final String OF_CREDENTIAL = "coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'service', r.service, "
    + "'method', r.method, 'path', r.path) ORDER BY r.id) FROM application_credential_access_rules l "
    + "JOIN access_rules r ON r.id = l.access_rule_id WHERE l.application_credential_id = a.id), '[]'::jsonb) AS access_rules";

  private final Pool db;
  private final String baseUrl;

  AccessRules(Pool db, String baseUrl) {
    this.db = db;
    this.baseUrl = baseUrl;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    String userId = req.param("user");
    String id = req.param("id");
    IdentityPolicy.RULES.check(caller, "identity:" + action + ("list".equals(action) ? "_access_rules" : "_access_rule"),
      Target.user(userId, null));
    return switch (action) {
      case "list" -> db.preparedQuery("SELECT * FROM access_rules WHERE user_id = $1 AND ($2::text IS NULL OR service = $2) "
          + "AND ($3::text IS NULL OR method = $3) AND ($4::text IS NULL OR path = $4) ORDER BY id")
        .execute(Tuple.of(userId, req.query().getString("service"), req.query().getString("method"), req.query().getString("path")))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(render(r)));
          return Extension.ok(new JsonObject().put("access_rules", out).put("links", (Object) null));
        });
      case "get" -> one(userId, id).map(r -> Extension.ok(new JsonObject().put("access_rule", render(r))));
      case "delete" -> one(userId, id).compose(r -> db.preparedQuery(
          "SELECT 1 FROM application_credential_access_rules WHERE access_rule_id = $1 LIMIT 1").execute(Tuple.of(id)))
        .compose(used -> {
          if (used.size() > 0) {
            return Future.failedFuture(Errors.forbidden("Access rule " + id + " is in use by an application credential."));
          }
          return db.preparedQuery("DELETE FROM access_rules WHERE id = $1").execute(Tuple.of(id)).map(v -> Extension.noContent());
        });
      default -> throw Extension.unknownAction(action);
    };
  }

  private Future<Row> one(String userId, String id) {
    return db.preparedQuery("SELECT * FROM access_rules WHERE user_id = $1 AND id = $2").execute(Tuple.of(userId, id)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Could not find access rule: " + id + ".");
      }
      return rows.iterator().next();
    });
  }

  private JsonObject render(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("service", r.getString("service"))
      .put("method", r.getString("method")).put("path", r.getString("path"))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/users/" + r.getString("user_id") + "/access_rules/" + r.getString("id")));
  }

  /** Checks the access_rules of a new application credential before anything is stored. */
  static JsonArray checked(JsonArray rules) {
    if (rules == null) {
      return new JsonArray();
    }
    for (Object o : rules) {
      if (!(o instanceof JsonObject rule)) {
        throw Errors.badRequest("Each access rule is an object with service, method and path, or an id.");
      }
      if (rule.getValue("id") != null) {
        Json.string(rule, "id");
        continue;
      }
      String service = Json.optString(rule, "service", 64);
      String method = Json.optString(rule, "method", 16);
      String path = Json.optString(rule, "path", 1024);
      if (service == null || method == null || path == null || !METHODS.contains(method) || !path.startsWith("/")) {
        throw Errors.badRequest("An access rule needs a service, an HTTP method and a path starting with '/'.");
      }
    }
    return rules;
  }

  /** Stores (or reuses) the user's rules and links them to the credential, inside the caller's transaction. */
  static Future<Void> attach(SqlClient tx, String userId, String credentialId, JsonArray rules) {
    Future<Void> chain = Future.succeededFuture();
    for (Object o : rules) {
      JsonObject rule = (JsonObject) o;
      chain = chain.compose(v -> {
        Future<String> ruleId = rule.getValue("id") != null
          ? tx.preparedQuery("SELECT id FROM access_rules WHERE id = $1 AND user_id = $2").execute(Tuple.of(rule.getString("id"), userId))
            .map(rows -> {
              if (rows.size() == 0) {
                throw Errors.notFound("Could not find access rule: " + rule.getString("id") + ".");
              }
              return rule.getString("id");
            })
          : tx.preparedQuery("INSERT INTO access_rules (id, user_id, service, method, path) VALUES ($1, $2, $3, $4, $5) "
              + "ON CONFLICT (user_id, service, path, method) DO UPDATE SET path = EXCLUDED.path RETURNING id")
            .execute(Tuple.of(Catalog.newId(), userId, rule.getString("service"), rule.getString("method"), rule.getString("path")))
            .map(rows -> rows.iterator().next().getString("id"));
        return ruleId.compose(rid -> tx.preparedQuery("INSERT INTO application_credential_access_rules "
          + "(application_credential_id, access_rule_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").execute(Tuple.of(credentialId, rid)))
          .mapEmpty();
      });
    }
    return chain;
  }
}
