package org.vertstack.common.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Requires a valid X-Auth-Token and puts the caller's {@link AuthContext} on the routing
 * context. Routes that need no token (token issue, version documents) are mounted before it.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  private static final String KEY = "vertstack.auth";

  private final TokenVerifier verifier;

  public AuthHandler(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    verifier.verify(ctx.request().getHeader("X-Auth-Token"))
      .onSuccess(auth -> {
        ctx.put(KEY, auth);
        ctx.next();
      })
      .onFailure(ctx::fail);
  }

  public static AuthContext of(RoutingContext ctx) {
    AuthContext auth = ctx.get(KEY);
    if (auth == null) {
      throw new IllegalStateException("route is not behind AuthHandler");
    }
    return auth;
  }
}
