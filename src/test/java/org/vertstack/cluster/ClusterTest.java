package org.vertstack.cluster;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.Main;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.config.Config;
import org.vertstack.testing.TestCloud;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes in a Vert.x cluster over Hazelcast (loopback only): a controller and a compute node.
 * The compute node validates tokens on its own with the key it got over the clustered event bus,
 * and a revocation made on the controller reaches it.
 */
@ExtendWith(VertxExtension.class)
class ClusterTest {

  private static JsonObject clustered(int hazelcastPort, int otherPort) {
    return new JsonObject().put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
      .put("port", hazelcastPort).put("members", new JsonArray().add("127.0.0.1:" + hazelcastPort).add("127.0.0.1:" + otherPort)));
  }

  @Test
  void tokensAndRevocationsReachEveryNode(@TempDir Path controllerDir, @TempDir Path computeDir) throws Exception {
    int controllerPort = TestCloud.freePort();
    int computePort = TestCloud.freePort();
    try (TestCloud controller = TestCloud.start(controllerDir, clustered(controllerPort, computePort)).await()) {
      JsonObject computeConfig = Config.deepMerge(Config.defaults(), clustered(computePort, controllerPort));
      computeConfig.put("state-dir", computeDir.toString()).put("roles", new JsonArray().add("compute"));
      computeConfig.getJsonObject("http").put("port", TestCloud.freePort());
      Main.Node compute = Main.start(computeConfig).await();
      try {
        String token = controller.adminToken().await();
        TokenVerifier remote = TokenVerifier.get(compute.vertx()).await();
        AuthContext ctx = remote.verify(token).await();
        assertThat(ctx.userName()).isEqualTo("admin");
        assertThat(ctx.isAdmin()).isTrue();

        String other = controller.adminToken().await();
        assertThat(controller.http().deleteAbs(controller.baseUrl() + "/identity/v3/auth/tokens").putHeader("X-Auth-Token", other)
          .putHeader("X-Subject-Token", token).send().await().statusCode()).isEqualTo(204);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
          refused = remote.verify(token).otherwiseEmpty().await() == null;
          if (!refused) {
            Thread.sleep(50);
          }
        }
        assertThat(refused).as("revocation reached the compute node").isTrue();
        assertThat(remote.verify(other).await().userName()).isEqualTo("admin");
        assertThat(controller.call(other, HttpMethod.GET, "/identity/v3/auth/projects", null).await().statusCode()).isEqualTo(200);
      } finally {
        compute.stop();
      }
    }
  }
}
