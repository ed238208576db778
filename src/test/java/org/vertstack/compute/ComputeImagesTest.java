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

/** Nova's image proxy (/images, to microversion 2.35) over the image service, with the caller's token. */
class ComputeImagesTest {

  static TestCloud cloud;
  static String token;
  static String other;

  @BeforeAll
  static void setUp() throws Exception {
    cloud = TestCloud.start(Files.createTempDirectory("vertstack-compute-images-"), new JsonObject()).await();
    token = cloud.projectWithUser("member").await().getString("token");
    other = cloud.projectWithUser("member").await().getString("token");
  }

  @AfterAll
  static void tearDown() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body, String version) {
    var req = cloud.http().requestAbs(method, cloud.baseUrl() + "/compute/v2.1" + path)
      .putHeader("OpenStack-API-Version", "compute " + version).putHeader("X-Auth-Token", token);
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  private static HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    return call(token, method, path, body, "2.35");
  }

  /** A private image of the caller's project with one property, uploaded (active) or not (queued). */
  private static String image(String name, boolean upload) {
    var created = cloud.call(token, HttpMethod.POST, "/image/v2/images", new JsonObject().put("name", name)
      .put("disk_format", "raw").put("container_format", "bare").put("min_ram", 64).put("os_distro", "debian")).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    if (upload) {
      var up = cloud.http().putAbs(cloud.baseUrl() + "/image/v2/images/" + id + "/file").putHeader("X-Auth-Token", token)
        .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer(new byte[1024])).await();
      assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(204);
    }
    return id;
  }

  @Test
  void showsAnImageInNovasView() {
    String id = image(TestCloud.unique("img"), true);
    var resp = call(token, HttpMethod.GET, "/images/" + id, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    JsonObject img = resp.bodyAsJsonObject().getJsonObject("image");
    assertThat(img.getString("status")).isEqualTo("ACTIVE");
    assertThat(img.getInteger("progress")).isEqualTo(100);
    assertThat(img.getInteger("minRam")).isEqualTo(64);
    assertThat(img.getInteger("minDisk")).isEqualTo(0);
    assertThat(img.getLong("OS-EXT-IMG-SIZE:size")).isEqualTo(1024L);
    assertThat(img.getJsonObject("metadata").getString("os_distro")).isEqualTo("debian");
    assertThat(img.getJsonObject("metadata").containsKey("disk_format")).isFalse();
    assertThat(img.getString("created")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(img.getJsonArray("links").getJsonObject(0).getString("href")).endsWith("/compute/v2.1/images/" + id);
    assertThat(img.containsKey("server")).isFalse();

    String queued = image(TestCloud.unique("img"), false);
    JsonObject q = call(token, HttpMethod.GET, "/images/" + queued, null).bodyAsJsonObject().getJsonObject("image");
    assertThat(q.getString("status")).isEqualTo("SAVING");
    assertThat(q.getInteger("progress")).isEqualTo(25);
  }

  @Test
  void anotherProjectsPrivateImageAndAMissingOneAreNotFound() {
    String id = image(TestCloud.unique("img"), false);
    var resp = call(other, HttpMethod.GET, "/images/" + id, null);
    assertThat(resp.statusCode()).isEqualTo(404);
    assertThat(resp.bodyAsJsonObject().getJsonObject("itemNotFound").getString("message")).isEqualTo("Image not found.");
    assertThat(call(other, HttpMethod.DELETE, "/images/" + id, null).statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.GET, "/images/" + java.util.UUID.randomUUID(), null).statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.GET, "/images/!@%23$", null).statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.DELETE, "/images/-1", null).statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.DELETE, "/images/" + "a".repeat(100), null).statusCode()).isEqualTo(404);
  }

  @Test
  void goneFromMicroversion236() {
    String id = image(TestCloud.unique("img"), false);
    assertThat(call(token, HttpMethod.GET, "/images/" + id, null, "2.36").statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.GET, "/images", null, "2.36").statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.GET, "/images", null, "2.1").statusCode()).isEqualTo(200);
  }

  @Test
  void listsWithFiltersAndPages() {
    String name = TestCloud.unique("list");
    String active = image(name, true);
    String queued = image(name, false);
    JsonArray byName = call(token, HttpMethod.GET, "/images/detail?name=" + name, null).bodyAsJsonObject().getJsonArray("images");
    assertThat(ComputeFixture.ids(byName)).containsExactlyInAnyOrder(active, queued);
    JsonArray activeOnly = call(token, HttpMethod.GET, "/images?name=" + name + "&status=ACTIVE", null).bodyAsJsonObject()
      .getJsonArray("images");
    assertThat(ComputeFixture.ids(activeOnly)).containsExactly(active);
    assertThat(activeOnly.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("id", "name", "links");
    var page = call(token, HttpMethod.GET, "/images?name=" + name + "&limit=1", null).bodyAsJsonObject();
    assertThat(page.getJsonArray("images")).hasSize(1);
    assertThat(page.getJsonArray("images_links")).hasSize(1);
    String first = page.getJsonArray("images").getJsonObject(0).getString("id");
    var rest = call(token, HttpMethod.GET, "/images?name=" + name + "&marker=" + first, null).bodyAsJsonObject();
    assertThat(ComputeFixture.ids(rest.getJsonArray("images"))).containsExactly(active.equals(first) ? queued : active);
    assertThat(call(token, HttpMethod.GET, "/images?type=snapshot&name=" + name, null).bodyAsJsonObject()
      .getJsonArray("images")).isEmpty();
    assertThat(call(token, HttpMethod.GET, "/images?changes-since=2000-01-01T00:00:00Z&name=" + name, null).bodyAsJsonObject()
      .getJsonArray("images")).hasSize(2);
    assertThat(call(token, HttpMethod.GET, "/images?changes-since=2999-01-01T00:00:00Z&name=" + name, null).bodyAsJsonObject()
      .getJsonArray("images")).isEmpty();
    assertThat(call(token, HttpMethod.GET, "/images?limit=x", null).statusCode()).isEqualTo(400);
  }

  @Test
  void metadataIsTheImagesProperties() {
    String id = image(TestCloud.unique("meta"), false);
    String path = "/images/" + id + "/metadata";
    var list = call(token, HttpMethod.GET, path, null);
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonObject("metadata")).isEqualTo(new JsonObject().put("os_distro", "debian"));

    var merged = call(token, HttpMethod.POST, path, new JsonObject().put("metadata", new JsonObject().put("a", "1").put("b", "2")));
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    assertThat(merged.bodyAsJsonObject().getJsonObject("metadata"))
      .isEqualTo(new JsonObject().put("os_distro", "debian").put("a", "1").put("b", "2"));

    var replaced = call(token, HttpMethod.PUT, path, new JsonObject().put("metadata", new JsonObject().put("c", "3")));
    assertThat(replaced.statusCode()).as(replaced.bodyAsString()).isEqualTo(200);
    assertThat(replaced.bodyAsJsonObject().getJsonObject("metadata")).isEqualTo(new JsonObject().put("c", "3"));

    var set = call(token, HttpMethod.PUT, path + "/d", new JsonObject().put("meta", new JsonObject().put("d", "4")));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject()).isEqualTo(new JsonObject().put("meta", new JsonObject().put("d", "4")));
    assertThat(call(token, HttpMethod.GET, path + "/d", null).bodyAsJsonObject())
      .isEqualTo(new JsonObject().put("meta", new JsonObject().put("d", "4")));
    assertThat(call(token, HttpMethod.PUT, path + "/d", new JsonObject().put("meta", new JsonObject().put("e", "4")))
      .statusCode()).isEqualTo(400);

    assertThat(call(token, HttpMethod.DELETE, path + "/c", null).statusCode()).isEqualTo(204);
    assertThat(call(token, HttpMethod.GET, path + "/c", null).statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.DELETE, path + "/c", null).statusCode()).isEqualTo(404);
    assertThat(call(token, HttpMethod.GET, path, null).bodyAsJsonObject().getJsonObject("metadata"))
      .isEqualTo(new JsonObject().put("d", "4"));
    // another project's caller cannot change it: the image service does not show it to them
    assertThat(call(other, HttpMethod.POST, path, new JsonObject().put("metadata", new JsonObject().put("x", "y"))).statusCode())
      .isEqualTo(404);
  }

  @Test
  void deletesAnImage() {
    String id = image(TestCloud.unique("del"), true);
    assertThat(call(token, HttpMethod.DELETE, "/images/" + id, null).statusCode()).isEqualTo(204);
    assertThat(call(token, HttpMethod.GET, "/images/" + id, null).statusCode()).isEqualTo(404);
  }
}
