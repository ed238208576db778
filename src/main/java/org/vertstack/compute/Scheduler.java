package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks a host for an instance and claims its resources. The hosts (enabled, not forced down) are
 * read in one query and {@link HostChooser} filters and weighs them (up, availability zone, free
 * vCPUs, RAM and disk under the allocation ratios, hosts already tried excluded; spread or pack by
 * free RAM). The claim is one conditional statement in PostgreSQL, so concurrent boots can never
 * push a host past its capacity; a lost race moves to the next candidate.
 */
final class Scheduler {

  /** A successful claim. */
  record Claim(String hostId, String hostname, JsonObject instance) {
  }

  /** Every host the scheduler may consider; the filters and the weigher run in {@link HostChooser}. */
  private static final String HOSTS = """
    WITH grp AS (SELECT g.id, g.policy, coalesce((g.rules->>'max_server_per_host')::int, 1) AS max_per_host
      FROM server_group_members m JOIN server_groups g ON g.id = m.group_id WHERE m.instance_id = $2)
    SELECT h.id, hostname, enabled, last_heartbeat > now() - make_interval(secs => $1) AS up, availability_zone,
      vcpus, vcpus_used, cpu_ratio, memory_mb, memory_mb_used, ram_ratio, disk_gb, disk_gb_used, disk_ratio,
      (SELECT policy FROM grp) AS group_policy, (SELECT max_per_host FROM grp) AS group_max_per_host,
      coalesce((SELECT gh.members FROM server_group_hosts gh JOIN grp ON gh.group_id = grp.id WHERE gh.host_id = h.id), 0) AS group_members,
      EXISTS (SELECT 1 FROM server_group_hosts gh JOIN grp ON gh.group_id = grp.id WHERE gh.members > 0) AS group_placed
    FROM hosts h WHERE enabled AND NOT forced_down""";

  /**
   * The claim, in one statement (so no row lock is held across round trips while 200 boots queue
   * on one host's row): the instance must still be building (its row locked against a concurrent
   * delete), the host must still have room; then the host's usage, the allocation and the
   * instance's host move together. No row back: the host filled up first, or the instance is gone.
   * An instance in a server group also counts itself on the host in server_group_hosts: an upsert
   * that sees the latest committed count (not the statement's snapshot), so a second affinity host
   * (unique index) or one anti-affinity member too many (CHECK) aborts the whole claim, however
   * many boots race.
   */
  private static final String CLAIM = """
    WITH inst AS (SELECT id FROM instances WHERE id = $5 AND NOT deleted AND vm_state IN ('building', 'shelved_offloaded') FOR UPDATE),
    host AS (
      UPDATE hosts SET vcpus_used = vcpus_used + $2, memory_mb_used = memory_mb_used + $3, disk_gb_used = disk_gb_used + $4
      WHERE id = $1 AND enabled AND EXISTS (SELECT 1 FROM inst) AND vcpus_used + $2 <= floor(vcpus * cpu_ratio)
        AND memory_mb_used + $3 <= floor(memory_mb * ram_ratio) AND disk_gb_used + $4 <= floor(disk_gb * disk_ratio)
      RETURNING id, hostname, availability_zone),
    alloc AS (INSERT INTO allocations (instance_id, host_id, vcpus, memory_mb, disk_gb) SELECT $5, id, $2, $3, $4 FROM host),
    slot AS (INSERT INTO server_group_hosts (group_id, host_id, affinity, members, max_members)
      SELECT g.id, host.id, g.policy = 'affinity', 1,
        CASE WHEN g.policy = 'anti-affinity' THEN coalesce((g.rules->>'max_server_per_host')::int, 1) ELSE 2147483647 END
      FROM host, server_group_members m JOIN server_groups g ON g.id = m.group_id WHERE m.instance_id = $5
      ON CONFLICT (group_id, host_id) DO UPDATE SET members = server_group_hosts.members + 1),
    placed AS (UPDATE instances i SET host_id = host.id, host = host.hostname, availability_zone = host.availability_zone,
      task_state = 'spawning', updated_at = now()
      FROM host WHERE i.id = $5 RETURNING i.*)
    SELECT (SELECT count(*) FROM inst) AS claim_alive, placed.* FROM (SELECT 1) one LEFT JOIN placed ON true""";

  private final Pool db;
  private final long downAfterSeconds;
  private final boolean pack;

