package org.vertstack.identity;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.testing.TestCloud;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every identity change publishes one resource event: created, updated, deleted. */
@ExtendWith(VertxExtension.class)
class ResourceEventsTest {

  @Test
  void projectLifecyclePublishesOneEventPerChange(VertxTestContext test) throws Exception {
    TestCloud cloud = TestCloud.shared();
    String admin = cloud.adminToken().await();
    String name = TestCloud.unique("evented");
    Checkpoint created = test.checkpoint();
    Checkpoint updated = test.checkpoint();
    Checkpoint deleted = test.checkpoint();
    MessageConsumer<JsonObject> consumer = cloud.node().vertx().eventBus().consumer(ResourceEvents.ADDRESS, msg -> {
      JsonObject e = msg.body();
      if (!"identity.project".equals(e.getString("resource_type")) || !name.equals(e.getJsonObject("resource").getString("name"))) {
        return;
      }
      test.verify(() -> {
        assertThat(e.getString("project_id")).isEqualTo(e.getString("resource_id"));
        assertThat(e.getString("time")).isNotBlank();
      });
      switch (e.getString("action")) {
        case "created" -> created.flag();
        case "updated" -> updated.flag();
        case "deleted" -> deleted.flag();
        default -> test.failNow("unexpected action " + e.getString("action"));
      }
    });
    consumer.completion().await();
    String id = cloud.call(admin, HttpMethod.POST, "/identity/v3/projects", new JsonObject().put("project", new JsonObject().put("name", name)))
      .await().bodyAsJsonObject().getJsonObject("project").getString("id");
    cloud.call(admin, HttpMethod.PATCH, "/identity/v3/projects/" + id, new JsonObject().put("project", new JsonObject().put("enabled", false))).await();
    cloud.call(admin, HttpMethod.DELETE, "/identity/v3/projects/" + id, null).await();
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
    consumer.unregister();
  }
}
