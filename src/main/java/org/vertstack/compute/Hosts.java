package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/** The admin views of compute nodes: os-hypervisors, os-services, os-availability-zone. */
final class Hosts {

  private static final String HOSTS = """
    SELECT h.*, last_heartbeat > now() - make_interval(secs => $1) AS up,
      (SELECT count(*) FROM instances i WHERE i.host_id = h.id AND NOT i.deleted) AS running_vms
    FROM hosts h""";

  private final Pool db;
  private final long downAfterSeconds;

  Hosts(Pool db, long downAfterSeconds) {
    this.db = db;
    this.downAfterSeconds = downAfterSeconds;
  }

  /**
   * Hypervisors: all, or the one whose id (uuid, or the numeric id of microversions before 2.53)
   * is {@code id}, or those whose host name contains {@code pattern}.
   */
  Future<JsonArray> hypervisors(AuthContext caller, Microversion mv, boolean detail, String id, String pattern) {
    check(caller, id != null ? "os-hypervisors:show" : pattern != null ? "os-hypervisors:search"
      : detail ? "os-hypervisors:list-detail" : "os-hypervisors:list", Target.none());
    return db.preparedQuery(HOSTS + " ORDER BY hostname").execute(Tuple.of(downAfterSeconds)).map(rows -> {
        JsonArray out = new JsonArray();
        for (Row r : rows) {
          String uuid = r.getString("id");
          if (id != null && !id.equals(uuid) && !id.equals(String.valueOf(Math.abs(uuid.hashCode())))) {
            continue;
          }
          if (pattern != null && !r.getString("hostname").contains(pattern)) {
            continue;
          }
          JsonObject h = new JsonObject()
            .put("id", mv.atLeast(2, 53) ? r.getString("id") : (Object) Math.abs(r.getString("id").hashCode()))
            .put("hypervisor_hostname", r.getString("hostname"))
            .put("state", r.getBoolean("up") && !r.getBoolean("forced_down") ? "up" : "down")
            .put("status", r.getBoolean("enabled") ? "enabled" : "disabled");
          if (detail) {
            long freeRam = r.getLong("memory_mb") - r.getLong("memory_mb_used");
            long freeDisk = r.getLong("disk_gb") - r.getLong("disk_gb_used");
            h.put("hypervisor_type", r.getString("hypervisor_type")).put("hypervisor_version", r.getLong("hypervisor_version"))
              .put("host_ip", r.getString("host_ip"))
              .put("service", new JsonObject().put("host", r.getString("hostname"))
                .put("id", mv.atLeast(2, 53) ? r.getString("id") : (Object) Math.abs(r.getString("id").hashCode()))
                .put("disabled_reason", r.getString("disabled_reason")))
              .put("vcpus", r.getInteger("vcpus")).put("vcpus_used", r.getInteger("vcpus_used"))
              .put("memory_mb", r.getLong("memory_mb")).put("memory_mb_used", r.getLong("memory_mb_used"))
              .put("free_ram_mb", freeRam).put("local_gb", r.getLong("disk_gb")).put("local_gb_used", r.getLong("disk_gb_used"))
              .put("free_disk_gb", freeDisk).put("disk_available_least", freeDisk)
              .put("current_workload", 0).put("running_vms", r.getLong("running_vms"))
              // cpu_info says which virtualisation runs the guests and why (the agent's KVM probe):
              // a JSON string before 2.28, an object from 2.28, as in Nova
              .put("cpu_info", cpuInfo(r, mv));
          }
          out.add(h);
        }
        if ((id != null || pattern != null) && out.isEmpty()) {
          throw Errors.notFound(id != null ? "Hypervisor with ID " + id + " could not be found."
            : "No hypervisor matching '" + pattern + "' could be found.");
        }
        return out;
      });
  }

