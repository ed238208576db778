package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload the image service refuses before reading its body (the image was deleted while being
 * saved: Tempest's snapshot tests do it) must not spoil the next one. Tempest's
 * test_create_image_from_paused_server failed once with a 400 from the image service when the
 * next upload went out on the connection that still carried the refused upload's body.
 */
class SnapshotUploadTest {

  @Test
  void aRefusedUploadLeavesTheNextOneIntact() throws Exception {
    TestCloud cloud = TestCloud.shared();
    String admin = cloud.adminToken().await();
    SnapshotUpload uploads = new SnapshotUpload(cloud.node().vertx(), cloud.baseUrl());
    Path big = Files.createTempFile("snap-big", ".img");
    Path small = Files.createTempFile("snap-small", ".img");
    Files.write(big, new byte[32 << 20]);
    Files.write(small, new byte[4096]);
    try {
      for (int round = 0; round < 3; round++) {
        var refused = uploads.upload("00000000-0000-0000-0000-00000000dead", big, admin).toCompletionStage().toCompletableFuture();
        try {
          refused.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause().getMessage()).contains("404");
        }
        var created = cloud.call(admin, HttpMethod.POST, "/image/v2/images", new JsonObject().put("name", TestCloud.unique("snap"))
          .put("disk_format", "raw").put("container_format", "bare")).await();
        String id = created.bodyAsJsonObject().getString("id");
        uploads.upload(id, small, admin).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(cloud.call(admin, HttpMethod.GET, "/image/v2/images/" + id, null).await().bodyAsJsonObject().getString("status"))
          .isEqualTo("active");
      }
    } finally {
      Files.deleteIfExists(big);
      Files.deleteIfExists(small);
    }
  }
}
