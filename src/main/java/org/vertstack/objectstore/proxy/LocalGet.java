package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.ByteRanges;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.storage.ObjectClient;
import org.vertstack.objectstore.storage.ObjectClient.LocalRead;
import org.vertstack.objectstore.storage.Timestamps;

import java.util.List;

/**
 * GET and HEAD of a plain object answered from this node's own replica: conditionals and a single
 * byte range included, the bytes sent with sendFile (no loopback hop, no copies through the JVM).
 * Manifests, expired objects, multiple ranges and replicas that are not here go through the
 * object servers instead.
 */
final class LocalGet {

  private LocalGet() {
  }

  /** Serves the request and succeeds with true, or succeeds with false when the object servers must. */
  static Future<Boolean> serve(ObjectClient objects, RoutingContext ctx, String hash, boolean head) {
    HttpServerRequest req = ctx.request();
    if (req.getParam("multipart-manifest") != null) {
      return Future.succeededFuture(false);
    }
    return objects.openLocal(hash).compose(local -> {
      if (local == null) {
        return Future.succeededFuture(false);
      }
      JsonObject meta = local.meta();
      List<ByteRanges.Range> ranges = ByteRanges.parse(req.getHeader("Range"), local.size());
      if (ObjectService.expired(meta) || meta.getString("manifest") != null || meta.getBoolean("slo", false)
        || (ranges != null && ranges.size() > 1)) {
        objects.close(local.channel());
        return Future.succeededFuture(false);
      }
      return answer(objects, ctx, local, ranges, head).map(true);
    });
  }

  private static Future<Void> answer(ObjectClient objects, RoutingContext ctx, LocalRead local, List<ByteRanges.Range> ranges,
                                     boolean head) {
    HttpServerResponse resp = ctx.response();
    JsonObject meta = local.meta();
    String etag = meta.getString("etag");
    int cond = Conditions.evaluate(ctx.request().headers(), etag, Timestamps.millis(meta.getString("ts")));
    boolean sendBytes = !resp.closed() && !head && cond == 200 && (ranges == null || !ranges.isEmpty());
    if (!sendBytes || local.channel() == null) {
      objects.close(local.channel());
    }
    if (resp.closed()) {
      return Future.succeededFuture();
    }
    ObjectDownload.objectHeaders(resp, meta, etag);
    if (cond == 304) {
      return resp.setStatusCode(304).putHeader("Content-Length", "0").end();
    }
    if (cond == 412) {
      return Future.failedFuture(Errors.of(412, "Precondition Failed"));
    }
    long first = 0;
    long length = local.size();
    if (ranges != null) {
      if (ranges.isEmpty()) {
        resp.putHeader("Content-Range", "bytes */" + local.size());
        return Future.failedFuture(Errors.of(416, "Requested Range Not Satisfiable"));
      }
      ByteRanges.Range r = ranges.get(0);
      first = r.first();
      length = r.length();
      resp.setStatusCode(206).putHeader("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + local.size());
    }
    resp.putHeader("Content-Length", String.valueOf(length));
    if (head) {
      return resp.end();
    }
    if (local.channel() == null) {
      return resp.end(local.small().slice((int) first, (int) (first + length)));
    }
    return resp.sendFile(local.channel(), first, length).andThen(x -> objects.close(local.channel()));
  }

  /**
   * Writes bytes first..last of an object (a segment or one of several ranges) into the
   * response from this node's own replica, without ending it. Succeeds with false, having
   * written nothing, when the replica is not here or is shorter than that.
   */
  static Future<Boolean> piece(Vertx vertx, ObjectClient objects, String hash, long first, long last, HttpServerResponse resp) {
    return objects.openLocal(hash).compose(local -> {
      if (local == null) {
        return Future.succeededFuture(false);
      }
      objects.close(local.channel());
      if (local.size() <= last) {
        return Future.succeededFuture(false);
      }
      if (local.small() != null) {
        return resp.write(local.small().slice((int) first, (int) last + 1)).map(true);
      }
      return vertx.fileSystem().open(local.file().toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .compose(file -> {
          file.setReadPos(first).setReadLength(last - first + 1).setReadBufferSize(PIECE_READ);
          return file.pipe().endOnComplete(false).endOnFailure(false).to(resp).eventually(file::close).map(true);
        }, err -> Future.succeededFuture(false));
    });
  }

  private static final int PIECE_READ = 256 * 1024;
}
