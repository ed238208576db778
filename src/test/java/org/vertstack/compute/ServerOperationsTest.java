package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot, rebuild, resize, shelve, metadata and tags end to end on the test driver. */
class ServerOperationsTest extends SharedCloudComputeTest {

  private static void act(String token, String id, JsonObject body, int status) {
    var r = f.call(token, HttpMethod.POST, "/servers/" + id + "/action", body);
    assertThat(r.statusCode()).as(body.encode() + ": " + r.bodyAsString()).isEqualTo(status);
  }

  private static JsonObject image(String token, String id) {
    var r = f.cloud.call(token, HttpMethod.GET, "/image/v2/images/" + id, null).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject awaitImage(String token, String id, String status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject img = null;
    while (System.nanoTime() < deadline) {
      img = image(token, id);
      if (status.equals(img.getString("status"))) {
        return img;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("image never reached " + status + ": " + img);
  }

  /** The test driver's one host, as os-hypervisors/detail shows it. */
  private static JsonObject hypervisor() {
    return f.call(admin, HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject().getJsonArray("hypervisors").getJsonObject(0);
  }

  private static long ramUsed(String token) {
    return f.call(token, HttpMethod.GET, "/limits", null).bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute")
      .getLong("totalRAMUsed");
  }

  @Test
  void aSnapshotBecomesAnActiveImageThatBootsAnotherServer() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    String id = f.boot(token, "snapme", image, "42");
    f.awaitStatus(token, id, "ACTIVE");

    var r = f.call(token, HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().put("createImage",
      new JsonObject().put("name", "snap-1").put("metadata", new JsonObject().put("purpose", "test"))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    String snap = r.bodyAsJsonObject().getString("image_id");
    JsonObject img = awaitImage(token, snap, "active");
    assertThat(img.getString("name")).isEqualTo("snap-1");
    assertThat(img.getString("instance_uuid")).isEqualTo(id);
    assertThat(img.getString("base_image_ref")).isEqualTo(image);
    assertThat(img.getString("image_type")).isEqualTo("snapshot");
    assertThat(img.getString("purpose")).isEqualTo("test");
    assertThat(img.getString("visibility")).isEqualTo("private");
    assertThat(img.getString("owner")).isEqualTo(user.getString("project_id"));
    assertThat(img.getLong("size")).isEqualTo(4096L); // the test driver's disk is its base image
    f.awaitStatus(token, id, "ACTIVE");

    // the snapshot is the project's own: another project cannot see it
    JsonObject stranger = f.cloud.projectWithUser("member").await();
    assertThat(f.cloud.call(stranger.getString("token"), HttpMethod.GET, "/image/v2/images/" + snap, null).await().statusCode())
      .isEqualTo(404);

    String second = f.boot(token, "from-snap", snap, "42");
    JsonObject s2 = f.awaitStatus(token, second, "ACTIVE");
    assertThat(s2.getJsonObject("image").getString("id")).isEqualTo(snap);

    // before 2.45 the image's address is in Location, not the body
    var old = f.cloud.http().postAbs(f.cloud.baseUrl() + "/compute/v2.1/servers/" + id + "/action").putHeader("X-Auth-Token", token)
      .putHeader("OpenStack-API-Version", "compute 2.44")
      .sendJsonObject(new JsonObject().put("createImage", new JsonObject().put("name", "snap-2"))).await();
    assertThat(old.statusCode()).as(old.bodyAsString()).isEqualTo(202);
    assertThat(old.getHeader("Location")).contains("/image/v2/images/");
    String snap2 = old.getHeader("Location").substring(old.getHeader("Location").lastIndexOf('/') + 1);
    awaitImage(token, snap2, "active");

    JsonArray log = f.call(token, HttpMethod.GET, "/servers/" + id + "/os-instance-actions", null).bodyAsJsonObject()
      .getJsonArray("instanceActions");
    assertThat(log.stream().map(o -> ((JsonObject) o).getString("action"))).contains("createImage");
    act(token, id, new JsonObject().put("createImage", new JsonObject()), 400); // a name is required
    for (String s : new String[] {id, second}) {
      f.call(token, HttpMethod.DELETE, "/servers/" + s, null);
      f.awaitGone(token, s);
    }
    for (String i : new String[] {snap, snap2}) {
      assertThat(f.cloud.call(token, HttpMethod.DELETE, "/image/v2/images/" + i, null).await().statusCode()).isEqualTo(204);
    }
  }

  @Test
  void rebuildBootsAnotherImageWithTheSameFlavor() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    String other = f.publicImage(admin);
    String id = f.boot(token, "rebuild-me", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    var r = f.call(token, HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().put("rebuild",
      new JsonObject().put("imageRef", other).put("name", "rebuilt").put("metadata", new JsonObject().put("r", "1"))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    JsonObject shown = r.bodyAsJsonObject().getJsonObject("server");
    assertThat(shown.getString("status")).isEqualTo("REBUILD");
    assertThat(shown.getString("adminPass")).isNotBlank();
    JsonObject s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getJsonObject("image").getString("id")).isEqualTo(other);
    assertThat(s.getString("name")).isEqualTo("rebuilt");
    assertThat(s.getJsonObject("metadata").getString("r")).isEqualTo("1");
    assertThat(s.getJsonObject("flavor").getString("original_name")).isEqualTo("m1.nano");

    // a stopped server stays stopped after a rebuild; an unknown image is a 400
    act(token, id, new JsonObject().putNull("os-stop"), 202);
    f.awaitStatus(token, id, "SHUTOFF");
    act(token, id, new JsonObject().put("rebuild", new JsonObject().put("imageRef", image)), 202);
    assertThat(f.awaitStatus(token, id, "SHUTOFF").getJsonObject("image").getString("id")).isEqualTo(image);
    act(token, id, new JsonObject().put("rebuild", new JsonObject().put("imageRef", "00000000-0000-0000-0000-000000000000")), 400);
    act(token, id, new JsonObject().put("rebuild", new JsonObject()), 400);
    f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
    f.awaitGone(token, id);
  }

  @Test
  void resizeHoldsBothFlavorsUntilConfirmedOrReverted() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    long hostRam = hypervisor().getLong("memory_mb_used");
    String id = f.boot(token, "grow", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam + 128);

    act(token, id, new JsonObject().put("resize", new JsonObject().put("flavorRef", "1")), 202);
    JsonObject s = f.awaitStatus(token, id, "VERIFY_RESIZE");
    assertThat(s.getJsonObject("flavor").getString("original_name")).isEqualTo("m1.tiny");
    // the host holds the new flavor for the instance and the old one for the migration; the quota the larger
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam + 128 + 512);
    assertThat(ramUsed(token)).isEqualTo(512);

    act(token, id, new JsonObject().putNull("revertResize"), 202);
    s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getJsonObject("flavor").getString("original_name")).isEqualTo("m1.nano");
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam + 128);
    assertThat(ramUsed(token)).isEqualTo(128);

    act(token, id, new JsonObject().put("resize", new JsonObject().put("flavorRef", "1")), 202);
    f.awaitStatus(token, id, "VERIFY_RESIZE");
    act(token, id, new JsonObject().putNull("confirmResize"), 204);
    s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getJsonObject("flavor").getString("original_name")).isEqualTo("m1.tiny");
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam + 512);
    assertThat(ramUsed(token)).isEqualTo(512);

    // the same flavor, an unknown one, or a smaller disk are 400s
    act(token, id, new JsonObject().put("resize", new JsonObject().put("flavorRef", "1")), 400);
    act(token, id, new JsonObject().put("resize", new JsonObject().put("flavorRef", "no-such")), 400);
    act(token, id, new JsonObject().put("resize", new JsonObject()), 400);

    // deleting in VERIFY_RESIZE gives back both claims and the quota
    act(token, id, new JsonObject().put("resize", new JsonObject().put("flavorRef", "42")), 202);
    f.awaitStatus(token, id, "VERIFY_RESIZE");
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam + 512 + 128);
    f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
    f.awaitGone(token, id);
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam);
    assertThat(ramUsed(token)).isZero();
  }

  @Test
  void shelveOffloadsAndUnshelveBootsTheShelvedSnapshot() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    long hostRam = hypervisor().getLong("memory_mb_used");
    String id = f.boot(token, "shelf", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    act(token, id, new JsonObject().putNull("shelve"), 202);
    f.awaitStatus(token, id, "SHELVED_OFFLOADED");
    JsonObject asAdmin = f.server(admin, id);
    assertThat(asAdmin.getString("OS-EXT-SRV-ATTR:host")).isNull();
    assertThat(asAdmin.getInteger("OS-EXT-STS:power_state")).isZero();
    assertThat(hypervisor().getLong("memory_mb_used")).as("the host claim is given back").isEqualTo(hostRam);
    assertThat(ramUsed(token)).as("a shelved server keeps its quota").isEqualTo(128);
    JsonArray shelved = f.cloud.call(token, HttpMethod.GET, "/image/v2/images?name=shelf-shelved", null).await()
      .bodyAsJsonObject().getJsonArray("images");
    assertThat(shelved).hasSize(1);
    String shelvedImage = shelved.getJsonObject(0).getString("id");
    assertThat(shelved.getJsonObject(0).getString("status")).isEqualTo("active");

    act(token, id, new JsonObject().putNull("unshelve"), 202);
    JsonObject s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getJsonObject("image").getString("id")).as("the server keeps its image").isEqualTo(image);
    assertThat(hypervisor().getLong("memory_mb_used")).isEqualTo(hostRam + 128);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && (status = f.cloud.call(token, HttpMethod.GET, "/image/v2/images/" + shelvedImage, null)
      .await().statusCode()) != 404) {
      Thread.sleep(50);
    }
    assertThat(status).as("the shelved snapshot is deleted after unshelve").isEqualTo(404);
    JsonArray log = f.call(token, HttpMethod.GET, "/servers/" + id + "/os-instance-actions", null).bodyAsJsonObject()
      .getJsonArray("instanceActions");
    assertThat(log.stream().map(o -> ((JsonObject) o).getString("action"))).contains("shelve", "unshelve");
    f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
    f.awaitGone(token, id);
  }

  @Test
  void metadataAndTagsFollowNovasRoutesAndLimits() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    String id = f.boot(token, "meta", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    String m = "/servers/" + id + "/metadata";
    var merged = f.call(token, HttpMethod.POST, m, new JsonObject().put("metadata", new JsonObject().put("a", "1").put("b", "2")));
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    assertThat(merged.bodyAsJsonObject().getJsonObject("metadata")).isEqualTo(new JsonObject().put("a", "1").put("b", "2"));
    var replaced = f.call(token, HttpMethod.PUT, m, new JsonObject().put("metadata", new JsonObject().put("c", "3")));
    assertThat(replaced.bodyAsJsonObject().getJsonObject("metadata")).isEqualTo(new JsonObject().put("c", "3"));
    var item = f.call(token, HttpMethod.PUT, m + "/d", new JsonObject().put("meta", new JsonObject().put("d", "4")));
    assertThat(item.statusCode()).isEqualTo(200);
    assertThat(f.call(token, HttpMethod.GET, m + "/d", null).bodyAsJsonObject().getJsonObject("meta").getString("d")).isEqualTo("4");
    assertThat(f.call(token, HttpMethod.PUT, m + "/d", new JsonObject().put("meta", new JsonObject().put("e", "4"))).statusCode())
      .as("body and URI mismatch").isEqualTo(400);
    assertThat(f.call(token, HttpMethod.PUT, m + "/d", new JsonObject().put("meta", new JsonObject().put("d", "4").put("e", "5")))
      .statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.DELETE, m + "/d", null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.DELETE, m + "/d", null).statusCode()).isEqualTo(404);
    assertThat(f.call(token, HttpMethod.GET, m + "/d", null).statusCode()).isEqualTo(404);
    JsonObject tooMany = new JsonObject();
    for (int i = 0; i < 129; i++) {
      tooMany.put("k" + i, "v");
    }
    var over = f.call(token, HttpMethod.POST, m, new JsonObject().put("metadata", tooMany));
    assertThat(over.statusCode()).isEqualTo(403);
    assertThat(over.bodyAsString()).contains("metadata_items");
    assertThat(f.call(token, HttpMethod.POST, m, new JsonObject().put("metadata", new JsonObject().put("k", 1))).statusCode()).isEqualTo(400);
    assertThat(f.server(token, id).getJsonObject("metadata")).isEqualTo(new JsonObject().put("c", "3"));

    String t = "/servers/" + id + "/tags";
    var created = f.call(token, HttpMethod.PUT, t + "/web", null);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.getHeader("Location")).endsWith(t + "/web");
    assertThat(f.call(token, HttpMethod.PUT, t + "/web", null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.GET, t + "/web", null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.GET, t + "/db", null).statusCode()).isEqualTo(404);
    var all = f.call(token, HttpMethod.PUT, t, new JsonObject().put("tags", new JsonArray().add("x").add("y").add("x")));
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.bodyAsJsonObject().getJsonArray("tags")).containsExactly("x", "y");
    assertThat(f.call(token, HttpMethod.GET, t, null).bodyAsJsonObject().getJsonArray("tags")).containsExactly("x", "y");
    assertThat(f.server(token, id).getJsonArray("tags")).containsExactly("x", "y");
    assertThat(ComputeFixture.ids(f.call(token, HttpMethod.GET, "/servers?tags=x,y", null).bodyAsJsonObject().getJsonArray("servers")))
      .containsExactly(id);
    assertThat(f.call(token, HttpMethod.GET, "/servers?tags=x,z", null).bodyAsJsonObject().getJsonArray("servers")).isEmpty();
    assertThat(ComputeFixture.ids(f.call(token, HttpMethod.GET, "/servers?tags-any=z,y", null).bodyAsJsonObject().getJsonArray("servers")))
      .containsExactly(id);
    assertThat(f.call(token, HttpMethod.GET, "/servers?not-tags-any=x", null).bodyAsJsonObject().getJsonArray("servers")).isEmpty();
    assertThat(ComputeFixture.ids(f.call(token, HttpMethod.GET, "/servers?not-tags=x,z", null).bodyAsJsonObject().getJsonArray("servers")))
      .containsExactly(id);
    assertThat(f.call(token, HttpMethod.DELETE, t + "/x", null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.DELETE, t + "/x", null).statusCode()).isEqualTo(404);
    assertThat(f.call(token, HttpMethod.PUT, t + "/a,b", null).statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.PUT, t + "/" + "z".repeat(61), null).statusCode()).isEqualTo(400);
    JsonArray fifty = new JsonArray();
    for (int i = 0; i < 50; i++) {
      fifty.add("t" + i);
    }
    assertThat(f.call(token, HttpMethod.PUT, t, new JsonObject().put("tags", fifty)).statusCode()).isEqualTo(200);
    assertThat(f.call(token, HttpMethod.PUT, t + "/one-more", null).statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.PUT, t, new JsonObject().put("tags", fifty.copy().add("t50"))).statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.DELETE, t, null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.GET, t, null).bodyAsJsonObject().getJsonArray("tags")).isEmpty();
    // tags arrived in 2.26
    var old = f.cloud.http().getAbs(f.cloud.baseUrl() + "/compute/v2.1" + t).putHeader("X-Auth-Token", token)
      .putHeader("OpenStack-API-Version", "compute 2.25").send().await();
    assertThat(old.statusCode()).isEqualTo(404);

    // a reader of the project may read but not change
    JsonObject stranger = f.cloud.projectWithUser("member").await();
    assertThat(f.call(stranger.getString("token"), HttpMethod.PUT, t + "/mine", null).statusCode()).isEqualTo(404);
    assertThat(f.call(stranger.getString("token"), HttpMethod.POST, m, new JsonObject().put("metadata", new JsonObject())).statusCode())
      .isEqualTo(404);
    f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
    f.awaitGone(token, id);
  }
}
