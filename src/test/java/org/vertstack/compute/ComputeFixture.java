package org.vertstack.compute;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.vertstack.testing.TestCloud;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls and waits shared by the compute tests (a test thread may block on them). */
final class ComputeFixture {

  final TestCloud cloud;

  ComputeFixture(TestCloud cloud) {
    this.cloud = cloud;
  }

  /** The shared cloud, ready to boot on: a compute host registered and an admin's active public image. */
  record Ready(ComputeFixture f, String admin, String image) {
  }

  /** The set-up of the compute API tests that share the test cloud. */
  static Ready ready() throws InterruptedException {
    ComputeFixture f = new ComputeFixture(TestCloud.shared());
    String admin = f.cloud.adminToken().await();
    f.awaitHost(admin);
    return new Ready(f, admin, f.publicImage(admin));
  }

  HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    return call(token, "2.79", method, path, body);
  }

  /** A compute call at a given microversion ("2.1", "2.75", ...). */
  HttpResponse<Buffer> call(String token, String version, HttpMethod method, String path, JsonObject body) {
    var req = cloud.http().requestAbs(method, cloud.baseUrl() + "/compute/v2.1" + path)
      .putHeader("OpenStack-API-Version", "compute " + version);
    if (token != null) {
      req.putHeader("X-Auth-Token", token);
    }
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  /** Waits until a compute host has registered (the agent starts in the background). */
  void awaitHost(String adminToken) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var resp = call(adminToken, HttpMethod.GET, "/os-hypervisors", null);
      if (resp.statusCode() == 200 && !resp.bodyAsJsonObject().getJsonArray("hypervisors").isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no compute host registered in 30 s");
  }

  /** An active public image (the image service checks imageRef), owned by the admin. */
  String publicImage(String adminToken) {
    var created = cloud.call(adminToken, HttpMethod.POST, "/image/v2/images", new JsonObject().put("name", TestCloud.unique("boot"))
      .put("disk_format", "raw").put("container_format", "bare").put("visibility", "public")).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    var up = cloud.http().putAbs(cloud.baseUrl() + "/image/v2/images/" + id + "/file").putHeader("X-Auth-Token", adminToken)
      .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer(new byte[4096])).await();
    assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(204);
    return id;
  }

  JsonObject serverBody(String name, String image, String flavor) {
    return new JsonObject().put("server", new JsonObject().put("name", name).put("imageRef", image).put("flavorRef", flavor)
      .put("networks", "none"));
  }

  String boot(String token, String name, String image, String flavor) {
    var resp = call(token, HttpMethod.POST, "/servers", serverBody(name, image, flavor));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return resp.bodyAsJsonObject().getJsonObject("server").getString("id");
  }

  JsonObject server(String token, String id) {
    var resp = call(token, HttpMethod.GET, "/servers/" + id, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonObject("server");
  }

  /** Waits for a server's status (fails fast on an unexpected ERROR). */
  JsonObject awaitStatus(String token, String id, String status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject s = null;
    while (System.nanoTime() < deadline) {
      s = server(token, id);
      if (status.equals(s.getString("status")) && s.getString("OS-EXT-STS:task_state") == null) {
        return s;
      }
      if ("ERROR".equals(s.getString("status")) && !"ERROR".equals(status)) {
        throw new AssertionError("server went ERROR: " + s.encode());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server never reached " + status + ": " + (s == null ? null : s.encode()));
  }

  void awaitGone(String token, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (call(token, HttpMethod.GET, "/servers/" + id, null).statusCode() == 404) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server " + id + " was never deleted");
  }

  static JsonArray ids(JsonArray servers) {
    JsonArray out = new JsonArray();
    servers.forEach(s -> out.add(((JsonObject) s).getString("id")));
    return out;
  }
}
