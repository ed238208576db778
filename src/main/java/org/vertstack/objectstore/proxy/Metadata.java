package org.vertstack.objectstore.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * User and system metadata carried in headers. Stored with lower-case keys (headers are
 * case-insensitive); an empty value or X-Remove-*-Meta-* removes a key (stored as "").
 */
public final class Metadata {

  public static final int MAX_NAME = 128;
  public static final int MAX_VALUE = 256;
  public static final int MAX_COUNT = 90;
  public static final int MAX_OVERALL = 4096;

  private Metadata() {
  }

  /** Metadata headers of an account or container request, plus its system headers (ACLs, versioning). */
  public static JsonObject fromHeaders(MultiMap headers, String kind) {
    String prefix = "x-" + kind + "-meta-";
    String remove = "x-remove-" + kind + "-meta-";
    JsonObject out = new JsonObject();
    int count = 0;
    int overall = 0;
    for (Map.Entry<String, String> e : headers) {
      String key = headerKey(e.getKey());
      String value = e.getValue();
      if (key.startsWith(prefix)) {
        String name = key.substring(prefix.length());
        check(name, value);
        count++;
        overall += name.length() + value.length();
        out.put(key, value);
      } else if (key.startsWith(remove)) {
        out.put(prefix + key.substring(remove.length()), "");
      } else if ("container".equals(kind) && (key.equals("x-container-read") || key.equals("x-container-write")
        || key.equals("x-versions-location") || key.equals("x-history-location") || key.equals("x-container-meta-quota-bytes")
        || key.equals("x-container-sync-to") || key.equals("x-container-sync-key"))) {
        out.put(key, value);
      } else if ("container".equals(kind) && (key.equals("x-remove-container-read") || key.equals("x-remove-container-write")
        || key.equals("x-remove-versions-location") || key.equals("x-remove-history-location")
        || key.equals("x-remove-container-sync-to") || key.equals("x-remove-container-sync-key"))) {
        out.put(key.replace("x-remove-", "x-"), "");
      }
    }
    if (count > MAX_COUNT || overall > MAX_OVERALL) {
      throw Errors.badRequest("Too many metadata items; max " + MAX_COUNT + " and " + MAX_OVERALL + " bytes overall");
    }
    return out;
  }

  /** The X-Object-Meta-* headers of an object request. */
  public static JsonObject objectMeta(MultiMap headers) {
    JsonObject out = new JsonObject();
    int overall = 0;
    for (Map.Entry<String, String> e : headers) {
      String key = headerKey(e.getKey());
      if (key.startsWith("x-object-meta-")) {
        String name = key.substring("x-object-meta-".length());
        check(name, e.getValue());
        overall += name.length() + e.getValue().length();
        out.put(key, e.getValue());
      }
    }
    if (out.size() > MAX_COUNT || overall > MAX_OVERALL) {
      throw Errors.badRequest("Too many metadata items; max " + MAX_COUNT + " and " + MAX_OVERALL + " bytes overall");
    }
    return out;
  }

  /** A header name as Swift stores it: lower case, underscores read as hyphens (as WSGI servers do). */
  static String headerKey(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void check(String name, String value) {
    if (name.isEmpty()) {
      throw Errors.badRequest("Metadata name cannot be empty");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
      throw Errors.badRequest("Metadata name too long; max " + MAX_NAME);
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE) {
      throw Errors.badRequest("Metadata value longer than " + MAX_VALUE);
    }
  }

  /** Writes stored metadata back as headers, in the usual Title-Case spelling. */
  public static void toHeaders(JsonObject meta, MultiMap headers) {
    if (meta == null) {
      return;
    }
    meta.forEach(e -> {
      if (e.getValue() != null && !"".equals(e.getValue())) {
        headers.set(titleCase(e.getKey()), String.valueOf(e.getValue()));
      }
    });
  }

  /** Writes an object's metadata back as headers: an object keeps a key with an empty value. */
  public static void objectToHeaders(JsonObject meta, MultiMap headers) {
    if (meta != null) {
      meta.forEach(e -> headers.set(titleCase(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue())));
    }
  }

  static String titleCase(String key) {
    StringBuilder b = new StringBuilder(key.length());
    boolean up = true;
    for (char c : key.toCharArray()) {
      b.append(up ? Character.toUpperCase(c) : c);
      up = c == '-';
    }
    return b.toString();
  }

  public static boolean truthy(String v) {
    return v != null && switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on", "t", "y" -> true;
      default -> false;
    };
  }
}
