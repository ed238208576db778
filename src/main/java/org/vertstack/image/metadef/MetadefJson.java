package org.vertstack.image.metadef;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reading metadef request bodies (400 on anything off) and rendering rows as Glance shows them. */
public final class MetadefJson {

  private MetadefJson() {
  }

  /** The three kinds of named definitions inside a namespace. */
  public enum Kind {
    OBJECT("object", "objects", "Object"),
    PROPERTY("property", "properties", "Property"),
    TAG("tag", "tags", "Tag");

    final String column;
    final String plural;
    final String title;

    Kind(String column, String plural, String title) {
      this.column = column;
      this.plural = plural;
      this.title = title;
    }

    static Kind of(String column) {
      for (Kind k : values()) {
        if (k.column.equals(column)) {
          return k;
        }
      }
      throw new IllegalArgumentException(column);
    }
  }

  record NamespaceFields(String namespace, String displayName, String description, String visibility, boolean protectedFlag,
                         String owner) {
  }

  record Item(Kind kind, String name, JsonObject body) {
  }

  record Association(String name, String prefix, String propertiesTarget) {
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  /** The JSON-schema keywords a property definition may carry (Glance's property schema). */
  private static final Set<String> PROPERTY_KEYS = Set.of("title", "description", "operators", "type", "readonly", "enum",
    "default", "minimum", "maximum", "minLength", "maxLength", "pattern", "items", "uniqueItems", "minItems", "maxItems",
    "additionalItems", "required");
  private static final Set<String> PROPERTY_TYPES = Set.of("array", "boolean", "integer", "number", "object", "string");

  static String time(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
  }

  static String visibility(Object v) {
    if (!"public".equals(v) && !"private".equals(v)) {
      throw Errors.badRequest("Invalid visibility: " + v + " (public or private).");
    }
    return (String) v;
  }

  static NamespaceFields namespaceFields(JsonObject body, String defaultOwner) {
    String name = name(body, "namespace", 80);
    String visibility = body.getValue("visibility") == null ? "private" : visibility(body.getValue("visibility"));
    Boolean prot = Json.optBoolean(body, "protected");
    String owner = Json.optString(body, "owner");
    for (String key : body.fieldNames()) {
      if (!Set.of("namespace", "display_name", "description", "visibility", "protected", "owner", "resource_type_associations",
          "properties", "objects", "tags", "created_at", "updated_at", "self", "schema").contains(key)) {
        throw Errors.badRequest("Additional property '" + key + "' is not allowed in a namespace.");
      }
    }
    return new NamespaceFields(name, Json.optString(body, "display_name", 80), Json.optString(body, "description", 500),
      visibility, prot != null && prot, owner == null ? defaultOwner : owner);
  }

  /** An optional array of objects (a namespace's children, the tags of a bulk create). */
  static List<JsonObject> list(JsonObject body, String key) {
    JsonArray a = Json.optArray(body, key);
    List<JsonObject> out = new ArrayList<>();
    if (a != null) {
      for (Object o : a) {
        if (!(o instanceof JsonObject j)) {
          throw Errors.badRequest("'" + key + "' must be an array of objects.");
        }
        out.add(j);
      }
    }
    return out;
  }

  static Association association(JsonObject body) {
    return new Association(name(body, "name", 80), Json.optString(body, "prefix", 80), Json.optString(body, "properties_target", 80));
  }

  /** Validates an object, property or tag definition; its body is what is stored besides the name. */
  static Item item(Kind kind, JsonObject body) {
    String name = name(body, "name", kind == Kind.TAG ? 255 : 80);
    JsonObject stored = new JsonObject();
    switch (kind) {
      case TAG -> { }
      case OBJECT -> {
        String description = Json.optString(body, "description", 500);
        if (description != null) {
          stored.put("description", description);
        }
        stored.put("required", strings(body, "required"));
        JsonObject props = Json.optObject(body, "properties");
        JsonObject checked = new JsonObject();
        if (props != null) {
          for (String p : props.fieldNames()) {
            if (!(props.getValue(p) instanceof JsonObject def)) {
              throw Errors.badRequest("Property '" + p + "' of object " + name + " must be an object.");
            }
            checked.put(p, property(p, def));
          }
        }
        stored.put("properties", checked);
      }
      case PROPERTY -> stored = property(name, body);
    }
    return new Item(kind, name, stored);
  }

