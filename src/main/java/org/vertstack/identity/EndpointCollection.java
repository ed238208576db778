package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.util.Map;
import java.util.Set;

/** /v3/endpoints: the catalog's URLs; the legacy "region" is region_id, created when missing as Keystone does. */
final class EndpointCollection extends IdentityCollection {

  private static final Set<String> INTERFACES = Set.of("public", "internal", "admin");

  EndpointCollection(IdentityBackend backend) {
    super(Tables.ENDPOINTS, backend);
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    Json.string(body, "service_id");
    String iface = Json.string(body, "interface");
    if (!INTERFACES.contains(iface)) {
      throw Errors.badRequest("'interface' must be public, internal or admin.");
    }
    Json.string(body, "url");
    if (body.getString("region") != null && body.getString("region_id") == null) {
      values.put("region_id", body.getString("region"));
    }
    return Future.succeededFuture(values);
  }

  @Override
  void prepareUpdate(Map<String, Object> values, JsonObject body) {
    if (body.getValue("region") instanceof String region && !values.containsKey("region_id")) {
      values.put("region_id", region);
    }
  }

  /** An endpoint given the legacy "region" names a region that is created when missing. */
  @Override
  Future<Void> beforeWrite(Map<String, Object> values, JsonObject body) {
    String regionId = (String) values.get("region_id");
    if (!(body.getValue("region") instanceof String) || body.getValue("region_id") != null || regionId == null) {
      return Future.succeededFuture();
    }
    RegionCollection.checkedId(regionId);
    return backend.db().preparedQuery("INSERT INTO regions (id) VALUES ($1) ON CONFLICT DO NOTHING").execute(Tuple.of(regionId)).mapEmpty();
  }

  @Override
  void renameFilters(JsonObject filters) {
    if (filters.containsKey("region")) {
      filters.put("region_id", filters.remove("region"));
    }
  }

  @Override
  JsonObject render(JsonObject row) {
    return row.put("region", row.getString("region_id"));
  }
}
