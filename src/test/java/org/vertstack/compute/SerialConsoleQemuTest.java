package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serial console end to end on a real guest: a node on qemu:///system (TCG) boots the tiny
 * guest, the WebSocket opens its console through the compute agent's libvirt stream, the guest's
 * output arrives, and what is typed reaches its serial port (the guest's tty echoes it back).
 * Runs where libvirtd does (CI starts it); skipped elsewhere, failed there with CI=true.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class SerialConsoleQemuTest {

  static TcgNode node;
  static TestCloud cloud;
  static ComputeFixture f;

  @BeforeAll
  static void start() throws Exception {
    node = TcgNode.start("console-qemu");
    cloud = node.cloud;
    f = node.f;
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static void awaitActive(String token, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject s = f.server(token, id);
      if ("ACTIVE".equals(s.getString("status")) && s.getString("OS-EXT-STS:task_state") == null) {
        return;
      }
      assertThat(s.getString("status")).as(s.encode()).isNotEqualTo("ERROR");
      Thread.sleep(200);
    }
    throw new AssertionError("the guest did not go ACTIVE in 180 s");
  }

  /** Waits until what came from the console contains the text; answers all of it. */
  private static String awaitOutput(StringBuffer seen, String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < deadline) {
      if (seen.indexOf(text) >= 0) {
        return seen.toString();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no \"" + text + "\" on the console within " + seconds + " s; it said: " + seen);
  }

  @Test
  void theGuestsOutputComesOutAndWhatIsTypedGoesIn() throws Exception {
    String admin = cloud.adminToken().await();
    f.awaitHost(admin);
    String image = node.tinyImage(admin);
    JsonObject member = cloud.projectWithUser("member").await();
    String token = member.getString("token");
    String id = f.boot(token, "console-qemu", image, "42");
    awaitActive(token, id);

    WebSocketClient client = cloud.node().vertx().createWebSocketClient();
    try {
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cloud.port())
        .setURI("/compute/v2.1/servers/" + id + "/serial-console")).await();
      StringBuffer seen = new StringBuffer();
      StringBuffer texts = new StringBuffer();
      ws.textMessageHandler(texts::append);
      ws.binaryMessageHandler(b -> seen.append(b.toString(StandardCharsets.UTF_8)));
      ws.closeHandler(v -> texts.append("closed ").append(ws.closeStatusCode()).append(' ').append(ws.closeReason()));
      ws.writeTextMessage(new JsonObject().put("token", token).encode()).await();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (texts.indexOf("ready") < 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(texts.toString()).contains("\"ready\"");
      // The guest may still be booting (TCG) or long past its boot markers: type until its tty
      // echoes what was typed, which proves both directions of the stream.
      long typing = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (seen.indexOf("typed-into-the-guest") < 0 && System.nanoTime() < typing) {
        ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer("typed-into-the-guest\r")).await();
        Thread.sleep(3_000);
      }
      awaitOutput(seen, "typed-into-the-guest", 1);
      ws.close().await();
    } finally {
      client.close().await();
      f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
      f.awaitGone(token, id);
    }
  }
}