  /** A property definition: a title, a JSON-schema type and the usual schema keywords. */
  private static JsonObject property(String name, JsonObject body) {
    JsonObject out = new JsonObject();
    for (String key : body.fieldNames()) {
      if (key.equals("name")) {
        continue;
      }
      if (!PROPERTY_KEYS.contains(key)) {
        throw Errors.badRequest("Additional property '" + key + "' is not allowed in property " + name + ".");
      }
      out.put(key, body.getValue(key));
    }
    if (!(out.getValue("title") instanceof String)) {
      throw Errors.badRequest("Property " + name + ": 'title' is a required string.");
    }
    Object type = out.getValue("type");
    if (!(type instanceof String t) || !PROPERTY_TYPES.contains(t)) {
      throw Errors.badRequest("Property " + name + ": 'type' must be one of " + PROPERTY_TYPES + ".");
    }
    if (out.getValue("enum") != null && !(out.getValue("enum") instanceof JsonArray)) {
      throw Errors.badRequest("Property " + name + ": 'enum' must be an array.");
    }
    return out;
  }

  private static JsonArray strings(JsonObject body, String key) {
    JsonArray a = Json.optArray(body, key);
    if (a == null) {
      return new JsonArray();
    }
    for (Object o : a) {
      if (!(o instanceof String)) {
        throw Errors.badRequest("'" + key + "' must be an array of strings.");
      }
    }
    return a;
  }

  private static String name(JsonObject body, String key, int max) {
    String s = Json.optString(body, key, max);
    if (s == null || s.isBlank()) {
      throw Errors.badRequest("'" + key + "' is a required property.");
    }
    if (s.contains("/")) {
      throw Errors.badRequest("'" + key + "' must not contain '/'.");
    }
    return s;
  }

  // ---------------------------------------------------------------- rendering

  static JsonObject namespace(Row r) {
    String name = r.getString("namespace");
    JsonObject out = new JsonObject().put("namespace", name);
    if (r.getString("display_name") != null) {
      out.put("display_name", r.getString("display_name"));
    }
    if (r.getString("description") != null) {
      out.put("description", r.getString("description"));
    }
    return out.put("visibility", r.getString("visibility"))
      .put("protected", r.getBoolean("protected"))
      .put("owner", r.getString("owner"))
      .put("created_at", time(r, "created_at"))
      .put("updated_at", time(r, "updated_at"))
      .put("self", "/v2/metadefs/namespaces/" + name)
      .put("schema", "/v2/schemas/metadefs/namespace");
  }

  static JsonObject association(Row r) {
    JsonObject out = new JsonObject().put("name", r.getString("resource_type"));
    if (r.getString("prefix") != null) {
      out.put("prefix", r.getString("prefix"));
    }
    if (r.getString("properties_target") != null) {
      out.put("properties_target", r.getString("properties_target"));
    }
    return out.put("created_at", time(r, "created_at")).put("updated_at", time(r, "updated_at"));
  }

  static JsonObject propertyBody(Row r) {
    return ((JsonObject) r.getValue("body")).copy();
  }

  static JsonObject render(Kind kind, String namespace, Row r) {
    String name = r.getString("name");
    return switch (kind) {
      case PROPERTY -> new JsonObject().put("name", name).mergeIn(propertyBody(r));
      case TAG -> new JsonObject().put("name", name)
        .put("created_at", time(r, "created_at")).put("updated_at", time(r, "updated_at"));
      case OBJECT -> new JsonObject().put("name", name).mergeIn(propertyBody(r))
        .put("created_at", time(r, "created_at")).put("updated_at", time(r, "updated_at"))
        .put("self", "/v2/metadefs/namespaces/" + namespace + "/objects/" + name)
        .put("schema", "v2/schemas/metadefs/object");
    };
  }

  /** A listing: properties are a map by name (as Glance shows them), objects and tags arrays. */
  static JsonObject list(Kind kind, String namespace, RowSet<Row> rows) {
    if (kind == Kind.PROPERTY) {
      JsonObject props = new JsonObject();
      rows.forEach(r -> props.put(r.getString("name"), render(kind, namespace, r)));
      return new JsonObject().put("properties", props);
    }
    JsonArray items = new JsonArray();
    rows.forEach(r -> items.add(render(kind, namespace, r)));
    JsonObject out = new JsonObject().put(kind.plural, items);
    if (kind == Kind.OBJECT) {
      out.put("schema", "v2/schemas/metadefs/objects");
    }
    return out;
  }
}
