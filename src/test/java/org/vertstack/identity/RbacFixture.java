package org.vertstack.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.vertstack.testing.TestCloud;

import java.util.UUID;

/**
 * Builds the personas of the RBAC tests on a cloud through the API, as the cloud admin: domains,
 * projects, users with a role on a scope, and their tokens. Blocking (tests await).
 */
final class RbacFixture {

  final TestCloud cloud;
  final String admin;

  RbacFixture(TestCloud cloud) {
    this(cloud, cloud.adminToken().await());
  }

  RbacFixture(TestCloud cloud, String adminToken) {
    this.cloud = cloud;
    this.admin = adminToken;
  }

  HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    return cloud.call(token, method, "/identity/v3" + path, body).await();
  }

  String created(HttpResponse<Buffer> response, String member) {
    if (response.statusCode() != 201) {
      throw new AssertionError("create " + member + ": " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getJsonObject(member).getString("id");
  }

  String roleId(String name) {
    return call(admin, HttpMethod.GET, "/roles?name=" + name, null).bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
  }

  String projectId(String name) {
    return call(admin, HttpMethod.GET, "/projects?name=" + name, null).bodyAsJsonObject().getJsonArray("projects").getJsonObject(0).getString("id");
  }

  String domain() {
    return created(call(admin, HttpMethod.POST, "/domains", new JsonObject().put("domain",
      new JsonObject().put("name", TestCloud.unique("dom")))), "domain");
  }

  String project(String domainId) {
    return created(call(admin, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", TestCloud.unique("proj")).put("domain_id", domainId))), "project");
  }

  /** A user: {"id", "password"}. */
  JsonObject user(String domainId) {
    String password = "pw-" + UUID.randomUUID();
    String id = created(call(admin, HttpMethod.POST, "/users", new JsonObject().put("user",
      new JsonObject().put("name", TestCloud.unique("user")).put("domain_id", domainId).put("password", password))), "user");
    return new JsonObject().put("id", id).put("password", password);
  }

  void grant(String scopePath, String userId, String role) {
    int status = call(admin, HttpMethod.PUT, scopePath + "/users/" + userId + "/roles/" + roleId(role), null).statusCode();
    if (status != 204) {
      throw new AssertionError("grant " + role + " on " + scopePath + ": " + status);
    }
  }

  HttpResponse<Buffer> authenticate(String userId, String password, JsonObject scope) {
    JsonObject auth = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
      .put("methods", new JsonArray().add("password"))
      .put("password", new JsonObject().put("user", new JsonObject().put("id", userId).put("password", password)))));
    if (scope != null) {
      auth.getJsonObject("auth").put("scope", scope);
    }
    return cloud.http().postAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").sendJsonObject(auth).await();
  }

  String token(JsonObject user, JsonObject scope) {
    HttpResponse<Buffer> r = authenticate(user.getString("id"), user.getString("password"), scope);
    if (r.statusCode() != 201) {
      throw new AssertionError("login: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.getHeader("X-Subject-Token");
  }

  static JsonObject projectScope(String projectId) {
    return new JsonObject().put("project", new JsonObject().put("id", projectId));
  }

  static JsonObject domainScope(String domainId) {
    return new JsonObject().put("domain", new JsonObject().put("id", domainId));
  }

  static JsonObject systemScope() {
    return new JsonObject().put("system", new JsonObject().put("all", true));
  }

  /** A user holding {@code role} on a new project of {@code domainId}: {"id", "password", "project_id", "token"}. */
  JsonObject projectUser(String domainId, String role) {
    String project = project(domainId);
    JsonObject user = user(domainId);
    grant("/projects/" + project, user.getString("id"), role);
    return user.put("project_id", project).put("token", token(user, projectScope(project)));
  }

  /** A user holding {@code role} on a domain, with a token scoped to it. */
  JsonObject domainUser(String domainId, String role) {
    JsonObject user = user(domainId);
    grant("/domains/" + domainId, user.getString("id"), role);
    return user.put("domain_id", domainId).put("token", token(user, domainScope(domainId)));
  }

  /** PUT of a container in the project's object-store account: 201 (or 202) with a good token. */
  int putContainer(String token, String projectId) {
    return cloud.call(token, HttpMethod.PUT, "/object-store/v1/AUTH_" + projectId + "/" + TestCloud.unique("c"), null).await().statusCode();
  }

  int catalog(String token) {
    return call(token, HttpMethod.GET, "/auth/catalog", null).statusCode();
  }
}
