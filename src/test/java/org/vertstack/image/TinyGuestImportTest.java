package org.vertstack.image;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** First start imports a pre-built tiny guest from <state-dir>/guest/ as the public image vertstack-tiny. */
class TinyGuestImportTest {

  @TempDir
  Path dir;

  @Test
  void aPreBuiltGuestBecomesAPublicImageWithoutBlockingStartUp() throws Exception {
    Path guest = Files.createDirectories(dir.resolve("state/guest")).resolve("vertstack-tiny.qcow2");
    byte[] qcow2 = new byte[300_000];
    System.arraycopy(FormatInspectorTest.qcow2Header(3, 0, 23L << 20, 0), 0, qcow2, 0, 4096);
    Files.write(guest, qcow2);
    JsonObject overrides = new JsonObject()
      .put("http", new JsonObject().put("instances", 1))
      .put("image", new JsonObject().put("tiny-guest", true).put("tiny-guest-cache", dir.resolve("no-cache").toString()));
    try (TestCloud cloud = TestCloud.start(dir.resolve("state"), overrides).await()) {
      // a project member elsewhere sees it: it is public, owned by the service project
      JsonObject member = cloud.projectWithUser("member").await();
      String token = member.getString("token");
      JsonObject image = null;
      for (int i = 0; i < 150 && image == null; i++) {
        HttpResponse<Buffer> r = cloud.call(token, HttpMethod.GET, "/image/v2/images?name=vertstack-tiny&status=active", null).await();
        assertThat(r.statusCode()).isEqualTo(200);
        var images = r.bodyAsJsonObject().getJsonArray("images");
        image = images.isEmpty() ? null : images.getJsonObject(0);
        if (image == null) {
          Thread.sleep(200);
        }
      }
      assertThat(image).as("vertstack-tiny imported").isNotNull();
      assertThat(image.getString("visibility")).isEqualTo("public");
      assertThat(image.getString("disk_format")).isEqualTo("qcow2");
      assertThat(image.getLong("size")).isEqualTo(qcow2.length);
      assertThat(image.getLong("virtual_size")).isEqualTo(23L << 20);
      assertThat(image.getString("owner")).isNotEqualTo(member.getString("project_id"));
    }
  }
}
