package org.vertstack.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import java.util.List;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.ComputePolicy;
import org.vertstack.common.policy.FrontDoorPolicy;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.ImagePolicy;
import org.vertstack.common.policy.ObjectStorePolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.RouteRules;
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
  void possiblyAllowedIsFalseOnlyWhenNoTargetWouldDo() {
    Policy p = Policy.of("manage", "system_admin or (domain_admin and not target.cloud_user)",
      "own", "owner or project_admin", "not_owner", "member and not owner");
    AuthContext domainAdmin = token("domain", "d1", "admin", "member", "reader");
    AuthContext projectReader = token("project", "p1", "reader");
    AuthContext projectAdmin = token("project", "p1", "admin", "member", "reader");
    assertThat(p.possiblyAllowed(domainAdmin, "manage")).isTrue();
    assertThat(p.possiblyAllowed(token("system", null, "admin"), "manage")).isTrue();
    assertThat(p.possiblyAllowed(projectReader, "manage")).isFalse();
    assertThat(p.possiblyAllowed(projectAdmin, "manage")).isFalse();
    assertThat(p.possiblyAllowed(null, "manage")).isFalse();
    assertThat(p.possiblyAllowed(projectReader, "own")).isTrue(); // its own user
    assertThat(p.possiblyAllowed(null, "own")).isFalse();
    // "not owner" is possible for a member: some target is somebody else's
    assertThat(p.possiblyAllowed(projectAdmin, "not_owner")).isTrue();
    assertThat(p.possiblyAllowed(projectReader, "not_owner")).isFalse();
    // the identity table: a project reader can create no user anywhere
    assertThat(IdentityPolicy.RULES.possiblyAllowed(projectReader, "identity:create_user")).isFalse();
    assertThat(IdentityPolicy.RULES.possiblyAllowed(domainAdmin, "identity:create_user")).isTrue();
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

  private static final List<RouteRules> TABLES = List.of(IdentityPolicy.ROUTES, ObjectStorePolicy.ROUTES, ImagePolicy.ROUTES,
    ComputePolicy.ROUTES, FrontDoorPolicy.ROUTES);

  @Test
  void theReadmeShowsEveryRuleAndEveryRouteAsWritten() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    for (RouteRules table : TABLES) {
      table.policy().expressions().forEach((name, expression) ->
        assertThat(readme).as(name).contains("| `" + name + "` | `" + expression + "` |"));
      table.entries().forEach((route, rule) -> assertThat(readme).as(route).contains("| `" + route + "` | `" + rule + "` |"));
    }
  }

  @Test
  void aRouteTableNamingNoRuleOfItsPolicyFailsWhenBuilt() {
    assertThatThrownBy(() -> RouteRules.of(ComputePolicy.RULES, "GET /compute/v2.1/servers", "os_compute_api:servers:indx"))
      .hasMessageContaining("servers:indx");
    assertThat(ComputePolicy.ROUTES.ruleOf("GET", "/compute/v2.1/servers/:id")).isEqualTo("os_compute_api:servers:show");
    assertThat(ComputePolicy.ROUTES.ruleOf("GET", "/compute/v2.1/os-new-thing")).isNull();
    assertThat(IdentityPolicy.ROUTES.ruleOf("PUT", "/identity/v3/OS-INHERIT/projects/:target/users/:actor/roles/:role/inherited_to_projects"))
      .isEqualTo("identity:create_grant");
  }

  @Test
  void nobodyMatchesOnlyAnyone() {
    Policy p = Policy.of("open", "anyone", "token", "authenticated", "read", "reader");
    assertThat(p.allowed(null, "open", Target.none())).isTrue();
    assertThat(p.allowed(null, "token", Target.none())).isFalse();
    assertThat(p.allowed(null, "read", Target.none())).isFalse();
    assertThat(p.allowed(token("project", "p1", "reader"), "token", Target.none())).isTrue();
  }

  @Test
  void objectStoreOwnersAclsAndTempUrls() {
    Policy p = ObjectStorePolicy.RULES;
    AuthContext readerP1 = token("project", "p1", "reader");
    AuthContext memberP2 = token("project", "p2", "member", "reader");
    assertThat(p.allowed(readerP1, "object_store:read_object", Target.project("p1", null))).isTrue();
    assertThat(p.allowed(readerP1, "object_store:write_object", Target.project("p1", null))).isFalse();
    assertThat(p.allowed(memberP2, "object_store:read_object", Target.project("p1", null))).isFalse();
    assertThat(p.allowed(memberP2, "object_store:read_object", Target.project("p1", null).flag("read_acl", true))).isTrue();
    assertThat(p.allowed(null, "object_store:write_object", Target.project("p1", null).flag("temp_url", true))).isTrue();
    assertThat(p.allowed(null, "object_store:write_container", Target.project("p1", null).flag("temp_url", true))).isFalse();
    assertThat(p.allowed(memberP2, "object_store:show_temp_url_keys", Target.project("p1", null).flag("read_acl", true))).isFalse();
    assertThat(p.allowed(token("project", "p1", "admin"), "object_store:read_account", Target.project("p2", null))).isFalse();
  }

  @Test
  void imagesAreSeenByOwnersMembersAndEveryoneWhenPublic() {
    Policy p = ImagePolicy.RULES;
    AuthContext memberP2 = token("project", "p2", "member", "reader");
    assertThat(p.allowed(memberP2, "get_image", Target.project("p1", null))).isFalse();
    assertThat(p.allowed(memberP2, "get_image", Target.project("p1", null).flag("public", true))).isTrue();
    assertThat(p.allowed(memberP2, "get_image", Target.project("p1", null).flag("member", true))).isTrue();
    assertThat(p.allowed(memberP2, "modify_image", Target.project("p1", null).flag("public", true))).isFalse();
    assertThat(p.allowed(token("project", "p1", "admin", "member", "reader"), "publicize_image", Target.none())).isFalse();
  }

  @Test
  void computeReadersReadMembersActAdminsSeeAllTenants() {
    Policy p = ComputePolicy.RULES;
    AuthContext readerP1 = token("project", "p1", "reader");
    AuthContext projectAdminP1 = token("project", "p1", "admin", "member", "reader");
    assertThat(p.allowed(readerP1, "os_compute_api:servers:show", Target.project("p1", null))).isTrue();
    assertThat(p.allowed(readerP1, "os_compute_api:servers:action", Target.project("p1", null))).isFalse();
    assertThat(p.allowed(projectAdminP1, "os_compute_api:servers:action", Target.project("p1", null))).isTrue();
    assertThat(p.allowed(projectAdminP1, "os_compute_api:servers:index:get_all_tenants", Target.none())).isFalse();
    assertThat(p.allowed(token("system", null, "admin"), "os_compute_api:servers:index:get_all_tenants", Target.none())).isTrue();
    assertThat(p.allowed(token("domain", "d1", "admin"), "os_compute_api:servers:show", Target.project("p1", "d1"))).isFalse();
  }

  @Test
  void onlyTheSystemChangesTheObjectRing() {
    AuthContext systemAdmin = token("system", null, "admin", "member", "reader");
    AuthContext systemReader = token("system", null, "reader");
    AuthContext projectAdmin = token("project", "p1", "admin", "member", "reader");
    assertThat(ObjectStorePolicy.RULES.allowed(systemAdmin, "object_store:update_ring", Target.none())).isTrue();
    assertThat(ObjectStorePolicy.RULES.allowed(systemReader, "object_store:update_ring", Target.none())).isFalse();
    assertThat(ObjectStorePolicy.RULES.allowed(systemReader, "object_store:get_ring", Target.none())).isTrue();
    assertThat(ObjectStorePolicy.RULES.allowed(projectAdmin, "object_store:get_ring", Target.none())).isFalse();
    assertThat(ObjectStorePolicy.RULES.allowed(projectAdmin, "object_store:update_ring", Target.none())).isFalse();
  }

  @Test
  void everyRuleOfTheIdentityTableParses() {
    assertThat(IdentityPolicy.RULES.expressions()).hasSizeGreaterThan(60)
      .allSatisfy((name, expression) -> assertThat(name).startsWith("identity:"));
  }
}
