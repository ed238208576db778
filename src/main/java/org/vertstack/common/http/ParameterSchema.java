package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
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
import java.util.Map;

/**
 * A route's declared schema (draft 7) for its query parameters or its path parameters, compiled
 * once. The checked instance is an object of strings, one property per parameter, since that is
 * what a URL carries: a typed parameter says so with a pattern or an enum (as Nova's
 * non_negative_integer does). A query parameter given more than once has each of its values
 * checked. A mismatch is a 400 in the API's own error format naming the parameter, worded as
 * Nova's: "Invalid input for query parameters limit. Value: x. ...". Immutable and thread-safe.
 */
public final class ParameterSchema implements Handler<RoutingContext> {

  /** Where the parameters come from. */
  public enum Source {
    QUERY("query parameters"), PATH("path parameter");

    private final String wording;

    Source(String wording) {
      this.wording = wording;
    }
  }

  private static final int MAX_SHOWN_VALUE = 100;

  private final String name;
  private final Source source;
  private final Validator validator;

  private ParameterSchema(String name, Source source, JsonObject schema) {
    this.name = name;
    this.source = source;
    this.validator = Validator.create(JsonSchema.of(schema.copy()), new JsonSchemaOptions()
      .setDraft(Draft.DRAFT7).setBaseUri("https://vertstack.invalid/schemas/" + name)
      .setOutputFormat(OutputFormat.Basic));
  }

  public static ParameterSchema of(String name, Source source, JsonObject schema) {
    return new ParameterSchema(name, source, schema);
  }

  /** A schema stored as a class-path resource beside {@code owner}, e.g. {@code schemas/servers-query.json}. */
  public static ParameterSchema resource(Class<?> owner, String path, Source source) {
    try (InputStream in = owner.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("No schema " + path + " beside " + owner.getName());
      }
      return new ParameterSchema(path, source, new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public Source source() {
    return source;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (source == Source.QUERY) {
      check(ctx.queryParams());
    } else {
      check(ctx.pathParams());
    }
    ctx.next();
  }

  /** Path parameters (one value each) when they match; otherwise a 400 naming the first that does not. */
  public void check(Map<String, String> params) {
    JsonObject instance = new JsonObject();
    params.forEach(instance::put);
    validate(instance);
  }

  /**
   * Query parameters when they match; otherwise a 400 naming the first that does not. The first
   * values of all parameters are checked together (so "required" and "additionalProperties" mean
   * what they say), then each further value of a repeated parameter alongside the others' values.
   */
  public void check(MultiMap params) {
    int most = 0;
    for (String key : params.names()) {
      most = Math.max(most, params.getAll(key).size());
    }
    for (int i = 0; i < Math.max(most, 1); i++) {
      JsonObject instance = new JsonObject();
      for (String key : params.names()) {
        List<String> values = params.getAll(key);
        instance.put(key, values.get(Math.min(i, values.size() - 1)));
      }
      validate(instance);
    }
  }

  private void validate(JsonObject instance) {
    OutputUnit result = validator.validate(instance);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw refusal(instance, result.getErrors());
    }
  }

  private ServiceException refusal(JsonObject instance, List<OutputUnit> errors) {
    OutputUnit chosen = BodySchema.mostSpecific(errors);
    if (chosen == null) {
      return Errors.badRequest("Invalid input for " + source.wording + ".");
    }
    String pointer = chosen.getInstanceLocation() == null ? "#" : chosen.getInstanceLocation();
    String param = pointer.startsWith("#/") ? pointer.substring(2).replace("~1", "/").replace("~0", "~") : "";
    String reason = chosen.getError();
    if (param.isEmpty()) {
      // a required parameter missing, or one the schema does not allow at all
      return Errors.badRequest("Invalid input for " + source.wording + ". " + reason + ".");
    }
    String value = instance.getString(param);
    String shown = value == null ? "null" : value.length() > MAX_SHOWN_VALUE ? value.substring(0, MAX_SHOWN_VALUE) + "..." : value;
    if ("additionalProperties".equals(lastSegment(chosen.getKeywordLocation()))) {
      reason = "Additional properties are not allowed ('" + param + "' was unexpected)";
    }
    return Errors.badRequest("Invalid input for " + source.wording + " " + param + ". Value: " + shown + ". " + reason + ".");
  }

  private static String lastSegment(String pointer) {
    return pointer == null ? "" : pointer.substring(pointer.lastIndexOf('/') + 1);
  }
}
