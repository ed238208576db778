package org.vertstack.objectstore;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** The object store's event-bus API reports a project's use to its own token and admins only. */
@ExtendWith(VertxExtension.class)
class ObjectStoreCatalogTest {

  private static int failureCode(Future<?> f) {
    f.otherwiseEmpty().await();
    assertThat(f.failed()).isTrue();
    return ((ServiceException) f.cause()).failureCode();
  }

  @Test
  void usageAndContainersAreScopedToTheProject() {
    TestCloud cloud = TestCloud.shared();
    JsonObject owner = cloud.projectWithUser("member").await();
    JsonObject stranger = cloud.projectWithUser("member").await();
    String project = owner.getString("project_id");
    String account = cloud.baseUrl() + "/object-store/v1/AUTH_" + project;
    assertThat(cloud.http().requestAbs(HttpMethod.PUT, account + "/photos").putHeader("X-Auth-Token", owner.getString("token"))
      .send().await().statusCode()).isEqualTo(201);
    assertThat(cloud.http().requestAbs(HttpMethod.PUT, account + "/photos/a.jpg").putHeader("X-Auth-Token", owner.getString("token"))
      .sendBuffer(Buffer.buffer("12345")).await().statusCode()).isEqualTo(201);

    TokenVerifier verifier = TokenVerifier.get(cloud.node().vertx()).await();
    AuthContext ownerCtx = verifier.verify(owner.getString("token")).await();
    AuthContext strangerCtx = verifier.verify(stranger.getString("token")).await();
    AuthContext adminCtx = verifier.verify(cloud.adminToken().await()).await();
    ObjectStoreCatalog catalog = ObjectStoreCatalog.createProxy(cloud.node().vertx());

    JsonObject usage = catalog.accountUsage(ownerCtx, project).await();
    assertThat(usage.getLong("containers")).isEqualTo(1);
    assertThat(usage.getLong("objects")).isEqualTo(1);
    assertThat(usage.getLong("bytes")).isEqualTo(5);
    assertThat(catalog.accountUsage(adminCtx, project).await().getLong("bytes")).isEqualTo(5);
    JsonArray containers = catalog.listContainers(ownerCtx, project, null, 100).await();
    assertThat(containers).hasSize(1);
    assertThat(containers.getJsonObject(0).getString("name")).isEqualTo("photos");
    assertThat(containers.getJsonObject(0).getLong("bytes")).isEqualTo(5);
    assertThat(catalog.listContainers(ownerCtx, project, "photos", 100).await()).isEmpty();

    assertThat(failureCode(catalog.accountUsage(strangerCtx, project))).isEqualTo(403);
    assertThat(failureCode(catalog.listContainers(strangerCtx, project, null, 100))).isEqualTo(403);
    assertThat(failureCode(catalog.listContainers(ownerCtx, project, null, 0))).isEqualTo(400);
  }
}
