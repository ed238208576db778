package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** os-flavor-extra-specs and private flavors with os-flavor-access, as Nova's API reference writes them. */
class FlavorAccessTest {

  static ComputeFixture f;
  static String admin;
  static String token;
  static String project;

  @BeforeAll
  static void setUp() throws Exception {
    f = new ComputeFixture(TestCloud.shared());
    admin = f.cloud.adminToken().await();
    JsonObject user = f.cloud.projectWithUser("member").await();
    token = user.getString("token");
    project = user.getString("project_id");
  }

  private static String flavor(boolean isPublic) {
    var resp = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", TestCloud.unique("fa")).put("ram", 64).put("vcpus", 1).put("disk", 0).put("os-flavor-access:is_public", isPublic)));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    assertThat(resp.bodyAsJsonObject().getJsonObject("flavor").getBoolean("os-flavor-access:is_public")).isEqualTo(isPublic);
    return resp.bodyAsJsonObject().getJsonObject("flavor").getString("id");
  }

  private static JsonArray listed(String token, String query) {
    var resp = f.call(token, HttpMethod.GET, "/flavors" + query, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return ComputeFixture.ids(resp.bodyAsJsonObject().getJsonArray("flavors"));
  }

  private static JsonObject access(String id, String action, String tenant, int status) {
    var resp = f.call(admin, HttpMethod.POST, "/flavors/" + id + "/action",
      new JsonObject().put(action, new JsonObject().put("tenant", tenant)));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    return resp.bodyAsJsonObject();
  }

  @Test
  void aPrivateFlavorExistsOnlyForTheProjectsGivenAccess() {
    String id = flavor(false);
    String shared = flavor(true);
    // invisible and unusable without access
    assertThat(f.call(token, HttpMethod.GET, "/flavors/" + id, null).statusCode()).isEqualTo(404);
    assertThat(f.call(token, HttpMethod.GET, "/flavors/" + id + "/os-extra_specs", null).statusCode()).isEqualTo(404);
    assertThat(listed(token, "/detail")).doesNotContain(id).contains(shared);
    assertThat(listed(token, "?is_public=false")).doesNotContain(id);
    String image = f.publicImage(admin);
    var refused = f.call(token, HttpMethod.POST, "/servers", f.serverBody("p", image, id));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);

    // the access list: the admin's, of private flavors only
    var list = f.call(admin, HttpMethod.GET, "/flavors/" + id + "/os-flavor-access", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("flavor_access")).isEmpty();
    assertThat(f.call(token, HttpMethod.GET, "/flavors/" + id + "/os-flavor-access", null).statusCode()).isEqualTo(403);
    assertThat(f.call(admin, HttpMethod.GET, "/flavors/" + shared + "/os-flavor-access", null).statusCode()).isEqualTo(404);
    access(shared, "addTenantAccess", project, 409);

    JsonArray granted = access(id, "addTenantAccess", project, 200).getJsonArray("flavor_access");
    assertThat(granted).containsExactly(new JsonObject().put("flavor_id", id).put("tenant_id", project));
    access(id, "addTenantAccess", project, 409);
    assertThat(f.call(token, HttpMethod.POST, "/flavors/" + id + "/action", new JsonObject()
      .put("removeTenantAccess", new JsonObject().put("tenant", project))).statusCode()).isEqualTo(403);
    assertThat(f.call(token, HttpMethod.GET, "/flavors/" + id, null).statusCode()).isEqualTo(200);
    assertThat(listed(token, "")).contains(id, shared);
    var booted = f.call(token, HttpMethod.POST, "/servers", f.serverBody("p", image, id));
    assertThat(booted.statusCode()).as(booted.bodyAsString()).isEqualTo(202);
    f.call(token, HttpMethod.DELETE, "/servers/" + booted.bodyAsJsonObject().getJsonObject("server").getString("id"), null);

    assertThat(access(id, "removeTenantAccess", project, 200).getJsonArray("flavor_access")).isEmpty();
    access(id, "removeTenantAccess", project, 404);
    assertThat(f.call(token, HttpMethod.GET, "/flavors/" + id, null).statusCode()).isEqualTo(404);
    assertThat(f.call(admin, HttpMethod.POST, "/flavors/" + id + "/action", new JsonObject().put("bogus", new JsonObject()))
      .statusCode()).isEqualTo(400);

    // the admin's is_public filter: public only by default, private ones with false, all with none
    assertThat(listed(admin, "")).contains(shared).doesNotContain(id);
    assertThat(listed(admin, "?is_public=false")).contains(id).doesNotContain(shared);
    assertThat(listed(admin, "?is_public=none")).contains(id, shared);
    assertThat(f.call(admin, HttpMethod.GET, "/flavors/" + id, null).statusCode()).isEqualTo(200);
  }

