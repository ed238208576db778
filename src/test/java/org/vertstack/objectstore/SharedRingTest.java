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
}
