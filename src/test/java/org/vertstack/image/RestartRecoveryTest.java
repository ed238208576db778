package org.vertstack.image;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An upload this node was serving when it died is rolled back when the node starts again. */
class RestartRecoveryTest {

  @TempDir
  Path dir;

  private TestCloud start() {
    return TestCloud.start(dir, new JsonObject()
      .put("http", new JsonObject().put("instances", 1))
      .put("image", new JsonObject().put("tiny-guest", false).put("store", "file"))).await();
  }

  @Test
  void aCopyInFlightAtACrashEndsAndTheImageStaysWhereItWas() throws Exception {
    String copied;
    JsonObject member;
    try (TestCloud cloud = start()) {
      member = cloud.projectWithUser("member").await();
      JsonObject body = new JsonObject().put("disk_format", "raw").put("container_format", "bare");
      copied = cloud.call(member.getString("token"), HttpMethod.POST, "/image/v2/images", body).await().bodyAsJsonObject().getString("id");
      String nodeId = Files.readString(dir.resolve("image/node-id")).trim();
      // what a crash mid copy-image leaves: an active image locked by this node, a store still to do
      var pool = cloud.node().handle(ImageModule.Components.class).images().pool();
      pool.preparedQuery("UPDATE images SET status = 'active', size = 0, stores = '{file}', upload_id = $2, "
          + "properties = properties || '{\"os_glance_importing_to_stores\": \"swift\"}' WHERE id = $1")
        .execute(Tuple.of(copied, nodeId + "/c1")).await();
    }
    try (TestCloud cloud = start()) {
      String token = cloud.login(member.getString("user"), member.getString("password"), member.getString("project")).await().getString("token");
      JsonObject image = cloud.call(token, HttpMethod.GET, "/image/v2/images/" + copied, null).await().bodyAsJsonObject();
      assertThat(image.getString("status")).isEqualTo("active");
      assertThat(image.getString("stores")).isEqualTo("file");
      assertThat(image.getString("os_glance_importing_to_stores")).isEmpty();
      var pool = cloud.node().handle(ImageModule.Components.class).images().pool();
      assertThat(pool.preparedQuery("SELECT upload_id FROM images WHERE id = $1").execute(Tuple.of(copied)).await()
        .iterator().next().getString("upload_id")).isNull();
    }
  }

  @Test
  void uploadsInFlightAtACrashGoBackToQueued() throws Exception {
    String mine;
    String other;
    JsonObject member;
    try (TestCloud cloud = start()) {
      member = cloud.projectWithUser("member").await();
      JsonObject body = new JsonObject().put("disk_format", "raw").put("container_format", "bare");
      mine = cloud.call(member.getString("token"), HttpMethod.POST, "/image/v2/images", body).await().bodyAsJsonObject().getString("id");
      other = cloud.call(member.getString("token"), HttpMethod.POST, "/image/v2/images", body).await().bodyAsJsonObject().getString("id");
      String nodeId = Files.readString(dir.resolve("image/node-id")).trim();
      // what a crash mid-upload leaves behind: "saving" rows; one is this node's, one another node's
      var pool = cloud.node().handle(ImageModule.Components.class).images().pool();
      pool.preparedQuery("UPDATE images SET status = 'saving', upload_id = $2 WHERE id = $1").execute(Tuple.of(mine, nodeId + "/u1")).await();
      pool.preparedQuery("UPDATE images SET status = 'saving', upload_id = $2 WHERE id = $1").execute(Tuple.of(other, "another-node/u2")).await();
    }
    try (TestCloud cloud = start()) {
      String token = cloud.login(member.getString("user"), member.getString("password"), member.getString("project")).await().getString("token");
      assertThat(cloud.call(token, HttpMethod.GET, "/image/v2/images/" + mine, null).await().bodyAsJsonObject().getString("status"))
        .isEqualTo("queued");
      assertThat(cloud.call(token, HttpMethod.GET, "/image/v2/images/" + other, null).await().bodyAsJsonObject().getString("status"))
        .isEqualTo("saving");
    }
  }
}
