package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.storage.Timestamps;

import java.time.Instant;
import java.util.Locale;

/**
 * Object requests over HTTP: each verb reads its headers, calls the {@link ObjectService} and
 * writes Swift's answer. PUT streams to a quorum; GET/HEAD stream from a live replica
 * ({@link ObjectDownload}); POST, DELETE, COPY and X-Copy-From.
 */
final class ObjectHandler {

  private final ObjectService service;
  private final ObjectDownload download;

  ObjectHandler(ObjectService service) {
    this.service = service;
    this.download = new ObjectDownload(service.vertx, service.objects);
  }

  Future<?> handle(RoutingContext ctx, SwiftPath path, Caller caller) {
    String method = ctx.request().method().name();
    return switch (method) {
      case "GET", "HEAD" -> get(ctx, path, caller);
      case "PUT" -> put(ctx, path, caller);
      case "POST" -> post(ctx, path, caller);
      case "DELETE" -> delete(ctx, path, caller);
      case "COPY" -> copyVerb(ctx, path, caller);
      case "OPTIONS" -> {
        ctx.response().putHeader("Allow", "HEAD, GET, PUT, POST, DELETE, COPY, OPTIONS").end();
        yield Future.succeededFuture();
      }
      default -> Future.failedFuture(Errors.of(405, "Method Not Allowed"));
    };
  }

  // ---- PUT

  private Future<?> put(RoutingContext ctx, SwiftPath path, Caller caller) {
    HttpServerRequest req = ctx.request();
    MultiMap h = req.headers();
    if (h.contains("X-Copy-From")) {
      String[] src = SwiftPath.containerAndObject(h.get("X-Copy-From"), true);
      String srcAccount = h.contains("X-Copy-From-Account")
        ? ObjectHeaders.account(h.get("X-Copy-From-Account"), "X-Copy-From-Account") : path.account();
      return copy(ctx, new SwiftPath(srcAccount, srcAccount.substring(5), src[0], src[1]), path, caller);
    }
    if ("put".equals(req.getParam("multipart-manifest"))) {
      return service.authorize(path, caller, true, true).compose(info -> LargeObjects.putManifest(service, ctx, path, info, caller));
    }
    long length;
    try {
      length = declaredLength(h);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (length > service.settings.maxObjectSize()) {
      return Future.failedFuture(Errors.of(413, "Your request is too large."));
    }
    JsonObject meta = ObjectHeaders.newMeta(path, h);
    String etag = ObjectHeaders.expectedEtag(h.get("ETag"));
    return service.authorize(path, caller, true, true)
      .compose(info -> service.store(path, info, new RequestUpload(req, length), meta, etag))
      .map(stored -> {
        ctx.response().setStatusCode(201).putHeader("Etag", stored.getString("etag"))
          .putHeader("Last-Modified", httpDate(stored.getString("ts")))
          .putHeader("Content-Type", "text/html; charset=UTF-8").putHeader("Content-Length", "0").end();
        return null;
      });
  }

  /** The body's length: -1 when chunked, 411 without Content-Length, 400 when it is not a length. */
  private static long declaredLength(MultiMap h) {
    String te = h.get("Transfer-Encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return -1;
    }
    String cl = h.get("Content-Length");
    if (cl == null) {
      throw Errors.of(411, "Missing Content-Length header.");
    }
    long length;
    try {
      length = Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid Content-Length");
    }
    if (length < 0) {
      throw Errors.badRequest("Invalid Content-Length");
    }
    return length;
  }

  /** A client's request body: it is told to send (100-continue) when the store is ready, and a small one is read whole. */
  private record RequestUpload(HttpServerRequest req, long length) implements Upload {

    @Override
    public ReadStream<Buffer> stream() {
      return req;
    }

    @Override
    public void ready() {
      if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
        req.response().writeContinue();
      }
    }

    @Override
    public Future<Buffer> whole() {
      Future<Buffer> whole = req.body();
      req.resume();
      return whole;
    }
  }

  // ---- COPY / X-Copy-From

  private Future<?> copyVerb(RoutingContext ctx, SwiftPath path, Caller caller) {
    String dest = ctx.request().getHeader("Destination");
    if (dest == null) {
      return Future.failedFuture(Errors.of(412, "You must provide a Destination header"));
    }
    String[] d = SwiftPath.containerAndObject(dest, true);
    String destAccount = ctx.request().getHeader("Destination-Account") != null
      ? ObjectHeaders.account(ctx.request().getHeader("Destination-Account"), "Destination-Account") : path.account();
    return copy(ctx, path, new SwiftPath(destAccount, destAccount.substring(5), d[0], d[1]), caller);
  }

