package org.vertstack.image;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.vertstack.common.http.BodySchema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An image create is checked against the schema the API publishes (/v2/schemas/image), as Glance does. */
class ImageSchemasTest {

  private static BodySchema schema(HttpMethod method, String path) {
    return ImageSchemas.TABLE.entries().stream().filter(e -> e.method() == method && e.path().equals(path)).findFirst()
      .orElseThrow(() -> new AssertionError("no schema for " + method + " " + path)).schema();
  }

  private static void accepts(BodySchema schema, String body) {
    assertThatCode(() -> schema.check(new JsonObject(body))).as(body).doesNotThrowAnyException();
  }

  private static void refuses(BodySchema schema, String body, String... says) {
    assertThatThrownBy(() -> schema.check(new JsonObject(body))).as(body)
      .isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.failureCode()).isEqualTo(400);
        assertThat(e.getMessage()).contains(says);
      });
  }

  @Test
  void anImageCreateFollowsThePublishedSchema() {
    BodySchema create = schema(HttpMethod.POST, "/v2/images");
    accepts(create, "{\"name\": \"cirros\", \"container_format\": \"bare\", \"disk_format\": \"qcow2\", \"visibility\": \"private\", "
      + "\"min_ram\": 0, \"min_disk\": 1, \"protected\": false, \"tags\": [\"a\"], \"hw_disk_bus\": \"virtio\", "
      + "\"id\": \"7a2f33f4-5a4c-4c3a-9d2b-3f0d7a8c9e10\"}");
    accepts(create, "{\"name\": null, \"disk_format\": null}");
    // naming a read-only or reserved attribute is the service's 403, whatever its value
    accepts(create, "{\"size\": \"big\", \"locations\": 5, \"os_glance_anything\": [1]}");
    refuses(create, "{\"disk_format\": \"floppy\"}", "disk_format");
    refuses(create, "{\"visibility\": \"everyone\"}", "visibility");
    refuses(create, "{\"min_ram\": -1}", "min_ram");
    refuses(create, "{\"protected\": \"yes\"}", "protected");
    refuses(create, "{\"hw_disk_bus\": 5}", "hw_disk_bus");
    refuses(create, "{\"tags\": [\"\"]}", "tags/0");
    refuses(create, "{\"id\": \"not-a-uuid\"}", "id");
    refuses(create, "{\"name\": \"" + "n".repeat(256) + "\"}", "name");
  }

  @Test
  void membersAndImports() {
    accepts(schema(HttpMethod.POST, "/v2/images/:id/members"), "{\"member\": \"project-b\"}");
    refuses(schema(HttpMethod.POST, "/v2/images/:id/members"), "{\"member\": 5}", "member");
    refuses(schema(HttpMethod.PUT, "/v2/images/:id/members/:member"), "{\"status\": \"maybe\"}", "status");
    // the openstack CLI sends the whole member back; Glance reads only its status
    accepts(schema(HttpMethod.PUT, "/v2/images/:id/members/:member"), "{\"status\": \"accepted\", \"member_id\": \"p\", "
      + "\"image_id\": \"i\", \"created_at\": \"2026-01-01T00:00:00Z\", \"schema\": \"/v2/schemas/member\"}");
    BodySchema importing = schema(HttpMethod.POST, "/v2/images/:id/import");
    accepts(importing, "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://x/i.qcow2\"}, \"stores\": [\"s\"], \"all_stores\": false}");
    refuses(importing, "{\"method\": \"glance-direct\"}", "method");
    refuses(importing, "{\"method\": {\"name\": \"carrier-pigeon\"}}", "method/name");
  }
}
