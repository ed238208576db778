package org.vertstack.common.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * Work that must run once per cluster at a time (the expirer, a device's replicator pass, the
 * image garbage sweep, the tiny-guest import): every node schedules it, and a run goes ahead
 * only on the node that gets the job's cluster-wide lock (a Hazelcast lock when clustered,
 * released when its holder dies, so the job moves to a live node at its next period).
 */
public final class Singleton {

  /** How long a run waits for the lock before concluding another node runs the job now. */
  private static final long WAIT_MS = 200;

  private Singleton() {
  }

  /** Runs {@code job} unless another node runs it now; then succeeds with null without running it. */
  public static <T> Future<T> run(Vertx vertx, String name, Supplier<Future<T>> job) {
    // Hazelcast's map locks are re-entrant for the thread that holds them, so a run already under
    // way on this node is first checked here, on this node's own map
    var running = vertx.sharedData().<String, Boolean>getLocalMap("vertstack.once.running");
    if (running.putIfAbsent(name, Boolean.TRUE) != null) {
      return Future.succeededFuture(null);
    }
    return vertx.sharedData().getLockWithTimeout("vertstack.once." + name, WAIT_MS).transform(locked -> {
      if (locked.failed()) {
        return Future.<T>succeededFuture(null);
      }
      Future<T> run;
      try {
        run = job.get();
      } catch (RuntimeException e) {
        run = Future.failedFuture(e);
      }
      return run.andThen(x -> locked.result().release());
    }).andThen(x -> running.remove(name));
  }
}
