package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.serviceproxy.ServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A request body's declared JSON schema (draft 7), compiled once: as a route handler it reads the
 * body strictly ({@link Json#body}), checks it and hands it on to {@link Json#body} of the next
 * handler, so no service code sees a body that does not match. A mismatch is a 400 in the API's
 * own error format naming the field: "Invalid input for field/attribute flavor/ram. Value: "x".
 * Instance type string is invalid. Expected integer". Immutable and safe to share between threads.
 */
public final class BodySchema implements Handler<RoutingContext> {

  /** Keywords that only gather the failures of the schemas below them: a message names the one below. */
  private static final Set<String> AGGREGATES = Set.of("properties", "additionalProperties", "patternProperties",
    "items", "additionalItems", "prefixItems", "allOf", "$ref", "dependencies", "dependentSchemas", "if", "then", "else");
  private static final int MAX_SHOWN_VALUE = 100;

  private final String name;
  private final Validator validator;

  private BodySchema(String name, JsonObject schema) {
    this.name = name;
    this.validator = Validator.create(JsonSchema.of(schema.copy()), new JsonSchemaOptions()
      .setDraft(Draft.DRAFT7).setBaseUri("https://vertstack.invalid/schemas/" + name)
      .setOutputFormat(OutputFormat.Basic));
  }

  public static BodySchema of(String name, JsonObject schema) {
    return new BodySchema(name, schema);
  }

  /** A schema stored as a class-path resource beside {@code owner}, e.g. {@code schemas/flavor-create.json}. */
  public static BodySchema resource(Class<?> owner, String path) {
    try (InputStream in = owner.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("No schema " + path + " beside " + owner.getName());
      }
      return new BodySchema(path, new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  @Override
  public void handle(RoutingContext ctx) {
    check(Json.body(ctx));
    ctx.next();
  }

  /** The body when it matches; otherwise a 400 saying which field is wrong and why. */
  public JsonObject check(JsonObject body) {
    checkValue(body);
    return body;
  }

  /** Any JSON value (e.g. a JSON Patch document, an array) when it matches; otherwise the same 400. */
  public Object checkValue(Object body) {
    OutputUnit result = validator.validate(body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw refusal(body, result.getErrors());
    }
    return body;
  }

  private static ServiceException refusal(Object body, List<OutputUnit> errors) {
    OutputUnit chosen = mostSpecific(errors);
    if (chosen == null) {
      return Errors.badRequest("The request body does not match its schema.");
    }
    String pointer = chosen.getInstanceLocation() == null ? "#" : chosen.getInstanceLocation();
    String field = pointer.startsWith("#/") ? pointer.substring(2) : "";
    String reason = chosen.getError();
    String keyword = lastSegment(chosen.getKeywordLocation());
    if ("additionalProperties".equals(keyword) && !field.isEmpty()) {
      // no failure below it: the property itself is not allowed here
      String unknown = lastSegment(pointer);
      field = field.contains("/") ? field.substring(0, field.lastIndexOf('/')) : "";
      reason = "Additional properties are not allowed ('" + unknown + "' was unexpected)";
      return Errors.badRequest(field.isEmpty() ? reason + "." : "Invalid input for field/attribute " + field + ". " + reason + ".");
    }
    if (field.isEmpty()) {
      return Errors.badRequest("Invalid input in the request body. " + reason + ".");
    }
    return Errors.badRequest("Invalid input for field/attribute " + field + ". Value: " + shown(valueAt(body, field))
      + ". " + reason + ".");
  }

  /** The failure deepest in the body, preferring a keyword that failed by itself to one that gathers others. */
  static OutputUnit mostSpecific(List<OutputUnit> errors) {
    OutputUnit best = null;
    int bestDepth = -1;
    boolean bestLeaf = false;
    for (OutputUnit e : errors == null ? List.<OutputUnit>of() : errors) {
      String at = e.getInstanceLocation() == null ? "#" : e.getInstanceLocation();
      int depth = at.split("/", -1).length;
      boolean leaf = !AGGREGATES.contains(lastSegment(e.getKeywordLocation()));
      if (depth > bestDepth || (depth == bestDepth && leaf && !bestLeaf)) {
        best = e;
        bestDepth = depth;
        bestLeaf = leaf;
      }
    }
    return best;
  }

  private static String lastSegment(String pointer) {
    if (pointer == null) {
      return "";
    }
    return pointer.substring(pointer.lastIndexOf('/') + 1);
  }

  private static Object valueAt(Object root, String field) {
    Object at = root;
    for (String raw : field.split("/")) {
      String key = raw.replace("~1", "/").replace("~0", "~");
      if (at instanceof JsonObject o) {
        at = o.getValue(key);
      } else if (at instanceof JsonArray a && key.chars().allMatch(Character::isDigit) && Integer.parseInt(key) < a.size()) {
        at = a.getValue(Integer.parseInt(key));
      } else {
        return null;
      }
    }
    return at;
  }

  private static String shown(Object value) {
    String s = value instanceof String str ? "\"" + str + "\"" : value == null ? "null" : String.valueOf(value);
    return s.length() > MAX_SHOWN_VALUE ? s.substring(0, MAX_SHOWN_VALUE) + "..." : s;
  }
}
