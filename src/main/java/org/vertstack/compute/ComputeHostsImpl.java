package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;

import java.util.UUID;

/** Serves {@link ComputeHosts} on the controller: the hosts table and the power-state sync. */
final class ComputeHostsImpl implements ComputeHosts {

  private final Pool db;
  private final Servers servers;
  private final PowerSync power;
  private final ComputeSettings settings;

  ComputeHostsImpl(Pool db, Servers servers, PowerSync power, ComputeSettings settings) {
    this.db = db;
    this.servers = servers;
    this.power = power;
    this.settings = settings;
  }

  @Override
  public Future<JsonObject> register(JsonObject report) {
    String hostname = report.getString("hostname");
    if (hostname == null || hostname.isBlank()) {
      return Future.failedFuture(Errors.badRequest("A host report needs a hostname."));
    }
    return db.preparedQuery("""
        INSERT INTO hosts (id, hostname, hypervisor_type, hypervisor_version, host_ip, vcpus, memory_mb, disk_gb,
                           cpu_ratio, ram_ratio, disk_ratio, availability_zone, reported_zone, virt_type, virt_probe, last_heartbeat)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, now())
        ON CONFLICT (hostname) DO UPDATE SET hypervisor_type = EXCLUDED.hypervisor_type,
          hypervisor_version = EXCLUDED.hypervisor_version, host_ip = EXCLUDED.host_ip, vcpus = EXCLUDED.vcpus,
          memory_mb = EXCLUDED.memory_mb, disk_gb = EXCLUDED.disk_gb, cpu_ratio = EXCLUDED.cpu_ratio,
          ram_ratio = EXCLUDED.ram_ratio, disk_ratio = EXCLUDED.disk_ratio, reported_zone = EXCLUDED.reported_zone,
          availability_zone = coalesce((SELECT a.availability_zone FROM aggregates a JOIN aggregate_hosts ah ON ah.aggregate_id = a.id
            WHERE ah.hostname = EXCLUDED.hostname AND a.availability_zone IS NOT NULL LIMIT 1), EXCLUDED.availability_zone),
          virt_type = EXCLUDED.virt_type, virt_probe = EXCLUDED.virt_probe, last_heartbeat = now()
        RETURNING id""")
      .execute(Tuple.from(new Object[] {UUID.randomUUID().toString(), hostname, report.getString("hypervisor_type"),
        report.getLong("hypervisor_version", 0L), report.getString("host_ip", "127.0.0.1"), report.getInteger("vcpus"),
        report.getLong("memory_mb"), report.getLong("disk_gb"),
        settings.cpuAllocationRatio(), settings.ramAllocationRatio(),
        settings.diskAllocationRatio(), report.getString("availability_zone", settings.availabilityZone()),
        report.getString("virt_type", ""), report.getString("virt_probe")}))
      .compose(rows -> {
        String id = rows.iterator().next().getString("id");
        return servers.reconcile(id, report.getJsonObject("power_states", new JsonObject()))
          .map(v -> new JsonObject().put("host_id", id));
      });
  }

  @Override
  public Future<Void> syncPowerStates(String hostId, JsonObject report) {
    return power.sync(hostId, report);
  }

  @Override
  public Future<Void> heartbeat(String hostId) {
    return db.preparedQuery("UPDATE hosts SET last_heartbeat = now() WHERE id = $1").execute(Tuple.of(hostId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Errors.notFound("Unknown host " + hostId + ".");
      }
      return null;
    });
  }
}
