package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real TCG guest (qemu:///system) of a flavor with an ephemeral disk, swap and guest-shaping
 * extra specs, booted with a config drive, a key pair, metadata and user data: the disks exist
 * with their sizes and formats, libvirt runs the domain with them (and the cputune and iotune),
 * the guest sees vdb and vdc, the ISO carries the server's uuid, key and user data, the server
 * shows config_drive "True", a resize grows the ephemeral disk and swap and its revert restores
 * them, and deleting the server removes every file. A second server's block_device_mapping_v2
 * asks for two ephemeral disks (ext3, ext4) and swap: the guest sees vdb, vdc and vdd.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LocalDisksQemuTest {

  static TcgNode node;
  static TestCloud cloud;
  static ComputeFixture f;

  @BeforeAll
  static void start() throws Exception {
    node = TcgNode.start("local-disks-qemu", "genisoimage", "isoinfo", "virsh", "qemu-img");
    cloud = node.cloud;
    f = node.f;
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }

  @Test
  void theFlavorsDisksAndTheConfigDriveReachTheGuestAndGoWithTheServer() throws Exception {
    String admin = cloud.adminToken().await();
    f.awaitHost(admin);
    String image = node.tinyImage(admin);
    String flavor = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", TestCloud.unique("disks")).put("ram", 128).put("vcpus", 1).put("disk", 1)
      .put("OS-FLV-EXT-DATA:ephemeral", 1).put("swap", 64))).bodyAsJsonObject().getJsonObject("flavor").getString("id");
    var specs = f.call(admin, HttpMethod.POST, "/flavors/" + flavor + "/os-extra_specs", new JsonObject().put("extra_specs",
      new JsonObject().put("hw:cpu_sockets", "1").put("quota:cpu_shares", "512").put("quota:disk_total_iops_sec", "2000")));
    assertThat(specs.statusCode()).as(specs.bodyAsString()).isEqualTo(200);
    // a value libvirt would refuse is refused when it is set
    assertThat(f.call(admin, HttpMethod.PUT, "/flavors/" + flavor + "/os-extra_specs/quota:cpu_period",
      new JsonObject().put("quota:cpu_period", "5")).statusCode()).isEqualTo(400);

    JsonObject member = cloud.projectWithUser("member").await();
    String token = member.getString("token");
    JsonObject key = f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair",
      new JsonObject().put("name", "disks-key"))).bodyAsJsonObject().getJsonObject("keypair");
    String publicKey = key.getString("public_key");
    String userData = "#!/bin/sh\necho config-drive-user-data\n";
    JsonObject body = f.serverBody("disks-vm", image, flavor);
    body.getJsonObject("server").put("config_drive", true).put("key_name", "disks-key")
      .put("metadata", new JsonObject().put("role", "test"))
      .put("user_data", Base64.getEncoder().encodeToString(userData.getBytes(StandardCharsets.UTF_8)));
    var created = f.call(token, HttpMethod.POST, "/servers", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    Path instanceDir = node.dir.resolve("compute/instances/" + id);
    try {
      JsonObject server = awaitActive(token, id);
      assertThat(server.getString("config_drive")).isEqualTo("True");

      // the disks: overlays of the flavor's sizes, formatted bases behind them
      JsonObject eph = new JsonObject(run("qemu-img", "info", "-U", "--output=json", instanceDir.resolve("disk.eph0").toString()));
      assertThat(eph.getString("format")).isEqualTo("qcow2");
      assertThat(eph.getLong("virtual-size")).isEqualTo(1L << 30);
      assertThat(eph.getString("backing-filename")).endsWith("ephemeral_1G_ext4");
      JsonObject swap = new JsonObject(run("qemu-img", "info", "-U", "--output=json", instanceDir.resolve("disk.swap").toString()));
      assertThat(swap.getLong("virtual-size")).isEqualTo(64L << 20);
      assertThat(swap.getString("backing-filename")).endsWith("swap_64M");

      // the config drive: ISO 9660 "config-2" with the server's metadata, its key and the user data
      String iso = instanceDir.resolve("disk.config").toString();
      assertThat(run("isoinfo", "-d", "-i", iso)).contains("Volume id: config-2");
      assertThat(run("isoinfo", "-R", "-i", iso, "-x", "/openstack/latest/user_data")).isEqualTo(userData);
      JsonObject meta = new JsonObject(run("isoinfo", "-R", "-i", iso, "-x", "/openstack/latest/meta_data.json"));
      assertThat(meta.getString("uuid")).isEqualTo(id);
      assertThat(meta.getString("name")).isEqualTo("disks-vm");
      assertThat(meta.getString("project_id")).isEqualTo(member.getString("project_id"));
      assertThat(meta.getJsonObject("meta")).isEqualTo(new JsonObject().put("role", "test"));
      assertThat(meta.getJsonObject("public_keys").getString("disks-key")).isEqualTo(publicKey);
      assertThat(run("isoinfo", "-R", "-i", iso, "-x", "/openstack/2012-08-10/user_data")).isEqualTo(userData);
      assertThat(new JsonObject(run("isoinfo", "-R", "-i", iso, "-x", "/openstack/latest/network_data.json"))
        .getJsonArray("networks")).isEmpty();

      // libvirt runs the domain with all of it
      String xml = run("virsh", "-c", "qemu:///system", "dumpxml", "vs-" + id);
      assertThat(xml).contains("disk.eph0").contains("<target dev='vdb' bus='virtio'/>")
        .contains("disk.swap").contains("<target dev='vdc' bus='virtio'/>")
        .contains("disk.config").contains("<target dev='hdd' bus='ide'/>").contains("<readonly/>")
        .contains("<shares>512</shares>").contains("<total_iops_sec>2000</total_iops_sec>");
      // and the guest sees the two extra disks
      awaitConsole(token, id, line -> line.startsWith("VERTSTACK-GUEST-DISKS") && line.contains("vdb") && line.contains("vdc"));
      // and reads the config drive: its own id and key, and the user data, run as a script
      awaitConsole(token, id, line -> line.startsWith("VERTSTACK-GUEST-CONFIG-DRIVE uuid=" + id + " ") && line.contains(" keys=1"));
      awaitConsole(token, id, line -> line.strip().equals("config-drive-user-data"));
      // diagnostics read from the running domain (libvirt's counters, not the test driver's constants)
      var diagnostics = f.call(admin, HttpMethod.GET, "/servers/" + id + "/diagnostics", null);
      assertThat(diagnostics.statusCode()).as(diagnostics.bodyAsString()).isEqualTo(200);
      JsonObject diag = diagnostics.bodyAsJsonObject();
      assertThat(diag.getString("state")).isEqualTo("running");
      assertThat(diag.getString("hypervisor")).isIn("qemu", "kvm");
      assertThat(diag.getBoolean("config_drive")).isTrue();
      assertThat(diag.getInteger("num_disks")).isGreaterThanOrEqualTo(3);
      assertThat(diag.getJsonArray("disk_details").getJsonObject(0).getLong("read_bytes")).as("the guest read its root disk").isPositive();
      assertThat(diag.getJsonArray("cpu_details").getJsonObject(0).getLong("time")).as("the guest's vCPU ran").isPositive();
      assertThat(diag.getJsonObject("memory_details").getLong("maximum")).isPositive();

      // resize: a smaller ephemeral disk is refused; a larger one grows (the old kept aside), swap is made anew
      String smaller = flavor(admin, 0, 64);
      assertThat(f.call(token, HttpMethod.POST, "/servers/" + id + "/action",
        new JsonObject().put("resize", new JsonObject().put("flavorRef", smaller))).statusCode()).isEqualTo(400);
      String larger = flavor(admin, 2, 128);
      var resized = f.call(token, HttpMethod.POST, "/servers/" + id + "/action",
        new JsonObject().put("resize", new JsonObject().put("flavorRef", larger)));
      assertThat(resized.statusCode()).as(resized.bodyAsString()).isEqualTo(202);
      awaitStatus(token, id, "VERIFY_RESIZE");
      assertThat(virtualSize(instanceDir.resolve("disk.eph0"))).isEqualTo(2L << 30);
      assertThat(virtualSize(instanceDir.resolve("disk.swap"))).isEqualTo(128L << 20);
      assertThat(instanceDir.resolve("disk.eph0.pre-resize")).exists();
      assertThat(instanceDir.resolve("disk.config")).exists();
      // revert: the kept ephemeral disk and the old swap size come back
      assertThat(f.call(token, HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().putNull("revertResize"))
        .statusCode()).isEqualTo(202);
      awaitStatus(token, id, "ACTIVE");
      assertThat(virtualSize(instanceDir.resolve("disk.eph0"))).isEqualTo(1L << 30);
      assertThat(virtualSize(instanceDir.resolve("disk.swap"))).isEqualTo(64L << 20);
      assertThat(instanceDir.resolve("disk.eph0.pre-resize")).doesNotExist();
      assertThat(run("virsh", "-c", "qemu:///system", "dumpxml", "vs-" + id)).contains("disk.eph0").contains("disk.swap")
        .contains("disk.config");
    } finally {
      assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
      f.awaitGone(token, id);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Files.exists(instanceDir) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(instanceDir).as("the instance's disks, config drive and console log").doesNotExist();
  }

  @Test
  void blockDeviceMappingsBlankDisksReachTheGuestInOrderAndGoWithTheServer() throws Exception {
    String admin = cloud.adminToken().await();
    f.awaitHost(admin);
    String image = node.tinyImage(admin);
    String flavor = flavor(admin, 2, 128);
    String token = cloud.projectWithUser("member").await().getString("token");
    JsonObject body = f.serverBody("bdm-vm", image, flavor);
    body.getJsonObject("server").put("block_device_mapping_v2", new io.vertx.core.json.JsonArray()
      .add(new JsonObject().put("source_type", "blank").put("destination_type", "local").put("volume_size", 1).put("guest_format", "ext3"))
      .add(new JsonObject().put("source_type", "blank").put("destination_type", "local").put("volume_size", 1))
      .add(new JsonObject().put("source_type", "blank").put("destination_type", "local").put("volume_size", 64).put("guest_format", "swap")));
    var created = f.call(token, HttpMethod.POST, "/servers", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    Path instanceDir = node.dir.resolve("compute/instances/" + id);
    try {
      awaitActive(token, id);
      JsonObject eph0 = new JsonObject(run("qemu-img", "info", "-U", "--output=json", instanceDir.resolve("disk.eph0").toString()));
      assertThat(eph0.getLong("virtual-size")).isEqualTo(1L << 30);
      assertThat(eph0.getString("backing-filename")).endsWith("ephemeral_1G_ext3");
      JsonObject eph1 = new JsonObject(run("qemu-img", "info", "-U", "--output=json", instanceDir.resolve("disk.eph1").toString()));
      assertThat(eph1.getString("backing-filename")).endsWith("ephemeral_1G_ext4_ephemeral1");
      assertThat(virtualSize(instanceDir.resolve("disk.swap"))).isEqualTo(64L << 20);
      assertThat(run("virsh", "-c", "qemu:///system", "dumpxml", "vs-" + id)).containsSubsequence("disk.eph0'", "dev='vdb'",
        "disk.eph1'", "dev='vdc'", "disk.swap'", "dev='vdd'");
      awaitConsole(token, id, line -> line.startsWith("VERTSTACK-GUEST-DISKS") && line.contains("vdb") && line.contains("vdc")
        && line.contains("vdd"));
    } finally {
      assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
      f.awaitGone(token, id);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Files.exists(instanceDir) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(instanceDir).as("the instance's disks").doesNotExist();
  }

  private static String flavor(String admin, int ephemeralGb, int swapMb) {
    var created = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", TestCloud.unique("disks")).put("ram", 128).put("vcpus", 1).put("disk", 1)
      .put("OS-FLV-EXT-DATA:ephemeral", ephemeralGb).put("swap", swapMb)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    return created.bodyAsJsonObject().getJsonObject("flavor").getString("id");
  }

  private static long virtualSize(Path disk) throws Exception {
    return new JsonObject(run("qemu-img", "info", "-U", "--output=json", disk.toString())).getLong("virtual-size");
  }

  private static void awaitStatus(String token, String id, String status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    JsonObject s = null;
    while (System.nanoTime() < deadline) {
      s = f.server(token, id);
      if (status.equals(s.getString("status")) && s.getString("OS-EXT-STS:task_state") == null) {
        return;
      }
      assertThat(s.getString("status")).as(s.encode()).isNotEqualTo("ERROR");
      Thread.sleep(200);
    }
    throw new AssertionError("not " + status + " in 180 s: " + s);
  }

  private static JsonObject awaitActive(String token, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject s = f.server(token, id);
      if ("ACTIVE".equals(s.getString("status")) && s.getString("OS-EXT-STS:task_state") == null) {
        return s;
      }
      assertThat(s.getString("status")).as(s.encode()).isNotEqualTo("ERROR");
      Thread.sleep(200);
    }
    throw new AssertionError("the guest did not go ACTIVE in 180 s");
  }

  private static void awaitConsole(String token, String id, java.util.function.Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    String output = "";
    while (System.nanoTime() < deadline) {
      var resp = f.call(token, HttpMethod.POST, "/servers/" + id + "/action",
        new JsonObject().put("os-getConsoleOutput", new JsonObject()));
      if (resp.statusCode() == 200) {
        output = resp.bodyAsJsonObject().getString("output", "");
        if (output.lines().anyMatch(wanted)) {
          return;
        }
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the guest's console did not show the awaited line in 180 s; it said: " + output);
  }
}
