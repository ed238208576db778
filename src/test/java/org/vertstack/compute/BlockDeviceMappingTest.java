package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * block_device_mapping_v2's local entries on the test driver (its domains name the disks a real
 * guest gets, and libvirt's in-process test driver is shared by every connection of the JVM):
 * the image root entry, blank ephemeral disks and a swap entry become disk.eph0, disk.eph1 and
 * disk.swap after the root disk, in order; Nova's checks against the flavor answer its 400s; the
 * local disks are not volumes.
 */
class BlockDeviceMappingTest {

  static ComputeFixture f;
  static String admin;
  static String image;
  /** A flavor with 3 GiB of ephemeral disk and 128 MiB of swap. */
  static String flavor;

  @BeforeAll
  static void cloud() throws Exception {
    f = new ComputeFixture(TestCloud.shared());
    admin = f.cloud.adminToken().await();
    f.awaitHost(admin);
    image = f.publicImage(admin);
    var created = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", TestCloud.unique("bdm")).put("ram", 64).put("vcpus", 1).put("disk", 1)
      .put("OS-FLV-EXT-DATA:ephemeral", 3).put("swap", 128)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    flavor = created.bodyAsJsonObject().getJsonObject("flavor").getString("id");
  }

  private static JsonObject root() {
    return new JsonObject().put("source_type", "image").put("destination_type", "local").put("uuid", image).put("boot_index", 0)
      .put("delete_on_termination", true);
  }

  private static JsonObject blank(Integer size, String format) {
    JsonObject b = new JsonObject().put("source_type", "blank").put("destination_type", "local").put("boot_index", -1);
    if (size != null) {
      b.put("volume_size", size);
    }
    return format == null ? b : b.put("guest_format", format);
  }

  private static JsonObject body(String imageRef, JsonArray mappings) {
    JsonObject body = f.serverBody("bdm-vm", image, flavor);
    if (imageRef == null) {
      body.getJsonObject("server").remove("imageRef");
    } else {
      body.getJsonObject("server").put("imageRef", imageRef);
    }
    body.getJsonObject("server").put("block_device_mapping_v2", mappings);
    return body;
  }

  private static String domainXml(String id) throws Exception {
    Connect libvirt = new Connect("test:///default");
    try {
      Domain d = libvirt.domainLookupByName("vs-" + id);
      try {
        return d.getXMLDesc(0);
      } finally {
        d.free();
      }
    } finally {
      libvirt.close();
    }
  }

