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
  record Claim(String hostId, String hostname) {
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

  private static final String CLAIM = """
    UPDATE hosts SET vcpus_used = vcpus_used + $2, memory_mb_used = memory_mb_used + $3, disk_gb_used = disk_gb_used + $4
    WHERE id = $1 AND enabled AND vcpus_used + $2 <= floor(vcpus * cpu_ratio)
      AND memory_mb_used + $3 <= floor(memory_mb * ram_ratio) AND disk_gb_used + $4 <= floor(disk_gb * disk_ratio)
    RETURNING hostname""";

  private final Pool db;
  private final long downAfterSeconds;

  Scheduler(Pool db, long downAfterSeconds) {
    this.db = db;
    this.downAfterSeconds = downAfterSeconds;
  }

  /** Claims a host for the instance (which must still be building, or unshelving), or null when none fits. */
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
    return db.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(hostId, vcpus, ram, disk)).compose(claimed -> {
      if (claimed.size() == 0) {
        return Future.succeededFuture((Claim) null); // someone else took the room first
      }
      String hostname = claimed.iterator().next().getString("hostname");
      return tx.preparedQuery("INSERT INTO allocations (instance_id, host_id, vcpus, memory_mb, disk_gb) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(instanceId, hostId, vcpus, ram, disk))
        .compose(v -> tx.preparedQuery("UPDATE instances SET host_id = $2, host = $3, task_state = 'spawning', updated_at = now() "
          + "WHERE id = $1 AND NOT deleted AND vm_state IN ('building', 'shelved_offloaded')")
          .execute(Tuple.of(instanceId, hostId, hostname)))
        .compose(updated -> updated.rowCount() == 1 ? Future.succeededFuture(new Claim(hostId, hostname))
          // deleted while being scheduled: roll the claim back
          : Future.failedFuture(new InstanceGone()));
    })).compose(c -> c != null ? Future.succeededFuture(c) : tryClaim(instanceId, candidates, i + 1, vcpus, ram, disk));
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
