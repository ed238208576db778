package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.ReplicaWrite.Reply;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The proxy's side of the object servers: quorum writes fanned out to the partition's devices
 * (a handoff stands in for a device that does not answer), reads from the first live replica.
 * Bodies stream through with back-pressure; nothing is held whole.
 */
public final class ObjectClient {

  private final HttpClient client;
  private final Supplier<Ring> ring;
  private final Supplier<LocalDevices> local;
  private final WorkerExecutor disk;

  /** With {@code local} (this node's object server devices) and a disk pool, local replicas skip HTTP. */
  public ObjectClient(HttpClient client, Supplier<Ring> ring, Supplier<LocalDevices> local, WorkerExecutor disk) {
    this.client = client;
    this.ring = ring;
    this.local = local;
    this.disk = disk;
  }

  /** The local path of a device when this node serves it and the proxy may use it directly. */
  private Path localPath(Device d) {
    LocalDevices l = disk == null ? null : local.get();
    return l == null ? null : l.pathOf(d);
  }

  public Ring ring() {
    return ring.get();
  }

  /** Outcome of a write: status 201 with the etag, 422 on checksum mismatch, 503 without quorum. */
  public record PutResult(int status, String etag, long size) {
  }

  /** A replica's answer to a GET: its metadata and its body (paused), or a status. */
  public record Fetched(int status, JsonObject meta, HttpClientResponse body, String tombstoneTs) {
  }

  private static String uri(Device d, int part, String hash) {
    return "/o/" + d.name() + "/" + part + "/" + hash;
  }

  private static RequestOptions options(HttpMethod method, Device d, String uri) {
    return new RequestOptions().setMethod(method).setHost(d.host()).setPort(d.port()).setURI(uri)
      .setConnectTimeout(5_000).setIdleTimeout(120_000);
  }

  /**
   * Streams {@code body} to the partition's replicas. {@code length} is -1 for chunked bodies.
   * The body must be paused; it is resumed once enough object servers accepted the write.
   */
  public Future<PutResult> put(String hash, ReadStream<Buffer> body, long length, JsonObject meta, String expectedEtag, String ts) {
    Ring r = ring.get();
    int part = r.partition(hash);
    Iterator<Device> handoffs = r.handoffs(part).iterator();
    List<Future<ReplicaWrite>> opening = new ArrayList<>();
    for (Device d : r.primaries(part)) {
      opening.add(openPut(d, part, hash, length, meta, expectedEtag, ts, handoffs));
    }
    return Future.join(opening).transform(x -> {
      List<ReplicaWrite> live = new ArrayList<>();
      for (Future<ReplicaWrite> f : opening) {
        if (f.succeeded()) {
          live.add(f.result());
        }
      }
      if (live.size() < r.quorum()) {
        live.forEach(ReplicaWrite::abort);
        return Future.succeededFuture(new PutResult(503, null, 0));
      }
      return fanOut(body, live, r.quorum());
    });
  }

  /** Bodies up to this size are collected and sent whole (bounded memory, no continue round trip). */
  public static final int SMALL_BODY = 64 * 1024;

  /** Writes a small body to the replicas in one request each; a failed device gets a handoff. */
  public Future<PutResult> putSmall(String hash, Buffer body, JsonObject meta, String expectedEtag, String ts) {
    Ring r = ring.get();
    int part = r.partition(hash);
    Iterator<Device> handoffs = r.handoffs(part).iterator();
    List<Future<Reply>> all = new ArrayList<>();
    String encoded = Wire.encode(meta);
    for (Device d : r.primaries(part)) {
      all.add(sendBody(d, part, hash, body, meta, encoded, expectedEtag, ts, handoffs));
    }
    // all replicas are awaited (not just a quorum): a 201 means every reachable copy is durable
    return Future.join(all).transform(x -> {
      int ok = 0;
      int mismatch = 0;
      String etag = null;
      long size = 0;
      for (Future<Reply> f : all) {
        if (f.succeeded()) {
          Reply resp = f.result();
          if (resp.status() == 201) {
            ok++;
            etag = resp.etag();
            size = resp.size();
          } else if (resp.status() == 422) {
            mismatch++;
          }
        }
      }
      if (ok >= r.quorum()) {
        return Future.succeededFuture(new PutResult(201, etag, size));
      }
      return Future.succeededFuture(new PutResult(mismatch > 0 ? 422 : 503, null, 0));
    });
  }


