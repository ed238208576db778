package org.vertstack.image;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.JsonArray;
import org.vertstack.common.http.BodySchema;
import org.vertstack.common.http.ParameterSchema;
import org.vertstack.common.http.RequestSchemas;

/**
 * The declared schemas of the image API's requests: an image create is checked against the
 * schema this API publishes at /v2/schemas/image (Glance's), the image list's query against
 * the values Glance's images controller accepts, the others are resources in {@code image/schemas/}.
 * They run before policy, as in Glance, whose request deserializer checks a body before the
 * controller enforces policy.
 */
final class ImageSchemas {

  static final RequestSchemas TABLE = RequestSchemas.beside(ImageSchemas.class)
    .body(HttpMethod.POST, "/v2/images", BodySchema.of("image-create", imageCreate()))
    .post("/v2/images/:id/members", "schemas/member-create.json")
    .put("/v2/images/:id/members/:member", "schemas/member-update.json")
    .post("/v2/images/:id/import", "schemas/image-import.json")
    .query(HttpMethod.GET, "/v2/images", ParameterSchema.of("image-list-query", ParameterSchema.Source.QUERY, imageListQuery()))
    .build();

  private ImageSchemas() {
  }

  /**
   * /v2/schemas/image as a create body: read-only and reserved attributes accept any value here,
   * since naming one at all is the service's 403 ("Attribute 'size' is read-only"), not a 400; an
   * id may be given (a UUID); sizes are non-negative; extra properties are strings (or null) of
   * names up to 255 characters.
   */
  static JsonObject imageCreate() {
    JsonObject schema = ImageJson.imageSchema();
    JsonObject properties = schema.getJsonObject("properties");
    for (String key : ImageJson.READ_ONLY) {
      if (!key.equals("id")) {
        properties.put(key, new JsonObject());
      }
    }
    for (String key : ImageJson.RESERVED) {
      properties.put(key, new JsonObject());
    }
    properties.getJsonObject("id").remove("readOnly");
    properties.getJsonObject("min_ram").put("minimum", 0).put("maximum", Integer.MAX_VALUE);
    properties.getJsonObject("min_disk").put("minimum", 0).put("maximum", Integer.MAX_VALUE);
    properties.getJsonObject("tags").getJsonObject("items").put("minLength", 1);
    return new JsonObject()
      .put("type", "object")
      .put("properties", properties)
      .put("patternProperties", new JsonObject().put("^os_glance", new JsonObject()))
      .put("additionalProperties", new JsonObject().put("type", new io.vertx.core.json.JsonArray().add("string").add("null"))
        .put("maxLength", 65535))
      .put("propertyNames", new JsonObject().put("minLength", 1).put("maxLength", 255));
  }

  /**
   * GET /v2/images's typed query parameters, as Glance's controller checks them (glance/api/v2/images.py):
   * limit a non-negative integer, sort keys from its list (several, comma-separated or repeated),
   * sort_dir asc or desc, visibility and member_status from their enums. Other parameters are
   * filters on image properties, so any name is allowed.
   */
  static JsonObject imageListQuery() {
    String key = "(" + String.join("|", ImageQuery.sortKeys()) + ")";
    return new JsonObject()
      .put("type", "object")
      .put("properties", new JsonObject()
        .put("limit", new JsonObject().put("type", "string").put("pattern", "^\\s*\\+?[0-9]+\\s*$"))
        .put("marker", new JsonObject().put("type", "string"))
        .put("sort_key", new JsonObject().put("type", "string")
          .put("pattern", "^\\s*" + key + "\\s*(,\\s*" + key + "\\s*)*$"))
        .put("sort_dir", new JsonObject().put("type", "string").put("enum", new JsonArray().add("asc").add("desc")))
        .put("visibility", new JsonObject().put("type", "string")
          .put("enum", new JsonArray().add("public").add("private").add("shared").add("community").add("all")))
        .put("member_status", new JsonObject().put("type", "string")
          .put("enum", new JsonArray().add("accepted").add("pending").add("rejected").add("all"))))
      .put("additionalProperties", true);
  }
}
