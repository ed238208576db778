package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.vertstack.common.auth.AuthContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/** How a server looks in the API, by microversion, and in resource events. */
final class ServerView {

  private final String base;

  ServerView(String publicUrl) {
    this.base = publicUrl + "/compute";
  }

  String base() {
    return base;
  }

  /** An instance row as a JSON object (internal form). */
  static JsonObject row(Row r) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < r.size(); i++) {
      String col = r.getColumnName(i);
      Object v = r.getValue(i);
      if (v instanceof java.time.OffsetDateTime t) {
        v = Servers.time(t);
      } else if (v instanceof String[] a) {
        v = new JsonArray(java.util.List.of((Object[]) a));
      }
      o.put(col, v);
    }
    return o;
  }

  JsonArray links(String id) {
    return new JsonArray()
      .add(new JsonObject().put("rel", "self").put("href", base + "/v2.1/servers/" + id))
      .add(new JsonObject().put("rel", "bookmark").put("href", base + "/servers/" + id));
  }

  JsonObject brief(JsonObject inst) {
    return new JsonObject().put("id", inst.getString("id")).put("name", inst.getString("name")).put("links", links(inst.getString("id")));
  }

  JsonObject event(JsonObject inst) {
    return new JsonObject().put("id", inst.getString("id")).put("name", inst.getString("name"))
      .put("status", InstanceStates.status(inst.getString("vm_state"), inst.getString("task_state")))
      .put("vm_state", inst.getString("vm_state")).put("task_state", inst.getString("task_state"))
      .put("power_state", inst.getInteger("power_state")).put("host", inst.getString("host"))
      .put("fault", inst.getJsonObject("fault"));
  }

  JsonObject render(JsonObject inst, Microversion mv, AuthContext caller, boolean single) {
    String id = inst.getString("id");
    String vm = inst.getString("vm_state");
    String status = InstanceStates.status(vm, inst.getString("task_state"));
    JsonObject flavor = inst.getJsonObject("flavor");
    JsonObject out = new JsonObject()
      .put("id", id).put("name", inst.getString("name")).put("status", status)
      .put("tenant_id", inst.getString("project_id")).put("user_id", inst.getString("user_id"))
      .put("metadata", inst.getJsonObject("metadata"))
      .put("hostId", hostId(inst.getString("project_id"), inst.getString("host")))
      .put("image", new JsonObject().put("id", inst.getString("image_ref")).put("links", new JsonArray()
        .add(new JsonObject().put("rel", "bookmark").put("href", base + "/images/" + inst.getString("image_ref")))))
      .put("created", inst.getString("created_at")).put("updated", inst.getString("updated_at"))
      .put("addresses", new JsonObject()).put("accessIPv4", orEmpty(inst.getString("access_ip_v4"))).put("accessIPv6", orEmpty(inst.getString("access_ip_v6")))
      .put("links", links(id))
      .put("OS-DCF:diskConfig", "MANUAL")
      .put("OS-EXT-AZ:availability_zone", inst.getString("availability_zone") != null ? inst.getString("availability_zone")
        : inst.getString("requested_az") != null ? inst.getString("requested_az") : "")
      .put("config_drive", inst.getBoolean("config_drive", false) ? "True" : "")
      .put("key_name", inst.getString("key_name"))
      .put("OS-SRV-USG:launched_at", micro(inst.getString("launched_at")))
      .put("OS-SRV-USG:terminated_at", micro(inst.getString("terminated_at")))
      .put("OS-EXT-STS:task_state", inst.getString("task_state"))
      .put("OS-EXT-STS:vm_state", vm)
      .put("OS-EXT-STS:power_state", inst.getInteger("power_state"))
      .put("os-extended-volumes:volumes_attached", new JsonArray());
    if ("BUILD".equals(status) || "ACTIVE".equals(status)) {
      out.put("progress", "ACTIVE".equals(status) ? 100 : 0);
    }
    if (mv.atLeast(2, 47)) {
      out.put("flavor", new JsonObject().put("vcpus", flavor.getInteger("vcpus")).put("ram", flavor.getInteger("ram"))
        .put("disk", flavor.getInteger("disk")).put("ephemeral", flavor.getInteger("ephemeral", 0))
        .put("swap", flavor.getInteger("swap", 0)).put("original_name", flavor.getString("name"))
        .put("extra_specs", flavor.getJsonObject("extra_specs", new JsonObject())));
    } else {
      out.put("flavor", new JsonObject().put("id", flavor.getString("id")).put("links", new JsonArray()
        .add(new JsonObject().put("rel", "bookmark").put("href", base + "/flavors/" + flavor.getString("id")))));
    }
    if (inst.getJsonObject("fault") != null && ("error".equals(vm) || "deleted".equals(vm))) {
      out.put("fault", inst.getJsonObject("fault"));
    }
    if (mv.atLeast(2, 9)) {
      out.put("locked", inst.getBoolean("locked"));
    }
    if (mv.atLeast(2, 73)) {
      out.put("locked_reason", inst.getString("locked_reason"));
    }
    if (mv.atLeast(2, 19)) {
      out.put("description", inst.getString("description"));
    }
    if (mv.atLeast(2, 26)) {
      out.put("tags", inst.getJsonArray("tags", new JsonArray()));
    }
    if (mv.atLeast(2, 63)) {
      out.put("trusted_image_certificates", (Object) null);
    }
    if (may(caller, "os-extended-server-attributes", Target.project(inst.getString("project_id"), null))) {
      out.put("OS-EXT-SRV-ATTR:host", inst.getString("host"))
        .put("OS-EXT-SRV-ATTR:hypervisor_hostname", inst.getString("host"))
        .put("OS-EXT-SRV-ATTR:instance_name", "vs-" + id);
      if (mv.atLeast(2, 3)) {
        out.put("OS-EXT-SRV-ATTR:reservation_id", inst.getString("reservation_id"))
          .put("OS-EXT-SRV-ATTR:launch_index", inst.getInteger("launch_index"))
          .put("OS-EXT-SRV-ATTR:hostname", hostname(inst.getString("name")))
          .put("OS-EXT-SRV-ATTR:kernel_id", "").put("OS-EXT-SRV-ATTR:ramdisk_id", "")
          .put("OS-EXT-SRV-ATTR:root_device_name", "/dev/vda")
          .put("OS-EXT-SRV-ATTR:user_data", inst.getString("user_data"));
      }
      if (mv.atLeast(2, 16) && single) {
        out.put("host_status", inst.getString("host_status", ""));
      }
    }
    return out;
  }

  /** What the extensions add to a GET; an update or rebuild answered without them before 2.75. */
  private static final java.util.List<String> SHOW_ONLY = java.util.List.of("OS-EXT-AZ:availability_zone", "config_drive",
    "key_name", "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state",
    "OS-EXT-STS:power_state", "os-extended-volumes:volumes_attached", "security_groups", "host_status");

  /**
   * The server in the answer to an update (PUT) or a rebuild, as Nova's view builder makes it:
   * before 2.75 without the extended attributes a GET shows (a rebuild keeps key_name from 2.54
   * and adds user_data from 2.57); from 2.75 everything a GET shows, user_data in place of
   * OS-EXT-SRV-ATTR:user_data for a rebuild.
   */
  JsonObject renderChanged(JsonObject inst, Microversion mv, AuthContext caller, boolean rebuild) {
    JsonObject out = render(inst, mv, caller, true);
    if (!mv.atLeast(2, 75)) {
      SHOW_ONLY.stream().filter(k -> !(rebuild && "key_name".equals(k) && mv.atLeast(2, 54))).forEach(out::remove);
      out.fieldNames().removeIf(k -> k.startsWith("OS-EXT-SRV-ATTR:"));
    } else if (rebuild) {
      out.remove("OS-EXT-SRV-ATTR:user_data");
    }
    if (rebuild && mv.atLeast(2, 57)) {
      out.put("user_data", inst.getString("user_data"));
    }
    return out;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String micro(String t) {
    return t == null ? null : t.replace("Z", ".000000");
  }

  static String hostname(String name) {
    String h = name.toLowerCase().replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    return h.isEmpty() ? "server" : h.substring(0, Math.min(63, h.length()));
  }

  /** Nova's hostId: an opaque per-project hash of the host name ("" before a host is chosen). */
  static String hostId(String project, String host) {
    if (host == null) {
      return "";
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-224").digest((project + host).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
