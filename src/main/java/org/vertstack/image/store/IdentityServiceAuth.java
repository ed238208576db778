package org.vertstack.image.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.vertstack.identity.IdentityService;

import java.time.Instant;

/**
 * The glance service user's token, asked of the identity service on the event bus (never over
 * HTTP): the user is admin on the "service" project, whose object-store account holds the bytes.
 */
public final class IdentityServiceAuth implements ServiceAuth {

  private final IdentityService identity;
  private final String serviceName;
  private Future<ServiceToken> current;
  private Instant expires = Instant.EPOCH;

  public IdentityServiceAuth(Vertx vertx, String serviceName) {
    this.identity = IdentityService.createProxy(vertx);
    this.serviceName = serviceName;
  }

  @Override
  public synchronized Future<ServiceToken> token() {
    if (current == null || Instant.now().isAfter(expires.minusSeconds(120))) {
      Future<ServiceToken> f = identity.serviceToken(serviceName).map(t -> {
        synchronized (this) {
          expires = Instant.parse(t.getString("expires_at"));
        }
        return new ServiceToken(t.getString("token"), t.getString("project_id"));
      });
      f.onFailure(err -> invalidate());
      current = f;
    }
    return current;
  }

  @Override
  public synchronized void invalidate() {
    current = null;
    expires = Instant.EPOCH;
  }
}
