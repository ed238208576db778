package org.vertstack.identity;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.RouteInventory;
import org.vertstack.common.http.RouteInventory.Endpoint;
import org.vertstack.common.policy.ComputePolicy;
import org.vertstack.common.policy.FrontDoorPolicy;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.ImagePolicy;
import org.vertstack.common.policy.ObjectStorePolicy;
import org.vertstack.common.policy.RouteRules;
import org.vertstack.common.policy.Target;
import org.vertstack.dashboard.DashboardModule;
import org.vertstack.testing.TestCloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vertstack.identity.RbacFixture.domainScope;
import static org.vertstack.identity.RbacFixture.projectScope;

/**
 * Every route of every API (identity, object store, image, compute: read from the front door's
 * routers, so a new route is covered without editing this test) against every persona:
 * system admin, domain admin of the project's domain, domain admin of another domain, project
 * admin, member and reader of project A, member of project B, no token, an expired and a revoked
 * token.
 *
 * <ul>
 *   <li>every route has a rule in its API's policy table ({@code RouteRules}), or the test fails;</li>
 *   <li>a route that needs a token answers 401 to the three invalid ones;</li>
 *   <li>the status follows the table: where it allows the persona, never 401/403 (nor 5xx); where
 *       it denies, 403, or 404 where the API hides what the caller may not see (401 for a token
 *       with no project where a project is needed). The target is project A's resource named
 *       in the path, or else the persona's own project. Writes are sent only by personas the
 *       table denies (so the seeded resources stay); the seeded resources are checked intact
 *       at the end;</li>
 *   <li>no body or header answered to a persona that may not see project A, and no message of
 *       project B's live feed (WebSocket), holds A's markers (one in names, one in contents and
 *       metadata only) or the ids of A's resources.</li>
 * </ul>
 * Identity routes get the token and leak checks here; their per-target rules (domains, users,
 * grants) are checked by {@link TenantIsolationMatrixTest}.
 */
