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
 * Digest by signature length (SHA-1, SHA-256, SHA-512) or a "sha256:" style prefix. With
 * temp_url_prefix the signed path is "prefix:/v1/AUTH_a/c/&lt;prefix&gt;" and the URL may name any
 * object under that prefix.
 * <p>
 * What a valid TempURL grants ({@link Grant}) is as narrow as Swift's: the signed method (HEAD
 * also with a GET, PUT or POST signature) on the object in the URL, never an account or
 * container request, never COPY; a PUT or POST may not carry X-Copy-From, X-Copy-From-Account
 * or X-Object-Manifest, nor store a static large object manifest (each would point the write at
 * bytes the signature does not cover).
 * Segments of a large object are read within the key's scope only: its account for an account
 * key, its container for a container key.
 */
final class TempUrl {

  /** The methods a TempURL may be signed for (Swift's default list). */
  private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "PUT", "POST", "DELETE");
  /** Headers a TempURL write may not carry: each would reach bytes beyond the signed object. */
  private static final List<String> DISALLOWED = List.of("X-Copy-From", "X-Copy-From-Account", "X-Object-Manifest");

  /** A checked TempURL: the request's account, and its container when the key was a container key. */
  record Grant(String account, String container) {
    /** Whether {@code path} is within the key's scope (segments of a large object the URL names). */
    boolean reaches(SwiftPath path) {
      return account.equals(path.account()) && (container == null || container.equals(path.container()));
    }
  }

  private TempUrl() {
  }

  static Future<Grant> check(SwiftApi api, RoutingContext ctx, SwiftPath path) {
    String sig = ctx.request().getParam("temp_url_sig");
    String expiresRaw = ctx.request().getParam("temp_url_expires");
    String method = ctx.request().method().name();
    if (path.object() == null || expiresRaw == null || sig == null || !METHODS.contains(method)) {
      return Future.failedFuture(invalid());
    }
    long expires;
    try {
      expires = Long.parseLong(expiresRaw);
    } catch (NumberFormatException e) {
      return Future.failedFuture(invalid());
    }
    if (expires < System.currentTimeMillis() / 1000) {
      return Future.failedFuture(invalid());
    }
    String prefix = ctx.request().getParam("temp_url_prefix");
    // the path may be signed as Swift's own (/v1/...) or as it appears in this cloud's URL
    // (/object-store/v1/..., as a client that signs its endpoint's path does)
    List<String> signedPaths;
    if (prefix != null) {
      if (!path.object().startsWith(prefix)) {
        return Future.failedFuture(invalid());
      }
      String tail = "/v1/" + path.account() + "/" + path.container() + "/" + prefix;
      signedPaths = List.of("prefix:" + tail, "prefix:" + SwiftPath.PREFIX.substring(0, SwiftPath.PREFIX.length() - 4) + tail);
    } else {
      signedPaths = List.of("/v1" + ctx.request().path().substring(SwiftPath.PREFIX.length() - 1), ctx.request().path());
    }
    List<String> signedMethods = "HEAD".equals(method) ? List.of("HEAD", "GET", "PUT", "POST") : List.of(method);
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      for (String h : DISALLOWED) {
        if (ctx.request().headers().contains(h)) {
          return Future.failedFuture(Errors.badRequest("The header '" + h + "' is not allowed in this tempurl"));
        }
      }
      if ("put".equals(ctx.request().getParam("multipart-manifest"))) {
        // a static manifest is a pointer too: its segments could name any object of the account
        return Future.failedFuture(Errors.badRequest("multipart-manifest=put is not allowed in this tempurl"));
      }
    }
    return api.db.account(path.account()).compose(acct -> api.containerInfo(path.account(), path.container()).map(cont -> {
      List<String> accountKeys = new ArrayList<>();
      List<String> containerKeys = new ArrayList<>();
      addKeys(accountKeys, acct.getJsonObject("meta"), "x-account-meta-temp-url-key");
      if (cont != null) {
        addKeys(containerKeys, cont.getJsonObject("meta"), "x-container-meta-temp-url-key");
      }
      for (String m : signedMethods) {
        for (String signedPath : signedPaths) {
          String body = m + "\n" + expires + "\n" + signedPath;
          for (String key : accountKeys) {
            if (matches(key, body, sig)) {
              return new Grant(path.account(), null);
            }
          }
          for (String key : containerKeys) {
            if (matches(key, body, sig)) {
              return new Grant(path.account(), path.container());
            }
          }
        }
      }
      throw invalid();
    }));
  }

  /** The account's and the container's TempURL keys (formpost signs with the same keys). */
  static Future<List<String>> keys(SwiftApi api, SwiftPath path) {
    return api.db.account(path.account()).compose(acct -> api.containerInfo(path.account(), path.container()).map(cont -> {
      List<String> keys = new ArrayList<>();
      addKeys(keys, acct.getJsonObject("meta"), "x-account-meta-temp-url-key");
      if (cont != null) {
        addKeys(keys, cont.getJsonObject("meta"), "x-container-meta-temp-url-key");
      }
      return keys;
    }));
  }

  private static RuntimeException invalid() {
    return Errors.unauthorized("Unauthorized");
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

  /**
   * The Content-Disposition of a GET through a TempURL, as Swift's tempurl sets it: {@code inline}
   * and {@code filename} from the query, else the object's own, else an attachment named after
   * the object.
   */
  static void disposition(RoutingContext ctx, SwiftPath path) {
    String filename = ctx.request().getParam("filename");
    boolean inline = ctx.request().params().contains("inline");
    ctx.addHeadersEndHandler(v -> {
      io.vertx.core.http.HttpServerResponse resp = ctx.response();
      if (resp.getStatusCode() / 100 != 2) {
        return;
      }
      String value;
      if (inline) {
        value = filename == null ? "inline" : "inline; " + quotedFilename(filename);
      } else if (filename != null) {
        value = "attachment; " + quotedFilename(filename);
      } else if (resp.headers().contains("Content-Disposition")) {
        return;
      } else {
        String name = path.object();
        name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        value = "attachment; " + quotedFilename(name.substring(name.lastIndexOf('/') + 1));
      }
      resp.putHeader("Content-Disposition", value);
    });
  }

  private static String quotedFilename(String name) {
    String safe = name.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\r\\n]", "");
    return "filename=\"" + safe + "\"; filename*=UTF-8''" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