  @Test
  void blankLocalEntriesBecomeEphemeralDisksAndSwapAfterTheRootInOrder() throws Exception {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    var created = f.call(token, HttpMethod.POST, "/servers", body(image, new JsonArray().add(root())
      .add(blank(1, "ext4")).add(blank(2, null)).add(blank(64, "swap"))));
    // 4 local devices: one more than Nova's max_local_block_devices
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(400);
    assertThat(created.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
      .isEqualTo("Block Device Mapping is Invalid: You specified more local devices than the limit allows");

    // without the root entry (imageRef alone gives the root disk): two ephemeral disks and swap
    created = f.call(token, HttpMethod.POST, "/servers", body(image, new JsonArray()
      .add(blank(1, "ext4")).add(blank(2, null)).add(blank(64, "swap"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    JsonObject server = f.awaitStatus(token, id, "ACTIVE");
    assertThat(server.getJsonArray("os-extended-volumes:volumes_attached")).as("local disks are not volumes").isEmpty();
    String xml = domainXml(id);
    assertThat(xml).containsSubsequence(id + "/disk'", "dev='vda'", "disk.eph0'", "dev='vdb'", "disk.eph1'", "dev='vdc'",
      "disk.swap'", "dev='vdd'");
    assertThat(xml).doesNotContain("vde");
    // a rebuild keeps the disks the server was created with
    var rebuilt = f.call(token, HttpMethod.POST, "/servers/" + id + "/action",
      new JsonObject().put("rebuild", new JsonObject().put("imageRef", image)));
    assertThat(rebuilt.statusCode()).as(rebuilt.bodyAsString()).isEqualTo(202);
    f.awaitStatus(token, id, "ACTIVE");
    assertThat(domainXml(id)).contains("disk.eph1'").contains("disk.swap'");
    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
    f.awaitGone(token, id);

    // the image entry as the root with an empty imageRef; one ephemeral disk of the flavor's size; the flavor's swap stays
    created = f.call(token, HttpMethod.POST, "/servers", body("", new JsonArray().add(root()).add(blank(null, "vfat"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    server = f.awaitStatus(token, id, "ACTIVE");
    assertThat(server.getJsonObject("image").getString("id")).isEqualTo(image);
    assertThat(domainXml(id)).containsSubsequence("disk.eph0'", "dev='vdb'", "disk.swap'", "dev='vdc'").doesNotContain("disk.eph1");
    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
    f.awaitGone(token, id);

    // a swap entry without a size: no swap at all, and the flavor's ephemeral disk stays
    created = f.call(token, HttpMethod.POST, "/servers", body(image, new JsonArray().add(root()).add(blank(null, "swap"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    f.awaitStatus(token, id, "ACTIVE");
    assertThat(domainXml(id)).contains("disk.eph0'").doesNotContain("disk.swap").doesNotContain("vdc");
    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
    f.awaitGone(token, id);
  }

  @Test
  void novasChecksAnswerNovasMessages() {
    String token = f.cloud.projectWithUser("member").await().getString("token");
    String ephemeralTooLarge = "Ephemeral disks requested are larger than the instance type allows. If no size is given in one "
      + "block device mapping, flavor ephemeral size will be used.";
    Object[][] cases = {
      {body(image, new JsonArray().add(root()).add(blank(2, null)).add(blank(2, null))), ephemeralTooLarge},
      // no size: the flavor's 3 GiB, and 3 + 1 is too much
      {body(image, new JsonArray().add(blank(null, null)).add(blank(1, null))), ephemeralTooLarge},
      {body(image, new JsonArray().add(blank(64, "swap")).add(blank(32, "swap"))),
        "Block Device Mapping is Invalid: More than one swap drive requested."},
      {body(image, new JsonArray().add(blank(256, "swap"))), "Swap drive requested is larger than instance type allows."},
      {body(null, new JsonArray().add(root())), "Block Device Mapping is Invalid: Mapping image to local is not supported."},
      {body(image, new JsonArray().add(root().put("boot_index", 1))),
        "Block Device Mapping is Invalid: Mapping image to local is not supported."},
      {body(image, new JsonArray().add(root()).add(blank(1, null).put("boot_index", 0))),
        "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid."},
      {body(image, new JsonArray().add(blank(1, null).put("boot_index", 2))),
        "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid."},
      {body(image, new JsonArray().add(blank(1, null).put("uuid", image))), "Block Device Mapping is Invalid: Invalid device UUID."},
      {body(image, new JsonArray().add(blank(1, null).put("volume_type", "fast"))),
        "Block Device Mapping is Invalid: Specifying a volume_type with destination_type=local is not supported."},
      {body(image, new JsonArray().add(blank(1, "zfs"))), "guest_format zfs"},
      // volumes still need a block-storage service
      {body(image, new JsonArray().add(root()).add(new JsonObject().put("source_type", "blank").put("destination_type", "volume")
        .put("volume_size", 1))), "no block storage service"},
      {body(image, new JsonArray().add(new JsonObject().put("source_type", "volume").put("destination_type", "volume")
        .put("uuid", image).put("boot_index", 1))), "no block storage service"},
    };
    for (Object[] c : cases) {
      var r = f.call(token, HttpMethod.POST, "/servers", (JsonObject) c[0]);
      assertThat(r.statusCode()).as(c[0] + " -> " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).as(((JsonObject) c[0]).encode())
        .contains((String) c[1]);
    }
    assertThat(f.call(token, HttpMethod.GET, "/servers", null).bodyAsJsonObject().getJsonArray("servers"))
      .as("nothing was created").isEmpty();
  }
}
