package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.vertstack.common.quota.QuotaClient;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Per-project quotas on bytes and objects through the shared quota engine (service type
 * object-store). A project with a limit on either resource reserves exactly, per request, before
 * storing (413 when over). A project without limits (the common case) only needs its usage
 * counted: those deltas are summed here and sent to the engine once a second, so a busy
 * project costs the engine one update per second instead of several per object. Limits are
 * re-read every {@link #LIMITS_TTL_MS} ms, so a newly set limit applies within that time.
 */
final class Quotas {

  static final String SERVICE = "object-store";
  static final long LIMITS_TTL_MS = 10_000;

  private final QuotaClient quota;
  private final Map<String, Limits> limits = new HashMap<>();
  private final Map<String, long[]> pending = new HashMap<>();

  private record Limits(long bytes, long objects, long expires) {
    boolean unlimited() {
      return bytes < 0 && objects < 0;
    }
  }

  Quotas(Vertx vertx) {
    this.quota = new QuotaClient(vertx, SERVICE);
    vertx.setPeriodic(1000, id -> flush());
  }

  /**
   * Reserves room for a new object version of {@code bytes}; the object count only when the
   * name is new ({@code exists} is asked only for projects with limits). Succeeds with the
   * number of objects reserved (0 or 1); fails with 413 when over a limit.
   */
  Future<Long> reserve(String project, long bytes, Supplier<Future<Boolean>> exists) {
    return limits(project).compose(l -> {
      if (l.unlimited()) {
        count(project, bytes, 1);
        return Future.succeededFuture(1L);
      }
      Future<Void> b = bytes > 0 ? quota.reserve(project, "bytes", bytes) : Future.succeededFuture();
      return b.compose(v -> exists.get()).compose(present -> present ? Future.succeededFuture(0L)
        : quota.reserve(project, "objects", 1).map(x -> 1L)
          .recover(err -> exactRelease(project, bytes, 0).transform(x -> Future.failedFuture(err))));
    });
  }

  /**
   * The body to store for a write of unknown length: metered against the byte limit as it
   * streams when the project has one (see {@link MeteredBody}), else the body itself.
   */
  Future<ReadStream<Buffer>> meter(String project, ReadStream<Buffer> body) {
    return limits(project).map(l -> l.bytes() < 0 ? body
      : new MeteredBody(body, bytes -> quota.reserve(project, "bytes", bytes)));
  }

  /** Corrects usage after a write: positive amounts are released, negative ones added (never refused). */
  Future<Void> settle(String project, long bytes, long objects) {
    Limits l = limits.get(project);
    if (l != null && l.unlimited()) {
      count(project, -bytes, -objects);
      return Future.succeededFuture();
    }
    Future<Void> release = exactRelease(project, Math.max(0, bytes), Math.max(0, objects));
    Future<Void> add = Future.join(
      bytes < 0 ? quota.reserve(project, "bytes", -bytes) : Future.succeededFuture(),
      objects < 0 ? quota.reserve(project, "objects", -objects) : Future.succeededFuture()).mapEmpty();
    return Future.join(release, add.recover(err -> Future.succeededFuture())).mapEmpty();
  }

  Future<Void> release(String project, long bytes, long objects) {
    Limits l = limits.get(project);
    if (l != null && l.unlimited()) {
      count(project, -bytes, -objects);
      return Future.succeededFuture();
    }
    return exactRelease(project, bytes, objects);
  }

  private Future<Void> exactRelease(String project, long bytes, long objects) {
    return Future.join(quota.release(project, "bytes", bytes), quota.release(project, "objects", objects)).mapEmpty();
  }

  private Future<Limits> limits(String project) {
    Limits cached = limits.get(project);
    long now = System.currentTimeMillis();
    if (cached != null && cached.expires > now) {
      return Future.succeededFuture(cached);
    }
    return quota.limits(project).map(registered -> {
      Limits l = new Limits(registered.getLong("bytes", -1L), registered.getLong("objects", -1L), now + LIMITS_TTL_MS);
      if (limits.size() > 100_000) {
        limits.clear();
      }
      limits.put(project, l);
      return l;
    });
  }

  private void count(String project, long bytes, long objects) {
    long[] d = pending.computeIfAbsent(project, p -> new long[2]);
    d[0] += bytes;
    d[1] += objects;
  }

  /** Sends the summed usage changes of unlimited projects to the engine. */
  void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, long[]> batch = new HashMap<>(pending);
    pending.clear();
    batch.forEach((project, d) -> {
      send(project, "bytes", d[0]);
      send(project, "objects", d[1]);
    });
  }

  private void send(String project, String resource, long delta) {
    if (delta > 0) {
      quota.reserve(project, resource, delta);
    } else if (delta < 0) {
      quota.release(project, resource, -delta);
    }
  }

}