  private static Object cpuInfo(Row r, Microversion mv) {
    JsonObject info = new JsonObject().put("model", r.getString("hypervisor_type"))
      .put("virt_type", r.getString("virt_type")).put("virt_probe", r.getString("virt_probe"));
    return mv.atLeast(2, 28) ? info : info.encode();
  }

  /** Nova's os-hypervisors/statistics (up to 2.87): the sums over every hypervisor. */
  Future<JsonObject> statistics(AuthContext caller, Microversion mv) {
    check(caller, "os-hypervisors:statistics", Target.none());
    return hypervisors(caller, mv, true, null, null).map(all -> {
      JsonObject sum = new JsonObject().put("count", all.size());
      for (String k : new String[] {"vcpus", "vcpus_used", "memory_mb", "memory_mb_used", "free_ram_mb", "local_gb",
        "local_gb_used", "free_disk_gb", "disk_available_least", "current_workload", "running_vms"}) {
        sum.put(k, all.stream().mapToLong(h -> ((JsonObject) h).getLong(k, 0L)).sum());
      }
      return sum;
    });
  }

  /** os-hypervisors/{pattern}/servers (before 2.53): the matching hypervisors, each with its servers. */
  Future<JsonArray> hypervisorServers(AuthContext caller, Microversion mv, String pattern) {
    check(caller, "os-hypervisors:servers", Target.none());
    if (mv.atLeast(2, 53)) {
      throw Errors.notFound("The resource could not be found.");
    }
    return hypervisors(caller, mv, false, null, pattern).compose(found -> db.preparedQuery(
        "SELECT id, name, host FROM instances WHERE NOT deleted AND host = ANY($1) ORDER BY created_at")
      .execute(Tuple.of(found.stream().map(h -> ((JsonObject) h).getString("hypervisor_hostname")).toArray(String[]::new)))
      .map(rows -> {
        for (Object o : found) {
          JsonObject h = (JsonObject) o;
          JsonArray servers = new JsonArray();
          rows.forEach(r -> {
            if (r.getString("host").equals(h.getString("hypervisor_hostname"))) {
              servers.add(new JsonObject().put("uuid", r.getString("id")).put("name", r.getString("name")));
            }
          });
          if (!servers.isEmpty()) {
            h.put("servers", servers); // Nova leaves the key out for a hypervisor without servers
          }
        }
        return found;
      }));
  }

  /** os-hosts (to 2.42): each service's host, the controller's as "internal", of one zone when asked. */
  Future<JsonArray> hostList(AuthContext caller, String controllerHost, String zone) {
    check(caller, "os-hosts:list", Target.none());
    return db.query("SELECT hostname, availability_zone FROM hosts ORDER BY hostname").execute().map(rows -> {
      JsonArray out = new JsonArray();
      for (String service : new String[] {"scheduler", "conductor"}) {
        out.add(new JsonObject().put("host_name", controllerHost).put("service", service).put("zone", "internal"));
      }
      rows.forEach(r -> out.add(new JsonObject().put("host_name", r.getString("hostname")).put("service", "compute")
        .put("zone", r.getString("availability_zone"))));
      out.getList().removeIf(o -> zone != null && !zone.isEmpty() && !zone.equals(((JsonObject) o).getString("zone")));
      return out;
    });
  }

