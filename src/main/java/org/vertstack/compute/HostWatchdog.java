package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On the controller: notices compute hosts whose heartbeats stopped (marked down after
 * {@code compute.down-after-seconds}) and takes back the builds they held, which then go to
 * another host or end in ERROR; an agent killed mid-build never leaves an instance in BUILD.
 * Every controller of a cluster runs one; the take-back is a conditional UPDATE, so only one wins.
 */
final class HostWatchdog {

  private static final Logger LOG = LoggerFactory.getLogger(HostWatchdog.class);

  private static final String STRANDED = """
    SELECT i.id, i.host_id, h.hostname FROM instances i JOIN hosts h ON h.id = i.host_id
    WHERE NOT i.deleted AND i.vm_state = 'building' AND coalesce(i.task_state, '') <> 'deleting'
      AND (h.forced_down OR h.last_heartbeat < now() - make_interval(secs => $1))""";

  private static final String DOWN = """
    SELECT hostname FROM hosts WHERE forced_down OR last_heartbeat < now() - make_interval(secs => $1)""";

  private final Pool db;
  private final Servers servers;
  private final long downAfterSeconds;
  private final Set<String> knownDown = ConcurrentHashMap.newKeySet();

  HostWatchdog(Pool db, Servers servers, long downAfterSeconds) {
    this.db = db;
    this.servers = servers;
    this.downAfterSeconds = downAfterSeconds;
  }

  /** Checks every {@code seconds} (a few times per down-after period). */
  void start(Vertx vertx, long seconds) {
    long every = Math.max(1, seconds) * 1000;
    vertx.setPeriodic(every, every, id -> check().onFailure(err -> LOG.warn("compute host watchdog: {}", err.getMessage())));
  }

  Future<Void> check() {
    return db.preparedQuery(DOWN).execute(Tuple.of(downAfterSeconds)).compose(down -> {
      Set<String> now = ConcurrentHashMap.newKeySet();
      down.forEach(r -> now.add(r.getString("hostname")));
      now.stream().filter(h -> !knownDown.contains(h))
        .forEach(h -> LOG.warn("compute host {} is down: no heartbeat for {} s", h, downAfterSeconds));
      knownDown.stream().filter(h -> !now.contains(h)).forEach(h -> LOG.info("compute host {} is up again", h));
      knownDown.retainAll(now);
      knownDown.addAll(now);
      return now.isEmpty() ? Future.succeededFuture() : db.preparedQuery(STRANDED).execute(Tuple.of(downAfterSeconds))
        .compose(rows -> {
          rows.forEach(r -> servers.takeBack(r.getString("id"), r.getString("host_id"),
            "its compute host " + r.getString("hostname") + " went down (no heartbeat for " + downAfterSeconds + " s)"));
          return Future.succeededFuture();
        });
    });
  }
}
