package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks a host for an instance and claims its resources. Filters (in SQL): enabled, up (a recent
 * heartbeat), not forced down, availability zone, free vCPUs, RAM and disk under the host's
 * allocation ratios, hosts already tried excluded. Weigher: most free RAM first (spread). The
 * claim is one conditional UPDATE of the host plus the allocation row in one transaction, so
 * concurrent boots can never push a host past its capacity; a lost race moves to the next host.
 */
final class Scheduler {

  /** A successful claim. */
  record Claim(String hostId, String hostname, JsonObject instance) {
  }

  private static final String CANDIDATES = """
    SELECT id, hostname FROM hosts
    WHERE enabled AND NOT forced_down AND last_heartbeat > now() - make_interval(secs => $1)
      AND ($2::text IS NULL OR availability_zone = $2)
      AND NOT (id = ANY($3))
      AND vcpus_used + $4 <= floor(vcpus * cpu_ratio)
      AND memory_mb_used + $5 <= floor(memory_mb * ram_ratio)
      AND disk_gb_used + $6 <= floor(disk_gb * disk_ratio)
    ORDER BY (memory_mb * ram_ratio - memory_mb_used) DESC, id
    LIMIT 8""";

  /**
   * The claim, in one statement (so no row lock is held across round trips while 200 boots queue
   * on one host's row): the instance must still be building (its row locked against a concurrent
   * delete), the host must still have room; then the host's usage, the allocation and the
   * instance's host move together. No row back: the host filled up first, or the instance is gone.
   */
  private static final String CLAIM = """
    WITH inst AS (SELECT id FROM instances WHERE id = $5 AND NOT deleted AND vm_state = 'building' FOR UPDATE),
    host AS (
      UPDATE hosts SET vcpus_used = vcpus_used + $2, memory_mb_used = memory_mb_used + $3, disk_gb_used = disk_gb_used + $4
      WHERE id = $1 AND enabled AND EXISTS (SELECT 1 FROM inst) AND vcpus_used + $2 <= floor(vcpus * cpu_ratio)
        AND memory_mb_used + $3 <= floor(memory_mb * ram_ratio) AND disk_gb_used + $4 <= floor(disk_gb * disk_ratio)
      RETURNING id, hostname),
    alloc AS (INSERT INTO allocations (instance_id, host_id, vcpus, memory_mb, disk_gb) SELECT $5, id, $2, $3, $4 FROM host),
    placed AS (UPDATE instances i SET host_id = host.id, host = host.hostname, task_state = 'spawning', updated_at = now()
      FROM host WHERE i.id = $5 RETURNING i.*)
    SELECT (SELECT count(*) FROM inst) AS claim_alive, placed.* FROM (SELECT 1) one LEFT JOIN placed ON true""";

  private final Pool db;
  private final long downAfterSeconds;

  Scheduler(Pool db, long downAfterSeconds) {
    this.db = db;
    this.downAfterSeconds = downAfterSeconds;
  }

  /** How long a host may miss heartbeats before it counts as down. */
  long downAfterSeconds() {
    return downAfterSeconds;
  }

  /** Claims a host for the instance (which must still be building), or null when none fits. */
  Future<Claim> schedule(String instanceId, JsonObject flavor, String zone, List<String> excluded) {
    int vcpus = flavor.getInteger("vcpus");
    long ram = flavor.getInteger("ram");
    long disk = flavor.getInteger("disk") + flavor.getInteger("ephemeral", 0) + (flavor.getInteger("swap", 0) + 1023) / 1024;
    return db.preparedQuery(CANDIDATES)
      .execute(Tuple.of(downAfterSeconds, zone, excluded.toArray(String[]::new), vcpus, ram, disk))
      .compose(rows -> {
        List<Row> candidates = new ArrayList<>();
        rows.forEach(candidates::add);
        return tryClaim(instanceId, candidates, 0, vcpus, ram, disk);
      });
  }

  private Future<Claim> tryClaim(String instanceId, List<Row> candidates, int i, int vcpus, long ram, long disk) {
    if (i >= candidates.size()) {
      return Future.succeededFuture(null);
    }
    String hostId = candidates.get(i).getString("id");
    return db.preparedQuery(CLAIM).execute(Tuple.of(hostId, vcpus, ram, disk, instanceId)).compose(rows -> {
      Row r = rows.iterator().next();
      if (r.getLong("claim_alive") == 0) {
        return Future.failedFuture(new InstanceGone());
      }
      String hostname = r.getString("host");
      if (hostname != null) {
        JsonObject instance = ServerView.row(r);
        instance.remove("claim_alive");
        return Future.succeededFuture(new Claim(hostId, hostname, instance));
      }
      return tryClaim(instanceId, candidates, i + 1, vcpus, ram, disk); // someone else took the room first
    });
  }

  /** Gives an instance's allocation back to its host (idempotent). */
  static Future<Void> release(io.vertx.sqlclient.SqlClient db, String instanceId) {
    return db.preparedQuery("""
        WITH gone AS (DELETE FROM allocations WHERE instance_id = $1 RETURNING host_id, vcpus, memory_mb, disk_gb)
        UPDATE hosts h SET vcpus_used = h.vcpus_used - g.vcpus, memory_mb_used = h.memory_mb_used - g.memory_mb,
          disk_gb_used = h.disk_gb_used - g.disk_gb FROM gone g WHERE h.id = g.host_id""")
      .execute(Tuple.of(instanceId)).mapEmpty();
  }

  /** The instance was deleted while it was being scheduled. */
  static final class InstanceGone extends RuntimeException {
    InstanceGone() {
      super("The instance was deleted.", null, false, false);
    }
  }
}
