package org.vertstack.compute;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The config drive's files: Nova's layout, each file from the metadata version that brought it. */
class ConfigDriveTest {

  private static JsonObject facts() {
    return new JsonObject().put("instance_id", "0c3f9a3e-1111-4222-8333-444455556666").put("name", "web 1")
      .put("hostname", "web-1.novalocal").put("project_id", "p1").put("availability_zone", "zone-a").put("launch_index", 2)
      .put("reservation_id", "r-abc").put("flavor_name", "m1.tiny").put("image_id", "9d0e0f10-aaaa-4bbb-8ccc-dddddddddddd")
      .put("key_name", "mykey").put("key_data", "ssh-ed25519 AAAA me@example").put("metadata", new JsonObject().put("role", "web"))
      .put("user_data", Base64.getEncoder().encodeToString("#cloud-config\nruncmd: [true]\n".getBytes(StandardCharsets.UTF_8)))
      .put("ephemeral_gb", 1L).put("swap_mb", 64L);
  }

  private static JsonObject json(Map<String, byte[]> files, String path) {
    assertThat(files).containsKey(path);
    return new JsonObject(new String(files.get(path), StandardCharsets.UTF_8));
  }

  @Test
  void latestHoldsEverythingAGuestReads() {
    Map<String, byte[]> files = ConfigDrive.files(facts());
    JsonObject meta = json(files, "openstack/latest/meta_data.json");
    assertThat(meta.getString("uuid")).isEqualTo("0c3f9a3e-1111-4222-8333-444455556666");
    assertThat(meta.getString("name")).isEqualTo("web 1");
    assertThat(meta.getString("hostname")).isEqualTo("web-1.novalocal");
    assertThat(meta.getString("project_id")).isEqualTo("p1");
    assertThat(meta.getString("availability_zone")).isEqualTo("zone-a");
    assertThat(meta.getInteger("launch_index")).isEqualTo(2);
    assertThat(meta.getJsonObject("meta")).isEqualTo(new JsonObject().put("role", "web"));
    assertThat(meta.getJsonObject("public_keys")).isEqualTo(new JsonObject().put("mykey", "ssh-ed25519 AAAA me@example"));
    assertThat(meta.getJsonArray("keys").getJsonObject(0)).isEqualTo(new JsonObject().put("name", "mykey").put("type", "ssh")
      .put("data", "ssh-ed25519 AAAA me@example"));
    assertThat(Base64.getDecoder().decode(meta.getString("random_seed"))).hasSize(512);
    assertThat(meta.getJsonArray("devices")).isEmpty();
    assertThat(new String(files.get("openstack/latest/user_data"), StandardCharsets.UTF_8)).isEqualTo("#cloud-config\nruncmd: [true]\n");
    JsonObject network = json(files, "openstack/latest/network_data.json");
    assertThat(network.getJsonArray("links")).isEmpty();
    assertThat(network.getJsonArray("networks")).isEmpty();
    assertThat(json(files, "openstack/latest/vendor_data.json")).isEmpty();
    assertThat(json(files, "openstack/latest/vendor_data2.json")).isEmpty();
  }

  @Test
  void datedVersionsHaveOnlyWhatTheirVersionKnew() {
    Map<String, byte[]> files = ConfigDrive.files(facts());
    for (String v : ConfigDrive.VERSIONS) {
      assertThat(files).containsKey("openstack/" + v + "/meta_data.json").containsKey("openstack/" + v + "/user_data");
    }
    JsonObject folsom = json(files, "openstack/2012-08-10/meta_data.json");
    assertThat(folsom.fieldNames()).doesNotContain("keys", "random_seed", "project_id", "devices").contains("public_keys", "uuid");
    assertThat(files).doesNotContainKeys("openstack/2012-08-10/vendor_data.json", "openstack/2013-10-17/network_data.json",
      "openstack/2015-10-15/vendor_data2.json");
    assertThat(files).containsKeys("openstack/2013-10-17/vendor_data.json", "openstack/2015-10-15/network_data.json",
      "openstack/2016-10-06/vendor_data2.json");
    assertThat(json(files, "openstack/2015-10-15/meta_data.json").fieldNames()).contains("keys", "project_id").doesNotContain("devices");
  }

  @Test
  void ec2FlavourAndAServerWithoutKeyOrUserData() {
    JsonObject ec2 = json(ConfigDrive.files(facts()), "ec2/latest/meta-data.json");
    assertThat(ec2.getString("instance-id")).isEqualTo("i-0c3f9a3e");
    assertThat(ec2.getString("ami-id")).isEqualTo("ami-9d0e0f10");
    assertThat(ec2.getJsonObject("placement").getString("availability-zone")).isEqualTo("zone-a");
    assertThat(ec2.getJsonObject("block-device-mapping")).isEqualTo(new JsonObject().put("ami", "vda").put("root", "/dev/vda")
      .put("ephemeral0", "vdb").put("swap", "vdc"));
    assertThat(ec2.getJsonObject("public-keys").getJsonObject("0").getString("openssh-key")).isEqualTo("ssh-ed25519 AAAA me@example");

    JsonObject bare = facts();
    bare.remove("key_name");
    bare.remove("key_data");
    bare.remove("user_data");
    bare.put("metadata", new JsonObject());
    Map<String, byte[]> files = ConfigDrive.files(bare);
    assertThat(files.keySet()).noneMatch(p -> p.endsWith("user_data") || p.endsWith("user-data"));
    assertThat(json(files, "openstack/latest/meta_data.json").fieldNames()).doesNotContain("public_keys", "keys", "meta");
    assertThat(files).containsKey("ec2/2009-04-04/meta-data.json");
  }
}
