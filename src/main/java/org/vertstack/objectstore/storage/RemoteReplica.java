package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.storage.ReplicaWrite.Reply;

/**
 * A replica behind its device's object server, over HTTP ({@code /o/<device>/<part>/<hash>}).
 * Reads, deletes and metadata updates always come this way, local devices too: the object
 * server settles tombstones and timestamps.
 */
final class RemoteReplica implements ReplicaTransport {

  private final HttpClient client;
  private final Device device;

  RemoteReplica(HttpClient client, Device device) {
    this.client = client;
    this.device = device;
  }

  private RequestOptions options(HttpMethod method, int part, String hash) {
    return new RequestOptions().setMethod(method).setHost(device.host()).setPort(device.port())
      .setURI("/o/" + device.name() + "/" + part + "/" + hash)
      .setConnectTimeout(5_000).setIdleTimeout(120_000);
  }

  @Override
  public Future<Reply> putWhole(int part, String hash, Buffer body, JsonObject meta, String expectedEtag, String ts) {
    return client.request(options(HttpMethod.PUT, part, hash)).compose(req -> {
      req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(meta));
      if (expectedEtag != null) {
        req.putHeader(Wire.ETAG, expectedEtag);
      }
      return req.send(body);
    }).compose(resp -> {
      drain(resp);
      int s = resp.statusCode();
      return s == 201 ? Future.succeededFuture(new Reply(201, resp.getHeader("Etag"), Long.parseLong(resp.getHeader(Wire.SIZE))))
        : s == 422 ? Future.succeededFuture(new Reply(422, null, 0)) : Future.failedFuture("status " + s);
    });
  }

  /** Sends the head with {@code Expect: 100-continue}; the write is ready once the object server says continue. */
  @Override
  public Future<ReplicaWrite> openWrite(int part, String hash, long length, JsonObject meta, String expectedEtag, String ts) {
    return client.request(options(HttpMethod.PUT, part, hash)).compose(req -> {
      req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(meta)).putHeader("Expect", "100-continue");
      if (expectedEtag != null) {
        req.putHeader(Wire.ETAG, expectedEtag);
      }
      if (length >= 0) {
        req.putHeader("Content-Length", Long.toString(length));
      } else {
        req.setChunked(true);
      }
      Promise<ReplicaWrite> ready = Promise.promise();
      Future<HttpClientResponse> response = req.response();
      req.continueHandler(v -> ready.tryComplete(new ReplicaWrite.Remote(req, response)));
      response.onComplete(ar -> {
        if (ready.tryFail(ar.succeeded() ? "status " + ar.result().statusCode() : String.valueOf(ar.cause()))) {
          if (ar.succeeded()) {
            ar.result().exceptionHandler(err -> { });
          }
          abandon(req);
        }
      });
      req.sendHead().onFailure(ready::tryFail);
      return ready.future();
    });
  }

  /** GET or HEAD of the object, or of the inclusive byte range first..last (first &lt; 0: all). */
  Future<HttpClientResponse> fetch(int part, String hash, long first, long last, boolean head) {
    return client.request(options(head ? HttpMethod.HEAD : HttpMethod.GET, part, hash)).compose(req -> {
      if (first >= 0) {
        req.putHeader(Wire.RANGE, first + "-" + last);
      }
      return req.send();
    });
  }

  /** A DELETE (tombstone) or POST (metadata) with no body: the object server's status; a 5xx fails. */
  Future<Integer> update(HttpMethod method, int part, String hash, String ts, JsonObject meta) {
    return client.request(options(method, part, hash))
      .compose(req -> req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(meta)).send())
      .map(resp -> {
        drain(resp);
        return resp.statusCode();
      })
      .compose(status -> status >= 500 ? Future.failedFuture("status " + status) : Future.succeededFuture(status));
  }

  /** Resets a request we give up on, quietly: its failure is already accounted for. */
  static void abandon(HttpClientRequest req) {
    try {
      req.exceptionHandler(err -> { });
    } catch (IllegalStateException ended) {
      // sent in full already: a reset reports nowhere
    }
    req.reset();
  }

  /** Lets a response we do not read finish (it may have ended already), so its connection is reused. */
  static void drain(HttpClientResponse resp) {
    try {
      resp.handler(null);
      resp.resume();
    } catch (IllegalStateException ignored) {
      // already ended
    }
  }
}
