package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services' own users (created on first use, admin on the "service" project) and their
 * tokens, kept until five minutes before they expire. Reachable on the event bus only.
 */
final class ServiceAccounts {

  private static final String SERVICE_PROJECT_ID = Catalog.md5Id("project-service");

  private final IdentityBackend backend;
  private final Authenticator authenticator;
  private final Assignments assignments;
  private final TokenIssuer issuer;
  private final Map<String, JsonObject> tokens = new ConcurrentHashMap<>();

  ServiceAccounts(IdentityBackend backend, Authenticator authenticator, Assignments assignments, TokenIssuer issuer) {
    this.backend = backend;
    this.authenticator = authenticator;
    this.assignments = assignments;
    this.issuer = issuer;
  }

  /** {"token", "project_id", "expires_at"} for the service's user. */
  Future<JsonObject> token(String serviceName) {
    JsonObject cached = tokens.get(serviceName);
    if (cached != null && Instant.parse(cached.getString("expires_at")).isAfter(Instant.now().plusSeconds(300))) {
      return Future.succeededFuture(cached);
    }
    if (serviceName == null || !serviceName.matches("[a-z][a-z0-9-]{1,31}")) {
      return Future.failedFuture(Errors.badRequest("Invalid service name."));
    }
    return userOf(serviceName)
      .compose(id -> authenticator.loadUser("u.id = $1", Tuple.of(id)))
      .compose(user -> assignments.effectiveRoles(user.getString("id"), "project", SERVICE_PROJECT_ID)
        .map(roles -> {
          JsonObject result = issue(user, roles);
          tokens.put(serviceName, result);
          return result;
        }));
  }

  /** The service's user id: made (admin on the service project) unless a user of that name exists. */
  private Future<String> userOf(String serviceName) {
    String userId = "svc" + Catalog.newId().substring(0, 8);
    return backend.passwords().hash(Passwords.randomSecret())
      .compose(hash -> backend.db().withTransaction(tx -> tx.preparedQuery(
            "INSERT INTO users (id, name, domain_id, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
          .execute(Tuple.of(userId, serviceName, Bootstrap.DEFAULT_DOMAIN, hash))
          .compose(v -> tx.preparedQuery("SELECT id FROM users WHERE domain_id = $1 AND lower(name) = lower($2)")
            .execute(Tuple.of(Bootstrap.DEFAULT_DOMAIN, serviceName)))
          .compose(rows -> {
            String id = rows.iterator().next().getString("id");
            return tx.preparedQuery("INSERT INTO assignments (actor_type, actor_id, target_type, target_id, role_id) "
                + "VALUES ('user', $1, 'project', md5('project-service'), md5('role-admin')) ON CONFLICT DO NOTHING")
              .execute(Tuple.of(id)).map(id);
          })));
  }

  private JsonObject issue(JsonObject user, JsonArray roles) {
    JsonObject tokenUser = new JsonObject().put("id", user.getString("id")).put("name", user.getString("name"))
      .put("domain", new JsonObject().put("id", user.getString("domain_id")).put("name", user.getString("domain_name")))
      .put("password_expires_at", (Object) null);
    JsonObject scope = new JsonObject().put("project", new JsonObject().put("id", SERVICE_PROJECT_ID)
      .put("name", Bootstrap.SERVICE_PROJECT)
      .put("domain", new JsonObject().put("id", Bootstrap.DEFAULT_DOMAIN).put("name", "Default")));
    JsonObject issued = issuer.issue(tokenUser, new JsonArray().add("password"), scope, roles, null, null, null);
    return new JsonObject().put("token", issued.getString("token"))
      .put("project_id", SERVICE_PROJECT_ID)
      .put("expires_at", Instant.parse(issued.getJsonObject("body").getString("expires_at")).toString());
  }
}
