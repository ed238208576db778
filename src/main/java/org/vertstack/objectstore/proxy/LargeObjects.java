package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.db.ListQuery;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.BufferReadStream;

import io.vertx.serviceproxy.ServiceException;
import org.vertstack.common.http.ErrorFormat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Large objects. Dynamic (X-Object-Manifest: container/prefix): the segments are whatever the
 * listing holds under the prefix, in name order. Static (multipart-manifest=put): a JSON list of
 * segments checked at upload and stored as the manifest object's body.
 * <p>
 * Every segment is read as the caller would read it directly (Swift checks each segment's
 * container ACL): a manifest in a container the caller may read gives it no way into a
 * container it may not. The same holds when an upload's segments are checked, and the errors
 * of that check say nothing about objects the caller could not read.
 */
final class LargeObjects {

  static final int MAX_SEGMENTS = 1000;

  private LargeObjects() {
  }

  static Future<Pieces> pieces(ObjectService h, SwiftPath path, JsonObject meta, Caller caller) {
    if (meta.getBoolean("slo", false)) {
      return h.readSmall(h.hash(path)).compose(body -> {
        JsonArray segs = body.toJsonArray();
        Set<String> containers = new LinkedHashSet<>();
        for (Object o : segs) {
          containers.add(SwiftPath.containerAndObject(((JsonObject) o).getString("name"), true)[0]);
        }
        return mayRead(h, path, containers, caller).map(segs);
      }).map(segs -> {
        List<String> hashes = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        long total = 0;
        for (Object o : segs) {
          JsonObject s = (JsonObject) o;
          String[] co = SwiftPath.containerAndObject(s.getString("name"), true);
          hashes.add(h.objects.ring().hash(path.account(), co[0], co[1]));
          sizes.add(s.getLong("bytes"));
          total += s.getLong("bytes");
        }
        return new Pieces(hashes, sizes, total, meta.getString("slo_etag"));
      });
    }
    String manifest = SwiftPath.decode(meta.getString("manifest"));
    int slash = manifest.indexOf('/');
    String container = slash < 0 ? manifest : manifest.substring(0, slash);
    String prefix = slash < 0 ? "" : manifest.substring(slash + 1);
    return mayRead(h, path, Set.of(container), caller).compose(ok -> h.db.listObjects(path.account(), container, new ListQuery(ListQuery.MAX_LIMIT, null, null, prefix, null, false))
      .map(list -> {
        List<String> hashes = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        StringBuilder etags = new StringBuilder();
        long total = 0;
        for (Object o : list) {
          JsonObject s = (JsonObject) o;
          hashes.add(h.objects.ring().hash(path.account(), container, s.getString("name")));
          sizes.add(s.getLong("bytes"));
          total += s.getLong("bytes");
          etags.append(s.getString("hash"));
        }
        return new Pieces(hashes, sizes, total, md5Hex(etags.toString()));
      }));
  }

  /** Succeeds when the caller may read objects of each container (of the manifest's account). */
  private static Future<Void> mayRead(ObjectService h, SwiftPath manifest, Set<String> containers, Caller caller) {
    Future<Void> chain = Future.succeededFuture();
    for (String c : containers) {
      SwiftPath seg = new SwiftPath(manifest.account(), manifest.projectId(), c, null);
      chain = chain.compose(v -> h.authorize(seg, caller, false, false).mapEmpty());
    }
    return chain;
  }

  /** "401 Unauthorized" or "403 Forbidden" for an access refusal; null for any other failure. */
  private static String refusal(Throwable err) {
    if (err instanceof ServiceException se && (se.failureCode() == 401 || se.failureCode() == 403)) {
      return se.failureCode() + " " + ErrorFormat.reason(se.failureCode());
    }
    return null;
  }

