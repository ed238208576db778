package org.vertstack.image;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Glance's multi-store API on a node with both stores (files and the object store, the default):
 * the store listing, uploads and imports into named or all stores, copy-image, removing an
 * image's data from one store, and reads and deletes that span every store.
 */
@ExtendWith(VertxExtension.class)
class ImageStoresApiTest {

  @TempDir
  static Path dir;
  static ImageTestCloud cloud;
  static JsonObject alice;
  static JsonObject admin;

  @BeforeAll
  static void start() {
    cloud = ImageTestCloud.start(dir);
    alice = cloud.project("member");
    admin = new JsonObject().put("token", cloud.adminToken);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void storesAreListedWithOneDefaultAndDetailIsForAdmins() {
    JsonArray stores = call(HttpMethod.GET, "/v2/info/stores", alice, null).bodyAsJsonObject().getJsonArray("stores");
    assertThat(stores.stream().map(s -> ((JsonObject) s).getString("id"))).containsExactly("file", "swift");
    assertThat(stores.stream().filter(s -> "true".equals(((JsonObject) s).getString("default")))
      .map(s -> ((JsonObject) s).getString("id"))).containsExactly("swift");
    assertThat(stores.getJsonObject(0).getString("description")).isNotBlank();
    assertThat(call(HttpMethod.GET, "/v2/info/stores/detail", alice, null).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> detail = call(HttpMethod.GET, "/v2/info/stores/detail", admin, null);
    assertThat(detail.statusCode()).isEqualTo(200);
    assertThat(detail.bodyAsJsonObject().getJsonArray("stores").getJsonObject(1).getString("type")).isEqualTo("swift");
  }

  @Test
  void anUploadGoesToTheNamedStoreAndAdminsSeeWhere() {
    byte[] bytes = random(4000);
    String id = create("to-file");
    assertThat(upload(id, bytes, "nowhere").statusCode()).isEqualTo(400);
    assertThat(upload(id, bytes, "file").statusCode()).isEqualTo(204);
    JsonObject image = image(id, alice);
    assertThat(image.getString("stores")).isEqualTo("file");
    assertThat(image.containsKey("locations")).isFalse();
    JsonArray locations = image(id, admin).getJsonArray("locations");
    assertThat(locations).hasSize(1);
    assertThat(locations.getJsonObject(0).getJsonObject("metadata").getString("store")).isEqualTo("file");
    assertThat(cloud.stored("file", id)).isTrue();
    assertThat(cloud.stored("swift", id)).isFalse();
    // without the header: the default store
    String other = create("to-default");
    assertThat(upload(other, bytes, null).statusCode()).isEqualTo(204);
    assertThat(image(other, alice).getString("stores")).isEqualTo("swift");
    assertThat(download(other)).isEqualTo(bytes);
  }

  @Test
  void glanceDirectImportsToAllStoresOrTheNamedOnes() throws Exception {
    byte[] bytes = random(9000);
    String id = staged("to-all", bytes);
    // all_stores with a list, or with the header, is a bad request; an unknown store a conflict
    assertThat(importing(id, alice, new JsonObject().put("all_stores", true).put("stores", new JsonArray().add("file"))).statusCode())
      .isEqualTo(400);
    assertThat(importing(id, alice, new JsonObject().put("stores", new JsonArray().add("nowhere"))).statusCode()).isEqualTo(409);
    assertThat(tasks(id, alice)).isEmpty();
    assertThat(importing(id, alice, new JsonObject().put("all_stores", true)).statusCode()).isEqualTo(202);
    JsonObject task = awaitTask(id, alice);
    assertThat(task.getString("status")).isEqualTo("success");
    assertThat(task.getJsonObject("input").getJsonArray("backend")).containsExactly("file", "swift");
    JsonObject image = image(id, alice);
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getString("stores")).isEqualTo("file,swift");
    assertThat(image.getString("os_glance_importing_to_stores")).isEmpty();
    assertThat(image.getString("os_glance_failed_import")).isEmpty();
    assertThat(cloud.stored("file", id)).isTrue();
    assertThat(cloud.stored("swift", id)).isTrue();
    assertThat(download(id)).isEqualTo(bytes);

    // only the file store: the staged copy leaves the default store
    String onlyFile = staged("to-file", bytes);
    assertThat(importing(onlyFile, alice, new JsonObject().put("stores", new JsonArray().add("file"))).statusCode()).isEqualTo(202);
    assertThat(awaitTask(onlyFile, alice).getString("status")).isEqualTo("success");
    assertThat(image(onlyFile, alice).getString("stores")).isEqualTo("file");
    assertThat(cloud.stored("swift", onlyFile)).isFalse();
    assertThat(download(onlyFile)).isEqualTo(bytes);

    // the image's delete removes its data from every store
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id, alice, null).statusCode()).isEqualTo(204);
    assertThat(cloud.stored("file", id)).isFalse();
    assertThat(cloud.stored("swift", id)).isFalse();
  }

  @Test
  void aFailedStoreUndoesTheImportUnlessAllStoresNeedNotSucceed() throws Exception {
    byte[] bytes = random(3000);
    // staged bytes that vanish from the store before the import: the copy to "file" fails
    String strict = staged("strict", bytes);
    cloud.node.handle(ImageModule.Components.class).stores().get("swift").delete(strict).await();
    assertThat(importing(strict, alice, new JsonObject().put("stores", new JsonArray().add("swift").add("file"))).statusCode())
      .isEqualTo(202);
    assertThat(awaitTask(strict, alice).getString("status")).isEqualTo("failure");
    JsonObject image = image(strict, alice);
    assertThat(image.getString("status")).isEqualTo("queued");
    assertThat(image.containsKey("stores")).isFalse();
    assertThat(image.getString("os_glance_failed_import")).isEqualTo("file");

    String lenient = staged("lenient", bytes);
    cloud.node.handle(ImageModule.Components.class).stores().get("swift").delete(lenient).await();
    assertThat(importing(lenient, alice, new JsonObject().put("stores", new JsonArray().add("swift").add("file"))
      .put("all_stores_must_succeed", false)).statusCode()).isEqualTo(202);
    assertThat(awaitTask(lenient, alice).getString("status")).isEqualTo("success");
    image = image(lenient, alice);
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getString("stores")).isEqualTo("swift");
    assertThat(image.getString("os_glance_failed_import")).isEqualTo("file");
    assertThat(image.getString("os_glance_importing_to_stores")).isEmpty();
  }

  @Test
  void copyImageCopiesAnActiveImageToMoreStoresForAdmins() throws Exception {
    byte[] bytes = random(70_000);
    String id = create("copied");
    JsonObject toSwift = new JsonObject().put("method", new JsonObject().put("name", "copy-image"))
      .put("stores", new JsonArray().add("swift"));
    // a queued image has nothing to copy
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", admin, toSwift).statusCode()).isEqualTo(409);
    assertThat(upload(id, bytes, "file").statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", alice, toSwift).statusCode()).isEqualTo(403);
    // the default store is "swift", which does not hold it yet; "file" does: a bad request
    JsonObject toFile = new JsonObject().put("method", new JsonObject().put("name", "copy-image"))
      .put("stores", new JsonArray().add("file"));
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", admin, toFile).statusCode()).isEqualTo(400);
    assertThat(tasks(id, alice)).isEmpty();

    // while another copy runs (it holds the image's lock) a copy is refused
    var pool = cloud.node.handle(ImageModule.Components.class).images().pool();
    pool.preparedQuery("UPDATE images SET upload_id = 'another-node/copy' WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(id)).await();
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", admin, toSwift).statusCode()).isEqualTo(409);
    pool.preparedQuery("UPDATE images SET upload_id = NULL WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(id)).await();

    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", admin, toSwift).statusCode()).isEqualTo(202);
    assertThat(awaitTask(id, alice).getString("status")).isEqualTo("success");
    JsonObject image = image(id, alice);
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getString("stores")).isEqualTo("file,swift");
    assertThat(image.getString("os_glance_importing_to_stores")).isEmpty();
    assertThat(image.getString("os_glance_failed_import")).isEmpty();
    assertThat(cloud.stored("swift", id)).isTrue();

    // every store holds it now: all_stores has nothing to do, and says so at once
    JsonObject all = new JsonObject().put("method", new JsonObject().put("name", "copy-image")).put("all_stores", true)
      .put("all_stores_must_succeed", false);
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", admin, all).statusCode()).isEqualTo(202);
    assertThat(image(id, alice).getString("os_glance_importing_to_stores")).isEmpty();

    // the copy is the image: read back from the default store after the file copy is removed
    assertThat(call(HttpMethod.DELETE, "/v2/stores/file/" + id, admin, null).statusCode()).isEqualTo(204);
    assertThat(download(id)).isEqualTo(bytes);
  }

  @Test
  void dataLeavesOneStoreOnlyAsGlanceAllows() throws Exception {
    byte[] bytes = random(5000);
    String id = staged("spread", bytes);
    assertThat(importing(id, alice, new JsonObject().put("all_stores", true)).statusCode()).isEqualTo(202);
    assertThat(awaitTask(id, alice).getString("status")).isEqualTo("success");

    assertThat(call(HttpMethod.DELETE, "/v2/stores/swift/" + id, alice, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, "/v2/stores/nowhere/" + id, admin, null).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.DELETE, "/v2/stores/swift/" + java.util.UUID.randomUUID(), admin, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/v2/stores/swift/" + id, admin, null).statusCode()).isEqualTo(204);
    assertThat(image(id, alice).getString("stores")).isEqualTo("file");
    assertThat(cloud.stored("swift", id)).isFalse();
    // read from the store that still has it (not the default one)
    assertThat(download(id)).isEqualTo(bytes);
    // never the last copy: delete the image instead
    assertThat(call(HttpMethod.DELETE, "/v2/stores/file/" + id, admin, null).statusCode()).isEqualTo(403);
    assertThat(cloud.stored("file", id)).isTrue();

    // only active images
    String queued = create("queued");
    assertThat(call(HttpMethod.DELETE, "/v2/stores/file/" + queued, admin, null).statusCode()).isEqualTo(409);
  }

  // ---- helpers

  static HttpResponse<Buffer> call(HttpMethod m, String path, JsonObject who, Object body) {
    return cloud.call(m, "/image" + path, who.getString("token"), body);
  }

  static String create(String name) {
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/v2/images", alice,
      new JsonObject().put("name", name).put("disk_format", "raw").put("container_format", "bare"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("id");
  }

  static JsonArray tasks(String id, JsonObject who) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v2/images/" + id + "/tasks", who, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("tasks");
  }

  /** The image's one task once it ended (polled: the bytes move after the 202). */
  static JsonObject awaitTask(String id, JsonObject who) throws InterruptedException {
    JsonObject task = null;
    for (int i = 0; i < 400; i++) {
      JsonArray all = tasks(id, who);
      assertThat(all).hasSize(1);
      task = all.getJsonObject(0);
      if (!"processing".equals(task.getString("status"))) {
        return task;
      }
      Thread.sleep(50);
    }
    return task;
  }

  static String staged(String name, byte[] bytes) {
    String id = create(name);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/stage", alice, Buffer.buffer(bytes)).statusCode()).isEqualTo(204);
    return id;
  }

  static HttpResponse<Buffer> importing(String id, JsonObject who, JsonObject stores) {
    JsonObject body = stores.copy().put("method", new JsonObject().put("name", "glance-direct"));
    return call(HttpMethod.POST, "/v2/images/" + id + "/import", who, body);
  }

  static HttpResponse<Buffer> upload(String id, byte[] bytes, String store) {
    var req = cloud.web.requestAbs(HttpMethod.PUT, cloud.url + "/image/v2/images/" + id + "/file")
      .putHeader("X-Auth-Token", alice.getString("token")).putHeader("Content-Type", "application/octet-stream");
    if (store != null) {
      req.putHeader("X-Image-Meta-Store", store);
    }
    return req.sendBuffer(Buffer.buffer(bytes)).await();
  }

  static JsonObject image(String id, JsonObject who) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v2/images/" + id, who, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  static byte[] download(String id) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v2/images/" + id + "/file", alice, null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().getBytes();
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n * 31L).nextBytes(b);
    return b;
  }
}
