package org.vertstack.objectstore.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

import java.util.List;
import java.util.Locale;

/** An object request's headers read into object metadata, as Swift's proxy reads them. */
final class ObjectHeaders {

  /** The headers Swift keeps with an object besides its user metadata. */
  private static final List<String> KEPT = List.of("Content-Encoding", "Content-Disposition", "Content-Language");

  private ObjectHeaders() {
  }

  /** Object metadata from a PUT's headers. */
  static JsonObject newMeta(SwiftPath path, MultiMap h) {
    JsonObject meta = new JsonObject().put("name", path.fullName())
      .put("content_type", contentType(h.get("Content-Type"), path.object()))
      .put("user", Metadata.objectMeta(h));
    for (String k : KEPT) {
      if (h.get(k) != null) {
        meta.put(k.toLowerCase(Locale.ROOT), h.get(k));
      }
    }
    if (h.get("X-Object-Manifest") != null) {
      checkManifest(h.get("X-Object-Manifest"));
      meta.put("manifest", h.get("X-Object-Manifest"));
    }
    Long deleteAt = deleteAt(h);
    if (deleteAt != null) {
      meta.put("delete_at", deleteAt);
    }
    return meta;
  }

  /** The metadata a POST replaces: user metadata, the kept headers, the manifest and the expiry. */
  static JsonObject metaUpdate(SwiftPath path, MultiMap h) {
    JsonObject update = new JsonObject().put("user", Metadata.objectMeta(h));
    if (h.get("Content-Type") != null) {
      update.put("content_type", contentType(h.get("Content-Type"), path.object()));
    }
    // the headers Swift's object server lets a POST change besides the user metadata
    for (String k : KEPT) {
      if (h.get(k) != null) {
        update.put(k.toLowerCase(Locale.ROOT), h.get(k));
      }
    }
    if (h.get("X-Object-Manifest") != null) {
      String manifest = h.get("X-Object-Manifest");
      if (manifest.isEmpty()) {
        update.putNull("manifest");
      } else {
        checkManifest(manifest);
        update.put("manifest", manifest);
      }
    }
    Long deleteAt = deleteAt(h);
    if (deleteAt != null) {
      update.put("delete_at", deleteAt);
    } else if (h.contains("X-Remove-Delete-At")) {
      update.putNull("delete_at");
    }
    return update;
  }

  /** A dynamic large object's manifest is container/prefix (the prefix may be empty). */
  private static void checkManifest(String manifest) {
    SwiftPath.containerAndObject(manifest.endsWith("/") ? manifest + "x" : manifest, false);
  }

  static String contentType(String given, String name) {
    if (given != null && !given.isBlank()) {
      if (given.indexOf('\0') >= 0 || given.length() > 256) {
        throw Errors.badRequest("Invalid Content-Type");
      }
      return given;
    }
    return "application/octet-stream";
  }

  static String expectedEtag(String header) {
    if (header == null) {
      return null;
    }
    String e = header.trim().replace("\"", "").toLowerCase(Locale.ROOT);
    if (!e.matches("[0-9a-f]{32}")) {
      throw Errors.of(422, "Unprocessable Entity");
    }
    return e;
  }

  static Long deleteAt(MultiMap h) {
    String at = h.get("X-Delete-At");
    String after = h.get("X-Delete-After");
    long now = System.currentTimeMillis() / 1000;
    try {
      if (after != null) {
        long a = Long.parseLong(after.trim());
        if (a < 0) {
          throw Errors.badRequest("X-Delete-After in past");
        }
        return now + a;
      }
      if (at != null) {
        long a = (long) Double.parseDouble(at.trim());
        if (a <= now) {
          throw Errors.badRequest("X-Delete-At in past");
        }
        return a;
      }
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Non-integer X-Delete-" + (after != null ? "After" : "At"));
    }
    return null;
  }

  /** An account named in a header (X-Copy-From-Account, Destination-Account): AUTH_&lt;project&gt;, else 400. */
  static String account(String header, String name) {
    String account = SwiftPath.decode(header.trim());
    if (!account.startsWith("AUTH_") || account.length() <= 5 || account.indexOf('/') >= 0) {
      throw Errors.badRequest("Invalid " + name + ": the value must be AUTH_<project_id>.");
    }
    return account;
  }
}
