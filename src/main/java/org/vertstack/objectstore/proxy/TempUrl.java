package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.Errors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * TempURL: temp_url_sig = HMAC(key, "METHOD\nexpires\npath") with a key from the account's or
 * the container's X-*-Meta-Temp-URL-Key(-2); valid until temp_url_expires (epoch seconds).
 * Digest by signature length (SHA-1, SHA-256, SHA-512) or a "sha256:" style prefix.
 */
final class TempUrl {

  private TempUrl() {
  }

  static Future<Void> check(SwiftApi api, RoutingContext ctx, SwiftPath path) {
    String sig = ctx.request().getParam("temp_url_sig");
    String expiresRaw = ctx.request().getParam("temp_url_expires");
    if (path.object() == null || expiresRaw == null) {
      return Future.failedFuture(Errors.unauthorized("Unauthorized"));
    }
    long expires;
    try {
      expires = Long.parseLong(expiresRaw);
    } catch (NumberFormatException e) {
      return Future.failedFuture(Errors.unauthorized("Unauthorized"));
    }
    if (expires < System.currentTimeMillis() / 1000) {
      return Future.failedFuture(Errors.unauthorized("Unauthorized"));
    }
    String method = ctx.request().method().name();
    if ("HEAD".equals(method)) {
      method = "GET";
    }
    String signedPath = "/v1" + ctx.request().path().substring(SwiftPath.PREFIX.length() - 1);
    String body = method + "\n" + expires + "\n" + signedPath;
    String m = method;
    return api.db.account(path.account()).compose(acct -> api.containerInfo(path.account(), path.container()).map(cont -> {
      List<String> keys = new ArrayList<>();
      addKeys(keys, acct.getJsonObject("meta"), "x-account-meta-temp-url-key");
      if (cont != null) {
        addKeys(keys, cont.getJsonObject("meta"), "x-container-meta-temp-url-key");
      }
      for (String key : keys) {
        if (matches(key, body, sig) || ("GET".equals(m) && matches(key, "HEAD\n" + expires + "\n" + signedPath, sig))) {
          return null;
        }
      }
      throw Errors.unauthorized("Unauthorized");
    }));
  }

  private static void addKeys(List<String> keys, JsonObject meta, String name) {
    if (meta == null) {
      return;
    }
    for (String k : new String[] {name, name + "-2"}) {
      String v = meta.getString(k);
      if (v != null && !v.isEmpty()) {
        keys.add(v);
      }
    }
  }

  static boolean matches(String key, String body, String sig) {
    String algo;
    String hex = sig;
    int colon = sig.indexOf(':');
    if (colon > 0) {
      algo = switch (sig.substring(0, colon)) {
        case "sha1" -> "HmacSHA1";
        case "sha256" -> "HmacSHA256";
        case "sha512" -> "HmacSHA512";
        default -> null;
      };
      hex = sig.substring(colon + 1);
      if (algo != null) {
        try {
          hex = HexFormat.of().formatHex(java.util.Base64.getUrlDecoder().decode(hex.replace('+', '-').replace('/', '_')));
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    } else {
      algo = switch (sig.length()) {
        case 40 -> "HmacSHA1";
        case 64 -> "HmacSHA256";
        case 128 -> "HmacSHA512";
        default -> null;
      };
    }
    if (algo == null) {
      return false;
    }
    return MessageDigest.isEqual(hmac(algo, key, body).getBytes(StandardCharsets.US_ASCII),
      hex.toLowerCase().getBytes(StandardCharsets.US_ASCII));
  }

  static String hmac(String algo, String key, String body) {
    try {
      Mac mac = Mac.getInstance(algo);
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algo));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
