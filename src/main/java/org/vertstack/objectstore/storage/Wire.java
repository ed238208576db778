package org.vertstack.objectstore.storage;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Header names and encodings between the proxy and the object servers (internal protocol). */
public final class Wire {

  /** The version timestamp of a write or delete; on a 404, the tombstone's. */
  public static final String TS = "X-Vs-Ts";
  /** Object metadata as base64url JSON. */
  public static final String META = "X-Vs-Meta";
  /** The MD5 the stored bytes must have, else 422 and nothing is kept. */
  public static final String ETAG = "X-Vs-Etag";
  /** The stored length, in a PUT's answer. */
  public static final String SIZE = "X-Vs-Size";
  /** Inclusive byte range "first-last" of a GET. */
  public static final String RANGE = "X-Vs-Range";
  /** Key in a DELETE's metadata: delete only while the object's delete_at is this, else 412 (the expirer's delete). */
  public static final String IF_DELETE_AT = "if_delete_at";

  private Wire() {
  }

  public static String encode(JsonObject meta) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(meta.encode().getBytes(StandardCharsets.UTF_8));
  }

  public static JsonObject decode(String header) {
    if (header == null || header.isEmpty()) {
      return new JsonObject();
    }
    return new JsonObject(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8));
  }
}
