package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.ByteRanges;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;
import org.vertstack.objectstore.db.ListQuery;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.ObjectClient;
import org.vertstack.objectstore.storage.ObjectClient.Fetched;
import org.vertstack.objectstore.storage.Timestamps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Object requests: PUT (streamed to a quorum), GET/HEAD (streamed from a live replica, ranges,
 * conditionals, large-object manifests), POST, DELETE, COPY, and versioning around them.
 */
final class ObjectHandler {

  private static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

  private final SwiftApi api;
  private final ObjectClient objects;
  private final Quotas quotas;

  ObjectHandler(SwiftApi api) {
    this.api = api;
    this.objects = api.objects;
    this.quotas = new Quotas(api.vertx);
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

  // ---- access

  /**
   * Checks access to an object of {@code path}'s container as a direct request would have it:
   * the account's project with a read or write role, a container ACL, or a TempURL whose key
   * scope reaches it (the TempURL itself was checked against the request's path and method).
   * Returns the container info (null only when the owner asks about a missing one).
   */
  Future<JsonObject> authorize(SwiftPath path, Caller caller, boolean write, boolean needContainer) {
    String rule = write ? "object_store:write_object" : "object_store:read_object";
    boolean signed = caller.isTempUrl() && caller.tempUrl().reaches(path);
    // the owners and a TempURL need no container lookup; an ACL does
    boolean direct = caller.may(rule, Target.project(path.projectId(), null).flag("temp_url", signed));
    if (direct && !needContainer) {
      return Future.succeededFuture(null);
    }
    return api.containerInfo(path.account(), path.container()).compose(info -> {
      if (!direct) {
        String acl = info == null ? null : info.getJsonObject("meta").getString(write ? "x-container-write" : "x-container-read");
        boolean granted = write ? caller.allowedToWrite(acl) : caller.allowedBy(acl, false);
        if (!caller.may(rule, Target.project(path.projectId(), null).flag(write ? "write_acl" : "read_acl", granted))) {
          return Future.failedFuture(caller.denied());
        }
      }
      if (needContainer && info == null) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      return Future.succeededFuture(info);
    });
  }

  String hash(SwiftPath p) {
    return objects.ring().hash(p.account(), p.container(), p.object());
  }

  // ---- PUT

  private Future<?> put(RoutingContext ctx, SwiftPath path, Caller caller) {
    HttpServerRequest req = ctx.request();
    MultiMap h = req.headers();
    if (h.contains("X-Copy-From")) {
      String[] src = SwiftPath.containerAndObject(h.get("X-Copy-From"), true);
      String srcAccount = h.contains("X-Copy-From-Account") ? account(h.get("X-Copy-From-Account"), "X-Copy-From-Account") : path.account();
      return copy(ctx, new SwiftPath(srcAccount, srcAccount.substring(5), src[0], src[1]), path, caller);
    }
    String mm = req.getParam("multipart-manifest");
    if ("put".equals(mm)) {
      return authorize(path, caller, true, true).compose(info -> LargeObjects.putManifest(this, api, ctx, path, info, caller));
    }
    String te = h.get("Transfer-Encoding");
    boolean chunked = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    String cl = h.get("Content-Length");
    long length;
    if (chunked) {
      length = -1;
    } else if (cl == null) {
      return Future.failedFuture(Errors.of(411, "Missing Content-Length header."));
    } else {
      try {
        length = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        return Future.failedFuture(Errors.badRequest("Invalid Content-Length"));
      }
      if (length < 0) {
        return Future.failedFuture(Errors.badRequest("Invalid Content-Length"));
      }
    }
    if (length > api.settings.maxObjectSize()) {
      return Future.failedFuture(Errors.of(413, "Your request is too large."));
    }
    JsonObject meta = newMeta(path, h);
    String etag = expectedEtag(h.get("ETag"));
    return authorize(path, caller, true, true).compose(info ->
      store(ctx, path, info, req, length, meta, etag, req));
  }

  /** Object metadata from a PUT's headers. */
  JsonObject newMeta(SwiftPath path, MultiMap h) {
    JsonObject meta = new JsonObject().put("name", path.fullName())
      .put("content_type", contentType(h.get("Content-Type"), path.object()))
      .put("user", Metadata.objectMeta(h));
    for (String k : new String[] {"Content-Encoding", "Content-Disposition", "Content-Language"}) {
      if (h.get(k) != null) {
        meta.put(k.toLowerCase(Locale.ROOT), h.get(k));
      }
    }
    if (h.get("X-Object-Manifest") != null) {
      SwiftPath.containerAndObject(h.get("X-Object-Manifest").endsWith("/") ? h.get("X-Object-Manifest") + "x"
        : h.get("X-Object-Manifest"), false);
      meta.put("manifest", h.get("X-Object-Manifest"));
    }
    Long deleteAt = deleteAt(h);
    if (deleteAt != null) {
      meta.put("delete_at", deleteAt);
    }
    return meta;
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

  /**
   * Stores a body under path: quota, versioning of the old copy, quorum write, listing. Answers
   * the client with 201 unless {@code ctx} is null (internal copies), then just completes.
   */
  Future<JsonObject> store(RoutingContext ctx, SwiftPath path, JsonObject containerInfo, ReadStream<Buffer> body,
                           long length, JsonObject meta, String etag, HttpServerRequest continueTo) {
    return store(ctx, path, containerInfo, body, length, meta, etag, continueTo, Timestamps.next());
  }

  /** As above, the new version timestamped {@code ts} (container sync keeps the source's). */
  Future<JsonObject> store(RoutingContext ctx, SwiftPath path, JsonObject containerInfo, ReadStream<Buffer> body,
                           long length, JsonObject meta, String etag, HttpServerRequest continueTo, String ts) {
    String hash = hash(path);
    long[] reserved = {Math.max(0, length), 0, 0}; // bytes, objects, whether the reservation was made
    // a body of known length reserves its bytes up front; one of unknown length as it streams
    Future<ReadStream<Buffer>> metered = api.metaQuotas.check(path, containerInfo, length)
      .compose(v -> length >= 0 ? Future.succeededFuture(body) : quotas.meter(path.projectId(), body));
    return metered.compose(source -> quotas.reserve(path.projectId(), reserved[0],
        () -> api.db.objectExists(path.account(), path.container(), path.object()))
      .compose(n -> {
        reserved[1] = n;
        reserved[2] = 1;
        return Versioning.beforeOverwrite(this, path, containerInfo);
      })
      .compose(v -> {
        if (continueTo != null && "100-continue".equalsIgnoreCase(continueTo.getHeader("Expect"))) {
          continueTo.response().writeContinue();
        }
        if (length >= 0 && length <= ObjectClient.SMALL_BODY && body instanceof HttpServerRequest req) {
          Future<Buffer> whole = req.body();
          req.resume();
          return whole.compose(b -> objects.putSmall(hash, b, meta, etag, ts));
        }
        return objects.put(hash, source, length, meta, etag, ts).andThen(x -> {
          if (source instanceof MeteredBody m) {
            reserved[0] = m.reserved();
          }
        });
      })
      .recover(err -> {
        if (source instanceof MeteredBody m) {
          reserved[0] = m.reserved();
        }
        if (reserved[2] == 0) {
          return Future.failedFuture(err);
        }
        // the write failed (over quota while streaming, client gone): nothing was committed
        return quotas.release(path.projectId(), reserved[0], reserved[1]).transform(x -> Future.failedFuture(err));
      }))
      .compose(result -> {
        long reserveBytes = reserved[0];
        long[] reservedObjects = {reserved[1]};
        if (result.status() != 201) {
          return quotas.release(path.projectId(), reserveBytes, reservedObjects[0]).transform(x -> Future.failedFuture(
            result.status() == 422 ? Errors.of(422, "Unprocessable Entity") : Errors.of(503, "Service Unavailable")));
        }
        String ctype = meta.getString("content_type");
        boolean slo = meta.getBoolean("slo", false);
        long listedSize = slo ? meta.getLong("slo_size") : result.size();
        String listedEtag = slo ? meta.getString("slo_etag") : result.etag();
        return api.db.putObject(path.account(), path.container(), path.object(), listedSize, listedEtag, ctype, ts,
            meta.getLong("delete_at"))
          .compose(rec -> {
            Long old = rec.getLong("old_size");
            // settle: what was reserved before the write against what the write really changed
            long fixBytes = reserveBytes - result.size() + (old == null ? 0 : old);
            long fixObjects = reservedObjects[0] - (old == null ? 1 : 0);
            Future<Void> fix = quotas.settle(path.projectId(), fixBytes, fixObjects);
            return fix.map(x -> rec);
          })
          .map(rec -> {
            ResourceEvents.publish(api.vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(),
              rec.getLong("old_size") == null ? "created" : "updated",
              new JsonObject().put("name", path.object()).put("container", path.container()).put("bytes", result.size())
                .put("hash", result.etag()).put("content_type", ctype));
            if (ctx != null) {
              ctx.response().setStatusCode(201).putHeader("Etag", result.etag())
                .putHeader("Last-Modified", SwiftApi.HTTP_DATE.format(Instant.ofEpochMilli(Timestamps.millis(ts))))
                .putHeader("Content-Type", "text/html; charset=UTF-8").putHeader("Content-Length", "0").end();
            }
            return new JsonObject().put("etag", result.etag()).put("size", result.size()).put("ts", ts);
          });
      });
  }

  // ---- COPY / X-Copy-From

  private Future<?> copyVerb(RoutingContext ctx, SwiftPath path, Caller caller) {
    String dest = ctx.request().getHeader("Destination");
    if (dest == null) {
      return Future.failedFuture(Errors.of(412, "You must provide a Destination header"));
    }
    String[] d = SwiftPath.containerAndObject(dest, true);
    String destAccount = ctx.request().getHeader("Destination-Account") != null
      ? account(ctx.request().getHeader("Destination-Account"), "Destination-Account") : path.account();
    return copy(ctx, path, new SwiftPath(destAccount, destAccount.substring(5), d[0], d[1]), caller);
  }

  /** An account named in a header (X-Copy-From-Account, Destination-Account): AUTH_&lt;project&gt;, else 400. */
  static String account(String header, String name) {
    String account = SwiftPath.decode(header.trim());
    if (!account.startsWith("AUTH_") || account.length() <= 5 || account.indexOf('/') >= 0) {
      throw Errors.badRequest("Invalid " + name + ": the value must be AUTH_<project_id>.");
    }
    return account;
  }

  /**
   * A copy reads the source and writes the destination as two direct requests of the caller
   * would: each account's owner, or a container ACL. A TempURL copies nothing (its signature
   * covers one object and one method; it is refused before this).
   */
  private Future<?> copy(RoutingContext ctx, SwiftPath src, SwiftPath dst, Caller caller) {
    MultiMap h = ctx.request().headers();
    if (caller.isTempUrl()) {
      return Future.failedFuture(Errors.unauthorized("Unauthorized"));
    }
    return authorize(src, caller, false, false)
      .compose(x -> authorize(dst, caller, true, true))
      .compose(dstInfo -> objects.get(hash(src), -1, -1, false).compose(f -> {
        if (f.status() != 200 || expired(f.meta())) {
          if (f.body() != null) {
            discard(f.body());
          }
          return Future.failedFuture(Errors.notFound("Not Found"));
        }
        JsonObject meta = f.meta().copy();
        JsonObject user = Metadata.truthy(h.get("X-Fresh-Metadata")) ? new JsonObject() : meta.getJsonObject("user", new JsonObject());
        user.mergeIn(Metadata.objectMeta(h));
        JsonObject next = new JsonObject().put("name", dst.fullName()).put("user", user)
          .put("content_type", h.get("Content-Type") != null ? contentType(h.get("Content-Type"), dst.object()) : meta.getString("content_type"));
        for (String k : new String[] {"content-encoding", "content-disposition", "content-language", "manifest", "slo"}) {
          if (meta.containsKey(k)) {
            next.put(k, meta.getValue(k));
          }
        }
        Long deleteAt = deleteAt(h);
        if (deleteAt != null) {
          next.put("delete_at", deleteAt);
        }
        long size = meta.getLong("size");
        ctx.request().resume();
        return store(null, dst, dstInfo, f.body(), size, next, meta.getString("etag"), null).map(r -> {
          // as Swift's copy middleware: the answer describes the new object, its metadata included
          Metadata.objectToHeaders(user, ctx.response().headers());
          ctx.response().setStatusCode(201).putHeader("Etag", r.getString("etag"))
            .putHeader("X-Copied-From", src.container() + "/" + src.object())
            .putHeader("X-Copied-From-Last-Modified", SwiftApi.HTTP_DATE.format(Instant.ofEpochMilli(Timestamps.millis(meta.getString("ts")))))
            .putHeader("Last-Modified", SwiftApi.HTTP_DATE.format(Instant.ofEpochMilli(Timestamps.millis(r.getString("ts")))))
            .putHeader("Content-Type", "text/html; charset=UTF-8").putHeader("Content-Length", "0").end();
          return null;
        });
      }));
  }

  static boolean expired(JsonObject meta) {
    Long at = meta.getLong("delete_at");
    return at != null && at <= System.currentTimeMillis() / 1000;
  }

  // ---- GET / HEAD

  private Future<?> get(RoutingContext ctx, SwiftPath path, Caller caller) {
    HttpServerRequest req = ctx.request();
    boolean head = "HEAD".equals(req.method().name());
    MultiMap h = req.headers();
    boolean simple = !head && h.get("Range") == null && h.get("If-Match") == null && h.get("If-None-Match") == null
      && h.get("If-Modified-Since") == null && h.get("If-Unmodified-Since") == null && req.getParam("multipart-manifest") == null;
    String hash = hash(path);
    if (caller.isTempUrl() && !head) {
      TempUrl.disposition(ctx, path);
    }
    // this node's own replica answers without the loopback hop when it can; else the object servers
    return authorize(path, caller, false, false).compose(x -> LocalGet.serve(objects, ctx, hash, head))
      .compose(served -> served ? Future.succeededFuture() : getViaServers(ctx, path, hash, simple, head, caller));
  }

  private Future<?> getViaServers(RoutingContext ctx, SwiftPath path, String hash, boolean simple, boolean head, Caller caller) {
    HttpServerRequest req = ctx.request();
    return objects.get(hash, -1, -1, !simple).compose(f -> {
      if (f.status() == 503) {
        return Future.<Void>failedFuture(Errors.of(503, "Service Unavailable"));
      }
      if (f.status() != 200 || expired(f.meta())) {
        if (f.body() != null) {
          discard(f.body());
        }
        return Future.<Void>failedFuture(Errors.notFound("Not Found"));
      }
      JsonObject meta = f.meta();
      boolean manifest = meta.getString("manifest") != null || meta.getBoolean("slo", false);
      if (simple && !manifest) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
          discard(f.body());
          return Future.<Void>succeededFuture();
        }
        objectHeaders(resp, meta, meta.getString("etag"));
        resp.putHeader("Content-Length", String.valueOf(meta.getLong("size")));
        return relay(f.body(), resp).compose(v -> resp.end());
      }
      if (f.body() != null) {
        discard(f.body());
      }
      if (manifest && "get".equals(req.getParam("multipart-manifest")) && meta.getBoolean("slo", false)) {
        return LargeObjects.manifestBody(this, path, meta).compose(body -> {
          HttpServerResponse resp = ctx.response();
          objectHeaders(resp, meta, meta.getString("etag"));
          resp.putHeader("Content-Type", "application/json; charset=utf-8");
          resp.putHeader("Content-Length", String.valueOf(body.length()));
          return head ? resp.end() : resp.end(body);
        });
      }
      Future<Pieces> pieces = manifest ? LargeObjects.pieces(this, api, path, meta, caller)
        : Future.succeededFuture(Pieces.single(hash, meta.getLong("size"), meta.getString("etag")));
      return pieces.compose(p -> respond(ctx, meta, p, head)).<Void>mapEmpty();
    });
  }

