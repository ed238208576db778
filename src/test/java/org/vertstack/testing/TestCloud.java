package org.vertstack.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.vertstack.Main;
import org.vertstack.common.config.Config;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A whole VertStack node started in-process for end-to-end tests: embedded PostgreSQL in a
 * temporary state directory, a free loopback port, a known admin password. {@link #shared()}
 * is one node for every test class that needs no node of its own; {@link #start(Path, JsonObject)}
 * starts a private one (for restarts or special configuration).
 * Helper calls return futures; a test thread may simply {@code .await()} them.
 */
public final class TestCloud implements AutoCloseable {

  public static final String ADMIN_PASSWORD = "admin-test-password";

  private static TestCloud shared;

  private final Main.Node node;
  private final Path stateDir;
  private final WebClient http;

  private TestCloud(Main.Node node, Path stateDir) {
    this.node = node;
    this.stateDir = stateDir;
    this.http = WebClient.create(node.vertx());
  }

  /** One node for the whole test JVM, stopped when the JVM exits. */
  public static synchronized TestCloud shared() {
    if (shared == null) {
      try {
        shared = start(Files.createTempDirectory("vertstack-shared-"), new JsonObject()).await();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      TestCloud cloud = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        cloud.close();
        deleteTree(cloud.stateDir); // a temporary directory of its own: nothing is left in /tmp
      }));
    }
    return shared;
  }

  /** Starts a node on the given state directory; config overrides are merged over the defaults. */
  public static Future<TestCloud> start(Path stateDir, JsonObject overrides) {
    JsonObject config = Config.defaults();
    config.getJsonObject("http").put("port", freePort());
    config.put("state-dir", stateDir.toString());
    config.getJsonObject("identity").put("admin-password", ADMIN_PASSWORD).put("password-hash-cost", 4);
    // The first-start import of the tiny guest image is tested on its own (TinyGuestImportTest).
    config.getJsonObject("image").put("tiny-guest", false);
    // Compute: libvirt's in-process test driver (no daemon, no real guests), and a host name of
    // this node's own, so several nodes in one JVM or cluster never share an agent address.
    config.getJsonObject("compute").put("libvirt-uri", "test:///default").put("host", "compute-" + config.getJsonObject("http").getInteger("port"));
    config = Config.deepMerge(config, overrides);
    return Main.start(config).map(node -> new TestCloud(node, stateDir));
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Main.Node node() {
    return node;
  }

  public Path stateDir() {
    return stateDir;
  }

  public int port() {
    return node.config().getJsonObject("http").getInteger("port");
  }

  public String baseUrl() {
    return node.config().getString("public-url");
  }

  public WebClient http() {
    return http;
  }

  /** A unique name for a test resource, so tests sharing a node never collide. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A project-scoped token: {"token": id, "body": token body}. */
  public Future<JsonObject> login(String user, String password, String project) {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject()
          .put("name", user).put("domain", new JsonObject().put("id", "default")).put("password", password))))
      .put("scope", new JsonObject().put("project", new JsonObject()
        .put("name", project).put("domain", new JsonObject().put("id", "default")))));
    return http.postAbs(baseUrl() + "/identity/v3/auth/tokens").sendJsonObject(auth).compose(resp -> {
      if (resp.statusCode() != 201) {
        return Future.failedFuture("login of " + user + " on " + project + " failed: " + resp.statusCode() + " " + resp.bodyAsString());
      }
      return Future.succeededFuture(new JsonObject().put("token", resp.getHeader("X-Subject-Token"))
        .put("body", resp.bodyAsJsonObject().getJsonObject("token")));
    });
  }

  public Future<String> adminToken() {
    return login("admin", ADMIN_PASSWORD, "admin").map(t -> t.getString("token"));
  }

  /**
   * Creates a project and a user holding {@code role} on it, and logs the user in:
   * {"project_id", "user_id", "user", "password", "token"}.
   */
  public Future<JsonObject> projectWithUser(String role) {
    String project = unique("proj");
    String user = unique("user");
    String password = "pw-" + UUID.randomUUID();
    return adminToken().compose(admin ->
      call(admin, HttpMethod.POST, "/identity/v3/projects", new JsonObject().put("project", new JsonObject().put("name", project)))
        .compose(p -> call(admin, HttpMethod.POST, "/identity/v3/users",
            new JsonObject().put("user", new JsonObject().put("name", user).put("password", password)))
          .compose(u -> call(admin, HttpMethod.GET, "/identity/v3/roles?name=" + role, null)
            .compose(roles -> {
              String roleId = roles.bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
              String projectId = p.bodyAsJsonObject().getJsonObject("project").getString("id");
              String userId = u.bodyAsJsonObject().getJsonObject("user").getString("id");
              return call(admin, HttpMethod.PUT, "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId, null)
                .compose(x -> login(user, password, project))
                .map(login -> new JsonObject().put("project_id", projectId).put("user_id", userId).put("user", user)
                  .put("project", project).put("password", password).put("token", login.getString("token")));
            }))));
  }

  /** An API call with a token; the response whatever its status. */
  public Future<HttpResponse<Buffer>> call(String token, HttpMethod method, String path, JsonObject body) {
    var request = http.requestAbs(method, baseUrl() + path);
    if (token != null) {
      request.putHeader("X-Auth-Token", token);
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  @Override
  public void close() {
    http.close();
    node.stop();
  }
}
