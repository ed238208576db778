package org.vertstack.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.TokenAuthority;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.EventLogVerticle;
import org.vertstack.common.events.ResourceEvents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The live feed end to end over real WebSockets: isolation, order, replay, token checks, back-pressure. */
class EventFeedTest {

  private Vertx vertx;
  private FeedFixture cloud;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    cloud = FeedFixture.start(vertx, new JsonObject().put("event-log-size", 50)
      .put("feed-max-queued-messages", 20).put("feed-token-recheck-ms", 60_000).put("feed-replay-page", 10));
  }

  @AfterEach
  void stop() {
    TokenVerifier.forget(vertx);
    vertx.close().await();
  }

  private void publish(String project, String name) {
    ResourceEvents.publish(vertx, project, "test.thing", name, "created", new JsonObject().put("name", name));
  }

  static long readyAndLive(FeedClient c) throws InterruptedException {
    List<JsonObject> start = c.until("live");
    assertThat(start.get(0).getString("type")).isEqualTo("ready");
    return start.get(start.size() - 1).getLong("cursor");
  }

  @Test
  void subscribersOfTwoProjectsSeeExactlyTheirOwnEventsInOrder() throws Exception {
    FeedClient a = cloud.subscribe(cloud.token("proj-a", "member", 600), null, false);
    FeedClient b = cloud.subscribe(cloud.token("proj-b", "reader", 600), null, false);
    readyAndLive(a);
    readyAndLive(b);
    for (int i = 1; i <= 5; i++) {
      publish("proj-a", "a" + i);
      publish("proj-b", "b" + i);
      publish(null, "cloud-wide" + i);
      publish("proj-c", "c" + i);
    }
    publish("proj-a", "a-end");
    publish("proj-b", "b-end");
    List<String> seenByA = a.eventsUntil("a-end");
    List<String> seenByB = b.eventsUntil("b-end");
    assertThat(seenByA).containsExactly("a1", "a2", "a3", "a4", "a5", "a-end");
    assertThat(seenByB).containsExactly("b1", "b2", "b3", "b4", "b5", "b-end");
    assertThat(a.messages).isEmpty();
    assertThat(b.messages).isEmpty();
  }

  @Test
  void eventsCarryIncreasingIdsAndTheResource() throws Exception {
    FeedClient a = cloud.subscribe(cloud.token("proj-a", "member", 600), null, false);
    long cursor = readyAndLive(a);
    publish("proj-a", "x");
    publish("proj-a", "y");
    JsonObject x = a.until("event").get(0);
    JsonObject y = a.until("event").get(0);
    assertThat(x.getLong("id")).isGreaterThan(cursor);
    assertThat(y.getLong("id")).isEqualTo(x.getLong("id") + 1);
    assertThat(x.getString("project_id")).isEqualTo("proj-a");
    assertThat(x.getString("action")).isEqualTo("created");
    assertThat(x.getJsonObject("resource").getString("name")).isEqualTo("x");
  }

  @Test
  void anAdminMayAskForEveryProjectAndOthersMayNot() throws Exception {
    FeedClient admin = cloud.subscribe(cloud.token("admin-proj", "admin", 600), null, true);
    readyAndLive(admin);
    publish("proj-a", "a1");
    publish(null, "cloud-wide");
    publish("proj-b", "b1");
    assertThat(admin.eventsUntil("b1")).containsExactly("a1", "cloud-wide", "b1");

    FeedClient member = cloud.subscribe(cloud.token("proj-a", "member", 600), null, true);
    assertThat(member.awaitClose(5000)).isEqualTo(FeedCloseCodes.FORBIDDEN);
  }

  @Test
  void aReconnectWithTheCursorReplaysWhatWasMissedThenGoesLive() throws Exception {
    FeedFixture.Token token = cloud.token("proj-a", "member", 600);
    FeedClient first = cloud.subscribe(token, null, false);
    readyAndLive(first);
    publish("proj-a", "a1");
    long cursor = first.until("event").get(0).getLong("id");
    first.ws.close().await();

    publish("proj-a", "a2");
    publish("proj-b", "b1");
    publish("proj-a", "a3");

    FeedClient again = cloud.subscribe(token, cursor, false);
    List<JsonObject> replay = again.until("live");
    assertThat(replay).extracting(m -> m.getString("type")).containsExactly("ready", "event", "event", "live");
    assertThat(replay.subList(1, 3)).extracting(m -> m.getString("resource_id")).containsExactly("a2", "a3");
    publish("proj-a", "a4");
    assertThat(again.eventsUntil("a4")).containsExactly("a4");
  }

  @Test
  void aReplayLongerThanOnePageArrivesWholeAndInOrder() throws Exception {
    FeedFixture.Token token = cloud.token("proj-a", "member", 600);
    FeedClient first = cloud.subscribe(token, null, false);
    long cursor = readyAndLive(first);
    first.ws.close().await();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 45; i++) {   // several replay pages of 10
      publish("proj-a", "a" + i);
      expected.add("a" + i);
    }
    FeedClient again = cloud.subscribe(token, cursor, false);
    assertThat(again.eventsUntil("a44")).containsExactlyElementsOf(expected);
  }

  @Test
  void aCursorOlderThanTheLogGetsAResetNotASilentGap() throws Exception {
    FeedFixture.Token token = cloud.token("proj-a", "member", 600);
    FeedClient first = cloud.subscribe(token, null, false);
    long cursor = readyAndLive(first);
    first.ws.close().await();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 60; i++) {     // the log holds 50
      publish("proj-a", "a" + i);
      all.add("a" + i);
    }
    publish("proj-a", "marker");
    all.add("marker");
    FeedClient again = cloud.subscribe(token, cursor, false);
    assertThat(again.next().getString("type")).isEqualTo("ready");
    // The shared log's table is pruned to the log size in batches, after the fact, and may be
    // pruned between two replay pages: events may come first, but whatever is not replayed
    // must be announced by a reset, never skipped.
    List<String> replayed = new ArrayList<>();
    JsonObject next = again.next();
    while ("event".equals(next.getString("type"))) {
      replayed.add(next.getString("resource_id"));
      next = again.next();
    }
    if (next.getString("type").equals("reset")) {
      assertThat(all.subList(0, replayed.size())).as("events replayed before a reset are the oldest ones, in order")
        .containsExactlyElementsOf(replayed);
      assertThat(again.next().getString("type")).isEqualTo("live");
    } else {
      assertThat(replayed).as("a replay without a reset must miss nothing").containsExactlyElementsOf(all);
      assertThat(next.getString("type")).isEqualTo("live");
    }
    publish("proj-a", "after");
    assertThat(again.eventsUntil("after")).containsExactly("after");
  }

  /** An event numbered by the sequencer (on another controller, say) as it reaches this node. */
  private void numbered(long id, String project, String name) {
    vertx.eventBus().publish(EventLogVerticle.NUMBERED,
      ResourceEvents.event(project, "test.thing", name, "created", new JsonObject().put("name", name)).put("id", id));
  }

  @Test
  void aLiveSubscriberWhoseNodeMissedAnEventGetsAResetNotASilentGap() throws Exception {
    FeedClient a = cloud.subscribe(cloud.token("proj-a", "member", 600), null, false);
    long cursor = readyAndLive(a);
    numbered(cursor + 1, "proj-a", "a1");
    assertThat(a.eventsUntil("a1")).containsExactly("a1");
    // cursor + 2 never reaches this node (lost between controllers), and without a shared table
    // nothing holds it: the subscriber must hear so before anything newer
    numbered(cursor + 3, "proj-a", "a3");
    JsonObject next = a.next();
    assertThat(next.getString("type")).as(next.encode()).isEqualTo("reset");
    numbered(cursor + 4, "proj-a", "a4");
    assertThat(a.eventsUntil("a4")).containsExactly("a4");
  }

  @Test
  void aRevokedTokenClosesTheSocket() throws Exception {
    FeedFixture.Token token = cloud.token("proj-a", "member", 600);
    FeedFixture.Token other = cloud.token("proj-a", "member", 600);
    FeedClient revoked = cloud.subscribe(token, null, false);
    FeedClient kept = cloud.subscribe(other, null, false);
    readyAndLive(revoked);
    readyAndLive(kept);
    vertx.eventBus().publish(TokenAuthority.REVOCATIONS, new JsonObject().put("audit_id", token.auditId())
      .put("expires_at", Instant.now().plusSeconds(600).toString()));
    assertThat(revoked.awaitClose(3000)).isEqualTo(FeedCloseCodes.UNAUTHORIZED);
    publish("proj-a", "still-here");
    assertThat(kept.eventsUntil("still-here")).containsExactly("still-here");
  }

  @Test
  void anExpiringTokenClosesTheSocketAtItsExpiry() throws Exception {
    FeedClient c = cloud.subscribe(cloud.token("proj-a", "member", 2), null, false);
    readyAndLive(c);
    long opened = System.currentTimeMillis();
    assertThat(c.awaitClose(5000)).isEqualTo(FeedCloseCodes.UNAUTHORIZED);
    assertThat(System.currentTimeMillis() - opened).isGreaterThan(1000);
  }

  @Test
  void aBadOrMissingTokenIsRefused() throws Exception {
    FeedClient bad = cloud.connect();
    bad.send(new JsonObject().put("token", "not-a-token"));
    assertThat(bad.awaitClose(5000)).isEqualTo(FeedCloseCodes.UNAUTHORIZED);

    FeedClient missing = cloud.connect();
    missing.send(new JsonObject().put("since", 0));
    assertThat(missing.awaitClose(5000)).isEqualTo(FeedCloseCodes.UNAUTHORIZED);

    FeedClient garbage = cloud.connect();
    garbage.ws.writeTextMessage("hello").await();
    assertThat(garbage.awaitClose(5000)).isEqualTo(FeedCloseCodes.BAD_REQUEST);

    FeedClient unscoped = cloud.subscribe(cloud.token(null, "member", 600), null, false);
    assertThat(unscoped.awaitClose(5000)).isEqualTo(FeedCloseCodes.FORBIDDEN);

    assertThat(bad.messages).isEmpty();
    assertThat(missing.messages).isEmpty();
  }

  @Test
  void theTokenMayComeInTheWebSocketProtocolHeader() throws Exception {
    FeedFixture.Token token = cloud.token("proj-b", "member", 600);
    FeedClient c = cloud.connect(List.of(EventFeedHandler.PROTOCOL, EventFeedHandler.TOKEN_PROTOCOL_PREFIX + token.value()));
    assertThat(c.ws.subProtocol()).isEqualTo(EventFeedHandler.PROTOCOL);
    c.send(new JsonObject());
    readyAndLive(c);
    publish("proj-b", "b1");
    assertThat(c.eventsUntil("b1")).containsExactly("b1");
  }

  @Test
  void aClientThatDoesNotReadIsClosedInsteadOfBufferedWithoutBound() throws Exception {
    FeedClient slow = cloud.subscribe(cloud.token("proj-a", "member", 600), null, false);
    readyAndLive(slow);
    slow.ws.pause();
    String big = "x".repeat(64 * 1024);
    for (int i = 0; i < 400 && slow.closeCode == null; i++) {   // up to 25 MiB, far past socket buffers
      ResourceEvents.publish(vertx, "proj-a", "test.thing", "e" + i, "created", new JsonObject().put("blob", big));
      if (i % 50 == 49) {
        Thread.sleep(50);
      }
    }
    slow.ws.resume();
    assertThat(slow.awaitClose(10_000)).isEqualTo(FeedCloseCodes.TOO_SLOW);
  }

  @Test
  void aPlainHttpRequestIsToldToUpgrade() {
    var response = vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET, cloud.port(), "127.0.0.1", DashboardModule.FEED_PATH)
      .compose(r -> r.send()).await();
    assertThat(response.statusCode()).isEqualTo(426);
  }
}
