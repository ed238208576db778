package org.vertstack.objectstore.maintenance;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.cluster.Singleton;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.DiskStore;
import org.vertstack.objectstore.storage.Wire;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Push replication, as in Swift: for every partition on a local device, compare with each
 * primary's listing of that partition and push every version the primary lacks or holds older
 * (newest timestamp wins; tombstones travel like data). A device that is not a primary for the
 * partition (a handoff) removes its copies once every primary has them.
 */
public final class Replicator {

  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final WorkerExecutor disk;
  private final Supplier<Ring> ring;
  private final Map<String, Path> localDevices;

  public Replicator(Vertx vertx, HttpClient client, WorkerExecutor disk, Supplier<Ring> ring, Map<String, Path> localDevices) {
    this.vertx = vertx;
    this.client = client;
    this.disk = disk;
    this.ring = ring;
    this.localDevices = localDevices;
  }

  /**
   * Periodic passes rest between partitions {@value #REST_FACTOR} times as long as each one took,
   * so a pass over many objects (every trailer is read, indexes cross HTTP) takes at most a
   * quarter of the machine instead of competing with requests for all of it (a full-speed pass
   * halved 1 GiB GETs on a 2-core node). Passes asked for explicitly run at full speed.
   */
  static final int REST_FACTOR = 3;
  private volatile boolean paced;
  private volatile String lockScope = "";

  /** Names this node's devices in the cluster-wide lock of each device's pass (its object server host). */
  public Replicator lockScope(String scope) {
    this.lockScope = scope;
    return this;
  }

  /** Lets the pass under way (and the next ones) run at full speed or paced. */
  public void paced(boolean paced) {
    this.paced = paced;
  }

  /** One pass over every local device; succeeds with {pushed, removed, partitions, failures}. */
  public Future<JsonObject> runOnce() {
    Stats stats = new Stats();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Path> e : localDevices.entrySet()) {
      // one pass per device at a time in the cluster (a device is its node's host and path)
      chain = chain.compose(v -> Singleton.run(vertx, "objectstore.replicator:" + lockScope + ":" + e.getValue(),
        () -> device(e.getKey(), e.getValue(), stats)).mapEmpty());
    }
    return chain.map(v -> stats.toJson());
  }

  private static final class Stats {
    final AtomicLong pushed = new AtomicLong();
    final AtomicLong removed = new AtomicLong();
    final AtomicLong partitions = new AtomicLong();
    final AtomicLong failures = new AtomicLong();

    JsonObject toJson() {
      return new JsonObject().put("pushed", pushed.get()).put("removed", removed.get())
        .put("partitions", partitions.get()).put("failures", failures.get());
    }
  }

  private Future<Void> device(String name, Path dev, Stats stats) {
    return disk.executeBlocking(() -> DiskStore.mounted(dev) ? DiskStore.partitions(dev) : List.<Integer>of(), false)
      .compose(parts -> {
        Future<Void> chain = Future.succeededFuture();
        for (int part : parts) {
          chain = chain.compose(v -> {
            long started = System.nanoTime();
            return partition(name, dev, part, stats).recover(err -> {
              stats.failures.incrementAndGet();
              LOG.debug("replicating {}/{}: {}", name, part, err.toString());
              return Future.succeededFuture();
            }).compose(x -> rest(started));
          });
        }
        return chain;
      });
  }

  private Future<Void> rest(long startedNanos) {
    long ms = (System.nanoTime() - startedNanos) * REST_FACTOR / 1_000_000;
    if (!paced || ms < 1) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(ms, id -> p.complete());
    return p.future();
  }

  private Future<Void> partition(String name, Path dev, int part, Stats stats) {
    Ring r = ring.get();
    if (part >= r.partitions()) {
      return Future.succeededFuture();
    }
    stats.partitions.incrementAndGet();
    List<Device> primaries = r.primaries(part);
    // this device is the ring's device of the same name and path: in a cluster, other nodes have devices of the same name
    java.util.function.Predicate<Device> self = d -> d.name().equals(name) && Path.of(d.path()).equals(dev);
    boolean primary = primaries.stream().anyMatch(self);
    List<Device> targets = primaries.stream().filter(self.negate()).toList();
    return disk.executeBlocking(() -> DiskStore.partitionIndex(dev, part), false).compose(local -> {
      if (local.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Future<Boolean>> syncs = new ArrayList<>();
      for (Device t : targets) {
        syncs.add(syncTo(dev, part, local, t, stats));
      }
      return Future.join(syncs).transform(x -> {
        boolean allSynced = syncs.stream().allMatch(f -> f.succeeded() && f.result());
        if (!primary && allSynced) {
          return disk.executeBlocking(() -> {
            for (String hash : local.fieldNames()) {
              DiskStore.remove(dev, part, hash);
              stats.removed.incrementAndGet();
            }
            return null;
          }, false).mapEmpty();
        }
        return Future.succeededFuture();
      });
    });
  }

  /** Pushes what the target lacks; true when the target now has everything this device has. */
  private Future<Boolean> syncTo(Path dev, int part, JsonObject local, Device target, Stats stats) {
    RequestOptions index = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host()).setPort(target.port())
      .setURI("/p/" + target.name() + "/" + part).setTimeout(60_000);
    return client.request(index).compose(req -> req.send()).compose(resp -> resp.body().map(body -> {
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("index of " + target.name() + ": " + resp.statusCode());
      }
      return body.toJsonObject();
    })).compose(remote -> {
      Future<Boolean> chain = Future.succeededFuture(true);
      for (String hash : local.fieldNames()) {
        JsonObject mine = local.getJsonObject(hash);
        JsonObject theirs = remote.getJsonObject(hash);
        if (theirs != null && theirs.getString("ts").compareTo(mine.getString("ts")) >= 0) {
          continue;
        }
        chain = chain.compose(ok -> push(dev, part, hash, mine, target).map(pushed -> {
          if (pushed) {
            stats.pushed.incrementAndGet();
          }
          return ok && pushed;
        }));
      }
      return chain;
    });
  }

  private Future<Boolean> push(Path dev, int part, String hash, JsonObject meta, Device target) {
    String uri = "/o/" + target.name() + "/" + part + "/" + hash;
    RequestOptions opts = new RequestOptions().setHost(target.host()).setPort(target.port()).setURI(uri).setTimeout(600_000);
    JsonObject sent = meta.copy();
    String ts = (String) sent.remove("ts");
    if (meta.getBoolean("deleted", false)) {
      return client.request(opts.setMethod(HttpMethod.DELETE))
        .compose(req -> req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(sent)).send())
        .map(resp -> {
          drain(resp);
          return resp.statusCode() < 300 || resp.statusCode() == 404;
        });
    }
    String etag = (String) sent.remove("etag");
    long size = sent.getLong("size");
    sent.remove("size");
    sent.remove("data_ts");
    sent.remove("deleted");
    Path data = DiskStore.dataFile(dev, part, hash, meta);
    return vertx.fileSystem().open(data.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
      .compose(file -> {
        file.setReadLength(size);
        return client.request(opts.setMethod(HttpMethod.PUT)).compose(req -> {
          req.putHeader(Wire.TS, ts).putHeader(Wire.META, Wire.encode(sent)).putHeader(Wire.ETAG, etag)
            .putHeader("Content-Length", Long.toString(size));
          return req.send(file);
        }).map(resp -> {
          drain(resp);
          return resp.statusCode() == 201;
        }).eventually(() -> file.close());
      });
  }

  private static void drain(HttpClientResponse resp) {
    try {
      resp.handler(null);
      resp.resume();
    } catch (IllegalStateException ignored) {
      // already ended
    }
  }
}