  /** ?multipart-manifest=put: validates each segment against what is stored, then stores the manifest. */
  static Future<?> putManifest(ObjectService h, RoutingContext ctx, SwiftPath path, JsonObject info, Caller caller) {
    String cl = ctx.request().getHeader("Content-Length");
    if (cl != null && Long.parseLong(cl) > 8 * 1024 * 1024) {
      return Future.failedFuture(Errors.of(413, "Manifest File > 8388608 bytes"));
    }
    Future<io.vertx.core.buffer.Buffer> whole = ctx.request().body();
    ctx.request().resume();
    return whole.compose(body -> {
      JsonArray given;
      try {
        given = body.toJsonArray();
      } catch (DecodeException | ClassCastException e) {
        return Future.failedFuture(Errors.badRequest("Manifest must be valid JSON."));
      }
      if (given.isEmpty() || given.size() > MAX_SEGMENTS) {
        return Future.failedFuture(Errors.badRequest("Manifest must have 1 to " + MAX_SEGMENTS + " segments."));
      }
      List<Future<JsonObject>> checks = new ArrayList<>();
      for (Object o : given) {
        if (!(o instanceof JsonObject seg) || seg.getString("path") == null) {
          return Future.failedFuture(Errors.badRequest("Each segment needs a path."));
        }
        String[] co = SwiftPath.containerAndObject(seg.getString("path"), true);
        SwiftPath segPath = new SwiftPath(path.account(), path.projectId(), co[0], co[1]);
        // the caller's right to read the segment first: a refusal says nothing about the object
        Future<Void> allowed = h.authorize(segPath, caller, false, false).<Void>mapEmpty().recover(err -> {
          String refused = refusal(err);
          return Future.failedFuture(refused == null ? err : Errors.badRequest(seg.getString("path") + ": " + refused));
        });
        checks.add(allowed.compose(ok -> h.objects.get(h.objects.ring().hash(path.account(), co[0], co[1]), -1, -1, true)).compose(f -> {
          if (f.status() != 200) {
            return Future.failedFuture(Errors.badRequest(seg.getString("path") + ": 404 Not Found"));
          }
          String etag = seg.getString("etag");
          Object size = seg.getValue("size_bytes");
          if (etag != null && !etag.equalsIgnoreCase(f.meta().getString("etag"))) {
            return Future.failedFuture(Errors.badRequest(seg.getString("path") + ": Etag Mismatch"));
          }
          if (size != null && Long.parseLong(String.valueOf(size)) != f.meta().getLong("size")) {
            return Future.failedFuture(Errors.badRequest(seg.getString("path") + ": Size Mismatch"));
          }
          return Future.succeededFuture(new JsonObject().put("name", "/" + co[0] + "/" + co[1])
            .put("hash", f.meta().getString("etag")).put("bytes", f.meta().getLong("size"))
            .put("content_type", f.meta().getString("content_type")));
        }));
      }
      return Future.all(checks).compose(all -> {
        JsonArray stored = new JsonArray();
        StringBuilder etags = new StringBuilder();
        long total = 0;
        for (Future<JsonObject> f : checks) {
          stored.add(f.result());
          etags.append(f.result().getString("hash"));
          total += f.result().getLong("bytes");
        }
        JsonObject meta = ObjectHeaders.newMeta(path, ctx.request().headers()).put("slo", true).put("slo_size", total)
          .put("slo_etag", md5Hex(etags.toString()));
        Buffer manifest = stored.toBuffer();
        return h.store(path, info, Upload.of(new BufferReadStream(manifest), manifest.length()), meta, null).map(r -> {
          ctx.response().setStatusCode(201).putHeader("Etag", "\"" + meta.getString("slo_etag") + "\"")
            .putHeader("Last-Modified", SwiftApi.HTTP_DATE.format(java.time.Instant.ofEpochMilli(
              org.vertstack.objectstore.storage.Timestamps.millis(r.getString("ts")))))
            .putHeader("Content-Type", "text/html; charset=UTF-8").putHeader("Content-Length", "0").end();
          return null;
        });
      });
    });
  }

  static Future<Buffer> manifestBody(ObjectService h, SwiftPath path, JsonObject meta) {
    return h.readSmall(h.hash(path));
  }

  /** ?multipart-manifest=delete: the segments first, then (by the caller) the manifest. */
  static Future<Void> deleteSegments(ObjectService h, SwiftPath path, Caller caller) {
    return h.objects.get(h.hash(path), -1, -1, true).compose(f -> {
      if (f.status() != 200 || !f.meta().getBoolean("slo", false)) {
        return Future.succeededFuture();
      }
      return h.readSmall(h.hash(path)).compose(body -> {
        Future<Void> chain = Future.succeededFuture();
        for (Object o : body.toJsonArray()) {
          String[] co = SwiftPath.containerAndObject(((JsonObject) o).getString("name"), true);
          SwiftPath seg = new SwiftPath(path.account(), path.projectId(), co[0], co[1]);
          // only segments the caller may delete directly; the others stay
          chain = chain.compose(v -> h.authorize(seg, caller, true, true)
            .compose(info -> h.remove(seg)).recover(err -> Future.succeededFuture(404)).mapEmpty());
        }
        return chain;
      });
    });
  }

  /** Swift's etag of a large object: the MD5 of its segments' etags. */
  static String md5Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
