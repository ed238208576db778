package org.vertstack.image;

import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Glance's JSON Patch bodies against their declared schemas (v2.1 and the older v2.0 dialect). */
class ImagePatchTest {

  private static void refused(String media, String body, int status, String... says) {
    assertThatThrownBy(() -> ImagePatch.parse(media, body)).as(body).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(status);
      assertThat(e.getMessage()).contains(says);
    });
  }

  @Test
  void aV21PatchBecomesOperations() {
    assertThat(ImagePatch.parse(ImagePatch.V21 + "; charset=UTF-8", """
      [{"op": "add", "path": "/hw_disk_bus", "value": "virtio"}, {"op": "replace", "path": "/min_ram", "value": 128},
       {"op": "remove", "path": "/a~1b"}, {"op": "replace", "path": "/name", "value": null}]"""))
      .containsExactly(new ImagePatch.Op("add", "hw_disk_bus", "virtio"), new ImagePatch.Op("replace", "min_ram", 128),
        new ImagePatch.Op("remove", "a/b", null), new ImagePatch.Op("replace", "name", null));
    assertThat(ImagePatch.parse(ImagePatch.V21, "[]")).isEmpty();
  }

  @Test
  void aV21PatchThatDoesNotMatchItsSchemaIsA400NamingTheMember() {
    String v21 = ImagePatch.V21;
    refused(v21, "{\"op\": \"add\"}", 400, "Invalid input in the request body", "array");
    refused(v21, "[5]", 400, "field/attribute 0");
    refused(v21, "[{\"op\": \"move\", \"path\": \"/name\", \"value\": 1}]", 400, "0/op", "\"move\"");
    refused(v21, "[{\"op\": \"add\", \"path\": \"/name\"}]", 400, "value");
    refused(v21, "[{\"op\": \"remove\"}]", 400, "path");
    refused(v21, "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]", 400, "0/path", "/a/b");
    refused(v21, "[{\"op\": \"add\", \"path\": 7, \"value\": 1}]", 400, "0/path");
    refused(v21, "[{\"op\": null, \"path\": \"/name\", \"value\": 1}]", 400, "0/op");
    refused(v21, "[{\"op\": \"add\", \"path\": \"/name\", \"value\": \"a\\u0000b\"}]", 400, "NUL");
    refused(v21, "not json", 400, "JSON array");
    refused("application/json", "[]", 415, "Unsupported Content-Type");
  }

  @Test
  void theV20DialectHasItsOwnSchema() {
    String v20 = ImagePatch.V20;
    assertThat(ImagePatch.parse(v20, "[{\"replace\": \"/name\", \"value\": \"n\"}, {\"remove\": \"/x\"}]"))
      .containsExactly(new ImagePatch.Op("replace", "name", "n"), new ImagePatch.Op("remove", "x", null));
    refused(v20, "[{\"add\": \"/name\"}]", 400, "value");
    refused(v20, "[{\"add\": \"/a\", \"remove\": \"/b\", \"value\": 1}]", 400, "field/attribute 0");
    refused(v20, "[{\"value\": 1}]", 400, "field/attribute 0");
    refused(v20, "[{\"remove\": \"name\"}]", 400, "0/remove");
  }
}
