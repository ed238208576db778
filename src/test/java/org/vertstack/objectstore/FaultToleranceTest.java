package org.vertstack.objectstore;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.Timestamps;
import org.vertstack.objectstore.storage.Wire;
import org.vertstack.testing.TestCloud;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults on a private node: a device that goes away and comes back, a replica whose bytes rot
 * on disk. Objects stay readable and writable, and the replicator and auditor restore three
 * good copies.
 */
class FaultToleranceTest {

  @TempDir
  static Path stateDir;
  private static TestCloud cloud;
  private static String token;
  private static String account;

  @BeforeAll
  static void start() throws Exception {
    JsonObject overrides = new JsonObject().put("objectstore", new JsonObject()
      .put("replicator-interval-seconds", 3600).put("auditor-interval-seconds", 3600).put("part-power", 6)
      .put("reclaim-age-seconds", 3));
    cloud = TestCloud.start(stateDir, overrides).await();
    JsonObject login = cloud.login("admin", TestCloud.ADMIN_PASSWORD, "admin").await();
    token = login.getString("token");
    account = "AUTH_" + login.getJsonObject("body").getJsonObject("project").getString("id");
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, Buffer body) {
    var req = cloud.http().requestAbs(method, cloud.baseUrl() + "/object-store/v1/" + account + path).putHeader("X-Auth-Token", token);
    return (body == null ? req.send() : req.sendBuffer(body)).await();
  }

  private static Path device(int n) {
    return cloud.stateDir().resolve("objects").resolve("dev" + n);
  }