  /** {@code weigher}: {@code spread} (most free RAM first, Nova's default) or {@code pack}. */
  Scheduler(Pool db, long downAfterSeconds, String weigher) {
    this.db = db;
    this.downAfterSeconds = downAfterSeconds;
    this.pack = "pack".equals(weigher);
  }

  /** How long a host may miss heartbeats before it counts as down. */
  long downAfterSeconds() {
    return downAfterSeconds;
  }

  /** Claims a host for the instance (which must still be building, or unshelving), or null when none fits. */
  Future<Claim> schedule(String instanceId, JsonObject flavor, String zone, List<String> excluded) {
    int vcpus = flavor.getInteger("vcpus");
    long ram = flavor.getInteger("ram");
    long disk = flavor.getInteger("disk") + flavor.getInteger("ephemeral", 0) + (flavor.getInteger("swap", 0) + 1023) / 1024;
    return db.preparedQuery(HOSTS).execute(Tuple.of(downAfterSeconds, instanceId)).compose(rows -> {
      List<HostChooser.HostState> hosts = new ArrayList<>(rows.size());
      rows.forEach(r -> hosts.add(state(r)));
      Row any = rows.size() == 0 ? null : rows.iterator().next();
      String policy = any == null ? null : any.getString("group_policy");
      HostChooser.Demand demand = new HostChooser.Demand(vcpus, ram, disk, zone, Set.copyOf(excluded), policy,
        policy == null ? Integer.MAX_VALUE : any.getInteger("group_max_per_host"), any != null && any.getBoolean("group_placed"));
      return tryClaim(instanceId, HostChooser.rank(hosts, demand, pack, 8), 0, vcpus, ram, disk);
    });
  }

  private static HostChooser.HostState state(Row r) {
    return new HostChooser.HostState(r.getString("id"), r.getString("hostname"), r.getBoolean("enabled"), r.getBoolean("up"),
      r.getString("availability_zone"), r.getInteger("vcpus"), r.getInteger("vcpus_used"), r.getDouble("cpu_ratio"),
      r.getLong("memory_mb"), r.getLong("memory_mb_used"), r.getDouble("ram_ratio"), r.getLong("disk_gb"),
      r.getLong("disk_gb_used"), r.getDouble("disk_ratio"), r.getInteger("group_members"));
  }

  /** A claim that lost its host to a concurrent boot (room, or the group's policy): the next candidate is tried. */
  private static final Claim LOST = new Claim(null, null, null);
  /**
   * unique_violation (a second affinity host), check_violation (one anti-affinity member too many on
   * a host), deadlock_detected (two claims of one group waiting on each other's count: one is aborted)
   */
  private static final Set<String> GROUP_POLICY_VIOLATIONS = Set.of("23505", "23514", "40P01");

  private Future<Claim> tryClaim(String instanceId, List<HostChooser.HostState> candidates, int i, int vcpus, long ram, long disk) {
    if (i >= candidates.size()) {
      return Future.succeededFuture(null);
    }
    String hostId = candidates.get(i).id();
    return db.preparedQuery(CLAIM).execute(Tuple.of(hostId, vcpus, ram, disk, instanceId))
      .map(rows -> claimOf(hostId, rows.iterator().next()))
      .recover(err -> err instanceof PgException pg && GROUP_POLICY_VIOLATIONS.contains(pg.getSqlState())
        ? Future.succeededFuture(LOST) : Future.failedFuture(err))
      .compose(c -> c == LOST ? tryClaim(instanceId, candidates, i + 1, vcpus, ram, disk) : Future.succeededFuture(c));
  }

  private static Claim claimOf(String hostId, Row r) {
    if (r.getLong("claim_alive") == 0) {
      throw new InstanceGone();
    }
    String hostname = r.getString("host");
    if (hostname == null) {
      return LOST; // someone else took the room first
    }
    JsonObject instance = ServerView.row(r);
    instance.remove("claim_alive");
    return new Claim(hostId, hostname, instance);
  }

  /** Gives an instance's allocation back to its host (idempotent). */
  static Future<Void> release(io.vertx.sqlclient.SqlClient db, String instanceId) {
    return db.preparedQuery("""
        WITH gone AS (DELETE FROM allocations WHERE instance_id = $1 RETURNING host_id, vcpus, memory_mb, disk_gb),
        slot AS (UPDATE server_group_hosts s SET members = s.members - 1 FROM gone g, server_group_members m
          WHERE m.instance_id = $1 AND s.group_id = m.group_id AND s.host_id = g.host_id AND s.members > 0)
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
