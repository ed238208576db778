package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A user's application credentials: a secret (shown once) that authenticates as the user on one
 * project with some of the roles the user holds there, optionally limited by access rules.
 */
final class ApplicationCredentials {

  private static final Policy POLICY = IdentityCollection.POLICY;

  private final IdentityBackend backend;
  private final Assignments assignments;

  ApplicationCredentials(IdentityBackend backend, Assignments assignments) {
    this.backend = backend;
    this.assignments = assignments;
  }

  Future<JsonObject> create(AuthContext caller, String userId, JsonObject body) {
    POLICY.check(caller, "identity:create_application_credential", Target.user(userId, null));
    caller.requireProjectScope();
    if (caller.toJson().containsKey("application_credential")) {
      throw Errors.forbidden("An application credential cannot create another one.");
    }
    String name = Json.string(body, "name");
    String secret = Json.optString(body, "secret", Passwords.MAX_LENGTH);
    String theSecret = secret != null ? secret : Passwords.randomSecret() + Passwords.randomSecret();
    JsonArray requestedRoles = Json.optArray(body, "roles");
    OffsetDateTime expiry = expiresAt(Json.optString(body, "expires_at"));
    boolean unrestricted = Boolean.TRUE.equals(Json.optBoolean(body, "unrestricted"));
    JsonArray accessRules = AccessRules.checked(Json.optArray(body, "access_rules"));
    String id = Catalog.newId();
    // The roles the user holds on the project now (a grant made after the token was issued counts).
    Future<JsonArray> picked = assignments.effectiveRoles(userId, "project", caller.projectId())
      .map(held -> pickRoles(held, requestedRoles));
    return picked.compose(roles -> backend.passwords().hash(theSecret).compose(hash -> backend.db().withTransaction(tx -> tx.preparedQuery(
          "INSERT INTO application_credentials (id, name, user_id, project_id, secret_hash, description, expires_at, unrestricted, roles) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .execute(Tuple.of(id, name, userId, caller.projectId(), hash, body.getString("description", ""))
          .addOffsetDateTime(expiry).addBoolean(unrestricted).addValue(roles))
        .recover(err -> Tables.USERS.translate(err))
        .compose(v -> AccessRules.attach(tx, userId, id, accessRules)))))
      .compose(v -> get(caller, userId, id))
      .map(cred -> cred.put("secret", theSecret));
  }

  /** An ISO 8601 time; one without a zone is UTC. */
  private static OffsetDateTime expiresAt(String expires) {
    if (expires == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(expires.endsWith("Z") || expires.matches(".*[+-]\\d\\d:\\d\\d$") ? expires : expires + "Z");
    } catch (DateTimeParseException e) {
      throw Errors.badRequest("'expires_at' must be an ISO 8601 time.");
    }
  }

  /** The requested roles (by id or name) out of those held; all held roles when none are requested. */
  private static JsonArray pickRoles(JsonArray held, JsonArray requested) {
    if (requested == null || requested.isEmpty()) {
      return held.copy();
    }
    JsonArray out = new JsonArray();
    for (Object o : requested) {
      if (!(o instanceof JsonObject r)) {
        throw Errors.badRequest("'roles' must be a list of {\"id\"} or {\"name\"} objects.");
      }
      JsonObject match = held.stream().map(x -> (JsonObject) x)
        .filter(x -> x.getString("id").equals(r.getString("id")) || x.getString("name").equals(r.getString("name")))
        .findFirst().orElseThrow(() -> Errors.forbidden("An application credential can only hold roles its user holds on the project."));
      out.add(match);
    }
    return out;
  }

  Future<JsonArray> list(AuthContext caller, String userId, JsonObject query) {
    POLICY.check(caller, "identity:list_application_credentials", Target.user(userId, null));
    String name = query.getString("name");
    return backend.db().preparedQuery("SELECT a.*, " + AccessRules.OF_CREDENTIAL
        + " FROM application_credentials a WHERE user_id = $1 AND ($2::text IS NULL OR name = $2) ORDER BY name")
      .execute(Tuple.of(userId, name)).map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(render(r)));
        return out;
      });
  }

  Future<JsonObject> get(AuthContext caller, String userId, String id) {
    POLICY.check(caller, "identity:get_application_credential", Target.user(userId, null));
    return backend.db().preparedQuery("SELECT a.*, " + AccessRules.OF_CREDENTIAL + " FROM application_credentials a WHERE user_id = $1 AND id = $2")
      .execute(Tuple.of(userId, id))
      .map(rows -> {
        if (rows.size() == 0) {
          throw Errors.notFound("Could not find application credential: " + id + ".");
        }
        return render(rows.iterator().next());
      });
  }

  Future<Void> delete(AuthContext caller, String userId, String id) {
    POLICY.check(caller, "identity:delete_application_credential", Target.user(userId, null));
    // Only the tokens issued with this credential end, as in Keystone; the user's others stay.
    return backend.db().preparedQuery("DELETE FROM application_credentials WHERE user_id = $1 AND id = $2").execute(Tuple.of(userId, id))
      .compose(rows -> rows.rowCount() == 0
        ? Future.<Void>failedFuture(Errors.notFound("Could not find application credential: " + id + "."))
        : backend.revoker().applicationCredential(id));
  }

  private JsonObject render(Row r) {
    OffsetDateTime expires = r.getOffsetDateTime("expires_at");
    return new JsonObject()
      .put("id", r.getString("id"))
      .put("name", r.getString("name"))
      .put("description", r.getString("description"))
      .put("user_id", r.getString("user_id"))
      .put("project_id", r.getString("project_id"))
      // Keystone shows this expiry without a zone suffix (a naive UTC time)
      .put("expires_at", expires == null ? null : TokenIssuer.format(expires.toInstant()).replace("Z", ""))
      .put("unrestricted", r.getBoolean("unrestricted"))
      .put("roles", r.getValue("roles"))
      .put("access_rules", r.getValue("access_rules"))
      .put("links", new JsonObject().put("self", backend.baseUrl() + "/v3/users/" + r.getString("user_id")
        + "/application_credentials/" + r.getString("id")));
  }
}
