package org.vertstack.compute;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The controller's event-bus API for compute agents: an agent (in this JVM or another node of
 * the cluster) reports its inventory and heartbeats here and never touches the database itself.
 */
@VertxGen
@ProxyGen
public interface ComputeHosts {

  String ADDRESS = "compute.hosts";

  /**
   * Registers or updates a host: {hostname, host_ip, hypervisor_type, hypervisor_version, cpu_model,
   * vcpus, memory_mb, disk_gb, power_states: {instance id: power state}}. The controller reconciles
   * the instances it has on that host with the domains reported. Answers {"host_id"}.
   */
  Future<JsonObject> register(JsonObject report);

  /** The host is alive; a host whose heartbeats stop is marked down and skipped by the scheduler. */
  Future<Void> heartbeat(String hostId);

  /**
   * Power states seen on the host: {taken_at (epoch ms), complete (every domain listed: a missing
   * one has vanished), power_states: {instance id: power state}}. Settled instances (no task under
   * way, not changed since taken_at) take the state found: a guest that shut itself down is SHUTOFF.
   */
  Future<Void> syncPowerStates(String hostId, JsonObject report);

  static ComputeHosts createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, ComputeHosts.class, ADDRESS, options -> new ComputeHostsVertxEBProxy(vertx, ADDRESS, options));
  }
}
