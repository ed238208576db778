package org.vertstack.compute;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata API as Neutron's metadata proxy calls it: a request signed with the shared secret
 * (kept in the state directory, made at the first start) gets the server's metadata, user data
 * and EC2 tree, the config drive's content; an unsigned or mis-signed one is a 403; another
 * project's instance (the proxy naming the wrong tenant) and an unknown one are 404s.
 */
class MetadataApiTest {

  static ComputeFixture f;
  static String secret;
  static String project;
  static String server;
  static final String USER_DATA = "#cloud-config\nruncmd: [echo metadata-api]\n";

  @BeforeAll
  static void boot() throws Exception {
    TestCloud cloud = TestCloud.shared();
    f = new ComputeFixture(cloud);
    String admin = cloud.adminToken().await();
    f.awaitHost(admin);
    secret = Files.readString(cloud.stateDir().resolve("compute").resolve(MetadataService.SECRET_FILE)).strip();
    assertThat(secret).hasSize(64);
    String image = f.publicImage(admin);
    JsonObject member = cloud.projectWithUser("member").await();
    project = member.getString("project_id");
    String token = member.getString("token");
    assertThat(f.call(token, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", "md-key")))
      .statusCode()).isEqualTo(201);
    JsonObject body = f.serverBody("md-vm", image, "1");
    body.getJsonObject("server").put("key_name", "md-key").put("metadata", new JsonObject().put("role", "web"))
      .put("user_data", Base64.getEncoder().encodeToString(USER_DATA.getBytes(StandardCharsets.UTF_8)));
    var created = f.call(token, HttpMethod.POST, "/servers", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    server = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    f.awaitStatus(token, server, "ACTIVE");
  }

  static String sign(String key, String id) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
  }

  static HttpResponse<Buffer> get(String path, String instance, String tenant, String signature) {
    var req = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/metadata" + path);
    if (instance != null) {
      req.putHeader("X-Instance-ID", instance);
    }
    if (tenant != null) {
      req.putHeader("X-Tenant-ID", tenant);
    }
    if (signature != null) {
      req.putHeader("X-Instance-ID-Signature", signature);
    }
    return req.send().await();
  }

  static HttpResponse<Buffer> signed(String path) throws Exception {
    return get(path, server, project, sign(secret, server));
  }

  @Test
  void aSignedRequestGetsTheServersMetadataAndUserData() throws Exception {
    var meta = signed("/openstack/latest/meta_data.json");
    assertThat(meta.statusCode()).as(meta.bodyAsString()).isEqualTo(200);
    JsonObject m = meta.bodyAsJsonObject();
    assertThat(m.getString("uuid")).isEqualTo(server);
    assertThat(m.getString("name")).isEqualTo("md-vm");
    assertThat(m.getString("project_id")).isEqualTo(project);
    assertThat(m.getJsonObject("meta")).isEqualTo(new JsonObject().put("role", "web"));
    assertThat(m.getJsonObject("public_keys").getString("md-key")).startsWith("ssh-");
    assertThat(signed("/openstack/2012-08-10/meta_data.json").bodyAsJsonObject().containsKey("project_id"))
      .as("each version as Nova serves it").isFalse();
    assertThat(signed("/openstack/latest/user_data").bodyAsString()).isEqualTo(USER_DATA);
    assertThat(signed("/openstack/latest/network_data.json").bodyAsJsonObject().getJsonArray("networks")).isEmpty();
    assertThat(signed("/openstack/2015-10-15/vendor_data.json").bodyAsJsonObject()).isEmpty();
    assertThat(signed("/openstack/2013-04-04/network_data.json").statusCode()).as("before its version").isEqualTo(404);
    assertThat(signed("/openstack").bodyAsString().lines()).startsWith("2012-08-10").endsWith("latest");
    assertThat(signed("/openstack/latest").bodyAsString().lines())
      .contains("meta_data.json", "user_data", "network_data.json", "vendor_data.json", "vendor_data2.json");
    assertThat(signed("/openstack/1999-01-01/meta_data.json").statusCode()).isEqualTo(404);

    // the EC2 flavour
    assertThat(get("", null, null, null).bodyAsString().lines()).contains("1.0", "2009-04-04", "latest");
    assertThat(signed("/latest").bodyAsString()).isEqualTo("meta-data/\nuser-data");
    assertThat(signed("/latest/user-data").bodyAsString()).isEqualTo(USER_DATA);
    assertThat(signed("/2009-04-04/meta-data/").bodyAsString().lines())
      .contains("ami-id", "instance-id", "hostname", "placement/", "public-keys/", "security-groups");
    assertThat(signed("/latest/meta-data/hostname").bodyAsString()).isEqualTo("md-vm.novalocal");
    assertThat(signed("/latest/meta-data/placement/availability-zone").bodyAsString()).isEqualTo("nova");
    assertThat(signed("/latest/meta-data/public-keys/").bodyAsString()).isEqualTo("0=md-key");
    assertThat(signed("/latest/meta-data/public-keys/0/openssh-key").bodyAsString()).startsWith("ssh-");
    assertThat(signed("/latest/meta-data/no-such-thing").statusCode()).isEqualTo(404);
  }

  @Test
  void unsignedOrMisSignedIsA403AndAnotherProjectsInstanceA404() throws Exception {
    String path = "/openstack/latest/meta_data.json";
    assertThat(get(path, server, project, null).statusCode()).as("unsigned").isEqualTo(403);
    assertThat(get(path, null, project, null).statusCode()).as("no instance named").isEqualTo(403);
    assertThat(get(path, server, project, sign("another secret", server)).statusCode()).as("another secret").isEqualTo(403);
    assertThat(get(path, server, project, sign(secret, server + "x")).statusCode()).as("another id's signature").isEqualTo(403);
    var forbidden = get(path, server, project, "00");
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.bodyAsString()).doesNotContain("md-vm");
    // the proxy names another project than the instance's
    JsonObject other = f.cloud.projectWithUser("member").await();
    var wrongTenant = get(path, server, other.getString("project_id"), sign(secret, server));
    assertThat(wrongTenant.statusCode()).isEqualTo(404);
    assertThat(wrongTenant.bodyAsString()).doesNotContain("md-vm");
    String unknown = java.util.UUID.randomUUID().toString();
    assertThat(get(path, unknown, project, sign(secret, unknown)).statusCode()).isEqualTo(404);
    assertThat(get("/latest/user-data", server, other.getString("project_id"), sign(secret, server)).statusCode()).isEqualTo(404);
  }
}
