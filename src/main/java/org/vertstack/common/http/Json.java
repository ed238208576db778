package org.vertstack.common.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Strict readers for JSON request bodies: anything off is a 400 with a message that says what. */
public final class Json {

  private Json() {
  }

  /** Where a body already read and checked (by {@link BodySchema}) waits for the route's handler. */
  static final String PARSED = "vertstack.json-body";

  public static JsonObject body(RoutingContext ctx) {
    JsonObject checked = ctx.get(PARSED);
    if (checked != null) {
      return checked;
    }
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw Errors.badRequest("The request body is empty; a JSON object is required.");
    }
    Object parsed;
    try {
      parsed = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Errors.badRequest("Malformed JSON in request body.");
    }
    if (parsed == null) {
      throw Errors.badRequest("The request body must be a JSON object.");
    }
    requireNoNul(parsed);
    ctx.put(PARSED, parsed);
    return (JsonObject) parsed;
  }

  /** Refuses a JSON value with a NUL character in any string or key (PostgreSQL cannot store one). */
  public static void requireNoNul(Object value) {
    if (value instanceof String s && s.indexOf('\0') >= 0) {
      throw Errors.badRequest("A string in the request body contains a NUL character.");
    }
    if (value instanceof JsonObject o) {
      for (var e : o) {
        requireNoNul(e.getKey());
        requireNoNul(e.getValue());
      }
    } else if (value instanceof JsonArray a) {
      a.forEach(Json::requireNoNul);
    }
  }

  public static JsonObject object(JsonObject parent, String key) {
    Object v = parent.getValue(key);
    if (v == null) {
      throw Errors.badRequest("'" + key + "' is a required property.");
    }
    if (!(v instanceof JsonObject o)) {
      throw Errors.badRequest("'" + key + "' must be an object.");
    }
    return o;
  }

  public static JsonObject optObject(JsonObject parent, String key) {
    return parent.getValue(key) == null ? null : object(parent, key);
  }

  public static String string(JsonObject parent, String key) {
    String s = optString(parent, key, 255);
    if (s == null) {
      throw Errors.badRequest("'" + key + "' is a required property.");
    }
    return s;
  }

  public static String optString(JsonObject parent, String key) {
    return optString(parent, key, 255);
  }

  public static String optString(JsonObject parent, String key, int maxLength) {
    Object v = parent.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw Errors.badRequest("'" + key + "' must be a string.");
    }
    if (s.length() > maxLength) {
      throw Errors.badRequest("'" + key + "' is longer than " + maxLength + " characters.");
    }
    return s;
  }

  public static Boolean optBoolean(JsonObject parent, String key) {
    Object v = parent.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw Errors.badRequest("'" + key + "' must be a boolean.");
    }
    return b;
  }

  public static Long optLong(JsonObject parent, String key) {
    Object v = parent.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw Errors.badRequest("'" + key + "' must be an integer.");
    }
    if (Math.abs(n.doubleValue()) > Long.MAX_VALUE / 2.0) {
      throw Errors.badRequest("'" + key + "' is out of range.");
    }
    return n.longValue();
  }

  public static JsonArray optArray(JsonObject parent, String key) {
    Object v = parent.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw Errors.badRequest("'" + key + "' must be an array.");
    }
    return a;
  }

  /** Query parameter booleans as OpenStack clients send them (True/true/1/yes). */
  public static Boolean queryBoolean(String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw.toLowerCase()) {
      case "", "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw Errors.badRequest("'" + raw + "' is not a boolean.");
    };
  }
}
