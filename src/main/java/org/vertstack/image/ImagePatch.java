package org.vertstack.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.BodySchema;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * Glance's JSON Patch dialects: {@code application/openstack-images-v2.1-json-patch}
 * ({"op": "add", "path": "/name", "value": ...}) and the older v2.0 one ({"add": "/name", "value": ...}).
 * Only top-level members are patched, as Glance does.
 */
final class ImagePatch {

  static final String V21 = "application/openstack-images-v2.1-json-patch";
  static final String V20 = "application/openstack-images-v2.0-json-patch";
  private static final List<String> OPS = List.of("add", "replace", "remove");
  private static final BodySchema PATCH_V21 = BodySchema.resource(ImagePatch.class, "schemas/image-patch-v2.1.json");
  private static final BodySchema PATCH_V20 = BodySchema.resource(ImagePatch.class, "schemas/image-patch-v2.0.json");

  record Op(String op, String key, Object value) {
  }

  private ImagePatch() {
  }

  /**
   * The operations of a patch body, checked against the declared schema of its media type
   * ({@code image/schemas/image-patch-v2.1.json} or {@code -v2.0.json}): a body that does not match
   * is a 400 naming the operation and member at fault, before the service sees anything.
   */
  static List<Op> parse(String contentType, String body) {
    String media = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
    if (!media.equals(V21) && !media.equals(V20)) {
      throw Errors.of(415, "Unsupported Content-Type '" + media + "'; use " + V21 + ".");
    }
    Object doc;
    try {
      doc = io.vertx.core.json.Json.decodeValue(body == null || body.isBlank() ? "" : body);
    } catch (RuntimeException e) {
      throw Errors.badRequest("Request body must be a JSON array of operation objects.");
    }
    Json.requireNoNul(doc);
    boolean v21 = media.equals(V21);
    JsonArray ops = (JsonArray) (v21 ? PATCH_V21 : PATCH_V20).checkValue(doc);
    List<Op> out = new ArrayList<>();
    for (Object o : ops) {
      JsonObject j = (JsonObject) o;
      String op = v21 ? j.getString("op") : OPS.stream().filter(j::containsKey).findFirst().orElseThrow();
      String path = v21 ? j.getString("path") : j.getString(op);
      String key = path.substring(1).replace("~1", "/").replace("~0", "~");
      out.add(new Op(op, key, j.getValue("value")));
    }
    return out;
  }

  /** Applies the operations to a copy of the image document. */
  static JsonObject apply(JsonObject image, List<Op> ops) {
    JsonObject doc = image.copy();
    for (Op op : ops) {
      switch (op.op()) {
        case "add" -> doc.put(op.key(), op.value());
        case "replace" -> {
          if (!doc.containsKey(op.key())) {
            throw Errors.conflict("Property " + op.key() + " does not exist.");
          }
          doc.put(op.key(), op.value());
        }
        default -> {
          if (!doc.containsKey(op.key())) {
            throw Errors.conflict("Property " + op.key() + " does not exist.");
          }
          doc.remove(op.key());
        }
      }
    }
    return doc;
  }
}