  private Future<Reply> sendBody(Device d, int part, String hash, Buffer body, JsonObject meta, String encoded, String etag,
                                 String ts, Iterator<Device> handoffs) {
    Path dev = localPath(d);
    Future<Reply> sent;
    if (dev != null) {
      // this node's own device: the object server's write (same checks, rename and fsync) without the loopback hop
      JsonObject copy = meta.copy();
      sent = disk.executeBlocking(() -> {
        if (!DiskStore.mounted(dev)) {
          throw new java.io.IOException("device " + d.name() + " is not mounted");
        }
        String written = DiskStore.storeSmall(dev, part, hash, body, copy, etag, ts, local.get().writes().syncDir());
        return written == null ? new Reply(422, null, 0) : new Reply(201, written, body.length());
      }, false);
    } else {
      sent = client.request(options(HttpMethod.PUT, d, uri(d, part, hash))).compose(req -> {
        req.putHeader(Wire.TS, ts).putHeader(Wire.META, encoded);
        if (etag != null) {
          req.putHeader(Wire.ETAG, etag);
        }
        return req.send(body);
      }).compose(resp -> {
        drain(resp);
        int s = resp.statusCode();
        return s == 201 ? Future.succeededFuture(new Reply(201, resp.getHeader("Etag"), Long.parseLong(resp.getHeader(Wire.SIZE))))
          : s == 422 ? Future.succeededFuture(new Reply(422, null, 0)) : Future.failedFuture("status " + s);
      });
    }
    return sent.recover(err -> {
      Device next;
      synchronized (handoffs) {
        next = handoffs.hasNext() ? handoffs.next() : null;
      }
      return next == null ? Future.failedFuture(err) : sendBody(next, part, hash, body, meta, encoded, etag, ts, handoffs);
    });
  }

  private Future<ReplicaWrite> openPut(Device d, int part, String hash, long length, JsonObject meta, String etag, String ts,
                                       Iterator<Device> handoffs) {
    Path dev = localPath(d);
    Future<ReplicaWrite> opened = dev != null
      // this node's own device: the object server's temp file, checks, fsync and rename, without the loopback hop
      ? ReplicaFile.create(disk, dev, part, hash, local.get().writes()).map(file -> new ReplicaWrite.Local(file, meta.copy(), ts, etag, length))
      : openRemote(d, part, hash, length, meta, etag, ts);
    return opened.recover(err -> {
      Device next;
      synchronized (handoffs) {
        next = handoffs.hasNext() ? handoffs.next() : null;
      }
      return next == null ? Future.failedFuture(err) : openPut(next, part, hash, length, meta, etag, ts, handoffs);
    });
  }