  /** The byte sources of an object: one for a plain object, the segments for a manifest. */
  record Pieces(List<String> hashes, List<Long> sizes, long total, String etag) {
    static Pieces single(String hash, long size, String etag) {
      return new Pieces(List.of(hash), List.of(size), size, etag);
    }
  }

  private Future<?> respond(RoutingContext ctx, JsonObject meta, Pieces p, boolean head) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    String etag = p.etag();
    objectHeaders(resp, meta, meta.getString("manifest") != null || meta.getBoolean("slo", false) ? "\"" + etag + "\"" : etag);
    int cond = Conditions.evaluate(req.headers(), etag, Timestamps.millis(meta.getString("ts")));
    if (cond == 304) {
      resp.setStatusCode(304).putHeader("Content-Length", "0").end();
      return Future.succeededFuture();
    }
    if (cond == 412) {
      return Future.failedFuture(Errors.of(412, "Precondition Failed"));
    }
    List<ByteRanges.Range> ranges = ByteRanges.parse(req.getHeader("Range"), p.total());
    if (ranges != null && ranges.isEmpty()) {
      resp.putHeader("Content-Range", "bytes */" + p.total());
      return Future.failedFuture(Errors.of(416, "Requested Range Not Satisfiable"));
    }
    if (ranges == null) {
      resp.putHeader("Content-Length", String.valueOf(p.total()));
      if (head) {
        resp.end();
        return Future.succeededFuture();
      }
      return stream(p, 0, p.total() - 1, resp).compose(v -> resp.end());
    }
    if (ranges.size() == 1) {
      ByteRanges.Range r = ranges.get(0);
      resp.setStatusCode(206).putHeader("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + p.total())
        .putHeader("Content-Length", String.valueOf(r.length()));
      if (head) {
        resp.end();
        return Future.succeededFuture();
      }
      return stream(p, r.first(), r.last(), resp).compose(v -> resp.end());
    }
    String boundary = UUID.randomUUID().toString().replace("-", "");
    String ctype = meta.getString("content_type");
    List<String> partHeads = new ArrayList<>();
    long total = 0;
    for (ByteRanges.Range r : ranges) {
      String ph = "--" + boundary + "\r\nContent-Type: " + ctype + "\r\nContent-Range: bytes " + r.first() + "-" + r.last()
        + "/" + p.total() + "\r\n\r\n";
      partHeads.add(ph);
      total += ph.getBytes(StandardCharsets.UTF_8).length + r.length() + 2;
    }
    String tail = "--" + boundary + "--";
    total += tail.length();
    resp.setStatusCode(206).putHeader("Content-Type", "multipart/byteranges;boundary=" + boundary)
      .putHeader("Content-Length", String.valueOf(total));
    if (head) {
      resp.end();
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < ranges.size(); i++) {
      ByteRanges.Range r = ranges.get(i);
      String ph = partHeads.get(i);
      chain = chain.compose(v -> resp.write(ph)).compose(v -> stream(p, r.first(), r.last(), resp)).compose(v -> resp.write("\r\n"));
    }
    return chain.compose(v -> resp.end(tail));
  }

