package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;
import org.vertstack.compute.hypervisor.Diagnostics;
import org.vertstack.compute.hypervisor.Hypervisor;

import java.util.Map;

import static org.vertstack.compute.ComputeRules.check;

/**
 * GET /servers/{id}/diagnostics (the admin's): the guest's statistics read by its compute node's
 * agent from libvirt. Before 2.48 in the libvirt driver's own flat form ({@code cpu0_time},
 * {@code memory}, {@code vda_read}...), from 2.48 in Nova's common form. A server that is not
 * running has none (409), as in Nova.
 */
final class ServerDiagnostics {

  private final Vertx vertx;
  private final Servers servers;

  ServerDiagnostics(Vertx vertx, Servers servers) {
    this.vertx = vertx;
    this.servers = servers;
  }

  Future<JsonObject> show(AuthContext caller, String id, Microversion mv) {
    return servers.load(caller, id).compose(inst -> {
      check(caller, "os-server-diagnostics", Target.project(inst.getString("project_id"), null));
      String host = inst.getString("host");
      if (host == null) {
        throw Errors.conflict("Cannot 'get_diagnostics' instance " + id + " while it is not on a host.");
      }
      return ComputeAgent.createProxy(vertx, host).diagnostics(id);
    }).map(raw -> mv.atLeast(2, 48) ? common(raw) : libvirt(raw));
  }

  /** The agent's answer: the hypervisor's record as JSON (null counters stay null). */
  static JsonObject toJson(Diagnostics d) {
    JsonArray disks = new JsonArray();
    d.disks().forEach(k -> disks.add(new JsonObject().put("device", k.device()).put("read_requests", k.readRequests())
      .put("read_bytes", k.readBytes()).put("write_requests", k.writeRequests()).put("write_bytes", k.writeBytes())
      .put("errors", k.errors())));
    JsonArray nics = new JsonArray();
    d.nics().forEach(n -> nics.add(new JsonObject().put("device", n.device()).put("mac", n.mac())
      .put("rx_bytes", n.rxBytes()).put("rx_packets", n.rxPackets()).put("rx_errors", n.rxErrors()).put("rx_drop", n.rxDrop())
      .put("tx_bytes", n.txBytes()).put("tx_packets", n.txPackets()).put("tx_errors", n.txErrors()).put("tx_drop", n.txDrop())));
    JsonObject memory = new JsonObject();
    d.memoryStats().forEach(memory::put);
    return new JsonObject().put("power_state", d.powerState()).put("virt_type", d.virtType()).put("vcpus", d.vcpus())
      .put("vcpu_times", new JsonArray(d.vcpuTimesNs())).put("max_memory_kib", d.maxMemoryKib()).put("memory_kib", d.memoryKib())
      .put("memory_stats", memory).put("config_drive", d.configDrive()).put("disks", disks).put("nics", nics);
  }

  /** The libvirt driver's form before 2.48: flat keys. */
  static JsonObject libvirt(JsonObject raw) {
    JsonObject out = new JsonObject();
    JsonArray times = raw.getJsonArray("vcpu_times");
    for (int i = 0; i < times.size(); i++) {
      out.put("cpu" + i + "_time", times.getValue(i));
    }
    out.put("memory", raw.getValue("max_memory_kib"));
    raw.getJsonObject("memory_stats").forEach(e -> out.put("memory-" + e.getKey(), e.getValue()));
    for (Object o : raw.getJsonArray("disks")) {
      JsonObject k = (JsonObject) o;
      String dev = k.getString("device");
      if (k.getValue("read_bytes") != null) { // Nova leaves out a disk it cannot read
        out.put(dev + "_read_req", k.getValue("read_requests")).put(dev + "_read", k.getValue("read_bytes"))
          .put(dev + "_write_req", k.getValue("write_requests")).put(dev + "_write", k.getValue("write_bytes"))
          .put(dev + "_errors", k.getValue("errors"));
      }
    }
    for (Object o : raw.getJsonArray("nics")) {
      JsonObject n = (JsonObject) o;
      String dev = n.getString("device");
      if (dev != null && n.getValue("rx_bytes") != null) {
        out.put(dev + "_rx", n.getValue("rx_bytes")).put(dev + "_rx_drop", n.getValue("rx_drop"))
          .put(dev + "_rx_errors", n.getValue("rx_errors")).put(dev + "_rx_packets", n.getValue("rx_packets"))
          .put(dev + "_tx", n.getValue("tx_bytes")).put(dev + "_tx_drop", n.getValue("tx_drop"))
          .put(dev + "_tx_errors", n.getValue("tx_errors")).put(dev + "_tx_packets", n.getValue("tx_packets"));
      }
    }
    return out;
  }

  private static final Map<Integer, String> STATES = Map.of(Hypervisor.NOSTATE, "pending", Hypervisor.RUNNING, "running",
    Hypervisor.PAUSED, "paused", Hypervisor.SHUTDOWN, "shutdown", Hypervisor.CRASHED, "crashed", Hypervisor.SUSPENDED, "suspended");

  /** Nova's common form from 2.48 (memory in MiB, times in ns, rates unknown). */
  static JsonObject common(JsonObject raw) {
    JsonArray cpus = new JsonArray();
    JsonArray times = raw.getJsonArray("vcpu_times");
    for (int i = 0; i < times.size(); i++) {
      cpus.add(new JsonObject().put("id", i).put("time", times.getValue(i)).putNull("utilisation"));
    }
    JsonArray disks = new JsonArray();
    for (Object o : raw.getJsonArray("disks")) {
      JsonObject k = (JsonObject) o;
      disks.add(new JsonObject().put("read_bytes", k.getValue("read_bytes")).put("read_requests", k.getValue("read_requests"))
        .put("write_bytes", k.getValue("write_bytes")).put("write_requests", k.getValue("write_requests"))
        .put("errors_count", k.getValue("errors")));
    }
    JsonArray nics = new JsonArray();
    for (Object o : raw.getJsonArray("nics")) {
      JsonObject n = (JsonObject) o;
      nics.add(new JsonObject().put("mac_address", n.getValue("mac"))
        .put("rx_octets", n.getValue("rx_bytes")).put("rx_errors", n.getValue("rx_errors")).put("rx_drop", n.getValue("rx_drop"))
        .put("rx_packets", n.getValue("rx_packets")).putNull("rx_rate")
        .put("tx_octets", n.getValue("tx_bytes")).put("tx_errors", n.getValue("tx_errors")).put("tx_drop", n.getValue("tx_drop"))
        .put("tx_packets", n.getValue("tx_packets")).putNull("tx_rate"));
    }
    Long max = raw.getLong("max_memory_kib");
    Long used = raw.getLong("memory_kib");
    return new JsonObject().put("state", STATES.getOrDefault(raw.getInteger("power_state"), "pending"))
      .put("driver", "libvirt").put("hypervisor", raw.getString("virt_type")).put("hypervisor_os", "linux")
      .putNull("uptime").put("config_drive", raw.getBoolean("config_drive", false))
      .put("num_cpus", raw.getInteger("vcpus")).put("num_nics", nics.size()).put("num_disks", disks.size())
      .put("memory_details", new JsonObject().put("maximum", max == null ? null : max / 1024).put("used", used == null ? null : used / 1024))
      .put("cpu_details", cpus).put("nic_details", nics).put("disk_details", disks);
  }
}
