package org.vertstack.image;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.vertstack.Main;
import org.vertstack.testing.TestCloud;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole node (identity + image, file-backed image store) on a free port for the image tests,
 * with helpers for projects, users and tokens. Blocking helpers: call them from the test thread.
 */
final class ImageTestCloud implements AutoCloseable {

  final Main.Node node;
  final String url;
  final WebClient web;
  final String adminToken;
  final Path stateDir;

  private ImageTestCloud(Main.Node node, Path stateDir) {
    this.node = node;
    this.stateDir = stateDir;
    this.url = node.config().getString("public-url");
    this.web = WebClient.create(node.vertx());
    this.adminToken = token("admin", TestCloud.ADMIN_PASSWORD, "admin");
  }

  /**
   * A node from the project's TestCloud without the tiny-guest import. Both image stores are
   * enabled (files and the node's object store); the default one is the object store ("auto"),
   * or -Dvertstack.image.store=file|swift.
   */
  static ImageTestCloud start(Path stateDir) {
    JsonObject overrides = new JsonObject()
      .put("http", new JsonObject().put("instances", 1))
      .put("image", new JsonObject().put("tiny-guest", false)
        .put("store", System.getProperty("vertstack.image.store", "auto")));
    return new ImageTestCloud(TestCloud.start(stateDir, overrides).await().node(), stateDir);
  }

  Path storeDir() {
    return stateDir.resolve("images");
  }

  /** Whether any enabled image store holds bytes under this image id (asked of the stores themselves). */
  boolean stored(String imageId) {
    return node.handle(ImageModule.Components.class).stores().ids().stream().anyMatch(s -> stored(s, imageId));
  }

  /** Whether image store {@code store} holds bytes under this image id. */
  boolean stored(String store, String imageId) {
    try {
      var stream = node.handle(ImageModule.Components.class).stores().get(store).get(imageId, 0, -1).await();
      stream.handler(b -> { });
      stream.resume();
      return true;
    } catch (io.vertx.serviceproxy.ServiceException e) {
      if (e.failureCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    var req = web.requestAbs(method, url + path);
    if (token != null) {
      req.putHeader("X-Auth-Token", token);
    }
    if (body == null) {
      return req.send().await();
    }
    if (body instanceof JsonObject o) {
      return req.sendJsonObject(o).await();
    }
    if (body instanceof JsonArray a) {
      return req.putHeader("Content-Type", "application/openstack-images-v2.1-json-patch").sendBuffer(Buffer.buffer(a.encode())).await();
    }
    return req.putHeader("Content-Type", "application/octet-stream").sendBuffer((Buffer) body).await();
  }

  /** A request without a body that carries one extra header. */
  HttpResponse<Buffer> call(HttpMethod method, String path, String token, String header, String value) {
    var req = web.requestAbs(method, url + path).putHeader(header, value);
    if (token != null) {
      req.putHeader("X-Auth-Token", token);
    }
    return req.send().await();
  }

  String token(String user, String password, String project) {
    JsonObject body = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
          .put("domain", new JsonObject().put("id", "default")).put("password", password))))
      .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
        .put("domain", new JsonObject().put("id", "default")))));
    HttpResponse<Buffer> r = web.postAbs(url + "/identity/v3/auth/tokens").sendJsonObject(body).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.getHeader("X-Subject-Token");
  }

  /** A new project with a user holding {@code role} on it: {"project_id", "token"}. */
  JsonObject project(String role) {
    String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<Buffer> p = call(HttpMethod.POST, "/identity/v3/projects", adminToken,
      new JsonObject().put("project", new JsonObject().put("name", name).put("domain_id", "default")));
    assertThat(p.statusCode()).as(p.bodyAsString()).isEqualTo(201);
    String projectId = p.bodyAsJsonObject().getJsonObject("project").getString("id");
    HttpResponse<Buffer> u = call(HttpMethod.POST, "/identity/v3/users", adminToken,
      new JsonObject().put("user", new JsonObject().put("name", name).put("password", "pw-" + name).put("domain_id", "default")));
    assertThat(u.statusCode()).as(u.bodyAsString()).isEqualTo(201);
    String userId = u.bodyAsJsonObject().getJsonObject("user").getString("id");
    HttpResponse<Buffer> roles = call(HttpMethod.GET, "/identity/v3/roles?name=" + role, adminToken, null);
    String roleId = roles.bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
    HttpResponse<Buffer> g = call(HttpMethod.PUT, "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId, adminToken, null);
    assertThat(g.statusCode()).isEqualTo(204);
    return new JsonObject().put("project_id", projectId).put("token", token(name, "pw-" + name, name));
  }

  @Override
  public void close() {
    web.close();
    node.stop();
  }
}
