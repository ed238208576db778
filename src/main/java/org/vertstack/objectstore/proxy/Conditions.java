package org.vertstack.objectstore.proxy;

import io.vertx.core.MultiMap;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/** If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since: 200, 304 or 412. */
final class Conditions {

  private Conditions() {
  }

  static int evaluate(MultiMap h, String etag, long lastModifiedMillis) {
    long lastModified = lastModifiedMillis / 1000;
    String ifMatch = h.get("If-Match");
    if (ifMatch != null && !matches(ifMatch, etag)) {
      return 412;
    }
    String ius = h.get("If-Unmodified-Since");
    if (ius != null) {
      Instant t = parseHttpDate(ius);
      if (t != null && lastModified > t.getEpochSecond()) {
        return 412;
      }
    }
    String inm = h.get("If-None-Match");
    if (inm != null && matches(inm, etag)) {
      return 304;
    }
    String ims = h.get("If-Modified-Since");
    if (ims != null && inm == null) {
      Instant t = parseHttpDate(ims);
      if (t != null && lastModified <= t.getEpochSecond()) {
        return 304;
      }
    }
    return 200;
  }

  private static boolean matches(String header, String etag) {
    String bare = etag.replace("\"", "");
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.startsWith("W/")) {
        p = p.substring(2);
      }
      p = p.replace("\"", "");
      if ("*".equals(p) || p.equalsIgnoreCase(bare)) {
        return true;
      }
    }
    return false;
  }

  static Instant parseHttpDate(String v) {
    try {
      return ZonedDateTime.parse(v.trim(), SwiftApi.HTTP_DATE).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
