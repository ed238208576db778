package org.vertstack.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second compute node in its own JVM ({@code --roles compute --cluster}) beside an all-in-one
 * node A, over Hazelcast on loopback, each on its own libvirt test driver (in-process, so each
 * JVM is a separate "machine"). C joins and is listed in os-hypervisors, receives an instance,
 * and is killed while it builds another (its builds are held a few seconds by a fault-injection
 * setting): the host is marked down after its missed heartbeats, and the stranded build is taken
 * back and rescheduled on A, never left in BUILD.
 */
class ComputeNodesClusterTest {

  private static final String PASSWORD = "compute-cluster-password";
  private static final int DOWN_AFTER = 6;
  private static Path root;
  private static EmbeddedPostgres postgres;
  private static Vertx vertx;
  private static WebClient http;
  private static Process nodeA;
  private static Process nodeC;
  private static int portA;
  private static String token;

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("vertstack-compute-nodes-");
    postgres = EmbeddedPostgres.builder().setDataDirectory(root.resolve("pg")).setCleanDataDirectory(true).start();
    String db = "postgresql://postgres:@127.0.0.1:" + postgres.getPort() + "/postgres";
    int hzA = TestCloud.freePort();
    int hzC = TestCloud.freePort();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzC;
    portA = TestCloud.freePort();
    nodeA = start("a", List.of("--roles", "controller,compute,storage", "--set", "compute.host=node-a", "--port", String.valueOf(portA),
      "--database-url", db, "--cluster", "--cluster-port", String.valueOf(hzA), "--cluster-members", members));
    awaitUp("a");
    nodeC = start("c", List.of("--roles", "compute", "--set", "compute.host=node-c", "--set", "compute.test-build-delay-ms=4000",
      "--cluster", "--cluster-port", String.valueOf(hzC), "--cluster-members", members));
    awaitUp("c");
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    token = login();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Process p : new Process[] {nodeC, nodeA}) {
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
      "-Xmx384m", "-cp", classpath, "org.vertstack.Main", "--state-dir", root.resolve(name).toString(),
      "--set", "identity.admin-password=" + PASSWORD, "--set", "identity.password-hash-cost=4",
      "--set", "cluster.password=compute-nodes-test", "--set", "image.tiny-guest=false",
      "--set", "compute.libvirt-uri=test:///default", "--set", "compute.heartbeat-seconds=1",
      "--set", "compute.down-after-seconds=" + DOWN_AFTER, "--set", "compute.watchdog-seconds=1"));
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

  private static String login() {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject()
          .put("name", "admin").put("domain", new JsonObject().put("id", "default")).put("password", PASSWORD))))
      .put("scope", new JsonObject().put("project", new JsonObject()
        .put("name", "admin").put("domain", new JsonObject().put("id", "default")))));
    HttpResponse<Buffer> resp = http.post(portA, "127.0.0.1", "/identity/v3/auth/tokens").sendJsonObject(auth).await();
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.getHeader("X-Subject-Token");
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    var req = http.request(method, portA, "127.0.0.1", path).putHeader("X-Auth-Token", token)
      .putHeader("OpenStack-API-Version", "compute 2.79");
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  private static JsonObject hypervisor(String hostname) {
    JsonArray all = call(HttpMethod.GET, "/compute/v2.1/os-hypervisors/detail", null).bodyAsJsonObject().getJsonArray("hypervisors");
    return all.stream().map(o -> (JsonObject) o).filter(h -> hostname.equals(h.getString("hypervisor_hostname")))
      .findFirst().orElse(null);
  }

  private static JsonObject server(String id) {
    HttpResponse<Buffer> resp = call(HttpMethod.GET, "/compute/v2.1/servers/" + id, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonObject("server");
  }

  /** Polls until the condition holds (bounded), answering the last value seen. */
  private static <T> T await(String what, long seconds, java.util.function.Supplier<T> read, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    T last = read.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = read.get();
    }
    assertThat(done.test(last)).as("%s; last seen: %s", what, last).isTrue();
    return last;
  }

  private static String boot(String name, String image) {
    HttpResponse<Buffer> resp = call(HttpMethod.POST, "/compute/v2.1/servers", new JsonObject().put("server", new JsonObject()
      .put("name", name).put("imageRef", image).put("flavorRef", "42").put("networks", "none")));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return resp.bodyAsJsonObject().getJsonObject("server").getString("id");
  }

  private static void setService(String hostname, String status) {
    String id = hypervisor(hostname).getJsonObject("service").getString("id");
    HttpResponse<Buffer> resp = call(HttpMethod.PUT, "/compute/v2.1/os-services/" + id, new JsonObject().put("status", status));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
  }

  private static String image() {
    HttpResponse<Buffer> created = http.post(portA, "127.0.0.1", "/image/v2/images").putHeader("X-Auth-Token", token)
      .sendJsonObject(new JsonObject().put("name", "cluster-boot").put("disk_format", "raw").put("container_format", "bare")
        .put("visibility", "public")).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> up = http.put(portA, "127.0.0.1", "/image/v2/images/" + id + "/file").putHeader("X-Auth-Token", token)
      .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer(new byte[4096])).await();
    assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(204);
    return id;
  }

  @Test
  void aSecondComputeNodeJoinsReceivesInstancesAndItsBuildsAreTakenBackWhenItIsKilled() throws Exception {
    // C joined over the cluster: listed, up, with its inventory, beside A
    await("both compute nodes listed and up", 60, () -> new JsonObject()
        .put("a", String.valueOf(hypervisor("node-a"))).put("c", String.valueOf(hypervisor("node-c"))),
      seen -> seen.getString("a").contains("\"state\":\"up\"") && seen.getString("c").contains("\"state\":\"up\""));
    JsonObject c = hypervisor("node-c");
    assertThat(c.getString("hypervisor_type")).isEqualTo("test");
    assertThat(c.getLong("memory_mb")).isPositive();
    String image = image();

    // with A disabled, the scheduler can only choose C, which builds in its own JVM
    setService("node-a", "disabled");
    String first = boot("on-c", image);
    JsonObject onC = await("the first server ACTIVE", 60, () -> server(first), s -> !"BUILD".equals(s.getString("status")));
    assertThat(onC.getString("status")).as(onC.encode()).isEqualTo("ACTIVE");
    assertThat(onC.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("node-c");
    assertThat(hypervisor("node-c").getLong("running_vms")).isEqualTo(1);

    // a build held on C when C is killed
    String second = boot("killed-mid-build", image);
    await("the second server claimed by node-c", 30, () -> server(second),
      s -> "node-c".equals(s.getString("OS-EXT-SRV-ATTR:host")) && "spawning".equals(s.getString("OS-EXT-STS:task_state")));
    nodeC.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    long killed = System.nanoTime();
    setService("node-a", "enabled");

    JsonObject down = await("node-c marked down", 3L * DOWN_AFTER, () -> hypervisor("node-c"), h -> "down".equals(h.getString("state")));
    long downAfterMs = (System.nanoTime() - killed) / 1_000_000;
    assertThat(down.getString("status")).isEqualTo("enabled");
    JsonObject rescheduled = await("the stranded build settled", 60, () -> server(second), s -> !"BUILD".equals(s.getString("status")));
    long settledMs = (System.nanoTime() - killed) / 1_000_000;
    System.out.printf("ComputeNodesClusterTest: node-c down %d ms after the kill, its stranded build %s on %s %d ms after%n",
      downAfterMs, rescheduled.getString("status"), rescheduled.getString("OS-EXT-SRV-ATTR:host"), settledMs);
    assertThat(rescheduled.getString("status")).as(rescheduled.encode()).isEqualTo("ACTIVE");
    assertThat(rescheduled.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("node-a");
    // the instance that ran on C is still ACTIVE in the database, and shown on a host that is down
    JsonObject stillOnC = server(first);
    assertThat(stillOnC.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("node-c");
    assertThat(stillOnC.getString("host_status")).isEqualTo("DOWN");
    // C's claim for the stranded build was given back: only the first instance holds C's resources
    assertThat(hypervisor("node-c").getLong("memory_mb_used")).isEqualTo(128);
  }
}