  /** os-hosts/{name}: the compute host's capacity (total), what its servers use (used_now, used_max) and each project's part. */
  Future<JsonArray> host(AuthContext caller, String name) {
    check(caller, "os-hosts:show", Target.none());
    return db.preparedQuery("SELECT * FROM hosts WHERE hostname = $1").execute(Tuple.of(name)).compose(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Compute host " + name + " could not be found.");
      }
      Row h = rows.iterator().next();
      return db.preparedQuery("SELECT project_id, sum((flavor->>'vcpus')::int) AS cpu, sum((flavor->>'ram')::bigint) AS ram, "
          + "sum((flavor->>'disk')::bigint) AS disk FROM instances WHERE host_id = $1 AND NOT deleted GROUP BY project_id ORDER BY 1")
        .execute(Tuple.of(h.getString("id"))).map(projects -> {
          JsonArray out = new JsonArray()
            .add(resource(name, "(total)", h.getInteger("vcpus"), h.getLong("memory_mb"), h.getLong("disk_gb")))
            .add(resource(name, "(used_now)", h.getInteger("vcpus_used"), h.getLong("memory_mb_used"), h.getLong("disk_gb_used")))
            .add(resource(name, "(used_max)", h.getInteger("vcpus_used"), h.getLong("memory_mb_used"), h.getLong("disk_gb_used")));
          projects.forEach(p -> out.add(resource(name, p.getString("project_id"), p.getLong("cpu"), p.getLong("ram"), p.getLong("disk"))));
          return out;
        });
    });
  }

  /**
   * PUT /os-hosts/{name}: {@code status} enable/disable turns the host's compute service on or off;
   * {@code maintenance_mode} is a 501, as Nova's libvirt driver answers.
   */
  Future<JsonObject> updateHost(AuthContext caller, String name, JsonObject body) {
    check(caller, "os-hosts:update", Target.none());
    String status = hostSetting(body, "status");
    String maintenance = hostSetting(body, "maintenance_mode");
    for (String key : body.fieldNames()) {
      if (!key.equals("status") && !key.equals("maintenance_mode")) {
        throw Errors.badRequest("Additional properties are not allowed ('" + key + "' was unexpected).");
      }
    }
    if (status == null && maintenance == null) {
      throw Errors.badRequest("'status' or 'maintenance_mode' is required.");
    }
    return requireHost(name).compose(v -> {
      if (maintenance != null) {
        // as Nova with its libvirt driver, which raises NotImplementedError here (the API answers 501)
        throw Errors.of(501, "Maintenance mode is not implemented on this cloud's hypervisor.");
      }
      boolean enable = status.equals("enable");
      return db.preparedQuery("UPDATE hosts SET enabled = $2, disabled_reason = NULL WHERE hostname = $1")
        .execute(Tuple.of(name, enable)).map(rows -> new JsonObject().put("host", name).put("status", enable ? "enabled" : "disabled"));
    });
  }

  private Future<Void> requireHost(String name) {
    return db.preparedQuery("SELECT 1 FROM hosts WHERE hostname = $1").execute(Tuple.of(name)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Compute host " + name + " could not be found.");
      }
      return null;
    });
  }

  private static String hostSetting(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    String s = v instanceof String str ? str.toLowerCase(java.util.Locale.ROOT) : "";
    if (!s.equals("enable") && !s.equals("disable")) {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": 'enable' or 'disable'.");
    }
    return s;
  }

  /** GET /os-hosts/{name}/startup|shutdown|reboot: the admin's, and a 501 (powering hosts is not this cloud's). */
  Future<JsonObject> powerHost(AuthContext caller, String name, String action) {
    check(caller, "os-hosts:" + ("startup".equals(action) ? "start" : action), Target.none());
    return requireHost(name).compose(v -> Future.failedFuture(Errors.of(501, "Powering a compute host (" + action
      + ") is not implemented.")));
  }

  private static JsonObject resource(String host, String project, Number cpu, Number ram, Number disk) {
    return new JsonObject().put("resource", new JsonObject().put("host", host).put("project", project).put("cpu", cpu)
      .put("memory_mb", ram).put("disk_gb", disk));
  }

  /** nova-compute per host, plus the controller's scheduler and conductor (this node). */
  Future<JsonArray> services(AuthContext caller, Microversion mv, String controllerHost) {
    return services(caller, mv, controllerHost, null, null);
  }

  /** The services, only those of a binary and/or a host when asked (Nova's ?binary= and ?host=). */
  Future<JsonArray> services(AuthContext caller, Microversion mv, String controllerHost, String binaryFilter, String hostFilter) {
    check(caller, "os-services:list", Target.none());
    return db.preparedQuery(HOSTS + " ORDER BY hostname").execute(Tuple.of(downAfterSeconds)).map(rows -> {
      JsonArray out = new JsonArray();
      int n = 1;
      for (String binary : new String[] {"nova-scheduler", "nova-conductor"}) {
        out.add(service(mv, "controller-" + binary, n++, binary, controllerHost, "internal", true, true, null, Servers.time(java.time.OffsetDateTime.now()), false));
      }
      for (Row r : rows) {
        out.add(service(mv, r.getString("id"), n++, "nova-compute", r.getString("hostname"), r.getString("availability_zone"),
          r.getBoolean("enabled"), r.getBoolean("up") && !r.getBoolean("forced_down"), r.getString("disabled_reason"),
          Servers.time(r.getOffsetDateTime("last_heartbeat")), r.getBoolean("forced_down")));
      }
      out.getList().removeIf(o -> {
        JsonObject s = (JsonObject) o;
        return binaryFilter != null && !binaryFilter.equals(s.getString("binary"))
          || hostFilter != null && !hostFilter.equals(s.getString("host"));
      });
      return out;
    });
  }

  private static JsonObject service(Microversion mv, String uuid, int n, String binary, String host, String zone, boolean enabled,
                                    boolean up, String reason, String updated, boolean forced) {
    JsonObject s = new JsonObject().put("id", mv.atLeast(2, 53) ? uuid : (Object) n).put("binary", binary).put("host", host)
      .put("zone", zone).put("status", enabled ? "enabled" : "disabled").put("state", up ? "up" : "down")
      .put("updated_at", updated).put("disabled_reason", reason);
    if (mv.atLeast(2, 11)) {
      s.put("forced_down", forced);
    }
    return s;
  }

  /** PUT os-services/{id} (2.53+): {"status": "enabled"|"disabled", "disabled_reason", "forced_down"}. */
  Future<JsonObject> updateService(AuthContext caller, Microversion mv, String id, JsonObject body) {
    check(caller, "os-services:update", Target.none());
    String status = Json.optString(body, "status");
    if (status != null && !status.equals("enabled") && !status.equals("disabled")) {
      throw Errors.badRequest("'status' must be enabled or disabled.");
    }
    Boolean forced = Json.optBoolean(body, "forced_down");
    String reason = Json.optString(body, "disabled_reason");
    return db.preparedQuery("UPDATE hosts SET enabled = coalesce($2, enabled), forced_down = coalesce($3, forced_down), "
        + "disabled_reason = CASE WHEN $2 IS TRUE THEN NULL ELSE coalesce($4, disabled_reason) END WHERE id = $1 RETURNING id")
      .execute(Tuple.of(id, status == null ? null : status.equals("enabled"), forced, reason))
      .compose(rows -> {
        if (rows.size() == 0) {
          throw Errors.notFound("Service " + id + " not found.");
        }
        return services(caller, mv, "").map(all -> all.stream().map(o -> (JsonObject) o)
          .filter(s -> id.equals(String.valueOf(s.getValue("id")))).findFirst().orElse(new JsonObject()));
      });
  }

  Future<JsonArray> zones(AuthContext caller, boolean detail) {
    check(caller, detail ? "os-availability-zone:detail" : "os-availability-zone:list", Target.none());
    return db.preparedQuery("SELECT availability_zone, bool_or(enabled AND last_heartbeat > now() - make_interval(secs => $1)) AS up "
        + "FROM hosts GROUP BY availability_zone ORDER BY 1").execute(Tuple.of(downAfterSeconds)).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("zoneName", r.getString("availability_zone"))
            .put("zoneState", new JsonObject().put("available", r.getBoolean("up"))).put("hosts", (Object) null)));
          if (detail) { // only admins see the detail (os-availability-zone:detail)
            out.add(new JsonObject().put("zoneName", "internal").put("zoneState", new JsonObject().put("available", true))
              .put("hosts", (Object) null));
          }
          return out;
        });
  }
}
