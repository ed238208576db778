package org.vertstack.dashboard;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live feed on a whole node with the real identity service: its events reach only their
 * project's subscribers, and revoking a token through the API closes the socket that used it.
 */
class EventFeedCloudTest {

  private TestCloud cloud;
  private WebSocketClient client;

  @BeforeEach
  void setUp() {
    cloud = TestCloud.shared();
    client = cloud.node().vertx().createWebSocketClient();
  }

  @AfterEach
  void tearDown() {
    client.close().await();
  }

  private FeedClient subscribe(String token, Long since) throws InterruptedException {
    FeedClient c = new FeedClient(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(cloud.port()).setURI(DashboardModule.FEED_PATH)).await());
    JsonObject hello = new JsonObject().put("token", token);
    if (since != null) {
      hello.put("since", since);
    }
    c.send(hello);
    return c;
  }

  private void describe(String admin, String projectId, String description) {
    int status = cloud.call(admin, HttpMethod.PATCH, "/identity/v3/projects/" + projectId, new JsonObject()
      .put("project", new JsonObject().put("description", description))).await().statusCode();
    assertThat(status).isEqualTo(200);
  }

  @Test
  void projectEventsReachOnlyThatProjectAndReplayAfterAReconnect() throws Exception {
    String admin = cloud.adminToken().await();
    JsonObject a = cloud.projectWithUser("member").await();
    JsonObject b = cloud.projectWithUser("reader").await();
    FeedClient feedA = subscribe(a.getString("token"), null);
    FeedClient feedB = subscribe(b.getString("token"), null);
    EventFeedTest.readyAndLive(feedA);
    EventFeedTest.readyAndLive(feedB);

    describe(admin, a.getString("project_id"), "first");
    describe(admin, b.getString("project_id"), "first");
    describe(admin, a.getString("project_id"), "second");

    JsonObject a1 = feedA.until("event").get(0);
    JsonObject a2 = feedA.until("event").get(0);
    assertThat(a1.getString("resource_type")).isEqualTo("identity.project");
    assertThat(a1.getJsonObject("resource").getString("description")).isEqualTo("first");
    assertThat(a2.getJsonObject("resource").getString("description")).isEqualTo("second");
    assertThat(a2.getLong("id")).isGreaterThan(a1.getLong("id"));
    JsonObject b1 = feedB.until("event").get(0);
    assertThat(b1.getString("project_id")).isEqualTo(b.getString("project_id"));
    long cursorB = b1.getLong("id");
    assertThat(feedA.messages).isEmpty();
    assertThat(feedB.messages).isEmpty();

    // B is away while its project changes twice; back with its cursor, it gets both
    feedB.ws.close().await();
    describe(admin, b.getString("project_id"), "while away 1");
    describe(admin, a.getString("project_id"), "not for b");
    describe(admin, b.getString("project_id"), "while away 2");
    FeedClient again = subscribe(b.getString("token"), cursorB);
    assertThat(again.until("live").stream().filter(m -> "event".equals(m.getString("type")))
      .map(m -> m.getJsonObject("resource").getString("description")).toList())
      .containsExactly("while away 1", "while away 2");
  }

  @Test
  void revokingTheTokenThroughTheApiClosesTheSocket() throws Exception {
    String admin = cloud.adminToken().await();
    JsonObject a = cloud.projectWithUser("member").await();
    FeedClient feed = subscribe(a.getString("token"), null);
    EventFeedTest.readyAndLive(feed);
    int status = cloud.http().requestAbs(HttpMethod.DELETE, cloud.baseUrl() + "/identity/v3/auth/tokens")
      .putHeader("X-Auth-Token", admin).putHeader("X-Subject-Token", a.getString("token")).send().await().statusCode();
    assertThat(status).isEqualTo(204);
    assertThat(feed.awaitClose(5000)).isEqualTo(FeedCloseCodes.UNAUTHORIZED);
  }

  @Test
  void aTokenFromAnotherIssuerIsRefused() throws Exception {
    FeedClient feed = subscribe("eyJhbGciOiJub25lIn0.eyJjdHgiOnt9fQ.", null);
    assertThat(feed.awaitClose(5000)).isEqualTo(FeedCloseCodes.UNAUTHORIZED);
    assertThat(feed.messages).isEmpty();
  }
}
