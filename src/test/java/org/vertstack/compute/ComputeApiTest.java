package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** The Nova API end to end on the test driver: versions, flavors, key pairs, the server lifecycle. */
class ComputeApiTest extends SharedCloudComputeTest {

  @Test
  void versionDocumentsAndMicroversions() {
    var root = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/").send().await();
    assertThat(root.statusCode()).isEqualTo(200);
    JsonArray versions = root.bodyAsJsonObject().getJsonArray("versions");
    assertThat(versions.getJsonObject(0).getString("id")).as("Nova lists v2.0 first").isEqualTo("v2.0");
    var v20 = f.cloud.http().getAbs(versions.getJsonObject(0).getJsonArray("links").getJsonObject(0).getString("href")).send().await();
    assertThat(v20.statusCode()).as("each version's self link answers").isEqualTo(200);
    assertThat(v20.bodyAsJsonObject().getJsonObject("version").getString("id")).isEqualTo("v2.0");
    JsonObject v = versions.getJsonObject(1);
    assertThat(v.getString("id")).isEqualTo("v2.1");
    assertThat(v.getString("version")).isEqualTo("2.79");
    assertThat(v.getString("min_version")).isEqualTo("2.1");
    var v21 = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/v2.1").send().await();
    assertThat(v21.bodyAsJsonObject().getJsonObject("version").getString("version")).isEqualTo("2.79");

    var flavors = f.call(admin, HttpMethod.GET, "/flavors", null);
    assertThat(flavors.getHeader("OpenStack-API-Version")).isEqualTo("compute 2.79");
    var legacy = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/v2.1/flavors").putHeader("X-Auth-Token", admin)
      .putHeader("X-OpenStack-Nova-API-Version", "2.30").send().await();
    assertThat(legacy.getHeader("X-OpenStack-Nova-API-Version")).isEqualTo("2.30");
    var plain = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/v2.1/flavors").putHeader("X-Auth-Token", admin).send().await();
    assertThat(plain.getHeader("OpenStack-API-Version")).isEqualTo("compute 2.1");
    var tooNew = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/v2.1/flavors").putHeader("X-Auth-Token", admin)
      .putHeader("OpenStack-API-Version", "compute 2.200").send().await();
    assertThat(tooNew.statusCode()).isEqualTo(406);
    var noToken = f.call(null, HttpMethod.GET, "/servers", null);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.bodyAsJsonObject().getJsonObject("unauthorized").getInteger("code")).isEqualTo(401);
  }

  @Test
  void flavorsAreSeededAndAdminsManageThem() {
    JsonArray list = f.call(admin, HttpMethod.GET, "/flavors/detail", null).bodyAsJsonObject().getJsonArray("flavors");
    assertThat(list.stream().map(o -> ((JsonObject) o).getString("name"))).contains("m1.nano", "m1.tiny", "m1.small");
    JsonObject tiny = f.call(admin, HttpMethod.GET, "/flavors/1", null).bodyAsJsonObject().getJsonObject("flavor");
    assertThat(tiny.getInteger("ram")).isEqualTo(512);
    assertThat(tiny.getInteger("vcpus")).isEqualTo(1);

    JsonObject member = f.cloud.projectWithUser("member").await();
    String name = TestCloud.unique("flv");
    JsonObject body = new JsonObject().put("flavor", new JsonObject().put("name", name).put("ram", 64).put("vcpus", 1).put("disk", 0));
    assertThat(f.call(member.getString("token"), HttpMethod.POST, "/flavors", body).statusCode()).isEqualTo(403);
    var created = f.call(admin, HttpMethod.POST, "/flavors", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getJsonObject("flavor").getString("id");
    assertThat(f.call(admin, HttpMethod.POST, "/flavors", body).statusCode()).isEqualTo(409);
    assertThat(f.call(member.getString("token"), HttpMethod.GET, "/flavors/" + id, null).statusCode()).isEqualTo(200);
    assertThat(f.call(admin, HttpMethod.DELETE, "/flavors/" + id, null).statusCode()).isEqualTo(202);
    assertThat(f.call(admin, HttpMethod.GET, "/flavors/" + id, null).statusCode()).isEqualTo(404);
    var bad = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject().put("name", "x").put("ram", "lots").put("vcpus", 1).put("disk", 0)));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains("ram");
  }

  @Test
  void keypairsAreGeneratedOrImportedPerUser() {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    var gen = f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "gen")));
    assertThat(gen.statusCode()).as(gen.bodyAsString()).isEqualTo(201);
    JsonObject k = gen.bodyAsJsonObject().getJsonObject("keypair");
    assertThat(k.getString("public_key")).startsWith("ssh-rsa AAAAB3NzaC1yc2E");
    assertThat(k.getString("private_key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(k.getString("fingerprint")).matches("([0-9a-f]{2}:){15}[0-9a-f]{2}");

    String pub = k.getString("public_key");
    var imported = f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "imp").put("public_key", pub)));
    assertThat(imported.statusCode()).isEqualTo(201);
    assertThat(imported.bodyAsJsonObject().getJsonObject("keypair").getString("fingerprint")).isEqualTo(k.getString("fingerprint"));
    assertThat(imported.bodyAsJsonObject().getJsonObject("keypair").containsKey("private_key")).isFalse();
    assertThat(f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "imp").put("public_key", pub))).statusCode()).isEqualTo(409);
    assertThat(f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "junk").put("public_key", "ssh-rsa not-base64!"))).statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.GET, "/os-keypairs", null).bodyAsJsonObject().getJsonArray("keypairs")).hasSize(2);

    JsonObject other = f.cloud.projectWithUser("member").await();
    assertThat(f.call(other.getString("token"), HttpMethod.GET, "/os-keypairs/gen", null).statusCode()).isEqualTo(404);
    assertThat(f.call(other.getString("token"), HttpMethod.GET, "/os-keypairs", null).bodyAsJsonObject().getJsonArray("keypairs")).isEmpty();
    assertThat(f.call(token, HttpMethod.DELETE, "/os-keypairs/gen", null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.GET, "/os-keypairs/gen", null).statusCode()).isEqualTo(404);
  }

  @Test
  void serverBootsToActiveIsListedShownRenamedAndDeleted() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "k1")));
    JsonObject body = f.serverBody("web", image, "42");
    body.getJsonObject("server").put("key_name", "k1").put("metadata", new JsonObject().put("role", "web"))
      .put("user_data", java.util.Base64.getEncoder().encodeToString("#!/bin/sh\necho hi\n".getBytes()));
    // config_drive takes Nova's boolean spellings only
    body.getJsonObject("server").put("config_drive", "maybe");
    assertThat(f.call(token, HttpMethod.POST, "/servers", body).statusCode()).isEqualTo(400);
    body.getJsonObject("server").put("config_drive", "yes");
    var created = f.call(token, HttpMethod.POST, "/servers", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    assertThat(created.getHeader("Location")).endsWith("/compute/v2.1/servers/" + id);

    JsonObject s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getString("OS-EXT-STS:vm_state")).isEqualTo("active");
    assertThat(s.getInteger("OS-EXT-STS:power_state")).isEqualTo(1);
    assertThat(s.getString("key_name")).isEqualTo("k1");
    assertThat(s.getString("config_drive")).isEqualTo("True");
    assertThat(s.getJsonObject("metadata").getString("role")).isEqualTo("web");
    assertThat(s.getJsonObject("flavor").getString("original_name")).isEqualTo("m1.nano");
    assertThat(s.getString("tenant_id")).isEqualTo(user.getString("project_id"));
    assertThat(s.getString("hostId")).isNotEmpty();
    assertThat(s.containsKey("OS-EXT-SRV-ATTR:host")).as("host is for admins only").isFalse();
    assertThat(f.server(admin, id).getString("OS-EXT-SRV-ATTR:host")).startsWith("compute-");

    JsonArray list = f.call(token, HttpMethod.GET, "/servers", null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(ComputeFixture.ids(list)).containsExactly(id);
    JsonArray byName = f.call(token, HttpMethod.GET, "/servers/detail?name=^we", null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(byName).hasSize(1);
    assertThat(f.call(token, HttpMethod.GET, "/servers/detail?status=SHUTOFF", null).bodyAsJsonObject().getJsonArray("servers")).isEmpty();
    assertThat(f.call(token, HttpMethod.GET, "/servers/detail?flavor=42&image=" + image, null).bodyAsJsonObject().getJsonArray("servers")).hasSize(1);
    assertThat(f.call(token, HttpMethod.GET, "/servers?name=(", null).statusCode()).isEqualTo(400);

    var renamed = f.call(token, HttpMethod.PUT, "/servers/" + id, new JsonObject().put("server", new JsonObject().put("name", "web-2")));
    assertThat(renamed.statusCode()).isEqualTo(200);
    assertThat(f.server(token, id).getString("name")).isEqualTo("web-2");

    JsonArray actions = f.call(token, HttpMethod.GET, "/servers/" + id + "/os-instance-actions", null).bodyAsJsonObject().getJsonArray("instanceActions");
    assertThat(actions.getJsonObject(0).getString("action")).isEqualTo("create");

    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
    f.awaitGone(token, id);
    assertThat(f.call(token, HttpMethod.GET, "/servers", null).bodyAsJsonObject().getJsonArray("servers")).isEmpty();
    JsonArray since = f.call(token, HttpMethod.GET, "/servers/detail?changes-since=2000-01-01T00:00:00Z", null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(since.getJsonObject(0).getString("status")).isEqualTo("DELETED");
  }
}
