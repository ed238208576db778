package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.ReplicaWrite.Reply;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
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

  /** This node's disk for a device its object server serves (when the proxy has a disk pool), else HTTP. */
  private ReplicaTransport transport(Device d) {
    LocalDevices l = disk == null ? null : local.get();
    Path root = l == null ? null : l.pathOf(d);
    return root != null ? new LocalReplica(d, root, disk, l.writes()) : new RemoteReplica(client, d);
  }

  /** Tries {@code attempt} on {@code d}, then on the next handoff while it fails (handoffs are shared by the replicas). */
  private static <T> Future<T> withHandoffs(Device d, Iterator<Device> handoffs, Function<Device, Future<T>> attempt) {
    return attempt.apply(d).recover(err -> {
      Device next;
      synchronized (handoffs) {
        next = handoffs.hasNext() ? handoffs.next() : null;
      }
      return next == null ? Future.failedFuture(err) : withHandoffs(next, handoffs, attempt);
    });
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
      opening.add(withHandoffs(d, handoffs, to -> transport(to).openWrite(part, hash, length, meta, expectedEtag, ts)));
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
    for (Device d : r.primaries(part)) {
      all.add(withHandoffs(d, handoffs, to -> transport(to).putWhole(part, hash, body, meta, expectedEtag, ts)));
    }
    // all replicas are awaited (not just a quorum): a 201 means every reachable copy is durable
    return Future.join(all).transform(x -> Future.succeededFuture(tally(all, r.quorum())));
  }

  /** 201 when a quorum of replicas stored the body, else 422 if any refused its checksum, else 503. */
  private static PutResult tally(List<Future<Reply>> replies, int quorum) {
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
      return new PutResult(201, etag, size);
    }
    return new PutResult(mismatch > 0 ? 422 : 503, null, 0);
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
    return sent.future().compose(v -> Future.join(replies).transform(x -> Future.succeededFuture(tally(replies, quorum))));
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
    return transport(first) instanceof LocalReplica replica
      ? replica.readCurrent(part, hash).recover(err -> Future.succeededFuture())
      : Future.succeededFuture();
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
    return new RemoteReplica(client, d).fetch(part, hash, first, last, head).transform(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        HttpClientResponse resp = ar.result();
        resp.pause();
        if (head) {
          RemoteReplica.drain(resp);
        }
        return Future.succeededFuture(new Fetched(200, Wire.decode(resp.getHeader(Wire.META)), head ? null : resp, null));
      }
      boolean error = ar.failed() || ar.result().statusCode() != 404;
      Fetched nf = best404;
      if (ar.succeeded()) {
        HttpClientResponse resp = ar.result();
        RemoteReplica.drain(resp);
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
      all.add(withHandoffs(d, handoffs, to -> new RemoteReplica(client, to).update(method, part, hash, ts, meta)));
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
}
