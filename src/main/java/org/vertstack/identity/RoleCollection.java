package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.util.Map;
import java.util.Set;

/** /v3/roles: global roles, or a domain's own; the default roles stay. */
final class RoleCollection extends IdentityCollection {

  private static final Set<String> BUILTIN_ROLES = Set.of("admin", "member", "reader");

  RoleCollection(IdentityBackend backend) {
    super(Tables.ROLES, backend);
  }

  @Override
  int maxNameLength() {
    return 255;
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    return Future.succeededFuture(named(values, body));
  }

  /** A role is global unless the body names its domain. */
  @Override
  void putDomain(Map<String, Object> values, JsonObject body) {
    if (body.getString("domain_id") != null) {
      values.put("domain_id", Json.optString(body, "domain_id"));
    }
  }

  @Override
  void checkDeletable(JsonObject found) {
    if (BUILTIN_ROLES.contains(found.getString("name")) && found.getString("domain_id") == null) {
      throw Errors.forbidden("The default roles admin, member and reader cannot be deleted.");
    }
  }

  @Override
  JsonObject render(JsonObject row) {
    return row.put("options", new JsonObject());
  }
}
