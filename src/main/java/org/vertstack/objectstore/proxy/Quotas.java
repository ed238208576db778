package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.quota.QuotaService;

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

  private final QuotaService quota;
  private final Map<String, Limits> limits = new HashMap<>();
  private final Map<String, long[]> pending = new HashMap<>();

  private record Limits(long bytes, long objects, long expires) {
    boolean unlimited() {
      return bytes < 0 && objects < 0;
    }
  }

  Quotas(Vertx vertx) {
    this.quota = QuotaService.createProxy(vertx);
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
      Future<Void> b = bytes > 0 ? tolerant(quota.reserve(project, SERVICE, "bytes", bytes).mapEmpty()) : Future.succeededFuture();
      return b.compose(v -> exists.get()).compose(present -> present ? Future.succeededFuture(0L)
        : tolerant(quota.reserve(project, SERVICE, "objects", 1).mapEmpty()).map(x -> 1L)
          .recover(err -> exactRelease(project, bytes, 0).transform(x -> Future.failedFuture(err))));
    });
  }

  /**
   * The body to store for a write of unknown length: metered against the byte limit as it
   * streams when the project has one (see {@link MeteredBody}), else the body itself.
   */
  Future<ReadStream<Buffer>> meter(String project, ReadStream<Buffer> body) {
    return limits(project).map(l -> l.bytes() < 0 ? body
      : new MeteredBody(body, bytes -> tolerant(quota.reserve(project, SERVICE, "bytes", bytes).mapEmpty())));
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
      bytes < 0 ? tolerant(quota.reserve(project, SERVICE, "bytes", -bytes).mapEmpty()) : Future.succeededFuture(),
      objects < 0 ? tolerant(quota.reserve(project, SERVICE, "objects", -objects).mapEmpty()) : Future.succeededFuture()).mapEmpty();
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
    Future<Void> b = bytes > 0 ? tolerant(quota.release(project, SERVICE, "bytes", bytes)) : Future.succeededFuture();
    Future<Void> o = objects > 0 ? tolerant(quota.release(project, SERVICE, "objects", objects)) : Future.succeededFuture();
    return Future.join(b, o).mapEmpty();
  }

  private Future<Limits> limits(String project) {
    Limits cached = limits.get(project);
    long now = System.currentTimeMillis();
    if (cached != null && cached.expires > now) {
      return Future.succeededFuture(cached);
    }
    return quota.usage(project).map(usage -> {
      long bytes = -1;
      long objects = -1;
      for (Object o : usage) {
        JsonObject u = (JsonObject) o;
        if (SERVICE.equals(u.getString("service_type"))) {
          long limit = u.getLong("limit", -1L);
          if ("bytes".equals(u.getString("resource_name"))) {
            bytes = limit;
          } else if ("objects".equals(u.getString("resource_name"))) {
            objects = limit;
          }
        }
      }
      Limits l = new Limits(bytes, objects, now + LIMITS_TTL_MS);
      if (limits.size() > 100_000) {
        limits.clear();
      }
      limits.put(project, l);
      return l;
    }).recover(err -> noEngine(err) ? Future.succeededFuture(new Limits(-1, -1, now + LIMITS_TTL_MS)) : Future.failedFuture(err));
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
      quota.reserve(project, SERVICE, resource, delta);
    } else if (delta < 0) {
      quota.release(project, SERVICE, resource, -delta);
    }
  }

  private static boolean noEngine(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private static Future<Void> tolerant(Future<Void> f) {
    return f.recover(err -> noEngine(err) ? Future.succeededFuture() : Future.failedFuture(err));
  }
}
