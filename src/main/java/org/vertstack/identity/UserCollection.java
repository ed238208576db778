package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.Target;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

/** /v3/users: passwords are stored hashed; a disabled or deleted user's tokens end. */
final class UserCollection extends IdentityCollection {

  private static final Set<String> KNOWN_FIELDS = Set.of("id", "name", "domain_id", "enabled", "default_project_id",
    "description", "email", "password", "options", "links", "password_expires_at", "federated", "extra");

  UserCollection(IdentityBackend backend) {
    super(Tables.USERS, backend);
  }

  @Override
  boolean domainOwned() {
    return true;
  }

  @Override
  int maxNameLength() {
    return 255;
  }

  @Override
  Set<String> knownFields() {
    return KNOWN_FIELDS;
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    named(values, body);
    String password = Json.optString(body, "password", Passwords.MAX_LENGTH);
    if (password == null) {
      return Future.succeededFuture(values);
    }
    return backend.passwords().hash(password).map(hash -> {
      values.put("password_hash", hash);
      values.put("password_changed_at", OffsetDateTime.now());
      return values;
    });
  }

  @Override
  String newPassword(JsonObject body) {
    return Json.optString(body, "password", Passwords.MAX_LENGTH);
  }

  @Override
  Future<Target> targetOf(JsonObject found) {
    String id = found.getString("id");
    return backend.guards().actorFacts("user", id).map(facts -> Target.user(id, found.getString("domain_id"))
      .flag("cloud_user", facts.getBoolean("cloud")).flag("service_user", facts.getBoolean("service")));
  }

  @Override
  void checkNotOwn(AuthContext caller, String id, String verb) {
    if (id.equals(caller.userId())) {
      throw Errors.forbidden("You cannot " + verb + " your own user.");
    }
  }

  @Override
  Future<Void> deleteRow(SqlConnection tx, JsonObject found) {
    String id = found.getString("id");
    return deleteAssignments(tx, "actor", "user", id).compose(v -> table.delete(tx, id));
  }

  @Override
  Future<Void> revokeTokens(String id) {
    return backend.revoker().user(id);
  }

  @Override
  JsonObject render(JsonObject row) {
    return showExtras(row.put("password_expires_at", (Object) null).put("options", new JsonObject()));
  }
}
