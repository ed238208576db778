package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 boots at once against one test-driver host that has room for fewer: exactly as many go
 * ACTIVE as fit, the rest end in ERROR with "No valid host", and the host is never oversubscribed.
 */
class ConcurrentBootTest {

  @Test
  void concurrentBootsNeverOversubscribeAHost(@TempDir Path dir) throws Exception {
    try (TestCloud cloud = TestCloud.start(dir, new JsonObject().put("compute", new JsonObject().put("cpu-allocation-ratio", 8.0))).await()) {
      ComputeFixture f = new ComputeFixture(cloud);
      String admin = cloud.adminToken().await();
      f.awaitHost(admin);
      String image = f.publicImage(admin);
      JsonObject user = cloud.projectWithUser("member").await();
      String token = user.getString("token");
      var quota = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), new JsonObject()
        .put("quota_set", new JsonObject().put("instances", 1000).put("cores", 1000).put("ram", 1_000_000)));
      assertThat(quota.statusCode()).as(quota.bodyAsString()).isEqualTo(200);
      var flavor = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
        .put("name", "c1.micro").put("ram", 16).put("vcpus", 1).put("disk", 0)));
      String flavorId = flavor.bodyAsJsonObject().getJsonObject("flavor").getString("id");
      JsonObject host = f.call(admin, HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject()
        .getJsonArray("hypervisors").getJsonObject(0);
      long capacity = Math.min(host.getLong("vcpus") * 8, host.getLong("memory_mb") / 16);
      int boots = 200;
      assertThat(capacity).as("the test needs a host smaller than the burst").isLessThan(boots);

      // one connection per request, so the burst really is concurrent (a WebClient pools 5 by default)
      var burst = io.vertx.ext.web.client.WebClient.create(cloud.node().vertx(),
        new io.vertx.ext.web.client.WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(boots));
      long start = System.nanoTime();
      List<Future<String>> posted = new ArrayList<>();
      for (int i = 0; i < boots; i++) {
        posted.add(burst.postAbs(cloud.baseUrl() + "/compute/v2.1/servers").putHeader("X-Auth-Token", token)
          .sendJsonObject(f.serverBody("burst-" + i, image, flavorId))
          .map(r -> {
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            return r.bodyAsJsonObject().getJsonObject("server").getString("id");
          }));
      }
      Future.all(posted).await();
      burst.close();
      double accepted = (System.nanoTime() - start) / 1e9;
      // wait until none is building
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      JsonArray servers;
      do {
        servers = f.call(token, HttpMethod.GET, "/servers/detail", null).bodyAsJsonObject().getJsonArray("servers");
        if (servers.stream().noneMatch(s -> "BUILD".equals(((JsonObject) s).getString("status")))) {
          break;
        }
        Thread.sleep(100);
      } while (System.nanoTime() < deadline);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(servers).hasSize(boots);
      long active = servers.stream().filter(s -> "ACTIVE".equals(((JsonObject) s).getString("status"))).count();
      long error = servers.stream().filter(s -> "ERROR".equals(((JsonObject) s).getString("status"))).count();
      System.out.printf("ConcurrentBootTest: %d boots accepted (202) in %.2f s, settled (%d ACTIVE, %d ERROR) in %.2f s: %.0f boots/s%n",
        boots, accepted, active, error, seconds, boots / seconds);
      assertThat(active).isEqualTo(capacity);
      assertThat(error).isEqualTo(boots - capacity);
      servers.stream().map(s -> (JsonObject) s).filter(s -> "ERROR".equals(s.getString("status")))
        .forEach(s -> assertThat(s.getJsonObject("fault").getString("message")).contains("No valid host"));

      host = f.call(admin, HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject().getJsonArray("hypervisors").getJsonObject(0);
      assertThat(host.getLong("vcpus_used")).isEqualTo(capacity).isLessThanOrEqualTo(host.getLong("vcpus") * 8);
      assertThat(host.getLong("memory_mb_used")).isEqualTo(capacity * 16);
      JsonObject usage = f.call(token, HttpMethod.GET, "/limits", null).bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
      assertThat(usage.getLong("totalInstancesUsed")).as("ERROR instances hold quota until deleted, as in Nova").isEqualTo(boots);

      // delete everything: allocations and quota come back to zero exactly
      for (Object s : servers) {
        f.call(token, HttpMethod.DELETE, "/servers/" + ((JsonObject) s).getString("id"), null);
      }
      deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline
        && !f.call(token, HttpMethod.GET, "/servers", null).bodyAsJsonObject().getJsonArray("servers").isEmpty()) {
        Thread.sleep(100);
      }
      host = f.call(admin, HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject().getJsonArray("hypervisors").getJsonObject(0);
      assertThat(host.getLong("vcpus_used")).isZero();
      assertThat(host.getLong("memory_mb_used")).isZero();
      usage = f.call(token, HttpMethod.GET, "/limits", null).bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
      assertThat(usage.getLong("totalInstancesUsed")).isZero();
      assertThat(usage.getLong("totalCoresUsed")).isZero();
      assertThat(usage.getLong("totalRAMUsed")).isZero();
    }
  }
}