class EveryApiIsolationMatrixTest {

  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);

  record Persona(String name, String token, AuthContext auth, boolean seesA) {
  }

  static TestCloud cloud;
  static RbacFixture f;
  static String marker;
  /** In A's contents and metadata only, never in a name or path: no path exemption applies to it. */
  static String inner;
  static final Map<String, String> a = new LinkedHashMap<>();
  static final List<Persona> personas = new ArrayList<>();
  static final Map<String, String> invalidTokens = new LinkedHashMap<>();
  static List<Endpoint> endpoints;
  static WebSocket feedB;
  static final ConcurrentLinkedQueue<String> feedBMessages = new ConcurrentLinkedQueue<>();
  static final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void seed() throws Exception {
    long started = System.nanoTime();
    cloud = TestCloud.shared();
    f = new RbacFixture(cloud);
    endpoints = RouteInventory.of(cloud.node().frontDoor());
    marker = "mk" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    inner = "in" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    String d = f.domain();
    String e = f.domain();
    JsonObject projectAdminA = f.projectUser(d, "admin");
    String projectA = projectAdminA.getString("project_id");
    a.put("project", projectA);
    JsonObject memberA = user(d, projectA, "member");
    JsonObject readerA = user(d, projectA, "reader");
    JsonObject memberB = f.projectUser(d, "member");
    String projectB = memberB.getString("project_id");
    a.put("projectB", projectB);

    personas.add(persona("system admin", cloud.adminToken().await(), true));
    personas.add(persona("domain admin of A's domain", f.domainUser(d, "admin").getString("token"), false));
    personas.add(persona("domain admin of another domain", f.domainUser(e, "admin").getString("token"), false));
    personas.add(persona("project admin of A", projectAdminA.getString("token"), true));
    personas.add(persona("member of A", memberA.getString("token"), true));
    personas.add(persona("reader of A", readerA.getString("token"), true));
    personas.add(persona("member of B", memberB.getString("token"), false));

    invalidTokens.put("no token", null);
    String revoked = f.token(memberA, projectScope(projectA));
    assertThat(cloud.http().deleteAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").putHeader("X-Auth-Token", revoked)
      .putHeader("X-Subject-Token", revoked).send().await().statusCode()).isEqualTo(204);
    invalidTokens.put("revoked token", revoked);
    invalidTokens.put("expired token", TenantIsolationMatrixTest.expired(TokenSecurityTest.signingKey(cloud), memberA.getString("token")));

    // B's live feed is open while A's resources are made, changed and refused
    Vertx vertx = cloud.node().vertx();
    feedB = connectFeed(vertx);
    feedB.textMessageHandler(feedBMessages::add);
    feedB.writeTextMessage(new JsonObject().put("token", memberB.getString("token")).encode()).await();
    awaitFeedReady();

    String t = memberA.getString("token");
    String admin = f.admin;
    // object store: a private container and object
    a.put("container", marker + "-c");
    a.put("object", marker + "-o");
    String account = "/object-store/v1/AUTH_" + projectA;
    assertThat(cloud.call(t, HttpMethod.PUT, account + "/" + a.get("container"), null).await().statusCode()).isIn(201, 202);
    assertThat(cloud.http().putAbs(cloud.baseUrl() + account + "/" + a.get("container") + "/" + a.get("object"))
      .putHeader("X-Auth-Token", t).putHeader("X-Object-Meta-Note", inner).sendBuffer(Buffer.buffer("secret " + inner)).await()
      .statusCode()).isEqualTo(201);
    // image: a private image with bytes and a tag
    HttpResponse<Buffer> image = cloud.call(t, HttpMethod.POST, "/image/v2/images", new JsonObject().put("name", marker + "-img")
      .put("disk_format", "raw").put("container_format", "bare").put("tags", new JsonArray().add(marker)).put("note", inner)).await();
    assertThat(image.statusCode()).as(image.bodyAsString()).isEqualTo(201);
    a.put("image", image.bodyAsJsonObject().getString("id"));
    assertThat(cloud.http().putAbs(cloud.baseUrl() + "/image/v2/images/" + a.get("image") + "/file").putHeader("X-Auth-Token", t)
      .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer(new byte[4096])).await().statusCode()).isEqualTo(204);
    // shared with B: a container B may read by ACL, and an image B is a member of (no marker in them)
    String shared = TestCloud.unique("sh");
    a.put("sharedContainer", shared + "-c");
    a.put("sharedObject", shared + "-o");
    assertThat(cloud.http().putAbs(cloud.baseUrl() + account + "/" + a.get("sharedContainer")).putHeader("X-Auth-Token", t)
      .putHeader("X-Container-Read", projectB).send().await().statusCode()).isIn(201, 202);
    assertThat(cloud.http().putAbs(cloud.baseUrl() + account + "/" + a.get("sharedContainer") + "/" + a.get("sharedObject"))
      .putHeader("X-Auth-Token", t).sendBuffer(Buffer.buffer("shared")).await().statusCode()).isEqualTo(201);
    HttpResponse<Buffer> sharedImage = cloud.call(t, HttpMethod.POST, "/image/v2/images", new JsonObject().put("name", shared + "-img")
      .put("disk_format", "raw").put("container_format", "bare").put("visibility", "shared")).await();
    assertThat(sharedImage.statusCode()).as(sharedImage.bodyAsString()).isEqualTo(201);
    a.put("sharedImage", sharedImage.bodyAsJsonObject().getString("id"));
    assertThat(cloud.call(t, HttpMethod.POST, "/image/v2/images/" + a.get("sharedImage") + "/members",
      new JsonObject().put("member", projectB)).await().statusCode()).isEqualTo(200);
    assertThat(cloud.call(memberB.getString("token"), HttpMethod.PUT, "/image/v2/images/" + a.get("sharedImage") + "/members/" + projectB,
      new JsonObject().put("status", "accepted")).await().statusCode()).isEqualTo(200);
    // compute: a key pair of A's member and a server booted from a public image
    assertThat(compute(t, HttpMethod.POST, "/os-keypairs", new JsonObject().put("keypair", new JsonObject().put("name", marker + "-kp")))
      .statusCode()).isIn(200, 201);
    a.put("keypair", marker + "-kp");
    awaitHost(admin);
    String publicImage = publicImage(admin);
    HttpResponse<Buffer> server = compute(t, HttpMethod.POST, "/servers", new JsonObject().put("server", new JsonObject()
      .put("name", marker + "-srv").put("imageRef", publicImage).put("flavorRef", "42").put("networks", "none")
      .put("metadata", new JsonObject().put("note", inner))));
    assertThat(server.statusCode()).as(server.bodyAsString()).isEqualTo(202);
    a.put("server", server.bodyAsJsonObject().getJsonObject("server").getString("id"));
    JsonArray actions = compute(t, HttpMethod.GET, "/servers/" + a.get("server") + "/os-instance-actions", null).bodyAsJsonObject()
      .getJsonArray("instanceActions");
    a.put("request", actions.getJsonObject(0).getString("request_id"));
    JsonObject hv = compute(admin, HttpMethod.GET, "/os-hypervisors", null).bodyAsJsonObject().getJsonArray("hypervisors").getJsonObject(0);
    a.put("hypervisor", String.valueOf(hv.getValue("id")));
    a.put("hypervisor_name", hv.getString("hypervisor_hostname"));
    a.put("service", String.valueOf(compute(admin, HttpMethod.GET, "/os-services", null).bodyAsJsonObject().getJsonArray("services")
      .getJsonObject(0).getValue("id")));
    // a metadef namespace of the operator's (public, so no marker in it)
    a.put("namespace", TestCloud.unique("ns"));
    HttpResponse<Buffer> ns = cloud.call(admin, HttpMethod.POST, "/image/v2/metadefs/namespaces", new JsonObject()
      .put("namespace", a.get("namespace")).put("visibility", "public")).await();
    assertThat(ns.statusCode()).as(ns.bodyAsString()).isEqualTo(201);
    System.out.printf("isolation matrix: seeded in %d ms%n", Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  @AfterAll
  static void close() {
    if (feedB != null) {
      feedB.close();
    }
  }

  private static JsonObject user(String domainId, String projectId, String role) {
    JsonObject u = f.user(domainId);
    f.grant("/projects/" + projectId, u.getString("id"), role);
    return u.put("project_id", projectId).put("token", f.token(u, projectScope(projectId)));
  }

  private static Persona persona(String name, String token, boolean seesA) {
    JsonObject body = cloud.http().getAbs(cloud.baseUrl() + "/identity/v3/auth/tokens?nocatalog").putHeader("X-Auth-Token", token)
      .putHeader("X-Subject-Token", token).send().await().bodyAsJsonObject().getJsonObject("token");
    return new Persona(name, token, new AuthContext(body), seesA);
  }

  private static HttpResponse<Buffer> compute(String token, HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> r = cloud.http().requestAbs(method, cloud.baseUrl() + "/compute/v2.1" + path)
      .putHeader("OpenStack-API-Version", "compute 2.79").putHeader("X-Auth-Token", token);
    return (body == null ? r.send() : r.sendJsonObject(body)).await();
  }

  private static void awaitHost(String admin) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<Buffer> r = compute(admin, HttpMethod.GET, "/os-hypervisors", null);
      if (r.statusCode() == 200 && !r.bodyAsJsonObject().getJsonArray("hypervisors").isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no compute host registered in 30 s");
  }

  private static String publicImage(String admin) {
    HttpResponse<Buffer> created = cloud.call(admin, HttpMethod.POST, "/image/v2/images", new JsonObject().put("name", TestCloud.unique("boot"))
      .put("disk_format", "raw").put("container_format", "bare").put("visibility", "public")).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(cloud.http().putAbs(cloud.baseUrl() + "/image/v2/images/" + id + "/file").putHeader("X-Auth-Token", admin)
      .putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer(new byte[4096])).await().statusCode()).isEqualTo(204);
    return id;
  }

  /** The feed's socket; a handshake the busy test machine dropped is tried again. */
  private static WebSocket connectFeed(Vertx vertx) throws InterruptedException {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cloud.port())
      .setURI(DashboardModule.FEED_PATH);
    for (int attempt = 1; ; attempt++) {
      try {
        return vertx.createWebSocketClient().connect(options).await();
      } catch (RuntimeException e) {
        if (attempt == 3) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private static void awaitFeedReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (feedBMessages.stream().anyMatch(m -> m.contains("\"ready\""))) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("B's feed not ready: " + feedBMessages);
  }

  // ---- routes made concrete -----------------------------------------------------------------

  private static RouteRules tableOf(Endpoint e) {
    String p = e.path();
    return p.startsWith("/identity") ? IdentityPolicy.ROUTES : p.startsWith("/image") ? ImagePolicy.ROUTES
      : p.startsWith("/compute") ? ComputePolicy.ROUTES : p.startsWith("/object-store") || p.equals("/info") ? ObjectStorePolicy.ROUTES
      : FrontDoorPolicy.ROUTES;
  }

  /** The path with project A's resources (or the cloud's, for flavors, hosts and services) in place of its parameters. */
  /** The ways a route is made concrete: on A's private resources, and where B has a share (ACL, image member), on those. */
  private static List<Boolean> variants(String template) {
    return template.contains(":container") || template.contains("/images/:id") ? List.of(false, true) : List.of(false);
  }

  private static String concrete(String template, boolean shared) {
    String p = template;
    p = p.replace(":account", "AUTH_" + a.get("project"))
      .replace(":container", a.get(shared ? "sharedContainer" : "container")).replace(":object", a.get(shared ? "sharedObject" : "object"));
    p = p.replace("/images/:id", "/images/" + a.get(shared ? "sharedImage" : "image")).replace(":tag", marker).replace(":member", a.get("projectB"));
    p = p.replace("/servers/:id", "/servers/" + a.get("server")).replace(":req", a.get("request"));
    p = p.replace("/flavors/:id", "/flavors/42").replace("/os-keypairs/:name", "/os-keypairs/" + a.get("keypair"));
    p = p.replace("/os-hypervisors/:id", "/os-hypervisors/" + a.get("hypervisor")).replace(":pattern", a.get("hypervisor_name"));
    p = p.replace("/os-services/:id", "/os-services/" + a.get("service")).replace(":project", a.get("project"));
    p = p.replace(":namespace", a.get("namespace")).replace(":schema", "image");
    // identity and metadef item parameters: a name that exists nowhere (identity rules are checked per target elsewhere)
    return p.replaceAll(":[a-z_]+", "x" + marker.substring(0, 4));
  }

  /** Whether the concrete path names one of project A's resources (then A is the target), else the caller's own project. */
  private static boolean namesA(String template) {
    return template.contains(":account") || template.contains("/images/:id") || template.contains("/servers/:id")
      || template.contains(":project");
  }

  private static boolean allowed(Persona p, Endpoint e, String rule, boolean shared) {
    String path = e.path();
    Target target;
    boolean inB = a.get("projectB").equals(p.auth().projectId());
    if (path.contains("/os-keypairs")) {
      target = Target.user(p.auth().userId(), null); // key pairs are looked up among the caller's own
    } else if (namesA(path)) {
      // the facts the services set: B's read ACL on the shared container, B's membership of the shared image
      target = Target.project(a.get("project"), null).flag("read_acl", shared && inB).flag("member", shared && inB)
        .flag("invited", path.endsWith("/members/:member") && inB);
    } else {
      target = Target.project(p.auth().projectId(), p.auth().projectDomainId());
    }
    return tableOf(e).policy().allowed(p.auth(), rule, target);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String token) {
    requests.incrementAndGet();
    // Nova's image proxy is served up to 2.35 only, os-hosts up to 2.42
    String version = path.startsWith("/compute/v2.1/images") ? "compute 2.35"
      : path.startsWith("/compute/v2.1/os-hosts") ? "compute 2.42" : "compute 2.79";
    HttpRequest<Buffer> r = cloud.http().requestAbs(method, cloud.baseUrl() + path).putHeader("OpenStack-API-Version", version);
    if (token != null) {
      r.putHeader("X-Auth-Token", token);
      if (path.endsWith("/auth/tokens")) {
        r.putHeader("X-Subject-Token", token);
      }
    }
    if (method == HttpMethod.PATCH && path.startsWith("/image")) {
      return r.putHeader("Content-Type", "application/openstack-images-v2.1-json-patch").sendBuffer(Buffer.buffer("[]")).await();
    }
    if (method == HttpMethod.COPY) {
      r.putHeader("Destination", a.get("container") + "/copy-" + marker);
    }
    if (method == HttpMethod.PUT && path.startsWith("/object-store") || path.contains("/file") || path.contains("/stage")) {
      return r.putHeader("Content-Type", "application/octet-stream").sendBuffer(Buffer.buffer("x")).await();
    }
    if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
      return r.sendJsonObject(body(method, path)).await();
    }
    return r.send().await();
  }

  /** A valid body where the API checks the body before the policy (as Nova's and Glance's schemas do), so the policy answers. */
  private static JsonObject body(HttpMethod method, String path) {
    String name = "x" + marker.substring(0, 4);
    if (path.endsWith("/import")) {
      return new JsonObject().put("method", new JsonObject().put("name", "glance-direct"));
    }
    if (path.endsWith("/members") && method == HttpMethod.POST) {
      return new JsonObject().put("member", a.get("projectB"));
    }
    if (path.contains("/members/")) {
      return new JsonObject().put("status", "accepted");
    }
    if (path.contains("/properties")) {
      return new JsonObject().put("name", name).put("title", name).put("type", "string");
    }
    if (path.contains("/metadefs/namespaces/")) {
      return new JsonObject().put("name", name);
    }
    if (path.endsWith("/remote-consoles")) {
      return new JsonObject().put("remote_console", new JsonObject().put("protocol", "serial").put("type", "serial"));
    }
    if (path.endsWith("/metadata")) {
      return new JsonObject().put("metadata", new JsonObject().put("k", "v"));
    }
    if (path.contains("/metadata/")) {
      return new JsonObject().put("meta", new JsonObject().put(path.substring(path.lastIndexOf('/') + 1), "v"));
    }
    if (path.endsWith("/tags")) {
      return new JsonObject().put("tags", new io.vertx.core.json.JsonArray().add("t"));
    }
    if (path.contains("/flavors/") && path.endsWith("/action")) {
      return new JsonObject().put("addTenantAccess", new JsonObject().put("tenant", a.get("projectB")));
    }
    if (path.endsWith("/os-server-groups")) {
      return new JsonObject().put("server_group", new JsonObject().put("name", name).put("policy", "anti-affinity"));
    }
    // compute's declared schemas: bodies that match them and then change nothing (a taken flavor id,
    // an aggregate or key that does not exist, a key pair without an OpenSSH key, no image to boot)
    if (path.endsWith("/flavors")) {
      return new JsonObject().put("flavor", new JsonObject().put("name", name).put("ram", 64).put("vcpus", 1).put("disk", 1)
        .put("id", "42"));
    }
    if (path.endsWith("/os-extra_specs")) {
      return new JsonObject().put("extra_specs", new JsonObject());
    }
    if (path.contains("/os-extra_specs/")) {
      return new JsonObject().put("not-the-key-in-the-path", "v");
    }
    if (path.contains("/os-aggregates")) {
      return path.endsWith("/action") ? new JsonObject().put("set_metadata", new JsonObject().put("metadata", new JsonObject().put("k", "v")))
        : new JsonObject().put("aggregate", new JsonObject().put("name", name));
    }
    if (path.endsWith("/os-keypairs")) {
      return new JsonObject().put("keypair", new JsonObject().put("name", name).put("public_key", "not an OpenSSH key"));
    }
    if (path.contains("/os-quota-sets/")) {
      return new JsonObject().put("quota_set", new JsonObject());
    }
    if (path.endsWith("/servers")) {
      return new JsonObject().put("server", new JsonObject().put("name", name).put("flavorRef", "42").put("imageRef", ""));
    }
    if (path.endsWith("/action")) {
      return new JsonObject().putNull("os-stop");
    }
    if (path.contains("/servers/")) {
      return new JsonObject().put("server", new JsonObject().put("name", name));
    }
    return new JsonObject();
  }

  /** What of project A a response must not show: the marker (in names, metadata, bytes) and the ids of A's resources. */
  private static List<String> leaks(String path, HttpResponse<Buffer> r) {
    StringBuilder all = new StringBuilder(r.bodyAsString() == null ? "" : r.bodyAsString());
    r.headers().forEach(h -> all.append('\n').append(h.getKey()).append(": ").append(h.getValue()));
    List<String> out = new ArrayList<>();
    for (String secret : List.of(marker, inner, a.get("image"), a.get("server"), "AUTH_" + a.get("project"))) {
      // an id the caller itself put in the path may come back in the error ("No image found with ID ...")
      if (!path.contains(secret) && all.indexOf(secret) >= 0) {
        out.add(secret);
      }
    }
    return out;
  }

  // ---- the checks ---------------------------------------------------------------------------

  @Test
  void everyRouteOfEveryApiHasARule() {
    assertThat(endpoints).hasSizeGreaterThan(100)
      .anyMatch(e -> e.path().startsWith("/identity/v3/")).anyMatch(e -> e.path().startsWith("/image/v2/"))
      .anyMatch(e -> e.path().startsWith("/object-store/v1/")).anyMatch(e -> e.path().startsWith("/compute/v2.1/"));
    List<String> missing = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (tableOf(e).ruleOf(e.method().name(), e.path()) == null) {
        missing.add(e.toString());
      }
    }
    assertThat(missing).as("routes without a rule in their API's policy table").isEmpty();
  }

  @Test
  void everyRouteAnswersAsThePolicyTableSaysAndShowsNothingOfAnotherProject() throws Exception {
    long started = System.nanoTime();
    List<String> failures = new ArrayList<>();
    int routes = 0;
    int allowed = 0;
    int denied = 0;
    for (Endpoint e : endpoints) {
      RouteRules table = tableOf(e);
      String rule = table.ruleOf(e.method().name(), e.path());
      // the WebSockets (the live feed, a server's serial console) take their token in the first
      // message: EventFeedTest and SerialConsoleSocketTest try them as each persona; the metadata
      // API takes no token (the metadata proxy's signed headers name the instance): MetadataApiTest
      if (rule == null || e.path().equals(DashboardModule.FEED_PATH) || e.path().endsWith("/serial-console")
        || e.path().startsWith("/compute/metadata")) {
        continue;
      }
      routes++;
      for (boolean shared : variants(e.path())) {
        String path = concrete(e.path(), shared);
        boolean identity = table == IdentityPolicy.ROUTES;
        boolean open = !rule.endsWith("*") && table.policy().allowed(null, rule, Target.none());
        boolean read = READS.contains(e.method());
        for (var invalid : invalidTokens.entrySet()) {
          if (open) {
            continue;
          }
          HttpResponse<Buffer> r = send(e.method(), path, invalid.getValue());
          if (r.statusCode() != 401) {
            failures.add(invalid.getKey() + ": " + e.method() + " " + path + " -> " + r.statusCode());
          }
          leaks(path, r).forEach(l -> failures.add(invalid.getKey() + ": " + e.method() + " " + path + " shows " + l));
        }
        for (Persona p : personas) {
          boolean may = identity ? read : allowed(p, e, rule, shared);
          if (!read && (may || identity)) {
            continue; // writes only by those refused: the seeded resources stay as they are
          }
          HttpResponse<Buffer> r = send(e.method(), path, p.token());
          int s = r.statusCode();
          if (!identity) {
            // a read of one of A's resources that exist, allowed, must find it; elsewhere a 404 is a lookup miss
            boolean mustFind = read && namesA(e.path()) && !e.path().contains(":member") && !e.path().contains(":tag")
              && !e.path().contains(":key");
            boolean ok = may ? (mustFind ? s >= 200 && s < 300 : s != 401 && s != 403 && s < 500)
              : s == 403 || s == 404 || (s == 401 && p.auth().projectId() == null);
            if (!ok) {
              failures.add(p.name() + ": " + e.method() + " " + path + " -> " + s + " (" + (may ? "allowed" : "denied") + " by " + rule + ")");
            }
            if (may) {
              allowed++;
            } else {
              denied++;
            }
          }
          if (!p.seesA()) {
            leaks(path, r).forEach(l -> failures.add(p.name() + ": " + e.method() + " " + path + " shows " + l));
          }
        }
      }
    }
    // every seeded resource is still there, as it was
    HttpResponse<Buffer> object = cloud.call(f.admin, HttpMethod.GET, "/object-store/v1/AUTH_" + a.get("project") + "/" + a.get("container")
      + "/" + a.get("object"), null).await();
    assertThat(object.bodyAsString()).isEqualTo("secret " + inner);
    assertThat(cloud.call(f.admin, HttpMethod.GET, "/image/v2/images/" + a.get("image"), null).await().bodyAsJsonObject()
      .getString("name")).isEqualTo(marker + "-img");
    assertThat(compute(f.admin, HttpMethod.GET, "/servers/" + a.get("server"), null).bodyAsJsonObject().getJsonObject("server")
      .getString("name")).isEqualTo(marker + "-srv");
    // B's live feed showed B nothing of A
    for (String m : feedBMessages) {
      for (String secret : List.of(marker, inner, a.get("image"), a.get("server"), a.get("project"))) {
        if (m.contains(secret)) {
          failures.add("member of B's live feed shows " + secret + ": " + m);
        }
      }
    }
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    System.out.printf("isolation matrix: %d routes x %d personas (%d with a token, %d without a valid one), %d requests"
      + " (%d allowed, %d denied by the tables), %d s%n", routes, personas.size() + invalidTokens.size(), personas.size(),
      invalidTokens.size(), requests.get(), allowed, denied, seconds);
    assertThat(failures).isEmpty();
    assertThat(allowed).isGreaterThan(50);
    assertThat(denied).isGreaterThan(100);
  }
}
