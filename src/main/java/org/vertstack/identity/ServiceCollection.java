package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Json;

import java.util.Map;

/** /v3/services: the catalog's services; a service needs a type. */
final class ServiceCollection extends IdentityCollection {

  ServiceCollection(IdentityBackend backend) {
    super(Tables.SERVICES, backend);
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    Json.string(body, "type");
    return Future.succeededFuture(values);
  }

  /** Keystone's filter "service" is the type. */
  @Override
  void renameFilters(JsonObject filters) {
    if (filters.containsKey("service")) {
      filters.put("type", filters.remove("service"));
    }
  }
}
