package org.vertstack.compute;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.vertstack.common.http.Errors;

/**
 * Nova's API microversion of one request, from {@code OpenStack-API-Version: compute X.Y} or the
 * legacy {@code X-OpenStack-Nova-API-Version}; "latest" means {@link #MAX}. Absent means 2.1.
 */
record Microversion(int major, int minor) {

  static final Microversion MIN = new Microversion(2, 1);
  /** The newest behaviour this service implements (request and response formats up to 2.79). */
  static final Microversion MAX = new Microversion(2, 79);

  static Microversion of(HttpServerRequest req) {
    String raw = null;
    String header = req.getHeader("OpenStack-API-Version");
    if (header != null) {
      for (String part : header.split(",")) {
        String[] kv = part.trim().split("\\s+");
        if (kv.length == 2 && "compute".equalsIgnoreCase(kv[0])) {
          raw = kv[1];
        }
      }
    }
    if (raw == null) {
      raw = req.getHeader("X-OpenStack-Nova-API-Version");
    }
    if (raw == null) {
      return MIN;
    }
    if ("latest".equalsIgnoreCase(raw.trim())) {
      return MAX;
    }
    String[] p = raw.trim().split("\\.");
    Microversion v;
    try {
      if (p.length != 2) {
        throw new NumberFormatException();
      }
      v = new Microversion(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
    } catch (NumberFormatException e) {
      throw Errors.badRequest("API Version String " + raw + " is of invalid format. Must be of format MajorNum.MinorNum.");
    }
    if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
      throw Errors.of(406, "Version " + raw + " is not supported by the API. Minimum is " + MIN + " and maximum is " + MAX + ".");
    }
    return v;
  }

  void addHeaders(HttpServerResponse resp) {
    resp.putHeader("OpenStack-API-Version", "compute " + this)
      .putHeader("X-OpenStack-Nova-API-Version", toString())
      .putHeader("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
  }

  boolean atLeast(int maj, int min) {
    return compareTo(new Microversion(maj, min)) >= 0;
  }

  int compareTo(Microversion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
