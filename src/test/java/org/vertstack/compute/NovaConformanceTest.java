package org.vertstack.compute;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers shaped as Nova's, each found wrong by Tempest's tempest.api.compute (whose response
 * schemas forbid extra fields): one test per fix, at the microversions where Nova differs.
 */
class NovaConformanceTest extends SharedCloudComputeTest {

  @Test
  void keypairOwnerIsInCreateAndShowButNotInList() {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    var created = call(token, "2.10", HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "k")));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getJsonObject("keypair").getString("user_id")).isNotBlank();
    var created21 = call(token, "2.1", HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "k2")));
    assertThat(created21.bodyAsJsonObject().getJsonObject("keypair").containsKey("user_id")).isTrue();
    JsonObject shown = call(token, "2.1", HttpMethod.GET, "/os-keypairs/k", null).bodyAsJsonObject().getJsonObject("keypair");
    assertThat(shown.getString("user_id")).isNotBlank();
    JsonArray listed = call(token, "2.10", HttpMethod.GET, "/os-keypairs", null).bodyAsJsonObject().getJsonArray("keypairs");
    assertThat(listed).hasSize(2);
    assertThat(listed.getJsonObject(0).getJsonObject("keypair").containsKey("user_id")).isFalse();
  }

  @Test
  void updateAnswersWithoutExtendedAttributesBefore275() throws Exception {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    String id = f.boot(token, "upd", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    JsonObject old = call(token, "2.1", HttpMethod.PUT, "/servers/" + id, new JsonObject().put("server", new JsonObject().put("name", "a")))
      .bodyAsJsonObject().getJsonObject("server");
    assertThat(old.getString("name")).isEqualTo("a");
    assertThat(old.fieldNames()).doesNotContain("OS-EXT-STS:vm_state", "OS-EXT-AZ:availability_zone", "key_name", "config_drive",
      "OS-SRV-USG:launched_at", "os-extended-volumes:volumes_attached");
    JsonObject now = call(token, "2.75", HttpMethod.PUT, "/servers/" + id, new JsonObject().put("server", new JsonObject().put("name", "b")))
      .bodyAsJsonObject().getJsonObject("server");
    assertThat(now.fieldNames()).contains("OS-EXT-STS:vm_state", "OS-EXT-AZ:availability_zone", "key_name");
  }

  @Test
  void quotaUpdateAnswersWithoutIdAndTakesTheOldKeysOnlyAtOldVersions() {
    JsonObject project = f.cloud.projectWithUser("member").await();
    String path = "/os-quota-sets/" + project.getString("project_id");
    var legacy = call(admin, "2.1", HttpMethod.PUT, path, new JsonObject().put("quota_set", new JsonObject()
      .put("instances", 7).put("fixed_ips", 10).put("security_groups", 3).put("injected_files", 2)));
    assertThat(legacy.statusCode()).as(legacy.bodyAsString()).isEqualTo(200);
    JsonObject set = legacy.bodyAsJsonObject().getJsonObject("quota_set");
    assertThat(set.containsKey("id")).isFalse();
    assertThat(set.getLong("instances")).isEqualTo(7L);
    assertThat(call(admin, "2.1", HttpMethod.GET, path, null).bodyAsJsonObject().getJsonObject("quota_set").getString("id"))
      .isEqualTo(project.getString("project_id"));
    assertThat(call(admin, "2.36", HttpMethod.PUT, path, new JsonObject().put("quota_set", new JsonObject().put("fixed_ips", 10)))
      .statusCode()).isEqualTo(400);
    assertThat(call(admin, "2.57", HttpMethod.PUT, path, new JsonObject().put("quota_set", new JsonObject().put("injected_files", 2)))
      .statusCode()).isEqualTo(400);
  }

  @Test
  void computeRequestIdNamesTheCreateAction() throws Exception {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    var created = call(token, "2.1", HttpMethod.POST, "/servers", f.serverBody("rid", image, "42"));
    assertThat(created.statusCode()).isEqualTo(202);
    String requestId = created.getHeader("x-compute-request-id");
    assertThat(requestId).startsWith("req-").isEqualTo(created.getHeader("X-Openstack-Request-Id"));
    String id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    f.awaitStatus(token, id, "ACTIVE");
    var action = call(token, "2.21", HttpMethod.GET, "/servers/" + id + "/os-instance-actions/" + requestId, null);
    assertThat(action.statusCode()).as(action.bodyAsString()).isEqualTo(200);
    JsonObject a = action.bodyAsJsonObject().getJsonObject("instanceAction");
    assertThat(a.getString("action")).isEqualTo("create");
    assertThat(a.containsKey("updated_at")).as("updated_at only from 2.58").isFalse();
    assertThat(call(token, "2.58", HttpMethod.GET, "/servers/" + id + "/os-instance-actions", null).bodyAsJsonObject()
      .getJsonArray("instanceActions").getJsonObject(0).containsKey("updated_at")).isTrue();
  }

  @Test
  void hypervisorCpuInfoStatisticsAndServers() throws Exception {
    Object old = call(admin, "2.27", HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject().getJsonArray("hypervisors")
      .getJsonObject(0).getValue("cpu_info");
    assertThat(old).isInstanceOf(String.class);
    JsonObject hv = call(admin, "2.28", HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject().getJsonArray("hypervisors")
      .getJsonObject(0);
    assertThat(hv.getValue("cpu_info")).isInstanceOf(JsonObject.class);

    var stats = call(admin, "2.1", HttpMethod.GET, "/os-hypervisors/statistics", null);
    assertThat(stats.statusCode()).as(stats.bodyAsString()).isEqualTo(200);
    JsonObject s = stats.bodyAsJsonObject().getJsonObject("hypervisor_statistics");
    assertThat(s.getInteger("count")).isGreaterThanOrEqualTo(1);
    assertThat(s.getLong("vcpus")).isGreaterThanOrEqualTo(hv.getLong("vcpus"));

    JsonObject user = f.cloud.projectWithUser("member").await();
    String id = f.boot(user.getString("token"), "on-host", image, "42");
    f.awaitStatus(user.getString("token"), id, "ACTIVE");
    String host = hv.getString("hypervisor_hostname");
    var servers = call(admin, "2.52", HttpMethod.GET, "/os-hypervisors/" + host + "/servers", null);
    assertThat(servers.statusCode()).as(servers.bodyAsString()).isEqualTo(200);
    assertThat(servers.bodyAsJsonObject().getJsonArray("hypervisors").getJsonObject(0).getJsonArray("servers").stream()
      .map(o -> ((JsonObject) o).getString("uuid"))).contains(id);
    assertThat(call(user.getString("token"), "2.52", HttpMethod.GET, "/os-hypervisors/" + host + "/servers", null).statusCode())
      .isEqualTo(403);
    assertThat(call(user.getString("token"), "2.1", HttpMethod.GET, "/os-hypervisors/statistics", null).statusCode()).isEqualTo(403);
  }

  @Test
  void servicesFilterByBinaryAndHost() {
    JsonArray all = call(admin, "2.1", HttpMethod.GET, "/os-services", null).bodyAsJsonObject().getJsonArray("services");
    assertThat(all.size()).isGreaterThanOrEqualTo(3);
    JsonArray compute = call(admin, "2.1", HttpMethod.GET, "/os-services?binary=nova-compute", null).bodyAsJsonObject()
      .getJsonArray("services");
    assertThat(compute).isNotEmpty();
    assertThat(compute.stream().map(o -> ((JsonObject) o).getString("binary"))).containsOnly("nova-compute");
    assertThat(call(admin, "2.1", HttpMethod.GET, "/os-services?binary=nova-compute&host=no-such-host", null).bodyAsJsonObject()
      .getJsonArray("services")).isEmpty();
  }

  @Test
  void availabilityZoneDetailIsForAdmins() {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    assertThat(call(token, "2.1", HttpMethod.GET, "/os-availability-zone", null).statusCode()).isEqualTo(200);
    assertThat(call(token, "2.1", HttpMethod.GET, "/os-availability-zone/detail", null).statusCode()).isEqualTo(403);
    assertThat(call(admin, "2.1", HttpMethod.GET, "/os-availability-zone/detail", null).statusCode()).isEqualTo(200);
  }

  @Test
  void createEchoesAdminPassAndRefusesBadAccessIpsAndUnknownSecurityGroups() {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    JsonObject body = f.serverBody("pw", image, "42");
    body.getJsonObject("server").put("adminPass", "testpassword");
    var created = call(token, "2.1", HttpMethod.POST, "/servers", body);
    assertThat(created.statusCode()).isEqualTo(202);
    assertThat(created.bodyAsJsonObject().getJsonObject("server").getString("adminPass")).isEqualTo("testpassword");

    for (var bad : new JsonObject[] {new JsonObject().put("accessIPv4", "1.1.1.1.1.1"), new JsonObject().put("accessIPv6", "notvalid"),
      new JsonObject().put("accessIPv6", "1.2.3.4"), new JsonObject().put("security_groups", new JsonArray().add(new JsonObject().put("name", "nope")))}) {
      JsonObject b = f.serverBody("bad", image, "42");
      b.getJsonObject("server").mergeIn(bad);
      var resp = call(token, "2.1", HttpMethod.POST, "/servers", b);
      assertThat(resp.statusCode()).as(bad + " " + resp.bodyAsString()).isEqualTo(400);
    }
    JsonObject good = f.serverBody("good-ip", image, "42");
    good.getJsonObject("server").put("accessIPv4", "1.1.1.1").put("accessIPv6", "2001:2001::3")
      .put("security_groups", new JsonArray().add(new JsonObject().put("name", "default")));
    assertThat(call(token, "2.1", HttpMethod.POST, "/servers", good).statusCode()).isEqualTo(202);
  }

  @Test
  void unsupportedActionOnAMissingServerIsNotFound() {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    var resp = call(token, "2.1", HttpMethod.POST, "/servers/" + java.util.UUID.randomUUID() + "/action",
      new JsonObject().put("migrate", (Object) null));
    assertThat(resp.statusCode()).isEqualTo(404);
  }

  @Test
  void flavorIsPublicTakesNovasBooleanStrings() {
    for (String word : new String[] {"False", "false", "0", "no"}) {
      JsonObject body = new JsonObject().put("flavor", new JsonObject().put("name", TestCloud.unique("pf")).put("ram", 64).put("vcpus", 1)
        .put("disk", 0).put("os-flavor-access:is_public", word));
      var created = call(admin, "2.1", HttpMethod.POST, "/flavors", body);
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
      JsonObject flavor = created.bodyAsJsonObject().getJsonObject("flavor");
      assertThat(flavor.getBoolean("os-flavor-access:is_public")).as(word).isFalse();
      call(admin, "2.1", HttpMethod.DELETE, "/flavors/" + flavor.getString("id"), null);
    }
    var bad = call(admin, "2.1", HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", TestCloud.unique("pf")).put("ram", 64).put("vcpus", 1).put("disk", 0).put("os-flavor-access:is_public", "maybe")));
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void aProjectFilterCountsOnlyWithAllTenants() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String id = f.boot(user.getString("token"), "theirs", image, "42");
    String filter = "/servers/detail?tenant_id=" + user.getString("project_id");
    JsonArray without = call(admin, "2.1", HttpMethod.GET, filter, null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(ComputeFixture.ids(without)).doesNotContain(id);
    JsonArray with = call(admin, "2.1", HttpMethod.GET, filter + "&all_tenants=1", null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(ComputeFixture.ids(with)).contains(id);
  }

  @Test
  void usageOfAnEmptyProjectIdIsNotFound() {
    assertThat(call(admin, "2.1", HttpMethod.GET, "/os-simple-tenant-usage/?start=2026-01-01T00:00:00", null).statusCode())
      .isEqualTo(404);
    assertThat(call(admin, "2.1", HttpMethod.GET, "/os-simple-tenant-usage?start=2026-01-01T00:00:00", null).statusCode())
      .isEqualTo(200);
  }

  @Test
  void serverPasswordIsEmptyAndItsOwnersMayClearIt() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    String id = f.boot(token, "pw", image, "42");
    var shown = call(token, "2.1", HttpMethod.GET, "/servers/" + id + "/os-server-password", null);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.bodyAsJsonObject().getString("password")).isEmpty();
    assertThat(call(token, "2.1", HttpMethod.DELETE, "/servers/" + id + "/os-server-password", null).statusCode()).isEqualTo(204);
    String other = f.cloud.projectWithUser("member").await().getString("token");
    assertThat(call(other, "2.1", HttpMethod.GET, "/servers/" + id + "/os-server-password", null).statusCode()).isEqualTo(404);
    assertThat(call(other, "2.1", HttpMethod.DELETE, "/servers/" + id + "/os-server-password", null).statusCode()).isEqualTo(404);
  }
}
