package org.vertstack.common.events;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.common.db.DatabaseServer;
import org.vertstack.common.db.Databases;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay from the shared table never passes over an id the table does not hold: the sequencer
 * writes the table in batches, after every controller saw the events live, so the table may lag a
 * controller's memory. The replay waits for the write; an id that never comes is a gap (a reset
 * for the subscriber), never a silent hole.
 */
class SharedEventLogHoleTest {

  @TempDir
  Path state;
  private DatabaseServer db;
  private Vertx vertx;
  private JsonObject platform;

  @BeforeEach
  void start() throws Exception {
    db = DatabaseServer.start(null, state);
    platform = new JsonObject().put("database-connect", db.connectOptions());
    vertx = Vertx.vertx();
    Databases.migrate(vertx, platform, EventLogTable.SCHEMA).await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await();
    db.close();
  }

  /** Rows as the sequencer writes them. */
  static void insert(DatabaseServer db, long... ids) throws Exception {
    JsonObject c = db.connectOptions();
    try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.getInteger("port") + "/" + c.getString("database"),
           c.getString("user"), c.getString("password"));
         PreparedStatement insert = conn.prepareStatement("INSERT INTO events.event_log (id, project_id, event) VALUES (?, ?, ?)")) {
      for (long id : ids) {
        insert.setLong(1, id);
        insert.setString(2, "proj-a");
        insert.setString(3, ResourceEvents.event("proj-a", "test.thing", "e" + id, "created", new JsonObject()).put("id", id).encode());
        insert.executeUpdate();
      }
    }
  }

  /** An event log on a controller that starts after the table holds the rows (its memory starts empty). */
  private void deploy() throws Exception {
    vertx.deployVerticle(EventLogVerticle.class, new DeploymentOptions().setConfig(new JsonObject().put("platform", platform)))
      .await(60, TimeUnit.SECONDS);
  }

  private Future<JsonObject> replay(long after) {
    return vertx.eventBus().<JsonObject>request(EventLogVerticle.REPLAY, new JsonObject().put("after", after).put("max", 100))
      .map(Message::body);
  }

  private static long[] ids(JsonObject page) {
    return page.getJsonArray("events").stream().mapToLong(e -> ((JsonObject) e).getLong("id")).toArray();
  }

  @Test
  void aRowWrittenAfterTheReplayAskedIsWaitedForNotSkipped() throws Exception {
    insert(db, 1, 2, 4, 5, 6, 7, 8, 9);   // 3 was numbered, but its batch is not written yet
    deploy();
    Future<JsonObject> page = replay(0);
    Thread.sleep(300);
    insert(db, 3);                        // the sequencer's next batch
    JsonObject replayed = page.await(30, TimeUnit.SECONDS);
    assertThat(replayed.getBoolean("gap")).isFalse();
    assertThat(ids(replayed)).containsExactly(LongStream.rangeClosed(1, 9).toArray());
  }

  @Test
  void aRowNeverWrittenIsAGapNotASilentHole() throws Exception {
    insert(db, 1, 2, 4, 5, 6, 7, 8, 9);   // 3 is lost: numbered by a sequencer that died before writing it
    deploy();
    JsonObject replayed = replay(0).await(30, TimeUnit.SECONDS);
    assertThat(replayed.getBoolean("gap")).as(replayed.encode()).isTrue();
  }

  @Test
  void aCompleteTableIsReplayedAsItIs() throws Exception {
    insert(db, LongStream.rangeClosed(1, 9).toArray());
    deploy();
    JsonObject replayed = replay(2).await(30, TimeUnit.SECONDS);
    assertThat(replayed.getBoolean("gap")).isFalse();
    assertThat(ids(replayed)).containsExactly(3, 4, 5, 6, 7, 8, 9);
  }
}
