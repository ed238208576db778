package org.vertstack.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vertstack.identity.RbacFixture.projectScope;
import static org.vertstack.identity.RbacFixture.systemScope;

/**
 * The reproducers of the security issue's RBAC findings: an admin role is admin of its own scope
 * only (the cloud admin is the system admin, or the admin of the admin project), a domain admin
 * stays in its domain, and the cloud's own users are out of everybody's reach but the operator's.
 */
class IdentityRbacTest {

  static RbacFixture f;
  static String adminProject;
  static String adminUser;

  @BeforeAll
  static void start() {
    f = new RbacFixture(TestCloud.shared());
    adminProject = f.projectId("admin");
    adminUser = f.call(f.admin, HttpMethod.GET, "/users?name=admin&domain_id=default", null).bodyAsJsonObject()
      .getJsonArray("users").getJsonObject(0).getString("id");
  }

  private static HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    return f.call(token, method, path, body);
  }

  private static JsonObject password(String password) {
    return new JsonObject().put("user", new JsonObject().put("password", password));
  }

  @Test
  void theAdminOfOneProjectCannotMakeItselfCloudAdminNorAdminElsewhere() {
    JsonObject a = f.projectUser("default", "admin");
    String self = a.getString("id");
    String token = a.getString("token");
    String other = f.project("default");
    String adminRole = f.roleId("admin");
    assertThat(call(token, HttpMethod.PUT, "/system/users/" + self + "/roles/" + adminRole, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PUT, "/projects/" + adminProject + "/users/" + self + "/roles/" + adminRole, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PUT, "/projects/" + other + "/users/" + self + "/roles/" + adminRole, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PUT, "/domains/default/users/" + self + "/roles/" + adminRole, null).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> denied = call(token, HttpMethod.POST, "/users", new JsonObject().put("user", new JsonObject().put("name", TestCloud.unique("x"))));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("identity:create_user");
    assertThat(call(token, HttpMethod.PATCH, "/users/" + adminUser, password("owned")).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/users", null).statusCode()).isEqualTo(403);
    // The grants it holds are still exactly the one it was given.
    JsonArray held = call(f.admin, HttpMethod.GET, "/role_assignments?user.id=" + self, null).bodyAsJsonObject().getJsonArray("role_assignments");
    assertThat(held).hasSize(1);
    // And its admin role is worth nothing in another project's data.
    assertThat(f.cloud.call(token, HttpMethod.GET, "/object-store/v1/AUTH_" + other, null).await().statusCode()).isEqualTo(403);
    assertThat(f.putContainer(token, other)).isEqualTo(403);
    assertThat(f.putContainer(token, a.getString("project_id"))).isEqualTo(201);
    // The token says it is not the admin project; the cloud admin's says it is.
    JsonObject body = f.authenticate(self, a.getString("password"), projectScope(a.getString("project_id"))).bodyAsJsonObject().getJsonObject("token");
    assertThat(body.getBoolean("is_admin_project")).isFalse();
    assertThat(f.cloud.login("admin", TestCloud.ADMIN_PASSWORD, "admin").await().getJsonObject("body").getBoolean("is_admin_project")).isTrue();
  }

  @Test
  void policyComesBeforeTheBodysSchemaAsInKeystone() {
    String reader = f.projectUser("default", "reader").getString("token");
    JsonObject malformed = new JsonObject().put("user", new JsonObject().put("name", 42).put("enabled", "maybe"));
    // a caller no target would let through is refused before its body is read: 403, not 400
    HttpResponse<Buffer> refused = call(reader, HttpMethod.POST, "/users", malformed);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("identity:create_user");
    assertThat(call(reader, HttpMethod.PATCH, "/projects/" + adminProject, new JsonObject().put("project", 5)).statusCode())
      .isEqualTo(403);
    assertThat(call(reader, HttpMethod.POST, "/regions", new JsonObject().put("region", "x")).statusCode()).isEqualTo(403);
    // a caller the rule may let through is told what is wrong with its body
    HttpResponse<Buffer> admin = call(f.admin, HttpMethod.POST, "/users", malformed);
    assertThat(admin.statusCode()).as(admin.bodyAsString()).isEqualTo(400);
    assertThat(admin.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("user/");
    // a domain admin may create users (in its domain), so its malformed body is a 400 too
    String domainAdmin = f.domainUser(f.domain(), "admin").getString("token");
    assertThat(call(domainAdmin, HttpMethod.POST, "/users", malformed).statusCode()).isEqualTo(400);
  }

  @Test
  void aDomainAdminManagesItsOwnDomainOnly() {
    String x = f.domain();
    String y = f.domain();
    String token = f.domainUser(x, "admin").getString("token");
    JsonObject inX = f.user(x);
    JsonObject inY = f.user(y);

    // The reproducer: resetting a user's password in another domain.
    assertThat(call(token, HttpMethod.PATCH, "/users/" + inY.getString("id"), password("taken-over")).statusCode()).isEqualTo(403);
    assertThat(f.authenticate(inY.getString("id"), "taken-over", null).statusCode()).isEqualTo(401);
    assertThat(f.authenticate(inY.getString("id"), inY.getString("password"), null).statusCode()).isEqualTo(201);
    assertThat(call(token, HttpMethod.DELETE, "/users/" + inY.getString("id"), null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.GET, "/users/" + inY.getString("id"), null).statusCode()).isEqualTo(403);

    // In its own domain it may.
    assertThat(call(token, HttpMethod.PATCH, "/users/" + inX.getString("id"), password("reset-by-domain-admin")).statusCode()).isEqualTo(200);
    assertThat(f.authenticate(inX.getString("id"), "reset-by-domain-admin", null).statusCode()).isEqualTo(201);

    // Creating: in its domain by default, never in another one.
    HttpResponse<Buffer> made = call(token, HttpMethod.POST, "/users", new JsonObject().put("user", new JsonObject().put("name", TestCloud.unique("u"))));
    assertThat(made.statusCode()).isEqualTo(201);
    assertThat(made.bodyAsJsonObject().getJsonObject("user").getString("domain_id")).isEqualTo(x);
    assertThat(call(token, HttpMethod.POST, "/users", new JsonObject().put("user",
      new JsonObject().put("name", TestCloud.unique("u")).put("domain_id", y))).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", TestCloud.unique("p")).put("domain_id", y))).statusCode()).isEqualTo(403);

    // Listing shows its domain only.
    JsonArray users = call(token, HttpMethod.GET, "/users", null).bodyAsJsonObject().getJsonArray("users");
    assertThat(users.stream().map(u -> ((JsonObject) u).getString("domain_id")).distinct()).containsExactly(x);
    JsonArray domains = call(token, HttpMethod.GET, "/domains", null).bodyAsJsonObject().getJsonArray("domains");
    assertThat(domains.stream().map(d -> ((JsonObject) d).getString("id"))).containsExactly(x);
    JsonArray assignments = call(token, HttpMethod.GET, "/role_assignments", null).bodyAsJsonObject().getJsonArray("role_assignments");
    assertThat(assignments).isNotEmpty().allSatisfy(a -> assertThat(((JsonObject) a).getJsonObject("scope").encode()).contains(x));

    // Grants: inside its domain, to its users; not to others, not on the system, not on other domains.
    String projectInX = f.project(x);
    String member = f.roleId("member");
    assertThat(call(token, HttpMethod.PUT, "/projects/" + projectInX + "/users/" + inX.getString("id") + "/roles/" + member, null).statusCode()).isEqualTo(204);
    assertThat(call(token, HttpMethod.PUT, "/projects/" + projectInX + "/users/" + inY.getString("id") + "/roles/" + member, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PUT, "/domains/" + y + "/users/" + inX.getString("id") + "/roles/" + member, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PUT, "/system/users/" + inX.getString("id") + "/roles/" + f.roleId("admin"), null).statusCode()).isEqualTo(403);

    // Domains themselves are the operator's.
    assertThat(call(token, HttpMethod.PATCH, "/domains/" + x, new JsonObject().put("domain", new JsonObject().put("enabled", false))).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PATCH, "/domains/" + y, new JsonObject().put("domain", new JsonObject().put("enabled", false))).statusCode()).isEqualTo(403);
  }

  @Test
  void theAdminOfTheDefaultDomainCannotTakeOverTheCloudsOwnUsersAndProjects() {
    String token = f.domainUser("default", "admin").getString("token");
    String adminRole = f.roleId("admin");
    JsonObject ordinary = f.user("default");
    // The cloud admin's password, its grants and the admin project are out of reach...
    assertThat(call(token, HttpMethod.PATCH, "/users/" + adminUser, password("mine-now")).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.DELETE, "/users/" + adminUser, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PUT, "/projects/" + adminProject + "/users/" + ordinary.getString("id") + "/roles/" + adminRole, null)
      .statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.DELETE, "/projects/" + adminProject, null).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.PATCH, "/projects/" + f.projectId("service"), new JsonObject().put("project",
      new JsonObject().put("enabled", false))).statusCode()).isEqualTo(403);
    // ... while an ordinary user of the domain is its to manage.
    assertThat(call(token, HttpMethod.PATCH, "/users/" + ordinary.getString("id"), password("fine")).statusCode()).isEqualTo(200);
  }

  @Test
  void disablingADomainRevokesTheTokensOfItsUsersAndItsProjects() {
    String d = f.domain();
    JsonObject member = f.projectUser(d, "member");
    // A user of another domain with a role on a project of this one.
    JsonObject outsider = f.user("default");
    f.grant("/projects/" + member.getString("project_id"), outsider.getString("id"), "member");
    String outsiderToken = f.token(outsider, projectScope(member.getString("project_id")));
    JsonObject reader = f.domainUser(d, "reader");
    String token = member.getString("token");
    assertThat(f.putContainer(token, member.getString("project_id"))).isEqualTo(201);
    assertThat(f.putContainer(outsiderToken, member.getString("project_id"))).isEqualTo(201);

    assertThat(call(f.admin, HttpMethod.PATCH, "/domains/" + d, new JsonObject().put("domain", new JsonObject().put("enabled", false)))
      .statusCode()).isEqualTo(200);
    for (String t : new String[] {token, outsiderToken, reader.getString("token")}) {
      assertThat(f.putContainer(t, member.getString("project_id"))).isEqualTo(401);
      assertThat(f.catalog(t)).isEqualTo(401);
    }
    assertThat(f.authenticate(member.getString("id"), member.getString("password"), null).statusCode()).isEqualTo(401);
    // Tokens elsewhere are untouched.
    assertThat(f.catalog(f.admin)).isEqualTo(200);
    // Deleting the (disabled) domain takes its projects and users along; the tokens stay refused.
    assertThat(call(f.admin, HttpMethod.DELETE, "/domains/" + d, null).statusCode()).isEqualTo(204);
    assertThat(call(f.admin, HttpMethod.GET, "/users/" + member.getString("id"), null).statusCode()).isEqualTo(404);
    assertThat(call(f.admin, HttpMethod.GET, "/projects/" + member.getString("project_id"), null).statusCode()).isEqualTo(404);
    assertThat(f.catalog(token)).isEqualTo(401);
    assertThat(f.catalog(outsiderToken)).isEqualTo(401);
  }

  @Test
  void disablingOrDeletingAProjectRevokesItsTokens() {
    JsonObject disabled = f.projectUser("default", "member");
    assertThat(f.putContainer(disabled.getString("token"), disabled.getString("project_id"))).isEqualTo(201);
    assertThat(call(f.admin, HttpMethod.PATCH, "/projects/" + disabled.getString("project_id"),
      new JsonObject().put("project", new JsonObject().put("enabled", false))).statusCode()).isEqualTo(200);
    assertThat(f.putContainer(disabled.getString("token"), disabled.getString("project_id"))).isEqualTo(401);
    assertThat(f.catalog(disabled.getString("token"))).isEqualTo(401);

    JsonObject deleted = f.projectUser("default", "member");
    assertThat(f.catalog(deleted.getString("token"))).isEqualTo(200);
    assertThat(call(f.admin, HttpMethod.DELETE, "/projects/" + deleted.getString("project_id"), null).statusCode()).isEqualTo(204);
    assertThat(f.catalog(deleted.getString("token"))).isEqualTo(401);
    assertThat(f.putContainer(deleted.getString("token"), deleted.getString("project_id"))).isEqualTo(401);
  }

  @Test
  void disablingOrDeletingAUserRevokesItsTokens() {
    JsonObject disabled = f.projectUser("default", "member");
    assertThat(f.putContainer(disabled.getString("token"), disabled.getString("project_id"))).isEqualTo(201);
    assertThat(call(f.admin, HttpMethod.PATCH, "/users/" + disabled.getString("id"),
      new JsonObject().put("user", new JsonObject().put("enabled", false))).statusCode()).isEqualTo(200);
    assertThat(f.putContainer(disabled.getString("token"), disabled.getString("project_id"))).isEqualTo(401);
    assertThat(f.catalog(disabled.getString("token"))).isEqualTo(401);

    JsonObject deleted = f.projectUser("default", "member");
    assertThat(call(f.admin, HttpMethod.DELETE, "/users/" + deleted.getString("id"), null).statusCode()).isEqualTo(204);
    assertThat(f.catalog(deleted.getString("token"))).isEqualTo(401);
    assertThat(f.putContainer(deleted.getString("token"), deleted.getString("project_id"))).isEqualTo(401);
  }

  @Test
  void nobodyDeletesOrDisablesTheirOwnUser() {
    JsonObject self = f.domainUser(f.domain(), "admin");
    HttpResponse<Buffer> r = call(self.getString("token"), HttpMethod.DELETE, "/users/" + self.getString("id"), null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("your own user");
    assertThat(call(f.admin, HttpMethod.PATCH, "/users/" + adminUser, new JsonObject().put("user", new JsonObject().put("enabled", false)))
      .statusCode()).isEqualTo(403);
    assertThat(call(f.admin, HttpMethod.DELETE, "/users/" + adminUser, null).statusCode()).isEqualTo(403);
    assertThat(f.catalog(f.admin)).isEqualTo(200);
  }

  @Test
  void serviceUsersAreDisabledOrDeletedOnlyWithASystemScopedToken() {
    String name = "svc" + TestCloud.unique("t").substring(2, 10).replace("-", "");
    IdentityService.createProxy(f.cloud.node().vertx()).serviceToken(name).await();
    String serviceUser = f.call(f.admin, HttpMethod.GET, "/users?name=" + name, null).bodyAsJsonObject()
      .getJsonArray("users").getJsonObject(0).getString("id");
    // The admin project's token (what the dashboard and clouds.yaml use) is not enough.
    HttpResponse<Buffer> refused = call(f.admin, HttpMethod.DELETE, "/users/" + serviceUser, null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("identity:disable_service_user");
    assertThat(call(f.admin, HttpMethod.PATCH, "/users/" + serviceUser, new JsonObject().put("user", new JsonObject().put("enabled", false)))
      .statusCode()).isEqualTo(403);
    assertThat(call(f.domainUser("default", "admin").getString("token"), HttpMethod.DELETE, "/users/" + serviceUser, null).statusCode())
      .isEqualTo(403);
    // An explicit operator action: a system-scoped token.
    String system = f.token(new JsonObject().put("id", adminUser).put("password", TestCloud.ADMIN_PASSWORD), systemScope());
    assertThat(call(system, HttpMethod.DELETE, "/users/" + serviceUser, null).statusCode()).isEqualTo(204);
  }

  @Test
  void systemReaderReadsEverythingAndChangesNothing() {
    JsonObject reader = f.user("default");
    f.grant("/system", reader.getString("id"), "reader");
    String token = f.token(reader, systemScope());
    JsonObject someone = f.projectUser("default", "member");
    assertThat(call(token, HttpMethod.GET, "/users/" + someone.getString("id"), null).statusCode()).isEqualTo(200);
    assertThat(call(token, HttpMethod.GET, "/projects", null).statusCode()).isEqualTo(200);
    assertThat(f.cloud.call(token, HttpMethod.GET, "/object-store/v1/AUTH_" + someone.getString("project_id"), null).await().statusCode())
      .isIn(200, 204);
    assertThat(call(token, HttpMethod.PATCH, "/users/" + someone.getString("id"), password("nope")).statusCode()).isEqualTo(403);
    assertThat(call(token, HttpMethod.POST, "/projects", new JsonObject().put("project", new JsonObject().put("name", TestCloud.unique("p"))))
      .statusCode()).isEqualTo(403);
    assertThat(f.putContainer(token, someone.getString("project_id"))).isEqualTo(403);
  }

  @Test
  void aDomainScopedTokenIsNotACloudAdminEvenInTheDefaultDomain() {
    JsonObject domainAdmin = f.domainUser("default", "admin");
    JsonObject someone = f.projectUser("default", "member");
    assertThat(f.putContainer(domainAdmin.getString("token"), someone.getString("project_id"))).isIn(401, 403);
    assertThat(call(domainAdmin.getString("token"), HttpMethod.POST, "/domains", new JsonObject().put("domain",
      new JsonObject().put("name", TestCloud.unique("d")))).statusCode()).isEqualTo(403);
  }
}