  /** Streams bytes first..last of the pieces into the response, piece by piece, with back-pressure. */
  Future<Void> stream(Pieces p, long first, long last, HttpServerResponse resp) {
    Future<Void> chain = Future.succeededFuture();
    long offset = 0;
    for (int i = 0; i < p.hashes().size(); i++) {
      long size = p.sizes().get(i);
      long pFirst = Math.max(first, offset);
      long pLast = Math.min(last, offset + size - 1);
      if (pFirst <= pLast) {
        String hash = p.hashes().get(i);
        long from = pFirst - offset;
        long to = pLast - offset;
        boolean whole = from == 0 && to == size - 1;
        chain = chain.compose(v -> LocalGet.piece(api.vertx, objects, hash, from, to, resp)).compose(sent -> sent
          ? Future.succeededFuture()
          : objects.get(hash, whole ? -1 : from, whole ? -1 : to, false).compose(f -> {
            if (f.status() != 200) {
              return Future.failedFuture(Errors.of(503, "a segment could not be read"));
            }
            return relay(f.body(), resp);
          }));
      }
      offset += size;
    }
    return chain;
  }

  /**
   * Streams a replica's body into the client's response with back-pressure (the response is
   * not ended). A client that goes away stops the replica's stream too.
   */
  static Future<Void> relay(io.vertx.core.http.HttpClientResponse src, HttpServerResponse dst) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    dst.closeHandler(v -> {
      if (!done.future().isComplete()) {
        discard(src);
        done.tryFail(new java.nio.channels.ClosedChannelException());
      }
    });
    src.handler(buf -> {
      if (done.future().isComplete()) {
        return;
      }
      try {
        dst.write(buf);
        if (dst.writeQueueFull()) {
          src.pause();
          dst.drainHandler(v -> src.resume());
        }
      } catch (IllegalStateException gone) {
        discard(src);
        done.tryFail(new java.nio.channels.ClosedChannelException());
      }
    });
    src.exceptionHandler(done::tryFail);
    src.endHandler(v -> done.tryComplete());
    src.resume();
    return done.future();
  }

  /** Abandons a replica's response we will not read (its connection is closed, quietly). */
  static void discard(io.vertx.core.http.HttpClientResponse resp) {
    resp.exceptionHandler(err -> { });
    resp.request().reset();
  }

  static void objectHeaders(HttpServerResponse resp, JsonObject meta, String etag) {
    String ts = meta.getString("ts");
    resp.putHeader("Content-Type", meta.getString("content_type", "application/octet-stream"))
      .putHeader("Etag", etag)
      .putHeader("Last-Modified", SwiftApi.HTTP_DATE.format(Instant.ofEpochMilli(Timestamps.millis(ts))))
      .putHeader("X-Timestamp", SwiftApi.swiftTimestampFromTs(ts))
      .putHeader("Accept-Ranges", "bytes");
    Metadata.objectToHeaders(meta.getJsonObject("user"), resp.headers());
    for (String k : new String[] {"content-encoding", "content-disposition", "content-language"}) {
      if (meta.getString(k) != null) {
        resp.putHeader(Metadata.titleCase(k), meta.getString(k));
      }
    }
    if (meta.getString("manifest") != null) {
      resp.putHeader("X-Object-Manifest", meta.getString("manifest"));
    }
    if (meta.getBoolean("slo", false)) {
      resp.putHeader("X-Static-Large-Object", "True");
    }
    if (meta.getLong("delete_at") != null) {
      resp.putHeader("X-Delete-At", String.valueOf(meta.getLong("delete_at")));
    }
  }

  // ---- POST

  private Future<?> post(RoutingContext ctx, SwiftPath path, Caller caller) {
    MultiMap h = ctx.request().headers();
    JsonObject update = new JsonObject().put("user", Metadata.objectMeta(h));
    if (h.get("Content-Type") != null) {
      update.put("content_type", contentType(h.get("Content-Type"), path.object()));
    }
    // the headers Swift's object server lets a POST change besides the user metadata
    for (String k : new String[] {"Content-Encoding", "Content-Disposition", "Content-Language"}) {
      if (h.get(k) != null) {
        update.put(k.toLowerCase(Locale.ROOT), h.get(k));
      }
    }
    if (h.get("X-Object-Manifest") != null) {
      String manifest = h.get("X-Object-Manifest");
      if (manifest.isEmpty()) {
        update.putNull("manifest");
      } else {
        SwiftPath.containerAndObject(manifest.endsWith("/") ? manifest + "x" : manifest, false);
        update.put("manifest", manifest);
      }
    }
    Long deleteAt = deleteAt(h);
    if (deleteAt != null) {
      update.put("delete_at", deleteAt);
    } else if (h.contains("X-Remove-Delete-At")) {
      update.putNull("delete_at");
    }
    String hash = hash(path);
    return authorize(path, caller, true, true)
      .compose(x -> objects.post(hash, Timestamps.next(), update))
      .compose(status -> status == 202 && update.containsKey("delete_at")
        ? api.db.setDeleteAt(path.account(), path.container(), path.object(), update.getLong("delete_at")).map(status)
        : Future.succeededFuture(status))
      .compose(status -> {
        if (status == 404) {
          return Future.failedFuture(Errors.notFound("Not Found"));
        }
        if (status >= 500) {
          return Future.failedFuture(Errors.of(503, "Service Unavailable"));
        }
        ResourceEvents.publish(api.vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(), "updated",
          new JsonObject().put("name", path.object()).put("container", path.container()));
        ctx.response().setStatusCode(202).putHeader("Content-Type", "text/html; charset=UTF-8").end(
          "<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>");
        return Future.succeededFuture();
      });
  }

  // ---- DELETE

  private Future<?> delete(RoutingContext ctx, SwiftPath path, Caller caller) {
    boolean slo = "delete".equals(ctx.request().getParam("multipart-manifest"));
    return authorize(path, caller, true, true).compose(info -> {
      Future<Void> pre = slo ? LargeObjects.deleteSegments(this, path, caller) : Versioning.beforeDelete(this, path, info);
      return pre.compose(v -> remove(path)).compose(status -> {
        if (status == 404) {
          return Versioning.afterDelete(this, path, info).compose(restored -> restored
            ? Future.succeededFuture() : Future.failedFuture(Errors.notFound("Not Found")));
        }
        return Versioning.afterDelete(this, path, info).mapEmpty();
      }).map(v -> {
        ctx.response().setStatusCode(204).putHeader("Content-Type", "text/html; charset=UTF-8").end();
        return null;
      });
    });
  }

  /** Deletes one object (tombstones + listing + quota + event): 204, 404 or a 503 failure. */
  Future<Integer> remove(SwiftPath path) {
    String ts = Timestamps.next();
    return objects.delete(hash(path), ts, new JsonObject().put("name", path.fullName())).compose(status -> {
      if (status == 503) {
        return Future.failedFuture(Errors.of(503, "Service Unavailable"));
      }
      return api.db.deleteObject(path.account(), path.container(), path.object(), ts).compose(size -> {
        if (size == null) {
          return Future.succeededFuture(status);
        }
        ResourceEvents.publish(api.vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(), "deleted",
          new JsonObject().put("name", path.object()).put("container", path.container()));
        return quotas.release(path.projectId(), size, 1).map(x -> 204);
      });
    });
  }

  /**
   * The expirer's delete of an object listed to expire at {@code deleteAt}: tombstones only where
   * it still does, then listing, quota and event. True when it was deleted; false when it had
   * changed meanwhile (its listing then records the delete_at its replicas have).
   */
  Future<Boolean> expire(SwiftPath path, long deleteAt) {
    String ts = Timestamps.next();
    String hash = hash(path);
    JsonObject meta = new JsonObject().put("name", path.fullName()).put(org.vertstack.objectstore.storage.Wire.IF_DELETE_AT, deleteAt);
    return objects.delete(hash, ts, meta).compose(status -> {
      if (status == 503) {
        return Future.failedFuture(Errors.of(503, "Service Unavailable"));
      }
      if (status == 412) {
        return objects.get(hash, -1, -1, true).compose(f -> api.db.setDeleteAt(path.account(), path.container(), path.object(),
          f.status() == 200 ? f.meta().getLong("delete_at") : null)).map(false);
      }
      return api.db.deleteExpired(path.account(), path.container(), path.object(), deleteAt, ts).compose(size -> {
        if (size == null) {
          return Future.succeededFuture(false);
        }
        ResourceEvents.publish(api.vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(), "deleted",
          new JsonObject().put("name", path.object()).put("container", path.container()).put("expired", true));
        return quotas.release(path.projectId(), size, 1).map(true);
      });
    });
  }

  // ---- helpers for large objects and versioning

  ObjectClient objects() {
    return objects;
  }

  SwiftApi api() {
    return api;
  }

  /** Reads a small object (a manifest) whole; refuses anything over the manifest limit. */
  Future<Buffer> readSmall(String hash) {
    return objects.get(hash, -1, -1, false).compose(f -> {
      if (f.status() != 200) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      if (f.meta().getLong("size") > MAX_MANIFEST_BYTES) {
        discard(f.body());
        return Future.failedFuture(Errors.badRequest("manifest too large"));
      }
      Future<Buffer> body = f.body().body();
      f.body().resume();
      return body;
    });
  }

  /** Server-side copy of an object's current bytes to another name (versioning). */
  Future<Void> copyInternal(SwiftPath src, SwiftPath dst) {
    return copyInternal(src, dst, false);
  }

  /** As above; with {@code keepTimestamp} the copy has the source's timestamp (container sync). */
  Future<Void> copyInternal(SwiftPath src, SwiftPath dst, boolean keepTimestamp) {
    return objects.get(hash(src), -1, -1, false).compose(f -> {
      if (f.status() == 200 && expired(f.meta())) {
        discard(f.body());
        return Future.succeededFuture();
      }
      if (f.status() != 200) {
        return Future.succeededFuture();
      }
      JsonObject meta = f.meta().copy().put("name", dst.fullName());
      meta.remove("ts");
      meta.remove("data_ts");
      meta.remove("deleted");
      meta.remove("size");
      String etag = (String) meta.remove("etag");
      String ts = keepTimestamp ? f.meta().getString("ts") : Timestamps.next();
      return store(null, dst, null, f.body(), f.meta().getLong("size"), meta, etag, null, ts).mapEmpty();
    });
  }

  Future<JsonArray> list(String account, String container, String prefix, int limit, boolean reverse) {
    return api.db.listObjects(account, container, new ListQuery(limit, null, null, prefix, null, reverse));
  }

  static String md5Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Instant parseHttpDate(String v) {
    try {
      return ZonedDateTime.parse(v.trim(), SwiftApi.HTTP_DATE).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
