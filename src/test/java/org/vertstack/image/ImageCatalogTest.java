package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** The image service's event-bus API applies the same project scoping as its REST API. */
@ExtendWith(VertxExtension.class)
class ImageCatalogTest {

  @Test
  void otherServicesSeeOnlyWhatTheCallersTokenMaySee() {
    TestCloud cloud = TestCloud.shared();
    JsonObject owner = cloud.projectWithUser("member").await();
    JsonObject stranger = cloud.projectWithUser("member").await();
    String name = TestCloud.unique("catalogued");
    var created = cloud.call(owner.getString("token"), HttpMethod.POST, "/image/v2/images", new JsonObject()
      .put("name", name).put("disk_format", "raw").put("container_format", "bare").put("visibility", "private")).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");

    TokenVerifier verifier = TokenVerifier.get(cloud.node().vertx()).await();
    AuthContext ownerCtx = verifier.verify(owner.getString("token")).await();
    AuthContext strangerCtx = verifier.verify(stranger.getString("token")).await();
    ImageCatalog catalog = ImageCatalog.createProxy(cloud.node().vertx());

    JsonObject image = catalog.getImage(ownerCtx, id).await();
    assertThat(image.getString("name")).isEqualTo(name);
    assertThat(image.getString("status")).isEqualTo("queued");
    assertThat(catalog.listImages(ownerCtx, new JsonObject().put("name", name)).await().getJsonArray("images")).hasSize(1);

    Future<JsonObject> hidden = catalog.getImage(strangerCtx, id);
    hidden.otherwiseEmpty().await();
    assertThat(hidden.failed()).isTrue();
    assertThat(((ServiceException) hidden.cause()).failureCode()).isEqualTo(404);
    assertThat(catalog.listImages(strangerCtx, new JsonObject().put("name", name)).await().getJsonArray("images")).isEmpty();
    assertThat(catalog.usage(ownerCtx).await().encode()).contains("image_count");
  }
}
