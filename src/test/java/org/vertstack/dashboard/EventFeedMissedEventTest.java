package org.vertstack.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.db.DatabaseServer;
import org.vertstack.common.events.EventLogVerticle;
import org.vertstack.common.events.ResourceEvents;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A controller that misses a numbered event on the event bus (it reaches the others, and the
 * shared table a batch later) restarts its memory at the next one. Its live subscribers were
 * never handed the missed event: they get it from the table before anything newer, not a hole.
 */
class EventFeedMissedEventTest {

  @TempDir
  Path state;
  private DatabaseServer db;
  private Vertx vertx;
  private FeedFixture cloud;

  @BeforeEach
  void start() throws Exception {
    db = DatabaseServer.start(null, state);
    vertx = Vertx.vertx();
    cloud = FeedFixture.start(vertx, new JsonObject().put("feed-token-recheck-ms", 60_000)
      .put("platform", new JsonObject().put("database-connect", db.connectOptions())));
  }

  @AfterEach
  void stop() throws Exception {
    TokenVerifier.forget(vertx);
    vertx.close().await();
    db.close();
  }

  private static JsonObject event(long id, String name) {
    return event(id, "proj-a", name);
  }

  private static JsonObject event(long id, String project, String name) {
    return ResourceEvents.event(project, "test.thing", name, "created", new JsonObject().put("name", name)).put("id", id);
  }

  /** The sequencer's batch write of one event. */
  private void written(JsonObject event) throws Exception {
    JsonObject c = db.connectOptions();
    try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.getInteger("port") + "/" + c.getString("database"),
           c.getString("user"), c.getString("password"));
         PreparedStatement insert = conn.prepareStatement("INSERT INTO events.event_log (id, project_id, event) VALUES (?, ?, ?)")) {
      insert.setLong(1, event.getLong("id"));
      insert.setString(2, event.getString("project_id"));
      insert.setString(3, event.encode());
      insert.executeUpdate();
    }
  }

  @Test
  void aLiveSubscriberGetsTheEventItsNodeMissedFromTheTableInOrder() throws Exception {
    FeedClient a = cloud.subscribe(cloud.token("proj-a", "member", 600), null, false);
    long cursor = EventFeedTest.readyAndLive(a);
    JsonObject missed = event(cursor + 1, "missed");
    // the next event reaches this node, the one before it does not; the table gets it a batch later
    vertx.eventBus().publish(EventLogVerticle.NUMBERED, event(cursor + 2, "after"));
    Thread.sleep(300);
    written(missed);
    List<String> seen = new ArrayList<>();
    JsonObject m;
    do {
      m = a.next();
      seen.add(m.getString("type") + ":" + m.getString("resource_id"));
    } while (!"after".equals(m.getString("resource_id")));
    assertThat(seen).containsExactly("event:missed", "event:after");
  }

  @Test
  void aQuietSubscriberGetsTheMissedEventWithoutWaitingForItsProjectsNextOne() throws Exception {
    FeedClient a = cloud.subscribe(cloud.token("proj-a", "member", 600), null, false);
    long cursor = EventFeedTest.readyAndLive(a);
    // the node misses proj-a's event; the next one it gets is another project's, and proj-a is quiet
    vertx.eventBus().publish(EventLogVerticle.NUMBERED, event(cursor + 2, "proj-b", "other"));
    Thread.sleep(300);
    written(event(cursor + 1, "missed"));
    JsonObject m = a.next();
    assertThat(m.getString("type") + ":" + m.getString("resource_id")).as(m.encode()).isEqualTo("event:missed");
  }
}
