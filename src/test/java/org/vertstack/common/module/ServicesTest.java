package org.vertstack.common.module;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.identity.IdentityExtensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Service proxies call this JVM's registration first, and stop doing so once it is gone. */
@ExtendWith(VertxExtension.class)
class ServicesTest {

  private static final AuthContext NOBODY = new AuthContext(new JsonObject());

  @Test
  void aProxyUsesTheLocalRegistrationUntilItIsUndeployed(Vertx vertx) {
    String id = vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return Services.register(vertx, IdentityExtensions.ADDRESS, IdentityExtensions.class,
          (caller, request) -> Future.succeededFuture(new JsonObject().put("served", "here")));
      }
    }).await();
    IdentityExtensions proxy = IdentityExtensions.createProxy(vertx);
    assertThat(proxy.call(NOBODY, new JsonObject()).await().getString("served")).isEqualTo("here");
    assertThat(marked(vertx)).isTrue();

    vertx.undeploy(id).await();
    // nobody serves it now: the local try fails, the retry anywhere fails too, and the mark is gone
    Throwable failure = catchThrowable(() -> proxy.call(NOBODY, new JsonObject()).await());
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(marked(vertx)).isFalse();
  }

  @Test
  void aThrowingServiceMethodAnswersAFailedFuture(Vertx vertx) {
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return Services.register(vertx, IdentityExtensions.ADDRESS, IdentityExtensions.class, (caller, request) -> {
          throw new IllegalArgumentException("no such thing");
        });
      }
    }).await();
    Throwable failure = catchThrowable(() -> IdentityExtensions.createProxy(vertx).call(NOBODY, new JsonObject()).await());
    assertThat(failure).isInstanceOf(ReplyException.class).hasMessageContaining("no such thing");
  }

  private static boolean marked(Vertx vertx) {
    return vertx.sharedData().getLocalMap("vertstack.services.local").containsKey(IdentityExtensions.ADDRESS);
  }
}