  private Future<?> copy(RoutingContext ctx, SwiftPath src, SwiftPath dst, Caller caller) {
    MultiMap h = ctx.request().headers();
    return service.copy(src, dst, caller, meta -> {
      JsonObject user = Metadata.truthy(h.get("X-Fresh-Metadata")) ? new JsonObject() : meta.getJsonObject("user", new JsonObject());
      user.mergeIn(Metadata.objectMeta(h));
      JsonObject next = new JsonObject().put("name", dst.fullName()).put("user", user)
        .put("content_type", h.get("Content-Type") != null
          ? ObjectHeaders.contentType(h.get("Content-Type"), dst.object()) : meta.getString("content_type"));
      for (String k : new String[] {"content-encoding", "content-disposition", "content-language", "manifest", "slo"}) {
        if (meta.containsKey(k)) {
          next.put(k, meta.getValue(k));
        }
      }
      Long deleteAt = ObjectHeaders.deleteAt(h);
      if (deleteAt != null) {
        next.put("delete_at", deleteAt);
      }
      ctx.request().resume(); // a copy request has no body of its own to wait for
      return next;
    }).map(copied -> {
      // as Swift's copy middleware: the answer describes the new object, its metadata included
      HttpServerResponse resp = ctx.response();
      Metadata.objectToHeaders(copied.meta().getJsonObject("user"), resp.headers());
      resp.setStatusCode(201).putHeader("Etag", copied.stored().getString("etag"))
        .putHeader("X-Copied-From", src.container() + "/" + src.object())
        .putHeader("X-Copied-From-Last-Modified", httpDate(copied.sourceMeta().getString("ts")))
        .putHeader("Last-Modified", httpDate(copied.stored().getString("ts")))
        .putHeader("Content-Type", "text/html; charset=UTF-8").putHeader("Content-Length", "0").end();
      return null;
    });
  }

  // ---- GET / HEAD

  private Future<?> get(RoutingContext ctx, SwiftPath path, Caller caller) {
    HttpServerRequest req = ctx.request();
    boolean head = "HEAD".equals(req.method().name());
    MultiMap h = req.headers();
    boolean simple = !head && h.get("Range") == null && h.get("If-Match") == null && h.get("If-None-Match") == null
      && h.get("If-Modified-Since") == null && h.get("If-Unmodified-Since") == null && req.getParam("multipart-manifest") == null;
    String hash = service.hash(path);
    if (caller.isTempUrl() && !head) {
      TempUrl.disposition(ctx, path);
    }
    // this node's own replica answers without the loopback hop when it can; else the object servers
    return service.authorize(path, caller, false, false).compose(x -> LocalGet.serve(service.objects, ctx, hash, head))
      .compose(served -> served ? Future.succeededFuture() : getViaServers(ctx, path, hash, simple, head, caller));
  }

  private Future<?> getViaServers(RoutingContext ctx, SwiftPath path, String hash, boolean simple, boolean head, Caller caller) {
    HttpServerRequest req = ctx.request();
    return service.objects.get(hash, -1, -1, !simple).compose(f -> {
      if (f.status() == 503) {
        return Future.<Void>failedFuture(Errors.of(503, "Service Unavailable"));
      }
      if (f.status() != 200 || ObjectService.expired(f.meta())) {
        if (f.body() != null) {
          ObjectService.discard(f.body());
        }
        return Future.<Void>failedFuture(Errors.notFound("Not Found"));
      }
      JsonObject meta = f.meta();
      boolean manifest = meta.getString("manifest") != null || meta.getBoolean("slo", false);
      if (simple && !manifest) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
          ObjectService.discard(f.body());
          return Future.<Void>succeededFuture();
        }
        ObjectDownload.objectHeaders(resp, meta, meta.getString("etag"));
        resp.putHeader("Content-Length", String.valueOf(meta.getLong("size")));
        return ObjectDownload.relay(f.body(), resp).compose(v -> resp.end());
      }
      if (f.body() != null) {
        ObjectService.discard(f.body());
      }
      if (manifest && "get".equals(req.getParam("multipart-manifest")) && meta.getBoolean("slo", false)) {
        return LargeObjects.manifestBody(service, path, meta).compose(body -> {
          HttpServerResponse resp = ctx.response();
          ObjectDownload.objectHeaders(resp, meta, meta.getString("etag"));
          resp.putHeader("Content-Type", "application/json; charset=utf-8");
          resp.putHeader("Content-Length", String.valueOf(body.length()));
          return head ? resp.end() : resp.end(body);
        });
      }
      Future<Pieces> pieces = manifest ? LargeObjects.pieces(service, path, meta, caller)
        : Future.succeededFuture(Pieces.single(hash, meta.getLong("size"), meta.getString("etag")));
      return pieces.compose(p -> download.respond(req, meta, p, head)).<Void>mapEmpty();
    });
  }

  // ---- POST

  private Future<?> post(RoutingContext ctx, SwiftPath path, Caller caller) {
    JsonObject update = ObjectHeaders.metaUpdate(path, ctx.request().headers());
    return service.update(path, caller, update).map(v -> {
      ctx.response().setStatusCode(202).putHeader("Content-Type", "text/html; charset=UTF-8").end(
        "<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>");
      return null;
    });
  }

  // ---- DELETE

  private Future<?> delete(RoutingContext ctx, SwiftPath path, Caller caller) {
    boolean slo = "delete".equals(ctx.request().getParam("multipart-manifest"));
    return service.delete(path, caller, slo).map(v -> {
      ctx.response().setStatusCode(204).putHeader("Content-Type", "text/html; charset=UTF-8").end();
      return null;
    });
  }

  private static String httpDate(String ts) {
    return SwiftApi.HTTP_DATE.format(Instant.ofEpochMilli(Timestamps.millis(ts)));
  }
}
