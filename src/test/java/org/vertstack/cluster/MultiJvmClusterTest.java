package org.vertstack.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.testing.TestCloud;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster as an operator runs it, each node its own JVM (loopback only): controllers A
 * (controller + storage) and B (controller only) and a storage-only node S over Hazelcast, with
 * one PostgreSQL (run by the test, so that it outlives A). Tokens, revocations, objects, the
 * feed's cursor and a controller's death, seen from outside through HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiJvmClusterTest {

  private static final String PASSWORD = "cluster-admin-password";
  private static Path root;
  private static EmbeddedPostgres postgres;
  private static Vertx vertx;
  private static WebClient http;
  private static Process nodeA;
  private static Process nodeB;
  private static Process nodeS;
  private static int portA;
  private static int portB;
  private static String account;
  private static String token;
  private static List<String> storageArgs;

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("vertstack-multijvm-");
    postgres = EmbeddedPostgres.builder().setDataDirectory(root.resolve("pg")).setCleanDataDirectory(true).start();
    String db = "postgresql://postgres:@127.0.0.1:" + postgres.getPort() + "/postgres";
    int hzA = TestCloud.freePort();
    int hzB = TestCloud.freePort();
    int hzS = TestCloud.freePort();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB + ",127.0.0.1:" + hzS;
    portA = TestCloud.freePort();
    portB = TestCloud.freePort();
    // one zone per storage node, so every object has replicas on both A and S
    nodeA = start("a", List.of("--roles", "controller,storage", "--set", "objectstore.zone=a", "--port", String.valueOf(portA), "--database-url", db,
      "--cluster", "--cluster-port", String.valueOf(hzA), "--cluster-members", members));
    awaitUp("a");
    storageArgs = List.of("--roles", "storage", "--set", "objectstore.zone=s", "--cluster", "--cluster-port", String.valueOf(hzS), "--cluster-members", members);
    nodeS = start("s", storageArgs);
    nodeB = start("b", List.of("--roles", "controller", "--port", String.valueOf(portB), "--database-url", db,
      "--cluster", "--cluster-port", String.valueOf(hzB), "--cluster-members", members));
    awaitUp("s");
    awaitUp("b");
    long deadline = System.currentTimeMillis() + 30_000;
    while (ring().devices().size() < 6 && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    assertThat(ring().devices()).as("A's and S's devices in the one ring").hasSize(6);
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    JsonObject login = login(portA);
    token = login.getString("token");
    account = "AUTH_" + login.getJsonObject("body").getJsonObject("project").getString("id");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Process p : new Process[] {nodeB, nodeS, nodeA}) {
      if (p != null) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (postgres != null) {
      postgres.close();
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Process start(String name, List<String> args) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx512m", "-cp", classpath, "org.vertstack.Main", "--state-dir", root.resolve(name).toString(),
      "--set", "identity.admin-password=" + PASSWORD, "--set", "identity.password-hash-cost=4",
      "--set", "identity.key-secret=one-secret-for-every-controller",
      "--set", "cluster.password=multi-jvm-test", "--set", "image.tiny-guest=false",
      "--set", "objectstore.replicator-interval-seconds=2"));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name)).start();
  }

  private static File log(String name) {
    return root.resolve(name + ".log").toFile();
  }

  private static void awaitUp(String name) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < deadline) {
      String text = Files.readString(log(name).toPath());
      if (text.contains("VertStack is up")) {
        return;
      }
      if (text.contains("VertStack failed to start")) {
        throw new AssertionError("node " + name + " failed to start:\n" + text);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("node " + name + " did not start:\n" + Files.readString(log(name).toPath()));
  }

  private static Ring ring() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", "");
         ResultSet rs = c.createStatement().executeQuery("SELECT ring FROM objectstore.rings ORDER BY version DESC LIMIT 1")) {
      return rs.next() ? Ring.fromJson(new JsonObject(rs.getString(1))) : Ring.build(0, 0, List.of());
    } catch (java.sql.SQLException e) {
      return Ring.build(0, 0, List.of());
    }
  }

  private static JsonObject login(int port) {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject()
          .put("name", "admin").put("domain", new JsonObject().put("id", "default")).put("password", PASSWORD))))
      .put("scope", new JsonObject().put("project", new JsonObject()
        .put("name", "admin").put("domain", new JsonObject().put("id", "default")))));
    HttpResponse<Buffer> resp = http.post(port, "127.0.0.1", "/identity/v3/auth/tokens").sendJsonObject(auth).await();
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return new JsonObject().put("token", resp.getHeader("X-Subject-Token")).put("body", resp.bodyAsJsonObject().getJsonObject("token"));
  }

  private static HttpResponse<Buffer> call(int port, String token, HttpMethod method, String path, Buffer body) {
    var req = http.request(method, port, "127.0.0.1", path).putHeader("X-Auth-Token", token);
    return (body == null ? req.send() : req.sendBuffer(body)).await();
  }

  private static int validate(int port, String subject) {
    return http.get(port, "127.0.0.1", "/identity/v3/auth/tokens").putHeader("X-Auth-Token", subject)
      .putHeader("X-Subject-Token", subject).send().await().statusCode();
  }

  @Test
  @Order(1)
  void tokensFromEitherControllerValidateOnBoth() {
    for (int i = 0; i < 100; i++) {
      String t = login(i % 2 == 0 ? portA : portB).getString("token");
      assertThat(validate(portA, t)).as("token %d on A", i).isEqualTo(200);
      assertThat(validate(portB, t)).as("token %d on B", i).isEqualTo(200);
    }
  }

  @Test
  @Order(2)
  void aRevocationThroughBIsRefusedOnAWithinASecond() throws Exception {
    String victim = login(portA).getString("token");
    assertThat(validate(portA, victim)).isEqualTo(200);
    assertThat(http.delete(portB, "127.0.0.1", "/identity/v3/auth/tokens").putHeader("X-Auth-Token", token)
      .putHeader("X-Subject-Token", victim).send().await().statusCode()).isEqualTo(204);
    long start = System.nanoTime();
    int status = 200;
    while (status != 401 && System.nanoTime() - start < 5_000_000_000L) {
      status = call(portA, victim, HttpMethod.GET, "/identity/v3/auth/projects", null).statusCode();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("MultiJvmClusterTest: revocation through B refused on A after " + ms + " ms");
    assertThat(status).isEqualTo(401);
    assertThat(ms).as("revoked on A after %d ms", ms).isLessThan(1000);
  }

  /** The committed data files of an object under one device directory. */
  private static boolean stored(Device d, String hash) throws Exception {
    Path objects = Path.of(d.path()).resolve("objects");
    if (!Files.isDirectory(objects)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(objects)) {
      return s.anyMatch(p -> p.getParent().getFileName().toString().equals(hash) && p.toString().endsWith(".data"));
    }
  }

  @Test
  @Order(3)
  void objectsWrittenThroughOneControllerAreReadThroughTheOtherOnTheRingsDevices() throws Exception {
    assertThat(call(portA, token, HttpMethod.PUT, "/object-store/v1/" + account + "/shared", null).statusCode()).isIn(201, 202);
    Ring ring = ring();
    String sDir = root.resolve("s").toString();
    int onS = 0;
    for (int i = 0; i < 12; i++) {
      String name = "o" + i;
      int writer = i % 2 == 0 ? portA : portB;
      int reader = i % 2 == 0 ? portB : portA;
      Buffer body = Buffer.buffer("object " + i + " through " + (writer == portA ? "A" : "B"));
      assertThat(call(writer, token, HttpMethod.PUT, "/object-store/v1/" + account + "/shared/" + name, body).statusCode()).isEqualTo(201);
      HttpResponse<Buffer> read = call(reader, token, HttpMethod.GET, "/object-store/v1/" + account + "/shared/" + name, null);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo(body);
      String hash = ring.hash(account, "shared", name);
      List<Device> primaries = ring.primaries(ring.partition(hash));
      assertThat(primaries).hasSize(3);
      for (Device d : primaries) {
        assertThat(stored(d, hash)).as("%s on %s", name, d.path()).isTrue();
        if (d.path().startsWith(sDir)) {
          onS++;
        }
      }
    }
    assertThat(onS).as("the storage-only node holds its share of the replicas").isPositive();
    assertThat(onS).as("and, a zone of its own, never all three").isLessThan(12 * 3);
  }

  /** A feed connection's messages, in order. */
  private static LinkedBlockingQueue<JsonObject> feed(int port, Long since) {
    LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/events")).await();
    ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
    JsonObject hello = new JsonObject().put("token", token);
    if (since != null) {
      hello.put("since", since);
    }
    ws.writeTextMessage(hello.encode()).await();
    messages.add(new JsonObject().put("type", "socket").put("socket", ws.textHandlerID()));
    feeds.add(ws);
    return messages;
  }

  private static final List<WebSocket> feeds = new ArrayList<>();

  private static JsonObject next(LinkedBlockingQueue<JsonObject> q, String type) throws InterruptedException {
    while (true) {
      JsonObject m = q.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("a %s message", type).isNotNull();
      assertThat(m.getString("type")).as(m.encode()).isNotEqualTo("reset");
      if (type.equals(m.getString("type"))) {
        return m;
      }
    }
  }

  private static JsonObject nextEvent(LinkedBlockingQueue<JsonObject> q, String resourceId) throws InterruptedException {
    while (true) {
      JsonObject m = next(q, "event");
      if (resourceId.equals(m.getString("resource_id"))) {
        return m;
      }
    }
  }

  /** The next message of a feed, whatever its type; never a reset. */
  private static JsonObject nextMessage(LinkedBlockingQueue<JsonObject> q) throws InterruptedException {
    JsonObject m = q.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("a feed message").isNotNull();
    assertThat(m.getString("type")).as(m.encode()).isNotEqualTo("reset");
    return m;
  }

  @Test
  @Order(4)
  void aFeedClientMovedFromAToBResumesFromItsCursor() throws Exception {
    // An observer on A, so that feed-3 is written once feed-2 was numbered. Events are numbered
    // in the order the sequencer (A) receives them, and an event published on B may reach it after
    // B answered and after the next write through A (4 of 300 back-to-back pairs were numbered the
    // other way round, two runs): without the wait, feed-3 could rightly come first.
    LinkedBlockingQueue<JsonObject> observer = feed(portA, null);
    next(observer, "live");
    LinkedBlockingQueue<JsonObject> onA = feed(portA, null);
    next(onA, "live");
    assertThat(call(portA, token, HttpMethod.PUT, "/object-store/v1/" + account + "/feed-1", null).statusCode()).isEqualTo(201);
    long cursor = nextEvent(onA, "feed-1").getLong("id");
    feeds.remove(feeds.size() - 1).close().await();
    assertThat(call(portB, token, HttpMethod.PUT, "/object-store/v1/" + account + "/feed-2", null).statusCode()).isEqualTo(201);
    nextEvent(observer, "feed-2");
    assertThat(call(portA, token, HttpMethod.PUT, "/object-store/v1/" + account + "/feed-3", null).statusCode()).isEqualTo(201);
    Thread.sleep(300);
    LinkedBlockingQueue<JsonObject> onB = feed(portB, cursor);
    // every message up to live and feed-3, none dropped: each event once, in id order, after the cursor
    List<JsonObject> resumed = new ArrayList<>();
    boolean live = false;
    while (!live || resumed.stream().noneMatch(e -> "feed-3".equals(e.getString("resource_id")))) {
      JsonObject m = nextMessage(onB);
      if ("event".equals(m.getString("type"))) {
        resumed.add(m);
      }
      live |= "live".equals(m.getString("type"));
    }
    long previous = cursor;
    for (JsonObject e : resumed) {
      assertThat(e.getLong("id")).as("ids after the cursor, increasing: %s", resumed).isGreaterThan(previous);
      previous = e.getLong("id");
    }
    assertThat(resumed).extracting(e -> e.getString("resource_id")).filteredOn(id -> id.startsWith("feed-"))
      .containsExactly("feed-2", "feed-3");
    feeds.remove(feeds.size() - 1).close().await();
    feeds.remove(feeds.size() - 1).close().await();
  }

  @Test
  @Order(5)
  void killingSLeavesReadsAndWritesWorkingAndTheReplicatorRestoresItsCopiesWhenItReturns() throws Exception {
    Ring ring = ring();
    String sDir = root.resolve("s").toString();
    nodeS.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    for (int i = 0; i < 12; i++) {
      assertThat(call(i % 2 == 0 ? portA : portB, token, HttpMethod.GET, "/object-store/v1/" + account + "/shared/o" + i, null)
        .statusCode()).as("o%d with S down", i).isEqualTo(200);
    }
    String name = null;
    Device onS = null;
    for (int i = 0; onS == null; i++) {
      name = "while-s-down-" + i;
      String hash = ring.hash(account, "shared", name);
      onS = ring.primaries(ring.partition(hash)).stream().filter(d -> d.path().startsWith(sDir)).findFirst().orElse(null);
    }
    Buffer body = Buffer.buffer("written while S was down");
    assertThat(call(portA, token, HttpMethod.PUT, "/object-store/v1/" + account + "/shared/" + name, body).statusCode()).isEqualTo(201);
    assertThat(call(portB, token, HttpMethod.GET, "/object-store/v1/" + account + "/shared/" + name, null).body()).isEqualTo(body);
    String hash = ring.hash(account, "shared", name);
    assertThat(stored(onS, hash)).isFalse();

    nodeS = start("s", storageArgs);
    awaitUp("s");
    long deadline = System.currentTimeMillis() + 90_000;
    while (!stored(onS, hash) && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
    assertThat(stored(onS, hash)).as("the replicator brought the copy back to S's device").isTrue();
    assertThat(ring().devices()).hasSize(6);
  }

  @Test
  @Order(6)
  void killingALeavesBServing() throws Exception {
    Ring ring = ring();
    String sDir = root.resolve("s").toString();
    String readable = null;
    for (int i = 0; i < 12 && readable == null; i++) {
      String hash = ring.hash(account, "shared", "o" + i);
      if (ring.primaries(ring.partition(hash)).stream().anyMatch(d -> d.path().startsWith(sDir))) {
        readable = "o" + i;
      }
    }
    assertThat(readable).isNotNull();
    nodeA.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    long killed = System.currentTimeMillis();
    // B serves identity itself and calls its own registration (Services.proxy): it must not wait
    // for the cluster to notice A's death, let alone a call to A's registration to time out (30 s)
    long deadline = System.currentTimeMillis() + 15_000;
    String fresh = null;
    while (fresh == null && System.currentTimeMillis() < deadline) {
      try {
        fresh = login(portB).getString("token");
      } catch (Throwable notYet) {
        Thread.sleep(500);
      }
    }
    assertThat(fresh).as("B issues tokens once A is gone").isNotNull();
    System.out.println("MultiJvmClusterTest: B issued a token " + (System.currentTimeMillis() - killed) + " ms after A was killed");
    assertThat(validate(portB, fresh)).isEqualTo(200);
    assertThat(validate(portB, token)).as("a token issued before A died").isEqualTo(200);
    assertThat(call(portB, fresh, HttpMethod.GET, "/object-store/v1/" + account + "/shared", null).statusCode()).isEqualTo(200);
    assertThat(call(portB, fresh, HttpMethod.GET, "/object-store/v1/" + account + "/shared/" + readable, null).statusCode()).isEqualTo(200);
    // A write needs 2 of its 3 replicas; right after A's death its devices may still be tried
    // before handoffs (a short 503 window, measured and printed): wait for it, bounded below the
    // event bus's 30 s send timeout, so that a call stuck on A's registration fails the test
    int written = 0;
    for (long until = System.currentTimeMillis() + 15_000; written != 201 && System.currentTimeMillis() < until; ) {
      written = call(portB, fresh, HttpMethod.PUT, "/object-store/v1/" + account + "/shared/after-a",
        Buffer.buffer("written after A died")).statusCode();
      if (written != 201) {
        Thread.sleep(500);
      }
    }
    System.out.println("MultiJvmClusterTest: B wrote an object " + (System.currentTimeMillis() - killed) + " ms after A was killed");
    assertThat(written).as("a write through B after A died").isEqualTo(201);
    assertThat(call(portB, fresh, HttpMethod.GET, "/object-store/v1/" + account + "/shared/after-a", null).bodyAsString())
      .isEqualTo("written after A died");
    assertThat(call(portB, fresh, HttpMethod.GET, "/image/v2/images", null).statusCode()).isEqualTo(200);
    // the feed's sequencer moved to B: its events are numbered and delivered again
    token = fresh;
    LinkedBlockingQueue<JsonObject> onB = feed(portB, null);
    next(onB, "live");
    long sequenced = System.currentTimeMillis() + 30_000;
    JsonObject event = null;
    for (int i = 0; event == null && System.currentTimeMillis() < sequenced; i++) {
      assertThat(call(portB, fresh, HttpMethod.PUT, "/object-store/v1/" + account + "/after-a-" + i, null).statusCode()).isEqualTo(201);
      JsonObject m = onB.poll(2, TimeUnit.SECONDS);
      while (m != null && !"event".equals(m.getString("type"))) {
        m = onB.poll(2, TimeUnit.SECONDS);
      }
      event = m;
    }
    assertThat(event).as("B's feed delivers events after A died").isNotNull();
    feeds.remove(feeds.size() - 1).close().await();
  }
}
