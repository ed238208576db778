package org.vertstack.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's files, from the jar: each read once (on a worker), kept with its gzip form and
 * a strong ETag (its SHA-256), and answered from memory. Browsers revalidate on every load
 * ({@code Cache-Control: no-cache}, so an upgrade shows at once) and get a 304 with no body while
 * the file is unchanged: a reload costs a few hundred bytes. The front door leaves compression
 * off (API bodies stream), so the gzip form is made here, for the clients that accept it.
 */
final class WebrootFiles implements Handler<RoutingContext> {

  /** One file: its bytes, the gzip form when that is smaller (else null), its validator and type. */
  record Asset(Buffer plain, Buffer gzip, String etag, String contentType) {
  }

  private static final Map<String, String> TYPES = Map.of(
    "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "mjs", "text/javascript; charset=utf-8",
    "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "json", "application/json", "png", "image/png",
    "txt", "text/plain; charset=utf-8", "ico", "image/x-icon", "woff2", "font/woff2");

  private final Vertx vertx;
  private final String root;
  private final Map<String, Future<Asset>> assets = new ConcurrentHashMap<>();

  WebrootFiles(Vertx vertx, String root) {
    this.vertx = vertx;
    this.root = root;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.endsWith("/")) {
      path += "index.html";
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    // only files with a known type; nothing hidden, nothing outside the root
    if (dot <= 0 || path.contains("/.") || path.contains("..") || !TYPES.containsKey(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
      ctx.next();
      return;
    }
    String key = path;
    assets.computeIfAbsent(key, p -> vertx.executeBlocking(() -> load(p), false))
      .onSuccess(asset -> {
        if (asset == null) {
          assets.remove(key); // misses are not kept: any path may be asked for
          ctx.next();
        } else {
          send(ctx, asset);
        }
      })
      .onFailure(ctx::fail);
  }

  private Asset load(String path) throws IOException, java.security.NoSuchAlgorithmException {
    byte[] bytes;
    try (InputStream in = WebrootFiles.class.getClassLoader().getResourceAsStream(root + path)) {
      if (in == null) {
        return null;
      }
      bytes = in.readAllBytes();
    }
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes)) + "\"";
    ByteArrayOutputStream zipped = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(bytes);
    }
    Buffer gzip = zipped.size() < bytes.length ? Buffer.buffer(zipped.toByteArray()) : null;
    return new Asset(Buffer.buffer(bytes), gzip, etag, TYPES.get(ext));
  }

  private static void send(RoutingContext ctx, Asset asset) {
    HttpServerResponse res = ctx.response();
    res.putHeader("ETag", asset.etag()).putHeader("Vary", "Accept-Encoding");
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(asset.etag()) || ifNoneMatch.trim().equals("*"))) {
      res.setStatusCode(304).end();
      return;
    }
    String accepts = ctx.request().getHeader("Accept-Encoding");
    boolean gzip = asset.gzip() != null && accepts != null && accepts.toLowerCase(Locale.ROOT).contains("gzip");
    Buffer body = gzip ? asset.gzip() : asset.plain();
    res.putHeader("Content-Type", asset.contentType()).putHeader("Content-Length", String.valueOf(body.length()));
    if (gzip) {
      res.putHeader("Content-Encoding", "gzip");
    }
    if (ctx.request().method() == HttpMethod.HEAD) {
      res.end();
    } else {
      res.end(body);
    }
  }
}