  @Test
  void extraSpecsAreTheAdminsToWriteAndEveryonesToRead() {
    String id = flavor(true);
    String base = "/flavors/" + id + "/os-extra_specs";
    var created = f.call(admin, HttpMethod.POST, base, new JsonObject().put("extra_specs",
      new JsonObject().put("hw:cpu_policy", "dedicated").put("k2", "v2")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    assertThat(created.bodyAsJsonObject()).isEqualTo(new JsonObject().put("extra_specs",
      new JsonObject().put("hw:cpu_policy", "dedicated").put("k2", "v2")));
    assertThat(f.call(token, HttpMethod.POST, base, new JsonObject().put("extra_specs", new JsonObject().put("k", "v")))
      .statusCode()).isEqualTo(403);

    var all = f.call(token, HttpMethod.GET, base, null);
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.bodyAsJsonObject().getJsonObject("extra_specs").getMap()).containsOnlyKeys("hw:cpu_policy", "k2");
    var one = f.call(token, HttpMethod.GET, base + "/hw:cpu_policy", null);
    assertThat(one.bodyAsJsonObject()).isEqualTo(new JsonObject().put("hw:cpu_policy", "dedicated"));

    var updated = f.call(admin, HttpMethod.PUT, base + "/k2", new JsonObject().put("k2", "v3"));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject()).isEqualTo(new JsonObject().put("k2", "v3"));
    assertThat(f.call(admin, HttpMethod.PUT, base + "/k2", new JsonObject().put("k3", "x")).statusCode()).isEqualTo(400);
    assertThat(f.call(admin, HttpMethod.PUT, base + "/k2", new JsonObject().put("k2", "x").put("k3", "y")).statusCode())
      .isEqualTo(400);
    assertThat(f.call(token, HttpMethod.PUT, base + "/k2", new JsonObject().put("k2", "x")).statusCode()).isEqualTo(403);

    // a flavor shows its extra specs from 2.61
    JsonObject shown = f.call(token, HttpMethod.GET, "/flavors/" + id, null).bodyAsJsonObject().getJsonObject("flavor");
    assertThat(shown.getJsonObject("extra_specs")).isEqualTo(new JsonObject().put("hw:cpu_policy", "dedicated").put("k2", "v3"));

    assertThat(f.call(token, HttpMethod.DELETE, base + "/k2", null).statusCode()).isEqualTo(403);
    assertThat(f.call(admin, HttpMethod.DELETE, base + "/k2", null).statusCode()).isEqualTo(200);
    assertThat(f.call(admin, HttpMethod.DELETE, base + "/k2", null).statusCode()).isEqualTo(404);
    assertThat(f.call(token, HttpMethod.GET, base + "/k2", null).statusCode()).isEqualTo(404);
    assertThat(f.call(admin, HttpMethod.GET, "/flavors/no-such-flavor/os-extra_specs", null).statusCode()).isEqualTo(404);
    assertThat(f.call(admin, HttpMethod.POST, base, new JsonObject().put("extra_specs", new JsonObject().put("k", new JsonObject())))
      .statusCode()).isEqualTo(400);
  }

  /** The keys that shape a guest (CPU topology, cputune, iotune) take only values libvirt accepts; nothing is stored otherwise. */
  @Test
  void guestShapingExtraSpecsRefuseValuesLibvirtWouldNot() {
    String base = "/flavors/" + flavor(true) + "/os-extra_specs";
    var good = f.call(admin, HttpMethod.POST, base, new JsonObject().put("extra_specs", new JsonObject()
      .put("hw:cpu_sockets", "2").put("quota:cpu_quota", -1).put("quota:disk_read_iops_sec", "500")));
    assertThat(good.statusCode()).as(good.bodyAsString()).isEqualTo(200);
    for (var bad : java.util.List.of(new JsonObject().put("hw:cpu_cores", "0"), new JsonObject().put("hw:cpu_threads", "two"),
        new JsonObject().put("quota:cpu_period", "10"), new JsonObject().put("quota:cpu_shares", "-1"),
        new JsonObject().put("quota:disk_total_bytes_sec", "1.5"), new JsonObject().put("k", "v").put("quota:cpu_quota", "-7"))) {
      var refused = f.call(admin, HttpMethod.POST, base, new JsonObject().put("extra_specs", bad));
      assertThat(refused.statusCode()).as(bad.encode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains("must be an integer");
    }
    assertThat(f.call(admin, HttpMethod.PUT, base + "/hw:cpu_sockets", new JsonObject().put("hw:cpu_sockets", "x")).statusCode())
      .isEqualTo(400);
    assertThat(f.call(admin, HttpMethod.GET, base, null).bodyAsJsonObject().getJsonObject("extra_specs").getMap())
      .containsOnly(java.util.Map.entry("hw:cpu_sockets", "2"), java.util.Map.entry("quota:cpu_quota", "-1"),
        java.util.Map.entry("quota:disk_read_iops_sec", "500"));
  }
}
