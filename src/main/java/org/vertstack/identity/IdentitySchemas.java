package org.vertstack.identity;

import org.vertstack.common.http.RequestSchemas;

/**
 * The declared schemas of identity's request bodies (resources in {@code identity/schemas/}), after
 * Keystone's own (keystone/*&#47;schema.py). The public table is checked before authentication (its
 * routes take no token), the rest after it, so a caller without a token is told 401 first.
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
}
