package org.vertstack.common.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The feed's log is in PostgreSQL too: a cursor replays after the controller that handed it out restarted. */
class SharedEventLogTest {

  private static JsonObject page(TestCloud cloud, long after) {
    return cloud.node().vertx().eventBus().<JsonObject>request(EventLogVerticle.REPLAY,
      new JsonObject().put("after", after).put("max", 100)).await().body();
  }

  @Test
  void aCursorReplaysFromTheSharedLogAfterARestart(@TempDir Path state) throws Exception {
    long cursor;
    String token;
    try (TestCloud cloud = TestCloud.start(state, new JsonObject()).await()) {
      token = cloud.adminToken().await();
      cursor = page(cloud, Long.MAX_VALUE).getLong("last_id");
      for (int i = 0; i < 3; i++) {
        assertThat(cloud.call(token, io.vertx.core.http.HttpMethod.POST, "/identity/v3/projects",
          new JsonObject().put("project", new JsonObject().put("name", "p" + i))).await().statusCode()).isEqualTo(201);
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (page(cloud, cursor).getJsonArray("events").size() < 3 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(500); // the sequencer writes the table in batches every 200 ms
    }
    try (TestCloud again = TestCloud.start(state, new JsonObject()).await()) {
      JsonObject replay = page(again, cursor);
      assertThat(replay.getBoolean("gap")).isFalse();
      JsonArray events = replay.getJsonArray("events");
      assertThat(events.stream().map(e -> ((JsonObject) e).getString("resource_type")).filter("identity.project"::equals).count())
        .isEqualTo(3);
      assertThat(events.getJsonObject(0).getLong("id")).isEqualTo(cursor + 1);
    }
  }
}
