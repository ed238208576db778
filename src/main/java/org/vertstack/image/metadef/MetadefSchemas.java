package org.vertstack.image.metadef;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The JSON schemas Glance publishes under /v2/schemas/metadefs/ (what clients read to build forms). */
final class MetadefSchemas {

  private MetadefSchemas() {
  }

  /** Schema name in the URL (after /v2/schemas/metadefs/) to the schema document. */
  static final Map<String, JsonObject> ALL = Map.of(
    "namespace", namespace(),
    "namespaces", collection("namespaces", "namespaces", namespace()),
    "object", object(),
    "objects", collection("objects", "objects", object()),
    "property", property(),
    "properties", properties(),
    "tag", tag(),
    "tags", collection("tags", "tags", tag()),
    "resource_type", association(),
    "resource_types", collection("resource_type_associations", "resource_type_associations", association()));

  private static JsonObject type(String type) {
    return new JsonObject().put("type", type);
  }

  private static JsonObject string(int maxLength, String description) {
    return type("string").put("maxLength", maxLength).put("description", description);
  }

  private static JsonObject readOnlyTime(String description) {
    return type("string").put("readOnly", true).put("format", "date-time").put("description", description);
  }

  private static JsonArray links(String selfHref) {
    return new JsonArray()
      .add(new JsonObject().put("rel", "self").put("href", selfHref))
      .add(new JsonObject().put("rel", "describedby").put("href", "{schema}"));
  }

  /** What a property definition may say (also used inside objects and namespaces). */
  private static JsonObject propertyDefinition() {
    return type("object")
      .put("required", new JsonArray().add("title").add("type"))
      .put("properties", new JsonObject()
        .put("name", string(80, "Name of the property."))
        .put("title", type("string"))
        .put("description", type("string"))
        .put("operators", type("array").put("items", type("string")))
        .put("type", type("string").put("enum", new JsonArray().add("array").add("boolean").add("integer").add("number")
          .add("object").add("string").addNull()))
        .put("required", type("array").put("items", type("string")))
        .put("minimum", type("number"))
        .put("maximum", type("number"))
        .put("maxLength", type("integer").put("minimum", 0))
        .put("minLength", type("integer").put("minimum", 0))
        .put("pattern", type("string").put("format", "regex"))
        .put("enum", type("array"))
        .put("readonly", type("boolean"))
        .put("default", new JsonObject())
        .put("items", type("object"))
        .put("maxItems", type("integer").put("minimum", 0))
        .put("minItems", type("integer").put("minimum", 0))
        .put("uniqueItems", type("boolean").put("default", false))
        .put("additionalItems", type("boolean")));
  }

  static JsonObject property() {
    return propertyDefinition().put("name", "property").put("additionalProperties", false);
  }

  private static JsonObject properties() {
    return new JsonObject().put("name", "properties")
      .put("properties", new JsonObject()
        .put("properties", type("object").put("additionalProperties", propertyDefinition()))
        .put("first", type("string"))
        .put("next", type("string"))
        .put("schema", type("string")))
      .put("links", new JsonArray()
        .add(new JsonObject().put("rel", "first").put("href", "{first}"))
        .add(new JsonObject().put("rel", "next").put("href", "{next}"))
        .add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
  }

  private static JsonObject association() {
    return new JsonObject().put("name", "resource_type_association")
      .put("properties", new JsonObject()
        .put("name", string(80, "Resource type names should be aligned with Heat resource types whenever possible: "
          + "https://docs.openstack.org/heat/latest/template_guide/openstack.html"))
        .put("prefix", string(80, "Specifies the prefix to use for the given resource type. Any properties in the namespace "
          + "should be prefixed with this prefix when being applied to the specified resource type."))
        .put("properties_target", string(80, "Some resource types allow more than one key / value pair per instance, "
          + "e.g. Cinder allows user and image metadata on volumes. This says which of them the properties apply to."))
        .put("created_at", readOnlyTime("Date and time of resource type association"))
        .put("updated_at", readOnlyTime("Date and time of the last resource type association modification")))
      .put("required", new JsonArray().add("name"))
      .put("additionalProperties", false)
      .put("links", links("{self}"));
  }

  private static JsonObject tag() {
    return new JsonObject().put("name", "tag")
      .put("properties", new JsonObject()
        .put("name", type("string").put("maxLength", 255))
        .put("created_at", readOnlyTime("Date and time of tag creation"))
        .put("updated_at", readOnlyTime("Date and time of the last tag modification")))
      .put("required", new JsonArray().add("name"))
      .put("additionalProperties", false);
  }

  private static JsonObject object() {
    return new JsonObject().put("name", "object")
      .put("properties", new JsonObject()
        .put("name", type("string").put("maxLength", 80))
        .put("description", type("string"))
        .put("required", type("array").put("items", type("string")))
        .put("properties", type("object").put("additionalProperties", propertyDefinition()))
        .put("schema", type("string").put("readOnly", true))
        .put("self", type("string").put("readOnly", true))
        .put("created_at", readOnlyTime("Date and time of object creation"))
        .put("updated_at", readOnlyTime("Date and time of the last object modification")))
      .put("required", new JsonArray().add("name"))
      .put("additionalProperties", false)
      .put("links", links("{self}"));
  }

  private static JsonObject namespace() {
    return new JsonObject().put("name", "namespace")
      .put("properties", new JsonObject()
        .put("namespace", string(80, "The unique namespace text."))
        .put("display_name", string(80, "The user friendly name for the namespace. Used by UI if available."))
        .put("description", string(500, "Provides a user friendly description of the namespace."))
        .put("visibility", type("string").put("description", "Scope of namespace accessibility.")
          .put("enum", new JsonArray().add("public").add("private")))
        .put("protected", type("boolean").put("description", "If true, namespace will not be deletable."))
        .put("owner", string(255, "Owner of the namespace."))
        .put("created_at", readOnlyTime("Date and time of namespace creation"))
        .put("updated_at", readOnlyTime("Date and time of the last namespace modification"))
        .put("schema", type("string").put("readOnly", true))
        .put("self", type("string").put("readOnly", true))
        .put("resource_type_associations", type("array").put("items", type("object").put("properties", new JsonObject()
          .put("name", type("string")).put("prefix", type("string")).put("properties_target", type("string")))))
        .put("properties", type("object").put("additionalProperties", propertyDefinition()))
        .put("objects", type("array").put("items", type("object").put("properties", new JsonObject()
          .put("name", type("string")).put("description", type("string"))
          .put("required", type("array").put("items", type("string")))
          .put("properties", type("object").put("additionalProperties", propertyDefinition())))))
        .put("tags", type("array").put("items", type("object").put("properties", new JsonObject().put("name", type("string"))))))
      .put("required", new JsonArray().add("namespace"))
      .put("additionalProperties", false)
      .put("links", links("{self}"));
  }

  private static JsonObject collection(String name, String itemsKey, JsonObject item) {
    return new JsonObject().put("name", name)
      .put("properties", new JsonObject()
        .put(itemsKey, type("array").put("items", item))
        .put("first", type("string"))
        .put("next", type("string"))
        .put("schema", type("string")))
      .put("links", new JsonArray()
        .add(new JsonObject().put("rel", "first").put("href", "{first}"))
        .add(new JsonObject().put("rel", "next").put("href", "{next}"))
        .add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
  }
}
