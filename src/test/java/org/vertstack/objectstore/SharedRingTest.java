package org.vertstack.objectstore;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.ring.RingService;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring lives in PostgreSQL: a new cloud salts it, an upgraded all-in-one keeps its unsalted ring file's layout. */
class SharedRingTest {

  private static String put(TestCloud cloud, String container, String object) {
    String token = cloud.adminToken().await();
    String project = cloud.login("admin", TestCloud.ADMIN_PASSWORD, "admin").await().getJsonObject("body")
      .getJsonObject("project").getString("id");
    String base = cloud.baseUrl() + "/object-store/v1/AUTH_" + project;
    assertThat(cloud.http().requestAbs(HttpMethod.PUT, base + "/" + container).putHeader("X-Auth-Token", token).send().await().statusCode()).isEqualTo(201);
    assertThat(cloud.http().requestAbs(HttpMethod.PUT, base + "/" + container + "/" + object).putHeader("X-Auth-Token", token)
      .sendBuffer(Buffer.buffer("hello")).await().statusCode()).isEqualTo(201);
    return "AUTH_" + project;
  }

  private static List<Path> dirsNamed(Path root, String name) throws Exception {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().equals(name)).forEach(out::add);
    }
    return out;
  }

  @Test
  void aNewCloudGetsARandomSaltAndPlacesObjectsByTheSaltedHash(@TempDir Path state) throws Exception {
    try (TestCloud cloud = TestCloud.start(state, new JsonObject()).await()) {
      Ring ring = Ring.fromJson(RingService.createProxy(cloud.node().vertx()).current().await());
      assertThat(ring.salt()).matches("[0-9a-f]{32}");
      assertThat(ring.version()).isPositive();
      String account = put(cloud, "c", "o");
      assertThat(dirsNamed(state.resolve("objects"), ring.hash(account, "c", "o"))).hasSize(3);
      assertThat(dirsNamed(state.resolve("objects"), Ring.hash("", account, "c", "o"))).isEmpty();
    }
  }

  @Test
  void anAllInOneRingFileFromBeforeTheUpgradeIsImportedUnsalted(@TempDir Path state) throws Exception {
    Path objects = state.toAbsolutePath().resolve("objects");
    List<Device> devices = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      devices.add(new Device(i, "dev" + i, "z" + i, 1.0, objects.resolve("dev" + i).toString(), "127.0.0.1", 6999));
    }
    Ring legacy = Ring.build(10, 3, devices);
    JsonObject file = legacy.toJson();
    file.remove("salt");
    file.remove("version");
    Files.createDirectories(objects);
    Files.writeString(objects.resolve("ring.json"), file.encode());
    try (TestCloud cloud = TestCloud.start(state, new JsonObject()).await()) {
      Ring ring = Ring.fromJson(RingService.createProxy(cloud.node().vertx()).current().await());
      assertThat(ring.salt()).isEmpty();
      assertThat(ring.movedSlots(legacy)).isZero();
      assertThat(ring.devices()).allMatch(d -> d.port() != 6999);
      String account = put(cloud, "c", "o");
      String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
        .digest(("/" + account + "/c/o").getBytes(StandardCharsets.UTF_8)));
      assertThat(dirsNamed(objects, md5)).as("placed by the unsalted MD5, as before the upgrade").hasSize(3);
      assertThat(objects.resolve("ring.json")).doesNotExist();
    }
  }

  /** Every directory named after an object's hash, under the cloud's devices and the extra one. */
  private static List<Path> copies(Path state, Path extra, String hash) throws Exception {
    List<Path> out = new ArrayList<>(dirsNamed(state.resolve("objects"), hash));
    out.addAll(dirsNamed(extra, hash));
    return out;
  }

  private static void assertPlacedAsTheRingSays(Ring ring, Path state, Path extra, String account, int objects) throws Exception {
    for (int i = 0; i < objects; i++) {
      String hash = ring.hash(account, "c", "o" + i);
      List<String> holders = copies(state, extra, hash).stream().map(Path::toString).toList();
      List<String> primaries = ring.primaries(ring.partition(hash)).stream().map(Device::path).toList();
      assertThat(holders).as("copies of o%d", i).hasSize(3)
        .allSatisfy(h -> assertThat(primaries).anySatisfy(dev -> assertThat(h).startsWith(dev + "/")));
    }
  }

  @Test
  void anAdminAddsADeviceAndTheReplicatorMovesTheObjectsTheNewRingNames(@TempDir Path state, @TempDir Path extra) throws Exception {
    try (TestCloud cloud = TestCloud.start(state, new JsonObject().put("objectstore", new JsonObject().put("part-power", 6)
      .put("replicator-interval-seconds", 3600))).await()) {
      var vertx = cloud.node().vertx();
      ObjectStoreRuntime runtime = cloud.node().handle(ObjectStoreRuntime.class);
      String token = cloud.adminToken().await();
      String account = put(cloud, "c", "o0");
      int objects = 40;
      for (int i = 1; i < objects; i++) {
        assertThat(cloud.http().requestAbs(HttpMethod.PUT, cloud.baseUrl() + "/object-store/v1/" + account + "/c/o" + i)
          .putHeader("X-Auth-Token", token).sendBuffer(Buffer.buffer("hello")).await().statusCode()).isEqualTo(201);
      }
      Ring before = runtime.ring();
      // a fourth device, served by an object server of its own (as a new storage node would)
      Path dev4 = extra.resolve("dev4");
      org.vertstack.objectstore.storage.DiskStore.format(dev4);
      org.vertstack.objectstore.storage.ObjectServerVerticle server = new org.vertstack.objectstore.storage.ObjectServerVerticle();
      vertx.deployVerticle(server, new io.vertx.core.DeploymentOptions().setConfig(new JsonObject().put("host", "127.0.0.1")
        .put("port", 0).put("devices", new JsonObject().put("dev4", dev4.toString())))).await();
      JsonObject device = new JsonObject().put("name", "dev4").put("zone", "z4").put("weight", 1.0)
        .put("host", "127.0.0.1").put("port", server.actualPort()).put("path", dev4.toString());

      // only a system admin changes the ring; bad input is a 400 in Keystone's format
      String projectAdmin = cloud.projectWithUser("admin").await().getString("token");
      assertThat(cloud.call(projectAdmin, HttpMethod.POST, "/object-store/ring/devices", new JsonObject().put("device", device))
        .await().statusCode()).isEqualTo(403);
      assertThat(cloud.call(projectAdmin, HttpMethod.GET, "/object-store/ring", null).await().statusCode()).isEqualTo(403);
      assertThat(cloud.call(null, HttpMethod.GET, "/object-store/ring", null).await().statusCode()).isEqualTo(401);
      var bad = cloud.call(token, HttpMethod.POST, "/object-store/ring/devices", new JsonObject().put("device", device.copy().put("weight", -1)))
        .await();
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(400);
      assertThat(cloud.call(token, HttpMethod.DELETE, "/object-store/ring/devices/999", null).await().statusCode()).isEqualTo(404);

      var added = cloud.call(token, HttpMethod.POST, "/object-store/ring/devices", new JsonObject().put("device", device)).await();
      assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
      JsonObject shown = added.bodyAsJsonObject().getJsonObject("ring");
      assertThat(shown.getLong("version")).isEqualTo(before.version() + 1);
      assertThat(added.bodyAsJsonObject().getInteger("moved")).isEqualTo(3 * 64 / 4);
      assertThat(shown.getJsonArray("devices")).hasSize(4);
      assertThat(shown.getDouble("balance")).isLessThan(2.0);
      // every node installs the new version (here the one node; the cluster test covers the others)
      long deadline = System.currentTimeMillis() + 5000;
      while (runtime.ring().version() != before.version() + 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      Ring after = runtime.ring();
      assertThat(after.version()).isEqualTo(before.version() + 1);
      assertThat(Ring.fromJson(RingService.createProxy(vertx).current().await()).movedSlots(after)).isZero();

      // readable at once (the partitions that moved keep two replicas in place), placed as the new ring says after a pass
      for (int i = 0; i < objects; i++) {
        var get = cloud.http().requestAbs(HttpMethod.GET, cloud.baseUrl() + "/object-store/v1/" + account + "/c/o" + i)
          .putHeader("X-Auth-Token", token).send().await();
        assertThat(get.statusCode()).isEqualTo(200);
      }
      runtime.replicate().await();
      runtime.replicate().await();
      assertPlacedAsTheRingSays(after, state, extra, account, objects);
      int onDev4 = 0;
      for (int i = 0; i < objects; i++) {
        String hash = after.hash(account, "c", "o" + i);
        int part = after.partition(hash);
        if (after.primaries(part).stream().anyMatch(d -> d.name().equals("dev4"))) {
          onDev4++;
          var direct = cloud.http().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/o/dev4/" + part + "/" + hash).send().await();
          assertThat(direct.statusCode()).isEqualTo(200);
          assertThat(direct.bodyAsString()).isEqualTo("hello");
        }
      }
      assertThat(onDev4).as("objects the new ring puts on dev4").isPositive();

      // removing it again: its partitions go back to the three, the replicator empties it
      int dev4Id = after.devices().stream().filter(d -> d.name().equals("dev4")).findFirst().orElseThrow().id();
      var removed = cloud.call(token, HttpMethod.DELETE, "/object-store/ring/devices/" + dev4Id, null).await();
      assertThat(removed.statusCode()).as(removed.bodyAsString()).isEqualTo(200);
      assertThat(removed.bodyAsJsonObject().getInteger("moved")).isEqualTo(after.load().get(dev4Id));
      deadline = System.currentTimeMillis() + 5000;
      while (runtime.ring().version() != after.version() + 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      Ring last = runtime.ring();
      assertThat(last.devices()).hasSize(3);
      // dev4's own node replicates it: here a replicator of the test's for that one device
      var dev4Replicator = new org.vertstack.objectstore.maintenance.Replicator(vertx, vertx.createHttpClient(),
        vertx.createSharedWorkerExecutor("dev4-replicator"), runtime::ring, java.util.Map.of("dev4", dev4));
      dev4Replicator.runOnce().await();
      runtime.replicate().await();
      assertPlacedAsTheRingSays(last, state, extra, account, objects);
      for (int i = 0; i < objects; i++) {
        assertThat(cloud.http().requestAbs(HttpMethod.GET, cloud.baseUrl() + "/object-store/v1/" + account + "/c/o" + i)
          .putHeader("X-Auth-Token", token).send().await().bodyAsString()).isEqualTo("hello");
      }
    }
  }
}
