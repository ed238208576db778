package org.vertstack.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Repeated failed logins lock the account; while locked even the right password is refused. */
@ExtendWith(VertxExtension.class)
class LockoutTest {

  @Test
  void threeFailuresLockTheAccount(@TempDir Path stateDir) {
    JsonObject config = new JsonObject().put("identity", new JsonObject()
      .put("lockout-failure-attempts", 3).put("lockout-duration-seconds", 600));
    try (TestCloud cloud = TestCloud.start(stateDir, config).await()) {
      JsonObject user = cloud.projectWithUser("member").await();
      for (int i = 0; i < 2; i++) {
        assertThat(cloud.login(user.getString("user"), "wrong", user.getString("project")).otherwiseEmpty().await()).isNull();
      }
      // Two failures: not locked yet.
      assertThat(cloud.login(user.getString("user"), user.getString("password"), user.getString("project")).await()).isNotNull();
      for (int i = 0; i < 3; i++) {
        assertThat(cloud.login(user.getString("user"), "wrong", user.getString("project")).otherwiseEmpty().await()).isNull();
      }
      var locked = cloud.login(user.getString("user"), user.getString("password"), user.getString("project"));
      assertThat(locked.otherwiseEmpty().await()).isNull();
      assertThat(locked.cause().getMessage()).contains("401");
      // Another account is not affected.
      assertThat(cloud.adminToken().await()).isNotBlank();
    }
  }

}
