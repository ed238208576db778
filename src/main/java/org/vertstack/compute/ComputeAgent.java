package org.vertstack.compute;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * One compute node's agent, on its own address ({@code compute.agent.<hostname>}). Only the
 * controller calls it; every call runs the hypervisor on a worker thread. Answers carry the
 * instance's power state after the operation.
 */
@VertxGen
@ProxyGen
public interface ComputeAgent {

  String ADDRESS_PREFIX = "compute.agent.";

  /**
   * Builds and starts an instance: {instance_id, name, vcpus, memory_mb, disk_gb, image_id,
   * disk_format, image_size}. Answers {"power_state"}.
   */
  Future<JsonObject> build(JsonObject request);

  /**
   * Captures the root disk and uploads it as an image: {instance_id, image_id (the image record,
   * already made), base_image_id, disk_format, token (the requesting user's)}. Answers {"power_state"}.
   */
  Future<JsonObject> snapshot(JsonObject request);

  /** Replaces the instance's disks and domain from another image: a build request plus "stopped". */
  Future<JsonObject> rebuild(JsonObject request);

  /** Gives the instance another flavor: {instance_id, name, vcpus, memory_mb, disk_gb, revert}. */
  Future<JsonObject> resize(JsonObject request);

  /** One of stop, start, reboot-soft, reboot-hard, pause, unpause, suspend, resume, confirm-resize. */
  Future<JsonObject> act(String instanceId, String action);

  /** Removes the domain and its disks (a missing domain is fine). */
  Future<Void> destroy(String instanceId);

  /** The serial console's last {@code lines} lines (all when lines <= 0). */
  Future<String> consoleOutput(String instanceId, int lines);

  /**
   * Opens the instance's serial console and relays it over the event bus until either side ends
   * it (see {@link ConsoleRelay} for the addresses and messages). Fails with 409 when the
   * hypervisor has no console streams or the guest is not running.
   */
  Future<Void> openConsole(String instanceId, String relayAddress);

  /** A running instance's statistics from the hypervisor (see ServerDiagnostics); 409 when it is not running. */
  Future<JsonObject> diagnostics(String instanceId);

  /** The node's uptime line, as the {@code uptime} command prints it. */
  Future<String> uptime();

  static ComputeAgent createProxy(Vertx vertx, String hostname) {
    // a build under TCG can take a while (image download, qemu start): wait for it
    return new ComputeAgentVertxEBProxy(vertx, ADDRESS_PREFIX + hostname, new DeliveryOptions().setSendTimeout(600_000));
  }
}
