package org.vertstack.compute;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** os-hosts (to microversion 2.42): the admin's list of hosts by zone and a compute host's resources. */
class OsHostsTest {

  static TestCloud cloud;
  static ComputeFixture f;
  static String admin;
  static String member;

  @BeforeAll
  static void setUp() throws Exception {
    cloud = TestCloud.start(Files.createTempDirectory("vertstack-os-hosts-"), new JsonObject()).await();
    f = new ComputeFixture(cloud);
    admin = cloud.adminToken().await();
    member = cloud.projectWithUser("member").await().getString("token");
    f.awaitHost(admin);
  }

  @AfterAll
  static void tearDown() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static HttpResponse<Buffer> call(String token, String path, String version) {
    return cloud.http().requestAbs(HttpMethod.GET, cloud.baseUrl() + "/compute/v2.1" + path)
      .putHeader("OpenStack-API-Version", "compute " + version).putHeader("X-Auth-Token", token).send().await();
  }

  @Test
  void listsHostsByZoneAndShowsAComputeHostsResources() {
    var list = call(admin, "/os-hosts", "2.42");
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    JsonArray hosts = list.bodyAsJsonObject().getJsonArray("hosts");
    JsonObject compute = hosts.stream().map(JsonObject.class::cast).filter(h -> "compute".equals(h.getString("service")))
      .findFirst().orElseThrow();
    assertThat(compute.getString("zone")).isEqualTo("nova");
    JsonArray inNova = call(admin, "/os-hosts?zone=nova", "2.42").bodyAsJsonObject().getJsonArray("hosts");
    assertThat(inNova.stream().map(h -> ((JsonObject) h).getString("zone"))).containsOnly("nova");
    assertThat(call(admin, "/os-hosts?zone=no-such-zone", "2.42").bodyAsJsonObject().getJsonArray("hosts")).isEmpty();

    String name = compute.getString("host_name");
    var shown = call(admin, "/os-hosts/" + name, "2.42");
    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
    JsonArray resources = shown.bodyAsJsonObject().getJsonArray("host");
    assertThat(resources.size()).isGreaterThanOrEqualTo(3);
    JsonObject total = resources.getJsonObject(0).getJsonObject("resource");
    assertThat(total.fieldNames()).containsExactlyInAnyOrder("host", "project", "cpu", "memory_mb", "disk_gb");
    assertThat(total.getString("host")).isEqualTo(name);
    assertThat(total.getString("project")).isEqualTo("(total)");
    assertThat(total.getInteger("cpu")).isPositive();
  }

  @Test
  void refusesNonAdminsUnknownHostsAndNewMicroversions() {
    assertThat(call(member, "/os-hosts", "2.42").statusCode()).isEqualTo(403);
    var missing = call(admin, "/os-hosts/no-such-host", "2.42");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().containsKey("itemNotFound")).isTrue();
    assertThat(call(admin, "/os-hosts", "2.43").statusCode()).isEqualTo(404);
    assertThat(call(admin, "/os-hosts?zone=", "2.42").bodyAsJsonObject().getJsonArray("hosts")).isNotEmpty();
    assertThat(call(member, "/os-hosts/no-such-host/reboot", "2.42").statusCode()).isEqualTo(403);
    assertThat(call(admin, "/os-hosts/no-such-host/reboot", "2.42").statusCode()).isEqualTo(404);
  }

  @Test
  void updatesAHostsStatusAndRefusesTheRest() {
    String name = f.call(admin, HttpMethod.GET, "/os-hypervisors", null).bodyAsJsonObject().getJsonArray("hypervisors")
      .getJsonObject(0).getString("hypervisor_hostname");
    assertThat(put(admin, name, new JsonObject()).statusCode()).isEqualTo(400);
    assertThat(put(admin, name, new JsonObject().put("status", "bad")).statusCode()).isEqualTo(400);
    assertThat(put(admin, name, new JsonObject().put("maintenance_mode", "bad")).statusCode()).isEqualTo(400);
    assertThat(put(member, name, new JsonObject().put("status", "enable")).statusCode()).isEqualTo(403);
    assertThat(put(admin, "no-such-host", new JsonObject().put("status", "enable")).statusCode()).isEqualTo(404);
    var enabled = put(admin, name, new JsonObject().put("status", "enable"));
    assertThat(enabled.statusCode()).as(enabled.bodyAsString()).isEqualTo(200);
    assertThat(enabled.bodyAsJsonObject()).isEqualTo(new JsonObject().put("host", name).put("status", "enabled"));
    assertThat(call(admin, "/os-hosts/" + name + "/startup", "2.42").statusCode()).isEqualTo(501);
  }

  private static HttpResponse<Buffer> put(String token, String name, JsonObject body) {
    return cloud.http().requestAbs(HttpMethod.PUT, cloud.baseUrl() + "/compute/v2.1/os-hosts/" + name)
      .putHeader("OpenStack-API-Version", "compute 2.42").putHeader("X-Auth-Token", token).sendJsonObject(body).await();
  }
}
