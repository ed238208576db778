package org.vertstack.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.common.cluster.Clustering;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** Only members with the cluster's name and password join it (loopback only). */
class ClusterPasswordTest {

  private static Vertx member(int port, JsonArray members, String password) {
    JsonObject cluster = new JsonObject().put("enabled", true).put("name", "vertstack-test").put("password", password)
      .put("host", "127.0.0.1").put("port", port).put("members", members);
    return Clustering.start(new VertxOptions(), cluster).await();
  }

  private static int size(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager().getNodes().size();
  }

  @Test
  void aMemberWithAnotherPasswordStaysOut() {
    int a = TestCloud.freePort();
    int b = TestCloud.freePort();
    int c = TestCloud.freePort();
    JsonArray all = new JsonArray().add("127.0.0.1:" + a).add("127.0.0.1:" + b).add("127.0.0.1:" + c);
    Vertx first = member(a, all, "right");
    Vertx stranger = member(b, all, "wrong");
    Vertx friend = member(c, all, "right");
    try {
      assertThat(size(stranger)).isEqualTo(1);
      assertThat(size(first)).isEqualTo(2);
      assertThat(size(friend)).isEqualTo(2);
    } finally {
      friend.close().await();
      stranger.close().await();
      first.close().await();
    }
  }
}
