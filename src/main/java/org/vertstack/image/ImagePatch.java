package org.vertstack.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Glance's JSON Patch dialects: {@code application/openstack-images-v2.1-json-patch}
 * ({"op": "add", "path": "/name", "value": ...}) and the older v2.0 one ({"add": "/name", "value": ...}).
 * Only top-level members are patched, as Glance does.
 */
final class ImagePatch {

  static final String V21 = "application/openstack-images-v2.1-json-patch";
  static final String V20 = "application/openstack-images-v2.0-json-patch";
  private static final Set<String> OPS = Set.of("add", "replace", "remove");

  record Op(String op, String key, Object value) {
  }

  private ImagePatch() {
  }

  static List<Op> parse(String contentType, String body) {
    String media = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
    if (!media.equals(V21) && !media.equals(V20)) {
      throw Errors.of(415, "Unsupported Content-Type '" + media + "'; use " + V21 + ".");
    }
    JsonArray ops;
    try {
      ops = new JsonArray(body == null ? "" : body);
    } catch (RuntimeException e) {
      throw Errors.badRequest("Request body must be a JSON array of operation objects.");
    }
    List<Op> out = new ArrayList<>();
    for (Object o : ops) {
      if (!(o instanceof JsonObject j)) {
        throw Errors.badRequest("Operations must be JSON objects.");
      }
      String op;
      Object path;
      if (j.containsKey("op")) {
        op = String.valueOf(j.getValue("op"));
        path = j.getValue("path");
      } else {
        op = OPS.stream().filter(j::containsKey).findFirst()
          .orElseThrow(() -> Errors.badRequest("Operation objects must contain exactly one of \"add\", \"remove\", \"replace\"."));
        path = j.getValue(op);
      }
      if (!OPS.contains(op)) {
        throw Errors.badRequest("Invalid operation: \"" + op + "\".");
      }
      if (!(path instanceof String p) || !p.startsWith("/") || p.length() < 2 || p.indexOf('/', 1) >= 0) {
        throw Errors.badRequest("Invalid JSON pointer for this resource: '" + path + "'");
      }
      if (!op.equals("remove") && !j.containsKey("value")) {
        throw Errors.badRequest("Operation \"" + op + "\" requires a member named \"value\".");
      }
      String key = p.substring(1).replace("~1", "/").replace("~0", "~");
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
