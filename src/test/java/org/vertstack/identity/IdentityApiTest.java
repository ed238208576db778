package org.vertstack.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** Keystone v3 through the front door, as a client sees it. */
@ExtendWith(VertxExtension.class)
class IdentityApiTest {

  static TestCloud cloud;
  static String admin;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    admin = cloud.adminToken().await();
  }

  private HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    return cloud.call(token, method, "/identity/v3" + path, body).await();
  }

  @Test
  void tokenBodyCarriesUserProjectRolesCatalogAndAuditIds() {
    JsonObject login = cloud.login("admin", TestCloud.ADMIN_PASSWORD, "admin").await();
    JsonObject token = login.getJsonObject("body");
    assertThat(token.getJsonObject("user").getString("name")).isEqualTo("admin");
    assertThat(token.getJsonObject("project").getString("name")).isEqualTo("admin");
    assertThat(token.getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name")))
      .contains("admin", "member", "reader");
    assertThat(token.getJsonArray("audit_ids")).hasSize(1);
    assertThat(token.getString("expires_at")).endsWith("Z");
    JsonArray catalog = token.getJsonArray("catalog");
    assertThat(catalog.stream().map(s -> ((JsonObject) s).getString("type"))).contains("identity");

    HttpResponse<Buffer> validated = call(admin, HttpMethod.GET, "/auth/tokens", null);
    assertThat(validated.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> ok = cloud.http().getAbs(cloud.baseUrl() + "/identity/v3/auth/tokens")
      .putHeader("X-Auth-Token", admin).putHeader("X-Subject-Token", login.getString("token")).send().await();
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.getHeader("X-Subject-Token")).isEqualTo(login.getString("token"));
    assertThat(ok.bodyAsJsonObject().getJsonObject("token").getJsonArray("audit_ids"))
      .isEqualTo(token.getJsonArray("audit_ids"));
  }

  @Test
  void projectHierarchyAndFilters() {
    String parentName = TestCloud.unique("parent");
    JsonObject parent = call(admin, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", parentName).put("tags", new JsonArray().add("blue")))).bodyAsJsonObject().getJsonObject("project");
    HttpResponse<Buffer> child = call(admin, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", TestCloud.unique("child")).put("parent_id", parent.getString("id"))));
    assertThat(child.statusCode()).isEqualTo(201);
    assertThat(child.bodyAsJsonObject().getJsonObject("project").getString("parent_id")).isEqualTo(parent.getString("id"));

    JsonArray byParent = call(admin, HttpMethod.GET, "/projects?parent_id=" + parent.getString("id"), null)
      .bodyAsJsonObject().getJsonArray("projects");
    assertThat(byParent).hasSize(1);
    JsonArray byName = call(admin, HttpMethod.GET, "/projects?name=" + parentName, null).bodyAsJsonObject().getJsonArray("projects");
    assertThat(byName).hasSize(1);
    JsonArray contains = call(admin, HttpMethod.GET, "/projects?name__icontains=" + parentName.substring(0, 10).toUpperCase(), null)
      .bodyAsJsonObject().getJsonArray("projects");
    assertThat(contains.size()).isGreaterThanOrEqualTo(1);

    HttpResponse<Buffer> duplicate = call(admin, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", parentName)));
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(409);
  }

  @Test
  void userWithRolesInTwoProjectsSwitchesBetweenThem() {
    JsonObject first = cloud.projectWithUser("member").await();
    JsonObject second = cloud.projectWithUser("reader").await();
    String readerRole = call(admin, HttpMethod.GET, "/roles?name=reader", null).bodyAsJsonObject()
      .getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(call(admin, HttpMethod.PUT, "/projects/" + second.getString("project_id") + "/users/"
      + first.getString("user_id") + "/roles/" + readerRole, null).statusCode()).isEqualTo(204);

    JsonObject inFirst = cloud.login(first.getString("user"), first.getString("password"), first.getString("project")).await();
    JsonObject inSecond = cloud.login(first.getString("user"), first.getString("password"), second.getString("project")).await();
    assertThat(inFirst.getJsonObject("body").getJsonObject("project").getString("id")).isEqualTo(first.getString("project_id"));
    assertThat(inSecond.getJsonObject("body").getJsonObject("project").getString("id")).isEqualTo(second.getString("project_id"));
    assertThat(inSecond.getJsonObject("body").getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name")))
      .containsExactly("reader");

    JsonArray mine = call(inFirst.getString("token"), HttpMethod.GET, "/auth/projects", null).bodyAsJsonObject().getJsonArray("projects");
    assertThat(mine.stream().map(p -> ((JsonObject) p).getString("id")))
      .containsExactlyInAnyOrder(first.getString("project_id"), second.getString("project_id"));

    // Re-scope with the token method, as the dashboard does when switching projects.
    JsonObject rescope = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("token"))
        .put("token", new JsonObject().put("id", inFirst.getString("token"))))
      .put("scope", new JsonObject().put("project", new JsonObject().put("id", second.getString("project_id")))));
    HttpResponse<Buffer> switched = cloud.http().postAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").sendJsonObject(rescope).await();
    assertThat(switched.statusCode()).as(switched.bodyAsString()).isEqualTo(201);
    assertThat(switched.bodyAsJsonObject().getJsonObject("token").getJsonArray("methods")).contains("token");
    assertThat(switched.bodyAsJsonObject().getJsonObject("token").getString("expires_at"))
      .isEqualTo(inFirst.getJsonObject("body").getString("expires_at"));
  }

  @Test
  void membersAndReadersAreConfinedToTheirProject() {
    JsonObject member = cloud.projectWithUser("member").await();
    JsonObject other = cloud.projectWithUser("member").await();
    String token = member.getString("token");
    assertThat(call(token, HttpMethod.GET, "/projects/" + member.getString("project_id"), null).statusCode()).isEqualTo(200);
    assertThat(call(token, HttpMethod.GET, "/projects/" + other.getString("project_id"), null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/users", null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/projects", null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.POST, "/projects", new JsonObject().put("project", new JsonObject().put("name", "x"))).statusCode())
      .isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/users/" + member.getString("user_id"), null).statusCode()).isEqualTo(200);
    assertThat(call(token, HttpMethod.GET, "/users/" + other.getString("user_id"), null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/role_assignments", null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/role_assignments?user.id=" + member.getString("user_id"), null).statusCode()).isEqualTo(200);
  }

  @Test
  void roleAssignmentsWithNamesAndEffectiveGroupRoles() {
    JsonObject target = cloud.projectWithUser("reader").await();
    String group = call(admin, HttpMethod.POST, "/groups", new JsonObject().put("group", new JsonObject().put("name", TestCloud.unique("grp"))))
      .bodyAsJsonObject().getJsonObject("group").getString("id");
    String memberRole = call(admin, HttpMethod.GET, "/roles?name=member", null).bodyAsJsonObject()
      .getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(call(admin, HttpMethod.PUT, "/groups/" + group + "/users/" + target.getString("user_id"), null).statusCode()).isEqualTo(204);
    assertThat(call(admin, HttpMethod.PUT, "/projects/" + target.getString("project_id") + "/groups/" + group + "/roles/" + memberRole, null)
      .statusCode()).isEqualTo(204);

    JsonArray named = call(admin, HttpMethod.GET, "/role_assignments?include_names=True&scope.project.id=" + target.getString("project_id"), null)
      .bodyAsJsonObject().getJsonArray("role_assignments");
    assertThat(named).hasSize(2);
    assertThat(named.stream().map(a -> ((JsonObject) a).getJsonObject("role").getString("name"))).containsExactlyInAnyOrder("reader", "member");
    JsonArray effective = call(admin, HttpMethod.GET, "/role_assignments?effective&user.id=" + target.getString("user_id"), null)
      .bodyAsJsonObject().getJsonArray("role_assignments");
    assertThat(effective.stream().map(a -> ((JsonObject) a).getJsonObject("role").getString("id"))).contains(memberRole);
    // through the group: member, and reader which member implies (effective lists implied roles, as Keystone does)
    assertThat(effective.stream().filter(a -> ((JsonObject) a).getJsonObject("links").containsKey("membership"))
      .map(a -> ((JsonObject) a).getJsonObject("role").getString("id"))).hasSize(2).contains(memberRole);

    JsonObject token = cloud.login(target.getString("user"), target.getString("password"), target.getString("project")).await();
    assertThat(token.getJsonObject("body").getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name")))
      .contains("member", "reader");
  }

  @Test
  void revokingARoleEndsTheTokensThatCarriedIt() {
    JsonObject user = cloud.projectWithUser("member").await();
    String memberRole = call(admin, HttpMethod.GET, "/roles?name=member", null).bodyAsJsonObject()
      .getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(call(user.getString("token"), HttpMethod.GET, "/auth/projects", null).statusCode()).isEqualTo(200);
    assertThat(call(admin, HttpMethod.DELETE, "/projects/" + user.getString("project_id") + "/users/" + user.getString("user_id")
      + "/roles/" + memberRole, null).statusCode()).isEqualTo(204);
    assertThat(call(user.getString("token"), HttpMethod.GET, "/auth/projects", null).statusCode()).isEqualTo(401);
  }

  @Test
  void passwordChangeNeedsTheOriginalAndEndsOldTokens() {
    JsonObject user = cloud.projectWithUser("member").await();
    String path = "/users/" + user.getString("user_id") + "/password";
    HttpResponse<Buffer> wrong = call(null, HttpMethod.POST, path, new JsonObject().put("user",
      new JsonObject().put("original_password", "nope").put("password", "new-password-1")));
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<Buffer> changed = call(null, HttpMethod.POST, path, new JsonObject().put("user",
      new JsonObject().put("original_password", user.getString("password")).put("password", "new-password-1")));
    assertThat(changed.statusCode()).isEqualTo(204);
    assertThat(call(user.getString("token"), HttpMethod.GET, "/auth/projects", null).statusCode()).isEqualTo(401);
    assertThat(cloud.login(user.getString("user"), "new-password-1", user.getString("project")).await().getString("token")).isNotBlank();
  }

  @Test
  void applicationCredentialAuthenticatesWithItsRolesOnly() {
    JsonObject user = cloud.projectWithUser("member").await();
    HttpResponse<Buffer> created = call(user.getString("token"), HttpMethod.POST, "/users/" + user.getString("user_id")
      + "/application_credentials", new JsonObject().put("application_credential", new JsonObject()
      .put("name", "ci").put("roles", new JsonArray().add(new JsonObject().put("name", "reader")))));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject cred = created.bodyAsJsonObject().getJsonObject("application_credential");
    assertThat(cred.getString("secret")).isNotBlank();
    JsonObject auth = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
      .put("methods", new JsonArray().add("application_credential"))
      .put("application_credential", new JsonObject().put("id", cred.getString("id")).put("secret", cred.getString("secret")))));
    HttpResponse<Buffer> token = cloud.http().postAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").sendJsonObject(auth).await();
    assertThat(token.statusCode()).isEqualTo(201);
    JsonObject body = token.bodyAsJsonObject().getJsonObject("token");
    assertThat(body.getJsonObject("project").getString("id")).isEqualTo(user.getString("project_id"));
    assertThat(body.getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name"))).containsExactly("reader");

    auth.getJsonObject("auth").getJsonObject("identity").getJsonObject("application_credential").put("secret", "wrong");
    assertThat(cloud.http().postAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").sendJsonObject(auth).await().statusCode()).isEqualTo(401);
    // The secret is shown once, never again.
    assertThat(call(user.getString("token"), HttpMethod.GET, "/users/" + user.getString("user_id") + "/application_credentials/"
      + cred.getString("id"), null).bodyAsJsonObject().getJsonObject("application_credential").containsKey("secret")).isFalse();
  }

  @Test
  void catalogListsOnlyRunningServicesWithProjectFilledIn() {
    JsonArray services = call(admin, HttpMethod.GET, "/services", null).bodyAsJsonObject().getJsonArray("services");
    assertThat(services.stream().map(s -> ((JsonObject) s).getString("type"))).contains("identity");
    JsonArray catalog = call(admin, HttpMethod.GET, "/auth/catalog", null).bodyAsJsonObject().getJsonArray("catalog");
    assertThat(catalog.encode()).doesNotContain("(project_id)s");
    assertThat(catalog.size()).isEqualTo(services.stream().filter(s -> ((JsonObject) s).getBoolean("enabled")).count());
  }

  private HttpResponse<Buffer> authenticate(String user, String password, JsonObject scope) {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
          .put("domain", new JsonObject().put("name", "Default")).put("password", password)))));
    if (scope != null) {
      auth.getJsonObject("auth").put("scope", scope);
    }
    return cloud.http().postAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").sendJsonObject(auth).await();
  }

  @Test
  void systemDomainAndUnscopedTokens() {
    JsonObject system = authenticate("admin", TestCloud.ADMIN_PASSWORD, new JsonObject().put("system", new JsonObject().put("all", true)))
      .bodyAsJsonObject().getJsonObject("token");
    assertThat(system.getJsonObject("system").getBoolean("all")).isTrue();
    assertThat(system.containsKey("project")).isFalse();
    assertThat(system.getJsonArray("catalog")).isNotEmpty();
    // With no scope the admin gets its default project, as Keystone does.
    JsonObject implicit = authenticate("admin", TestCloud.ADMIN_PASSWORD, null).bodyAsJsonObject().getJsonObject("token");
    assertThat(implicit.getJsonObject("project").getString("name")).isEqualTo("admin");

    // A user with no default project and no domain role: unscoped, and refused a domain scope until granted one.
    JsonObject user = cloud.projectWithUser("member").await();
    JsonObject unscoped = authenticate(user.getString("user"), user.getString("password"), null).bodyAsJsonObject().getJsonObject("token");
    assertThat(unscoped.containsKey("roles")).isFalse();
    assertThat(unscoped.containsKey("catalog")).isFalse();
    JsonObject domainScope = new JsonObject().put("domain", new JsonObject().put("id", "default"));
    assertThat(authenticate(user.getString("user"), user.getString("password"), domainScope).statusCode()).isEqualTo(401);
    String readerRole = call(admin, HttpMethod.GET, "/roles?name=reader", null).bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(call(admin, HttpMethod.PUT, "/domains/default/users/" + user.getString("user_id") + "/roles/" + readerRole, null).statusCode())
      .isEqualTo(204);
    JsonObject domain = authenticate(user.getString("user"), user.getString("password"), domainScope).bodyAsJsonObject().getJsonObject("token");
    assertThat(domain.getJsonObject("domain").getString("name")).isEqualTo("Default");
    assertThat(domain.getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name"))).containsExactly("reader");
  }
}
