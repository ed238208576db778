package org.vertstack.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.testing.TestCloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Blocking REST helpers over the shared {@link TestCloud} node, for tests that drive a browser:
 * "another client" next to the page under test (plain java.net.http on purpose).
 */
final class DashboardNode {

  static final String ADMIN_PASSWORD = TestCloud.ADMIN_PASSWORD;

  final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private DashboardNode(String url) {
    this.url = url;
  }

  /** The test JVM's shared node (identity and dashboard). */
  static DashboardNode shared() {
    return new DashboardNode(TestCloud.shared().baseUrl());
  }

  /** A token for a user, scoped to a project by name (domain Default). */
  String token(String user, String password, String project) throws IOException, InterruptedException {
    JsonObject body = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("name", user).put("password", password)
          .put("domain", new JsonObject().put("name", "Default")))))
      .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
        .put("domain", new JsonObject().put("name", "Default")))));
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url + "/identity/v3/auth/tokens"))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
      HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 201) {
      throw new IllegalStateException("token for " + user + ": " + res.statusCode() + " " + res.body());
    }
    return res.headers().firstValue("X-Subject-Token").orElseThrow();
  }

  String adminToken() throws IOException, InterruptedException {
    return token("admin", ADMIN_PASSWORD, "admin");
  }

  /** Calls the API; returns the status and the JSON body (empty when there is none). */
  Response call(String method, String path, String token, JsonObject body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("X-Auth-Token", token)
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(res.statusCode(), res.body().isBlank() ? new JsonObject() : new JsonObject(res.body()));
  }

  record Response(int status, JsonObject body) {
  }

  /** Any request with a raw body (object and image bytes); headers as name, value pairs. */
  HttpResponse<byte[]> send(String method, String path, String token, byte[] body, String... headers)
    throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("X-Auth-Token", token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  JsonObject create(String token, String collection, String member, JsonObject fields) throws Exception {
    Response r = call("POST", "/identity/v3/" + collection, token, new JsonObject().put(member, fields));
    if (r.status() != 201) {
      throw new IllegalStateException("create " + member + ": " + r.status() + " " + r.body());
    }
    return r.body().getJsonObject(member);
  }

  String roleId(String token, String name) throws Exception {
    for (Object o : call("GET", "/identity/v3/roles?name=" + name, token, null).body().getJsonArray("roles")) {
      return ((JsonObject) o).getString("id");
    }
    throw new IllegalStateException("no role " + name);
  }

  void grant(String token, String projectId, String userId, String role) throws Exception {
    Response r = call("PUT", "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId(token, role), token, null);
    if (r.status() != 204) {
      throw new IllegalStateException("grant: " + r.status() + " " + r.body());
    }
  }
}