  private Future<ReplicaWrite> openRemote(Device d, int part, String hash, long length, JsonObject meta, String etag, String ts) {
    return client.request(options(HttpMethod.PUT, d, uri(d, part, hash))).compose(req -> {
      req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(meta)).putHeader("Expect", "100-continue");
      if (etag != null) {
        req.putHeader(Wire.ETAG, etag);
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

  /**
   * Streams the body to every replica at the pace of the slowest live one. The MD5 is computed
   * once here for the local replicas (remote object servers compute their own).
   */
  private Future<PutResult> fanOut(ReadStream<Buffer> body, List<ReplicaWrite> targets, int quorum) {
    boolean[] dead = new boolean[targets.size()];
    for (int i = 0; i < targets.size(); i++) {
      int idx = i;
      targets.get(i).onFailure(err -> dead[idx] = true);
    }
    java.security.MessageDigest md5 = targets.stream().anyMatch(t -> t instanceof ReplicaWrite.Local) ? ReplicaFile.newMd5() : null;
    Runnable maybeResume = () -> {
      for (int i = 0; i < targets.size(); i++) {
        if (!dead[i] && targets.get(i).writeQueueFull()) {
          return;
        }
      }
      body.resume();
    };
    for (ReplicaWrite t : targets) {
      t.drainHandler(v -> maybeResume.run());
    }
    Promise<Void> sent = Promise.promise();
    body.handler(buf -> {
      if (md5 != null) {
        md5.update(((io.vertx.core.internal.buffer.BufferInternal) buf).getByteBuf().nioBuffer());
      }
      boolean full = false;
      for (int i = 0; i < targets.size(); i++) {
        if (!dead[i]) {
          ReplicaWrite t = targets.get(i);
          t.write(buf);
          full |= t.writeQueueFull();
        }
      }
      if (full) {
        body.pause();
      }
    });
    body.exceptionHandler(err -> {
      targets.forEach(ReplicaWrite::abort);
      sent.tryFail(err);
    });
    body.endHandler(v -> {
      String etag = md5 == null ? null : java.util.HexFormat.of().formatHex(md5.digest());
      for (int i = 0; i < targets.size(); i++) {
        if (!dead[i]) {
          targets.get(i).end(etag);
        } else {
          targets.get(i).abort();
        }
      }
      sent.tryComplete();
    });
    body.resume();
    List<Future<Reply>> replies = targets.stream().map(ReplicaWrite::reply).toList();
    return sent.future().compose(v -> Future.join(replies).transform(x -> {
      int ok = 0;
      int mismatch = 0;
      String etag = null;
      long size = 0;
      for (Future<Reply> f : replies) {
        if (f.succeeded()) {
          Reply reply = f.result();
          if (reply.status() == 201) {
            ok++;
            etag = reply.etag();
            size = reply.size();
          } else if (reply.status() == 422) {
            mismatch++;
          }
        }
      }
      if (ok >= quorum) {
        return Future.succeededFuture(new PutResult(201, etag, size));
      }
      return Future.succeededFuture(new PutResult(mismatch > 0 ? 422 : 503, null, 0));
    }));
  }


  /**
   * Fetches an object (or the inclusive byte range first..last; first &lt; 0 for all) from the
   * first replica that has it. A 200's body is paused: the caller pipes or ends it.
   */
  public Future<Fetched> get(String hash, long first, long last, boolean head) {
    Ring r = ring.get();
    int part = r.partition(hash);
    List<Device> order = new ArrayList<>(r.primaries(part));
    // spread reads over the replicas
    java.util.Collections.rotate(order, (int) (Thread.currentThread().getId() + System.nanoTime()) % order.size());
    return tryGet(order, 0, r.handoffs(part), part, hash, first, last, head, null, false);
  }

  /** A replica read straight from this node's disk: its metadata and either its bytes (small) or an open channel. */
  public record LocalRead(JsonObject meta, long size, Buffer small, FileChannel channel, Path file) {
  }

  private static final int SMALL_READ = 64 * 1024;

  /**
   * Opens the current version of an object on the first replica in read order when that
   * replica is on this node. Succeeds with null when it is not, or has no live version there
   * (the caller then asks the object servers, which settle tombstones and handoffs).
   */
  public Future<LocalRead> openLocal(String hash) {
    Ring r = ring.get();
    int part = r.partition(hash);
    List<Device> order = r.primaries(part);
    Device first = order.get((int) Math.floorMod(Thread.currentThread().getId() + System.nanoTime(), (long) order.size()));
    Path dev = localPath(first);
    if (dev == null) {
      return Future.succeededFuture();
    }
    return disk.executeBlocking(() -> {
      if (!DiskStore.mounted(dev)) {
        return null;
      }
      for (int attempt = 0; attempt < 3; attempt++) {
        JsonObject meta = DiskStore.current(dev, part, hash);
        if (meta == null || meta.getBoolean("deleted", false)) {
          return null;
        }
        long size = meta.getLong("size");
        try {
          Path file = DiskStore.dataFile(dev, part, hash, meta);
          FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          if (size > SMALL_READ) {
            return new LocalRead(meta, size, null, ch, file);
          }
          try (ch) {
            ByteBuffer bb = ByteBuffer.allocate((int) size);
            while (bb.hasRemaining() && ch.read(bb, bb.position()) > 0) {
              // keep reading
            }
            return bb.hasRemaining() ? null : new LocalRead(meta, size, Buffer.buffer(bb.array()), null, file);
          }
        } catch (NoSuchFileException e) {
          // replaced while we looked; read the newer version
        }
      }
      return null;
    }, false).recover(err -> Future.succeededFuture());
  }

  /** Closes a channel from {@link #openLocal} off the event loop. */
  public void close(FileChannel ch) {
    if (ch != null) {
      disk.executeBlocking(() -> {
        ch.close();
        return null;
      }, false);
    }
  }

  private Future<Fetched> tryGet(List<Device> order, int idx, List<Device> handoffs, int part, String hash, long first,
                                 long last, boolean head, Fetched best404, boolean errors) {
    if (idx >= order.size()) {
      if (errors && !handoffs.isEmpty()) {
        List<Device> more = new ArrayList<>(handoffs);
        return tryGet(more, 0, List.of(), part, hash, first, last, head, best404, false);
      }
      return Future.succeededFuture(best404 != null ? best404 : new Fetched(errors ? 503 : 404, null, null, null));
    }
    Device d = order.get(idx);
    HttpMethod method = head ? HttpMethod.HEAD : HttpMethod.GET;
    return client.request(options(method, d, uri(d, part, hash))).compose(req -> {
      if (first >= 0) {
        req.putHeader(Wire.RANGE, first + "-" + last);
      }
      return req.send();
    }).transform(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        HttpClientResponse resp = ar.result();
        resp.pause();
        if (head) {
          drain(resp);
        }
        return Future.succeededFuture(new Fetched(200, Wire.decode(resp.getHeader(Wire.META)), head ? null : resp, null));
      }
      boolean error = ar.failed() || ar.result().statusCode() != 404;
      Fetched nf = best404;
      if (ar.succeeded()) {
        HttpClientResponse resp = ar.result();
        drain(resp);
        String tts = resp.getHeader(Wire.TS);
        if (resp.statusCode() == 404 && (nf == null || (tts != null && (nf.tombstoneTs == null || tts.compareTo(nf.tombstoneTs) > 0)))) {
          nf = new Fetched(404, null, null, tts);
        }
      }
      return tryGet(order, idx + 1, handoffs, part, hash, first, last, head, nf, errors || error);
    });
  }

  /**
   * Writes a tombstone on every replica; succeeds with 204/404 (was there or not) or 503, or 412
   * when {@code meta} has {@link Wire#IF_DELETE_AT} and no replica's delete_at matched it.
   */
  public Future<Integer> delete(String hash, String ts, JsonObject meta) {
    return writeAll(HttpMethod.DELETE, hash, ts, meta);
  }

  /** Replaces user metadata on every replica: 202, 404 or 503. */
  public Future<Integer> post(String hash, String ts, JsonObject update) {
    return writeAll(HttpMethod.POST, hash, ts, update);
  }

  private Future<Integer> writeAll(HttpMethod method, String hash, String ts, JsonObject meta) {
    Ring r = ring.get();
    int part = r.partition(hash);
    Iterator<Device> handoffs = r.handoffs(part).iterator();
    List<Future<Integer>> all = new ArrayList<>();
    for (Device d : r.primaries(part)) {
      all.add(sendSimple(method, d, part, hash, ts, meta, handoffs));
    }
    return Future.join(all).transform(x -> {
      int success = 0;
      int notFound = 0;
      int changed = 0;
      for (Future<Integer> f : all) {
        if (f.succeeded()) {
          int s = f.result();
          if (s == 404) {
            notFound++;
          } else if (s == 412) {
            changed++;
          } else if (s >= 200 && s < 300) {
            success++;
          }
        }
      }
      int status;
      if (changed > 0 && success == 0) {
        status = 412;
      } else if (success + notFound < r.quorum()) {
        status = 503;
      } else if (success > 0 && (method != HttpMethod.POST || success >= notFound)) {
        status = method == HttpMethod.POST ? 202 : 204;
      } else {
        status = 404;
      }
      return Future.succeededFuture(status);
    });
  }

  private Future<Integer> sendSimple(HttpMethod method, Device d, int part, String hash, String ts, JsonObject meta,
                                     Iterator<Device> handoffs) {
    return client.request(options(method, d, uri(d, part, hash)))
      .compose(req -> req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(meta)).send())
      .map(resp -> {
        drain(resp);
        return resp.statusCode();
      })
      .compose(status -> status >= 500 ? Future.failedFuture("status " + status) : Future.succeededFuture(status))
      .recover(err -> {
        Device next;
        synchronized (handoffs) {
          next = handoffs.hasNext() ? handoffs.next() : null;
        }
        return next == null ? Future.failedFuture(err) : sendSimple(method, next, part, hash, ts, meta, handoffs);
      });
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
