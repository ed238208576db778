package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;

/** One replica of a streamed write in flight: an object server over HTTP or a file on this node. */
sealed interface ReplicaWrite permits ReplicaWrite.Remote, ReplicaWrite.Local {
  void write(Buffer buf);

  boolean writeQueueFull();

  void drainHandler(io.vertx.core.Handler<Void> handler);

  /** Calls {@code handler} when this replica can no longer succeed. */
  void onFailure(io.vertx.core.Handler<Throwable> handler);

  /** The body is complete; {@code etag} is its MD5 when the proxy computed it. */
  void end(String etag);

  void abort();

  /** The replica's outcome once ended: 201, 422 or 400. */
  Future<Reply> reply();

  /** An object server reached over HTTP (another node's device, or a handoff). */
  record Remote(HttpClientRequest req, Future<HttpClientResponse> response) implements ReplicaWrite {
    public void write(Buffer buf) {
      req.write(buf);
    }

    public boolean writeQueueFull() {
      return req.writeQueueFull();
    }

    public void drainHandler(io.vertx.core.Handler<Void> handler) {
      req.drainHandler(handler);
    }

    public void onFailure(io.vertx.core.Handler<Throwable> handler) {
      response.onFailure(handler);
      req.exceptionHandler(handler);
    }

    public void end(String etag) {
      req.end();
    }

    public void abort() {
      RemoteReplica.abandon(req);
    }

    public Future<Reply> reply() {
      return response.map(resp -> {
        RemoteReplica.drain(resp);
        String size = resp.getHeader(Wire.SIZE);
        return new Reply(resp.statusCode(), resp.getHeader("Etag"), size == null ? 0 : Long.parseLong(size));
      });
    }
  }

  /** A file on a device of this node, written by the proxy itself. */
  final class Local implements ReplicaWrite {
    private final ReplicaFile file;
    private final JsonObject meta;
    private final String ts;
    private final String expected;
    private final long declared;
    private final Promise<Reply> reply = Promise.promise();
    private boolean finished;

    Local(ReplicaFile file, JsonObject meta, String ts, String expected, long declared) {
      this.file = file;
      this.meta = meta;
      this.ts = ts;
      this.expected = expected;
      this.declared = declared;
      file.exceptionHandler(reply::tryFail);
    }

    public void write(Buffer buf) {
      file.write(buf).onFailure(reply::tryFail);
    }

    public boolean writeQueueFull() {
      return file.writeQueueFull();
    }

    public void drainHandler(io.vertx.core.Handler<Void> handler) {
      file.drainHandler(handler);
    }

    public void onFailure(io.vertx.core.Handler<Throwable> handler) {
      reply.future().onFailure(handler);
    }

    public void end(String etag) {
      if (finished) {
        return;
      }
      finished = true;
      if (reply.future().failed()) {
        file.abort();
        return;
      }
      file.commit(meta, ts, etag, expected, declared)
        .map(status -> new Reply(status, meta.getString("etag"), file.length()))
        .onComplete(reply);
    }

    /** Removes the temp file unless the replica was already committed or given up. */
    public void abort() {
      if (!finished) {
        finished = true;
        reply.tryFail("aborted");
        file.abort();
      }
    }

    public Future<Reply> reply() {
      return reply.future();
    }
  }

  /** A replica's answer: 201 with its etag and size, 422 (checksum) or 400 (length). */
  record Reply(int status, String etag, long size) {
  }
}
