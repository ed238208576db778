package org.vertstack.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.ObjectStorePolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policy language and the identity table, without a cloud. */
class PolicyTest {

  private static AuthContext token(String scopeKey, String scopeId, String... roles) {
    JsonArray r = new JsonArray();
    for (String role : roles) {
      r.add(new JsonObject().put("id", role + "-id").put("name", role));
    }
    JsonObject claims = new JsonObject().put("user", new JsonObject().put("id", "u1").put("name", "u")
        .put("domain", new JsonObject().put("id", "d1")))
      .put("roles", r).put("issued_at", "2026-01-01T00:00:00.000000Z").put("expires_at", "2026-01-01T01:00:00.000000Z");
    switch (scopeKey) {
      case "system" -> claims.put("system", new JsonObject().put("all", true));
      case "project" -> claims.put("project", new JsonObject().put("id", scopeId).put("domain", new JsonObject().put("id", "d1")));
      case "domain" -> claims.put("domain", new JsonObject().put("id", scopeId));
      default -> claims.remove("roles");
    }
    return new AuthContext(claims);
  }

  @Test
  void expressionsCombineWithAndOrNotAndParentheses() {
    Policy p = Policy.of("r", "system_admin or (domain_admin and not target.cloud_user)");
    AuthContext domainAdmin = token("domain", "d1", "admin", "member", "reader");
    assertThat(p.allowed(domainAdmin, "r", Target.user("x", "d1"))).isTrue();
    assertThat(p.allowed(domainAdmin, "r", Target.user("x", "d1").flag("cloud_user", true))).isFalse();
    assertThat(p.allowed(domainAdmin, "r", Target.user("x", "d2"))).isFalse();
    assertThat(p.allowed(token("system", null, "admin"), "r", Target.user("x", "d2").flag("cloud_user", true))).isTrue();
  }

  @Test
  void typosFailWhenTheTableIsBuilt() {
    assertThatThrownBy(() -> Policy.of("r", "system_admn")).hasMessageContaining("system_admn");
    assertThatThrownBy(() -> Policy.of("r", "(system_admin")).hasMessageContaining("')'");
    assertThatThrownBy(() -> Policy.of("r", "system_admin or")).hasMessageContaining("end");
  }

  @Test
  void aDenialIsKeystonesForbiddenNamingTheRule() {
    ServiceException e = (ServiceException) IdentityPolicy.RULES.authorize(token("project", "p1", "admin"), "identity:create_domain", Target.none()).cause();
    assertThat(e.failureCode()).isEqualTo(403);
    assertThat(e.getMessage()).contains("identity:create_domain");
  }

  @Test
  void projectAdminCannotGrantAnywhere() {
    AuthContext projectAdmin = token("project", "p1", "admin", "member", "reader");
    assertThat(IdentityPolicy.RULES.allowed(projectAdmin, "identity:create_grant", Target.project("p1", "d1").with("actor_domain_id", "d1"))).isFalse();
    assertThat(IdentityPolicy.RULES.allowed(projectAdmin, "identity:create_grant", Target.none().flag("system_grant", true))).isFalse();
  }

  @Test
  void domainAdminGrantsInItsDomainOnlyAndNeverOnTheSystemOrTheCloudsProjects() {
    AuthContext domainAdmin = token("domain", "d1", "admin", "member", "reader");
    assertThat(IdentityPolicy.RULES.allowed(domainAdmin, "identity:create_grant", Target.project("p1", "d1").with("actor_domain_id", "d1"))).isTrue();
    assertThat(IdentityPolicy.RULES.allowed(domainAdmin, "identity:create_grant", Target.project("p2", "d2").with("actor_domain_id", "d1"))).isFalse();
    assertThat(IdentityPolicy.RULES.allowed(domainAdmin, "identity:create_grant", Target.project("p1", "d1").with("actor_domain_id", "d2"))).isFalse();
    assertThat(IdentityPolicy.RULES.allowed(domainAdmin, "identity:create_grant", Target.project("p1", "d1").with("actor_domain_id", "d1")
      .flag("cloud_project", true))).isFalse();
    assertThat(IdentityPolicy.RULES.allowed(domainAdmin, "identity:create_grant", Target.none().flag("system_grant", true))).isFalse();
  }

  @Test
  void theReadmeShowsEveryRuleAsWritten() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    IdentityPolicy.RULES.expressions().forEach((name, expression) ->
      assertThat(readme).as(name).contains("| `" + name + "` | `" + expression + "` |"));
  }

  @Test
  void onlyTheSystemChangesTheObjectRingAndTheReadmeShowsItsRules() throws Exception {
    AuthContext systemAdmin = token("system", null, "admin", "member", "reader");
    AuthContext systemReader = token("system", null, "reader");
    AuthContext projectAdmin = token("project", "p1", "admin", "member", "reader");
    assertThat(ObjectStorePolicy.RULES.allowed(systemAdmin, "objectstore:update_ring", Target.none())).isTrue();
    assertThat(ObjectStorePolicy.RULES.allowed(systemReader, "objectstore:update_ring", Target.none())).isFalse();
    assertThat(ObjectStorePolicy.RULES.allowed(systemReader, "objectstore:get_ring", Target.none())).isTrue();
    assertThat(ObjectStorePolicy.RULES.allowed(projectAdmin, "objectstore:get_ring", Target.none())).isFalse();
    assertThat(ObjectStorePolicy.RULES.allowed(projectAdmin, "objectstore:update_ring", Target.none())).isFalse();
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    ObjectStorePolicy.RULES.expressions().forEach((name, expression) ->
      assertThat(readme).as(name).contains("| `" + name + "` | `" + expression + "` |"));
  }

  @Test
  void everyRuleOfTheIdentityTableParses() {
    assertThat(IdentityPolicy.RULES.expressions()).hasSizeGreaterThan(60)
      .allSatisfy((name, expression) -> assertThat(name).startsWith("identity:"));
  }
}
