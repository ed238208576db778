package org.vertstack.identity;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.http.RequestSchemas;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;

/**
 * The declared schemas of identity's request bodies (resources in {@code identity/schemas/}), after
 * Keystone's own (keystone/*&#47;schema.py). The public table is checked before authentication (its
 * routes take no token), the rest after it, so a caller without a token is told 401 first. As in
 * Keystone, policy comes before the body's schema: a caller the route's rule refuses whatever the
 * target is told 403 even when its body is malformed ({@link #policyFirst}); the service then
 * checks the rule again against the target it loads.
 */
final class IdentitySchemas {

  static final RequestSchemas PUBLIC = RequestSchemas.beside(IdentitySchemas.class)
    .post("/v3/auth/tokens", "schemas/token-issue.json")
    .post("/v3/users/:id/password", "schemas/user-password.json")
    .build();

  static final RequestSchemas PROTECTED = RequestSchemas.beside(IdentitySchemas.class)
    .post("/v3/users", "schemas/user-create.json")
    .patch("/v3/users/:id", "schemas/user-update.json")
    .post("/v3/groups", "schemas/group-create.json")
    .patch("/v3/groups/:id", "schemas/group-update.json")
    .post("/v3/projects", "schemas/project-create.json")
    .patch("/v3/projects/:id", "schemas/project-update.json")
    .post("/v3/domains", "schemas/domain-create.json")
    .patch("/v3/domains/:id", "schemas/domain-update.json")
    .post("/v3/roles", "schemas/role-create.json")
    .patch("/v3/roles/:id", "schemas/role-update.json")
    .post("/v3/credentials", "schemas/credential-create.json")
    .patch("/v3/credentials/:id", "schemas/credential-update.json")
    .post("/v3/users/:user/application_credentials", "schemas/application-credential-create.json")
    .post("/v3/regions", "schemas/region-create.json")
    .put("/v3/regions/:id", "schemas/region-create.json")
    .post("/v3/services", "schemas/service-create.json")
    .post("/v3/endpoints", "schemas/endpoint-create.json")
    .patch("/v3/endpoints/:id", "schemas/endpoint-update.json")
    .build();

  private IdentitySchemas() {
  }

  /** The gate ahead of a protected body schema: 403 unless the route's rule could let the caller through. */
  static Handler<RoutingContext> policyFirst(RequestSchemas.Entry entry) {
    String rule = ruleOf(entry.method(), entry.path());
    if (!IdentityPolicy.RULES.has(rule)) {
      throw new IllegalStateException("no policy rule " + rule + " for " + entry.method() + " " + entry.path());
    }
    return ctx -> {
      if (IdentityPolicy.RULES.possiblyAllowed(AuthHandler.of(ctx), rule)) {
        ctx.next();
      } else {
        ctx.fail(Policy.denied(rule));
      }
    };
  }

  /** POST /v3/users is identity:create_user, PATCH /v3/users/:id identity:update_user, and so on. */
  static String ruleOf(HttpMethod method, String path) {
    String[] parts = path.split("/"); // "", "v3", collection, ...
    if (parts.length == 5 && parts[4].equals("application_credentials")) {
      return "identity:create_application_credential";
    }
    String member = parts[2].substring(0, parts[2].length() - 1);
    return (method == HttpMethod.PATCH ? "identity:update_" : "identity:create_") + member;
  }
}
