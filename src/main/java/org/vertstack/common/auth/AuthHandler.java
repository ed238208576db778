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
        if (!withinAccessRules(ctx, auth)) {
          ctx.fail(new io.vertx.serviceproxy.ServiceException(401,
            "The request you have made requires authentication: the application credential's access rules do not allow it."));
          return;
        }
        ctx.put(KEY, auth);
        ctx.next();
      })
      .onFailure(ctx::fail);
  }

  /**
   * A token of an application credential with access rules reaches only what they name. The
   * service type is the API's mount point (/compute, /image, /identity: the catalog types).
   */
  private static boolean withinAccessRules(RoutingContext ctx, AuthContext auth) {
    if (!auth.toJson().containsKey("application_credential")) {
      return true;
    }
    String mount = ctx.mountPoint() == null ? "" : ctx.mountPoint();
    String path = ctx.normalizedPath();
    String below = path.startsWith(mount) ? path.substring(mount.length()) : path;
    String type = mount.startsWith("/") ? mount.substring(1) : mount;
    return AccessRuleCheck.allows(auth, type.endsWith("/") ? type.substring(0, type.length() - 1) : type,
      ctx.request().method().name(), below);
  }

  public static AuthContext of(RoutingContext ctx) {
    AuthContext auth = ctx.get(KEY);
    if (auth == null) {
      throw new IllegalStateException("route is not behind AuthHandler");
    }
    return auth;
  }
}
