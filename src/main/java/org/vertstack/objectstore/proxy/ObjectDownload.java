package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.ByteRanges;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.storage.ObjectClient;
import org.vertstack.objectstore.storage.Timestamps;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An object's GET or HEAD answer: its headers, conditionals, one range or several
 * (multipart/byteranges), and its bytes streamed from the replicas (or this node's disk) piece by
 * piece with back-pressure.
 */
final class ObjectDownload {

  private final Vertx vertx;
  private final ObjectClient objects;

  ObjectDownload(Vertx vertx, ObjectClient objects) {
    this.vertx = vertx;
    this.objects = objects;
  }

  Future<?> respond(HttpServerRequest req, JsonObject meta, Pieces p, boolean head) {
    HttpServerResponse resp = req.response();
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
    return multipart(resp, meta, p, ranges, head);
  }

  private Future<?> multipart(HttpServerResponse resp, JsonObject meta, Pieces p, List<ByteRanges.Range> ranges, boolean head) {
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
  private Future<Void> stream(Pieces p, long first, long last, HttpServerResponse resp) {
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
        chain = chain.compose(v -> LocalGet.piece(vertx, objects, hash, from, to, resp)).compose(sent -> sent
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
  static Future<Void> relay(HttpClientResponse src, HttpServerResponse dst) {
    Promise<Void> done = Promise.promise();
    dst.closeHandler(v -> {
      if (!done.future().isComplete()) {
        ObjectService.discard(src);
        done.tryFail(new ClosedChannelException());
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
        ObjectService.discard(src);
        done.tryFail(new ClosedChannelException());
      }
    });
    src.exceptionHandler(done::tryFail);
    src.endHandler(v -> done.tryComplete());
    src.resume();
    return done.future();
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
}
