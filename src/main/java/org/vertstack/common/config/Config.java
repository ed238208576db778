package org.vertstack.common.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads the configuration in layers, each overriding the one before:
 * the defaults shipped in the jar (conf/vertstack.json), an optional file (--config or
 * VERTSTACK_CONFIG), VERTSTACK_* environment variables, then command-line flags.
 * Environment variable names are derived from the default keys, e.g. http.port is
 * VERTSTACK_HTTP_PORT and identity.admin-password is VERTSTACK_IDENTITY_ADMIN_PASSWORD.
 */
public final class Config {

  private static final String DEFAULTS = "conf/vertstack.json";

  private Config() {
  }

  public static JsonObject load(String[] args, Map<String, String> env) {
    JsonObject config = defaults();
    Flags flags = Flags.parse(args);
    String file = flags.configFile != null ? flags.configFile : env.get("VERTSTACK_CONFIG");
    if (file != null && !file.isBlank()) {
      config = deepMerge(config, readFile(Path.of(file)));
    }
    applyEnvironment(config, config.copy(), "VERTSTACK", env);
    flags.applyTo(config);
    return config;
  }

  public static JsonObject defaults() {
    try (InputStream in = Config.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULTS + " on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject readFile(Path path) {
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException | DecodeException e) {
      throw new IllegalArgumentException("cannot read configuration file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Objects merge key by key; any other value replaces the old one. */
  public static JsonObject deepMerge(JsonObject base, JsonObject override) {
    JsonObject out = base.copy();
    for (String key : override.fieldNames()) {
      Object value = override.getValue(key);
      if (value instanceof JsonObject o && out.getValue(key) instanceof JsonObject b) {
        out.put(key, deepMerge(b, o));
      } else {
        out.put(key, value);
      }
    }
    return out;
  }

  private static void applyEnvironment(JsonObject target, JsonObject shape, String prefix, Map<String, String> env) {
    for (String key : shape.fieldNames()) {
      String name = prefix + "_" + key.toUpperCase().replace('-', '_').replace('.', '_');
      Object current = shape.getValue(key);
      if (current instanceof JsonObject nested) {
        applyEnvironment(target.getJsonObject(key), nested, name, env);
      } else if (env.containsKey(name)) {
        target.put(key, coerce(env.get(name), current));
      }
    }
  }

  /** Turns a string from the environment or a flag into the type the default has. */
  static Object coerce(String raw, Object like) {
    try {
      if (like instanceof Integer || like instanceof Long) {
        return Long.parseLong(raw.trim());
      }
      if (like instanceof Boolean) {
        return Boolean.parseBoolean(raw.trim());
      }
      if (like instanceof Double || like instanceof Float) {
        return Double.parseDouble(raw.trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + raw);
    }
    if (like instanceof JsonArray) {
      return new JsonArray(Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
    return raw;
  }

  /** Sets a dotted key (a.b.c) to a string value coerced like the value it replaces. */
  public static void set(JsonObject config, String dottedKey, String raw) {
    List<String> parts = Arrays.asList(dottedKey.split("\\."));
    JsonObject node = config;
    for (String part : parts.subList(0, parts.size() - 1)) {
      JsonObject next = node.getJsonObject(part);
      if (next == null) {
        next = new JsonObject();
        node.put(part, next);
      }
      node = next;
    }
    String leaf = parts.get(parts.size() - 1);
    node.put(leaf, coerce(raw, node.getValue(leaf)));
  }
}
