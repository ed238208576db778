package org.vertstack.identity;

import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

/** /v3/regions: the caller may choose a region's id. */
final class RegionCollection extends IdentityCollection {

  RegionCollection(IdentityBackend backend) {
    super(Tables.REGIONS, backend);
  }

  @Override
  String newId(JsonObject body) {
    return body.getString("id") != null ? checkedId(body.getString("id")) : super.newId(body);
  }

  @Override
  JsonObject render(JsonObject row) {
    return row.put("parent_region_id", row.getString("parent_region_id"));
  }

  static String checkedId(String id) {
    if (id.isBlank() || id.length() > 255) {
      throw Errors.badRequest("Invalid region id.");
    }
    return id;
  }
}
