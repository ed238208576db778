package org.vertstack.compute;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.compute.hypervisor.SerialConsole;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serial console's WebSocket (GET /compute/v2.1/servers/{id}/serial-console) and Nova's
 * remote-consoles API on the test driver: who may open it (a member of the server's project; not
 * a reader, not another project, not a bad token), that a request reaches the compute agent (the
 * test driver has no console streams: a 4009 saying so), and the relay that carries a console
 * over the event bus, with a console that echoes what it is sent.
 */
class SerialConsoleSocketTest extends SharedCloudComputeTest {

  static JsonObject member;
  static String reader;
  static String server;
  static WebSocketClient client;

  @BeforeAll
  static void setUp() throws Exception {
    member = f.cloud.projectWithUser("member").await();
    reader = readerOf(member.getString("project_id"), member.getString("project"));
    server = f.boot(member.getString("token"), "console-me", image, "42");
    f.awaitStatus(member.getString("token"), server, "ACTIVE");
    client = f.cloud.node().vertx().createWebSocketClient();
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.close().await();
    }
  }

  /** A second user of the project, with the reader role only; answers its token. */
  private static String readerOf(String projectId, String projectName) throws Exception {
    String name = TestCloud.unique("con-reader");
    var user = f.cloud.call(admin, HttpMethod.POST, "/identity/v3/users", new JsonObject().put("user",
      new JsonObject().put("name", name).put("password", "reader-pw-1"))).await().bodyAsJsonObject().getJsonObject("user");
    String role = f.cloud.call(admin, HttpMethod.GET, "/identity/v3/roles?name=reader", null).await().bodyAsJsonObject()
      .getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(f.cloud.call(admin, HttpMethod.PUT, "/identity/v3/projects/" + projectId + "/users/" + user.getString("id")
      + "/roles/" + role, null).await().statusCode()).isEqualTo(204);
    return f.cloud.login(name, "reader-pw-1", projectName).await().getString("token");
  }

  /** Opens the console of a server, sends the first message, and answers how the socket closed. */
  private Closed open(String serverId, String firstMessage) throws Exception {
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(f.cloud.port())
      .setURI("/compute/v2.1/servers/" + serverId + "/serial-console")).await();
    LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    CompletableFuture<Closed> closed = new CompletableFuture<>();
    ws.textMessageHandler(texts::add);
    ws.closeHandler(v -> closed.complete(new Closed(ws.closeStatusCode(), ws.closeReason(), texts.peek())));
    ws.writeTextMessage(firstMessage).await();
    return closed.get(15, TimeUnit.SECONDS);
  }

  private Closed open(String serverId, JsonObject hello) throws Exception {
    return open(serverId, hello.encode());
  }

  record Closed(Short code, String reason, String firstText) {
  }

  @Test
  void aPlainRequestIsTold426InNovasFormat() {
    var resp = f.call(member.getString("token"), HttpMethod.GET, "/servers/" + server + "/serial-console", null);
    assertThat(resp.statusCode()).isEqualTo(426);
    assertThat(resp.bodyAsJsonObject().getJsonObject("upgradeRequired").getInteger("code")).isEqualTo(426);
  }

  @Test
  void badFirstMessagesAndBadTokensAreRefused() throws Exception {
    assertThat(open(server, "not json").code()).isEqualTo(SerialConsoleSocket.BAD_REQUEST);
    assertThat(open(server, new JsonObject()).code()).isEqualTo(SerialConsoleSocket.UNAUTHORIZED);
    assertThat(open(server, new JsonObject().put("token", "gAAAA-not-a-token")).code()).isEqualTo(SerialConsoleSocket.UNAUTHORIZED);
  }

  @Test
  void anotherProjectsServerIsNotFoundAndAReaderMayNotType() throws Exception {
    JsonObject stranger = f.cloud.projectWithUser("member").await();
    Closed other = open(server, new JsonObject().put("token", stranger.getString("token")));
    assertThat(other.code()).isEqualTo(SerialConsoleSocket.NOT_FOUND);
    assertThat(other.reason()).contains("could not be found");
    Closed read = open(server, new JsonObject().put("token", reader));
    assertThat(read.code()).isEqualTo(SerialConsoleSocket.FORBIDDEN);
    assertThat(read.reason()).contains("os_compute_api:os-remote-consoles");
    assertThat(read.firstText()).isNull(); // never "ready"
  }

  @Test
  void aMembersRequestReachesTheAgentWhichSaysTheTestDriverHasNoConsole() throws Exception {
    Closed c = open(server, new JsonObject().put("token", member.getString("token")));
    assertThat(c.code()).isEqualTo(SerialConsoleSocket.CONFLICT);
    assertThat(c.reason()).contains("offers no serial console");
  }

  @Test
  void aStoppedServerHasNoConsole() throws Exception {
    String token = member.getString("token");
    String stopped = f.boot(token, "console-stopped", image, "42");
    f.awaitStatus(token, stopped, "ACTIVE");
    assertThat(f.call(token, HttpMethod.POST, "/servers/" + stopped + "/action", new JsonObject().putNull("os-stop")).statusCode())
      .isEqualTo(202);
    f.awaitStatus(token, stopped, "SHUTOFF");
    Closed c = open(stopped, new JsonObject().put("token", token));
    assertThat(c.code()).isEqualTo(SerialConsoleSocket.CONFLICT);
    assertThat(c.reason()).contains("not running");
    var url = f.call(token, HttpMethod.POST, "/servers/" + stopped + "/remote-consoles", serial());
    assertThat(url.statusCode()).isEqualTo(409);
  }

  private static JsonObject serial() {
    return new JsonObject().put("remote_console", new JsonObject().put("protocol", "serial").put("type", "serial"));
  }

  @Test
  void remoteConsolesAnswersTheSocketsUrlToMembersOnly() {
    String token = member.getString("token");
    var ok = f.call(token, HttpMethod.POST, "/servers/" + server + "/remote-consoles", serial());
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    String url = ok.bodyAsJsonObject().getJsonObject("remote_console").getString("url");
    assertThat(url).startsWith("ws://").endsWith("/compute/v2.1/servers/" + server + "/serial-console");
    assertThat(f.call(reader, HttpMethod.POST, "/servers/" + server + "/remote-consoles", serial()).statusCode()).isEqualTo(403);
    String stranger = f.cloud.projectWithUser("member").await().getString("token");
    assertThat(f.call(stranger, HttpMethod.POST, "/servers/" + server + "/remote-consoles", serial()).statusCode()).isEqualTo(404);
    var vnc = f.call(token, HttpMethod.POST, "/servers/" + server + "/remote-consoles",
      new JsonObject().put("remote_console", new JsonObject().put("protocol", "vnc").put("type", "novnc")));
    assertThat(vnc.statusCode()).isEqualTo(400);
    assertThat(vnc.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains("serial");
    // before 2.6 there is no such resource
    var old = f.cloud.http().postAbs(f.cloud.baseUrl() + "/compute/v2.1/servers/" + server + "/remote-consoles")
      .putHeader("X-Auth-Token", token).putHeader("OpenStack-API-Version", "compute 2.5").sendJsonObject(serial()).await();
    assertThat(old.statusCode()).isEqualTo(404);
  }

  /** A console that echoes what is typed into it in upper case, then ends when told "bye". */
  static final class EchoConsole implements SerialConsole {
    final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    volatile boolean closed;
    volatile boolean ended;

    @Override
    public int read(byte[] buf) {
      byte[] next = pending.poll();
      if (next == null) {
        return ended ? -1 : 0;
      }
      System.arraycopy(next, 0, buf, 0, next.length);
      return next.length;
    }

    @Override
    public void write(byte[] data) {
      String s = new String(data, StandardCharsets.UTF_8);
      if (s.equals("bye")) {
        ended = true;
      }
      pending.add(s.toUpperCase().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void theRelayCarriesKeysInAndOutputBackAndSaysWhenTheConsoleEnds() throws Exception {
    Vertx vertx = f.cloud.node().vertx();
    String address = ConsoleRelay.ADDRESS_PREFIX + TestCloud.unique("relay");
    LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> closedWith = new LinkedBlockingQueue<>();
    var consumer = vertx.eventBus().<Buffer>consumer(address + ".out", msg -> {
      if ("closed".equals(msg.headers().get(ConsoleRelay.OP))) {
        closedWith.add(msg.body().toString());
      } else {
        out.add(msg.body().toString());
      }
    });
    consumer.completion().await();
    EchoConsole console = new EchoConsole();
    ConsoleRelay.start(vertx, console, address);
    vertx.eventBus().send(address + ".in", Buffer.buffer("hello"));
    assertThat(out.poll(5, TimeUnit.SECONDS)).isEqualTo("HELLO");
    // a ping is not typed
    vertx.eventBus().send(address + ".in", Buffer.buffer("x"), new DeliveryOptions().addHeader(ConsoleRelay.OP, "ping"));
    vertx.eventBus().send(address + ".in", Buffer.buffer("bye"));
    assertThat(out.poll(5, TimeUnit.SECONDS)).isEqualTo("BYE");
    assertThat(closedWith.poll(5, TimeUnit.SECONDS)).contains("console ended");
    assertThat(console.closed).isTrue();
    assertThat(out).isEmpty();

    // the controller's end closing it ends a relay too, and the console is closed
    EchoConsole second = new EchoConsole();
    String address2 = address + "-2";
    LinkedBlockingQueue<String> closed2 = new LinkedBlockingQueue<>();
    vertx.eventBus().<Buffer>consumer(address2 + ".out", msg -> closed2.add(String.valueOf(msg.headers().get(ConsoleRelay.OP))))
      .completion().await();
    ConsoleRelay.start(vertx, second, address2);
    vertx.eventBus().send(address2 + ".in", Buffer.buffer(), new DeliveryOptions().addHeader(ConsoleRelay.OP, "close"));
    assertThat(closed2.poll(5, TimeUnit.SECONDS)).isEqualTo("closed");
    assertThat(second.closed).isTrue();
    consumer.unregister().await();
  }
}
