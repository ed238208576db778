package org.vertstack.identity;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** State lives in the state directory: users, tokens and clouds.yaml survive a restart. */
@ExtendWith(VertxExtension.class)
class RestartPersistenceTest {

  @Test
  void userCreatedBeforeARestartLogsInAfterIt(@TempDir Path stateDir) throws Exception {
    JsonObject user;
    String tokenBefore;
    try (TestCloud first = TestCloud.start(stateDir, new JsonObject()).await()) {
      user = first.projectWithUser("member").await();
      tokenBefore = user.getString("token");
      assertThat(Files.readString(stateDir.resolve("clouds.yaml"))).contains("auth_url: " + first.baseUrl() + "/identity/v3");
    }
    try (TestCloud second = TestCloud.start(stateDir, new JsonObject()).await()) {
      JsonObject again = second.login(user.getString("user"), user.getString("password"), user.getString("project")).await();
      assertThat(again.getJsonObject("body").getJsonObject("project").getString("id")).isEqualTo(user.getString("project_id"));
      // A token issued before the restart is still valid: the signing key is kept in the state dir.
      assertThat(second.call(tokenBefore, HttpMethod.GET, "/identity/v3/auth/projects", null).await().statusCode()).isEqualTo(200);
      // clouds.yaml follows the new port and keeps the admin password.
      String yaml = Files.readString(stateDir.resolve("clouds.yaml"));
      assertThat(yaml).contains("auth_url: " + second.baseUrl() + "/identity/v3").contains(TestCloud.ADMIN_PASSWORD);
    }
  }

  @Test
  void revocationsSurviveARestart(@TempDir Path stateDir) {
    String revoked;
    try (TestCloud first = TestCloud.start(stateDir, new JsonObject()).await()) {
      String admin = first.adminToken().await();
      revoked = first.adminToken().await();
      assertThat(first.http().deleteAbs(first.baseUrl() + "/identity/v3/auth/tokens").putHeader("X-Auth-Token", admin)
        .putHeader("X-Subject-Token", revoked).send().await().statusCode()).isEqualTo(204);
    }
    try (TestCloud second = TestCloud.start(stateDir, new JsonObject()).await()) {
      assertThat(second.call(revoked, HttpMethod.GET, "/identity/v3/auth/projects", null).await().statusCode()).isEqualTo(401);
    }
  }
}