  /** The committed data files of an object on one device. */
  private static List<Path> dataFiles(int dev, String container, String object) throws Exception {
    String hash = cloud.node().handle(ObjectStoreRuntime.class).ring().hash(account, container, object);
    Path objects = device(dev).resolve("objects");
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(objects)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(objects)) {
      s.filter(p -> p.getParent().getFileName().toString().equals(hash) && p.toString().endsWith(".data")).forEach(out::add);
    }
    return out;
  }

  private static int copies(String container, String object) throws Exception {
    int n = 0;
    for (int d = 1; d <= 3; d++) {
      n += dataFiles(d, container, object).isEmpty() ? 0 : 1;
    }
    return n;
  }

  private static Buffer payload(int i) {
    byte[] b = new byte[1000 + i * 997];
    new Random(i).nextBytes(b);
    return Buffer.buffer(b);
  }

  @Test
  void aLostDeviceNeitherLosesNorBlocksDataAndIsRefilledWhenBack() throws Exception {
    String c = TestCloud.unique("faults");
    assertThat(call(HttpMethod.PUT, "/" + c, null).statusCode()).isEqualTo(201);
    for (int i = 0; i < 20; i++) {
      assertThat(call(HttpMethod.PUT, "/" + c + "/before-" + i, payload(i)).statusCode()).isEqualTo(201);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(copies(c, "before-" + i)).isEqualTo(3);
    }

    Path away = device(3).resolveSibling("dev3.unplugged");
    Files.move(device(3), away);
    try {
      for (int i = 0; i < 20; i++) {
        HttpResponse<Buffer> got = call(HttpMethod.GET, "/" + c + "/before-" + i, null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(payload(i));
      }
      for (int i = 0; i < 10; i++) {
        assertThat(call(HttpMethod.PUT, "/" + c + "/during-" + i, payload(100 + i)).statusCode()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/" + c + "/during-" + i, null).body()).isEqualTo(payload(100 + i));
      }
      assertThat(call(HttpMethod.DELETE, "/" + c + "/before-0", null).statusCode()).isEqualTo(204);
    } finally {
      Files.move(away, device(3));
    }
    Thread.sleep(1500); // the object server notices the device is back within a second
    for (int i = 0; i < 10; i++) {
      assertThat(copies(c, "during-" + i)).isEqualTo(2);
    }

    JsonObject pass = cloud.node().handle(ObjectStoreRuntime.class).replicate().await();
    assertThat(pass.getLong("pushed")).isGreaterThanOrEqualTo(11);
    for (int i = 0; i < 10; i++) {
      assertThat(copies(c, "during-" + i)).as("copies of during-%d", i).isEqualTo(3);
    }
    // the delete made while dev3 was away reached it as a tombstone
    assertThat(copies(c, "before-0")).isZero();
    assertThat(call(HttpMethod.GET, "/" + c + "/before-0", null).statusCode()).isEqualTo(404);
    // a second pass has nothing left to do
    assertThat(cloud.node().handle(ObjectStoreRuntime.class).replicate().await().getLong("pushed")).isZero();
  }

  private static List<Path> tempFiles() throws Exception {
    List<Path> out = new ArrayList<>();
    for (int d = 1; d <= 3; d++) {
      try (Stream<Path> s = Files.list(device(d).resolve("tmp"))) {
        s.forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void streamedWritesLeaveNothingBehindWhenRefusedOrCutOff() throws Exception {
    String c = TestCloud.unique("stream");
    assertThat(call(HttpMethod.PUT, "/" + c, null).statusCode()).isEqualTo(201);
    byte[] bytes = new byte[300 * 1024]; // past the size sent in one piece: streamed to every replica
    new Random(3).nextBytes(bytes);
    Buffer body = Buffer.buffer(bytes);

    var wrongEtag = cloud.http().requestAbs(HttpMethod.PUT, cloud.baseUrl() + "/object-store/v1/" + account + "/" + c + "/checked")
      .putHeader("X-Auth-Token", token).putHeader("Etag", "0123456789abcdef0123456789abcdef").sendBuffer(body).await();
    assertThat(wrongEtag.statusCode()).isEqualTo(422);
    assertThat(copies(c, "checked")).isZero();

    // a client that goes away halfway: no object, and no temp file stays on any device
    var socket = cloud.node().vertx().createNetClient().connect(cloud.port(), "127.0.0.1").await();
    socket.write("PUT /object-store/v1/" + account + "/" + c + "/cut HTTP/1.1\r\nHost: localhost\r\nX-Auth-Token: " + token
      + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").await();
    socket.write(body.slice(0, 200 * 1024)).await();
    Thread.sleep(300);
    socket.close().await();
    long deadline = System.currentTimeMillis() + 5000;
    while (!tempFiles().isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(tempFiles()).isEmpty();
    assertThat(call(HttpMethod.GET, "/" + c + "/cut", null).statusCode()).isEqualTo(404);
    assertThat(copies(c, "cut")).isZero();

    Path away = device(1).resolveSibling("dev1.unplugged");
    Files.move(device(1), away);
    try {
      assertThat(call(HttpMethod.PUT, "/" + c + "/two-of-three", body).statusCode()).isEqualTo(201);
      assertThat(call(HttpMethod.GET, "/" + c + "/two-of-three", null).body()).isEqualTo(body);
    } finally {
      Files.move(away, device(1));
      Thread.sleep(1500); // the object server notices the device is back within a second (the next test needs it)
    }
    assertThat(copies(c, "two-of-three")).isEqualTo(2);
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void anExpirersDeleteSparesAReplicaWhoseExpiryChanged() throws Exception {
    String c = TestCloud.unique("expiry");
    assertThat(call(HttpMethod.PUT, "/" + c, null).statusCode()).isEqualTo(201);
    long deleteAt = System.currentTimeMillis() / 1000 + 3600;
    var put = cloud.http().requestAbs(HttpMethod.PUT, cloud.baseUrl() + "/object-store/v1/" + account + "/" + c + "/o")
      .putHeader("X-Auth-Token", token).putHeader("X-Delete-At", String.valueOf(deleteAt)).sendBuffer(Buffer.buffer("x")).await();
    assertThat(put.statusCode()).isEqualTo(201);
    Ring ring = cloud.node().handle(ObjectStoreRuntime.class).ring();
    String hash = ring.hash(account, c, "o");
    int part = ring.partition(hash);
    var device = ring.primaries(part).get(0);
    java.util.function.LongFunction<Integer> expirersDelete = ifDeleteAt -> cloud.http()
      .request(HttpMethod.DELETE, device.port(), device.host(), "/o/" + device.name() + "/" + part + "/" + hash)
      .putHeader(Wire.TS, Timestamps.next()).putHeader(Wire.META, Wire.encode(new JsonObject().put(Wire.IF_DELETE_AT, ifDeleteAt)))
      .send().await().statusCode();

    assertThat(expirersDelete.apply(deleteAt - 60)).as("listed to expire earlier than it now does").isEqualTo(412);
    assertThat(copies(c, "o")).isEqualTo(3);
    assertThat(expirersDelete.apply(deleteAt)).isEqualTo(204);
    assertThat(copies(c, "o")).isEqualTo(2);
  }

  @Test
  void theObjectServerStreamsABigBodyToDiskAndRefusesAWrongChecksum() throws Exception {
    byte[] bytes = new byte[700 * 1024]; // past what the object server takes in one piece
    new Random(11).nextBytes(bytes);
    Buffer body = Buffer.buffer(bytes);
    String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    Ring ring = cloud.node().handle(ObjectStoreRuntime.class).ring();
    String hash = ring.hash(account, "direct", "big");
    int part = ring.partition(hash);
    var device = ring.primaries(part).get(0);
    String uri = "/o/" + device.name() + "/" + part + "/" + hash;
    java.util.function.Function<String, HttpResponse<Buffer>> put = etag -> cloud.http()
      .request(HttpMethod.PUT, device.port(), device.host(), uri).putHeader(Wire.TS, Timestamps.next())
      .putHeader(Wire.META, Wire.encode(new JsonObject().put("name", "/" + account + "/direct/big"))).putHeader(Wire.ETAG, etag)
      .sendBuffer(body).await();

    assertThat(put.apply("0123456789abcdef0123456789abcdef").statusCode()).isEqualTo(422);
    assertThat(tempFiles()).isEmpty();
    HttpResponse<Buffer> stored = put.apply(md5);
    assertThat(stored.statusCode()).isEqualTo(201);
    assertThat(stored.getHeader("Etag")).isEqualTo(md5);
    assertThat(stored.getHeader(Wire.SIZE)).isEqualTo(String.valueOf(bytes.length));
    HttpResponse<Buffer> read = cloud.http().request(HttpMethod.GET, device.port(), device.host(), uri).send().await();
    assertThat(read.body()).isEqualTo(body);
  }

  /** The version files (data, meta, tombstones) of an object on all devices. */
  private static List<Path> versionFiles(String container, String object) throws Exception {
    String hash = cloud.node().handle(ObjectStoreRuntime.class).ring().hash(account, container, object);
    List<Path> out = new ArrayList<>();
    for (int d = 1; d <= 3; d++) {
      try (Stream<Path> s = Files.walk(device(d).resolve("objects"))) {
        s.filter(p -> p.getParent().getFileName().toString().equals(hash)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void tombstonesPastTheReclaimAgeAreRemoved() throws Exception {
    String c = TestCloud.unique("reclaim");
    assertThat(call(HttpMethod.PUT, "/" + c, null).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.PUT, "/" + c + "/old", payload(1)).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.DELETE, "/" + c + "/old", null).statusCode()).isEqualTo(204);
    assertThat(versionFiles(c, "old")).hasSize(3).allSatisfy(p -> assertThat(p.toString()).endsWith(".ts"));
    Thread.sleep(3100); // the reclaim age of this node
    assertThat(call(HttpMethod.PUT, "/" + c + "/recent", payload(2)).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.DELETE, "/" + c + "/recent", null).statusCode()).isEqualTo(204);

    JsonObject audit = cloud.node().handle(ObjectStoreRuntime.class).audit().await();
    assertThat(audit.getLong("reclaimed")).isGreaterThanOrEqualTo(3);
    assertThat(versionFiles(c, "old")).isEmpty();
    assertThat(versionFiles(c, "recent")).as("a fresh tombstone stays").hasSize(3);
    assertThat(call(HttpMethod.GET, "/" + c + "/old", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theAuditorQuarantinesRottenBytesAndTheReplicatorHeals() throws Exception {
    String c = TestCloud.unique("rot");
    assertThat(call(HttpMethod.PUT, "/" + c, null).statusCode()).isEqualTo(201);
    Buffer good = payload(7);
    assertThat(call(HttpMethod.PUT, "/" + c + "/victim", good).statusCode()).isEqualTo(201);
    List<Path> files = dataFiles(2, c, "victim");
    assertThat(files).hasSize(1);
    try (RandomAccessFile f = new RandomAccessFile(files.get(0).toFile(), "rw")) {
      f.seek(10);
      int b = f.read();
      f.seek(10);
      f.write(b ^ 0xFF);
    }
    JsonObject audit = cloud.node().handle(ObjectStoreRuntime.class).audit().await();
    assertThat(audit.getLong("quarantined")).isEqualTo(1);
    assertThat(dataFiles(2, c, "victim")).isEmpty();
    assertThat(copies(c, "victim")).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      assertThat(call(HttpMethod.GET, "/" + c + "/victim", null).body()).isEqualTo(good);
    }
    cloud.node().handle(ObjectStoreRuntime.class).replicate().await();
    List<Path> healed = dataFiles(2, c, "victim");
    assertThat(healed).hasSize(1);
    byte[] bytes = Files.readAllBytes(healed.get(0));
    assertThat(Buffer.buffer(bytes).getBuffer(0, good.length())).isEqualTo(good);
    assertThat(cloud.node().handle(ObjectStoreRuntime.class).audit().await().getLong("quarantined")).isZero();
  }
}
