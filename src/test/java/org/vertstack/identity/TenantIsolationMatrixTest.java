package org.vertstack.identity;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vertstack.identity.RbacFixture.domainScope;
import static org.vertstack.identity.RbacFixture.projectScope;
import static org.vertstack.identity.RbacFixture.systemScope;

/**
 * Every route of the identity API (discovered from its router) against every persona: a request
 * without a valid token (none, garbage, expired, revoked) is a 401 wherever a token is needed;
 * every read and update answers as the policy table says for the persona and the target (403
 * when denied); and no body shows another tenant's ids to a tenant's persona.
 *
 * <p>Tenants: domain D with project P (its admin, a project admin, member and reader of P, a
 * user U and a group G), domain E with project Q (its admin, a member of Q). Creates, grants and
 * deletes are checked by the reproducers in {@link IdentityRbacTest}.
 */
class TenantIsolationMatrixTest {

  private static final Policy POLICY = IdentityPolicy.RULES;
  private static final Set<String> PUBLIC = Set.of("GET /", "GET /v3", "GET /v3/", "POST /v3/auth/tokens", "POST /v3/users/:id/password",
    "POST /v3/ec2tokens");
  private static final List<String> COLLECTIONS = List.of("domains", "projects", "users", "groups", "roles", "regions", "services",
    "endpoints", "registered_limits", "limits");

  record Persona(String name, String token, AuthContext auth, Set<String> hidden) {
  }

  record Call(HttpMethod method, String template, String path, String rule, Target target, String collection, JsonObject body) {
    Call(HttpMethod method, String template, String path, String rule, Target target, String collection) {
      this(method, template, path, rule, target, collection, null);
    }
  }

  static RbacFixture f;
  static List<Route> routes;
  static final Map<String, String> ids = new LinkedHashMap<>();
  static final List<Persona> personas = new ArrayList<>();
  static final Map<String, String> invalidTokens = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    TestCloud cloud = TestCloud.shared();
    f = new RbacFixture(cloud);
    Vertx vertx = cloud.node().vertx();
    Router router = IdentityApi.router(vertx, cloud.node().config(), TokenVerifier.get(vertx).await());
    routes = router.getRoutes();

    String d = f.domain();
    String e = f.domain();
    ids.put("D", d);
    ids.put("E", e);
    JsonObject domainAdminD = f.domainUser(d, "admin");
    JsonObject domainAdminE = f.domainUser(e, "admin");
    JsonObject projectAdminP = f.projectUser(d, "admin");
    String p = projectAdminP.getString("project_id");
    ids.put("P", p);
    JsonObject memberP = user(d, p, "member");
    JsonObject readerP = user(d, p, "reader");
    JsonObject memberQ = f.projectUser(e, "member");
    ids.put("Q", memberQ.getString("project_id"));
    ids.put("U", f.user(d).getString("id"));
    String g = f.created(f.call(f.admin, HttpMethod.POST, "/groups", new JsonObject().put("group",
      new JsonObject().put("name", TestCloud.unique("g")).put("domain_id", d))), "group");
    ids.put("G", g);
    assertThat(f.call(f.admin, HttpMethod.PUT, "/groups/" + g + "/users/" + ids.get("U"), null).statusCode()).isEqualTo(204);
    assertThat(f.call(f.admin, HttpMethod.PUT, "/projects/" + p + "/groups/" + g + "/roles/" + f.roleId("reader"), null).statusCode()).isEqualTo(204);
    assertThat(f.call(f.admin, HttpMethod.PUT, "/domains/" + d + "/groups/" + g + "/roles/" + f.roleId("reader"), null).statusCode()).isEqualTo(204);
    ids.put("memberP", memberP.getString("id"));
    ids.put("domainAdminD", domainAdminD.getString("id"));
    ids.put("memberQ", memberQ.getString("id"));
    ids.put("domainAdminE", domainAdminE.getString("id"));
    ids.put("projectAdminP", projectAdminP.getString("id"));
    ids.put("readerP", readerP.getString("id"));
    ids.put("admin", f.call(f.admin, HttpMethod.GET, "/users?name=admin&domain_id=default", null).bodyAsJsonObject()
      .getJsonArray("users").getJsonObject(0).getString("id"));
    ids.put("role:admin", f.roleId("admin"));
    ids.put("role:member", f.roleId("member"));
    ids.put("role:reader", f.roleId("reader"));
    JsonObject anyEndpoint = f.call(f.admin, HttpMethod.GET, "/endpoints", null).bodyAsJsonObject().getJsonArray("endpoints").getJsonObject(0);
    ids.put("service", anyEndpoint.getString("service_id"));
    ids.put("endpoint", anyEndpoint.getString("id"));
    ids.put("region", anyEndpoint.getString("region_id"));
    String resource = TestCloud.unique("res");
    ids.put("registered_limit", f.call(f.admin, HttpMethod.POST, "/registered_limits", new JsonObject().put("registered_limits", new JsonArray()
        .add(new JsonObject().put("service_id", ids.get("service")).put("resource_name", resource).put("default_limit", 5))))
      .bodyAsJsonObject().getJsonArray("registered_limits").getJsonObject(0).getString("id"));
    ids.put("limitP", limit(p, resource));
    ids.put("limitQ", limit(ids.get("Q"), resource));
    ids.put("appcred", f.cloud.call(memberP.getString("token"), HttpMethod.POST, "/identity/v3/users/" + memberP.getString("id")
        + "/application_credentials", new JsonObject().put("application_credential", new JsonObject().put("name", TestCloud.unique("ac"))))
      .await().bodyAsJsonObject().getJsonObject("application_credential").getString("id"));

    extensionObjects(memberP, p, d);

    Set<String> tenantE = Set.of(e, ids.get("Q"), ids.get("memberQ"), ids.get("domainAdminE"), ids.get("limitQ"));
    Set<String> tenantD = Set.of(d, p, ids.get("U"), g, ids.get("memberP"), ids.get("readerP"), ids.get("projectAdminP"),
      ids.get("domainAdminD"), ids.get("limitP"), ids.get("appcred"), ids.get("trust"), ids.get("credential"), ids.get("ec2"),
      ids.get("access_rule"));
    String system = f.token(new JsonObject().put("id", ids.get("admin")).put("password", TestCloud.ADMIN_PASSWORD), systemScope());
    personas.add(persona("system admin", system, Set.of()));
    personas.add(persona("domain admin of D", domainAdminD.getString("token"), tenantE));
    personas.add(persona("domain admin of E", domainAdminE.getString("token"), tenantD));
    personas.add(persona("project admin of P", projectAdminP.getString("token"), tenantE));
    personas.add(persona("member of P", memberP.getString("token"), tenantE));
    personas.add(persona("reader of P", readerP.getString("token"), tenantE));
    personas.add(persona("member of Q", memberQ.getString("token"), tenantD));

    invalidTokens.put("no token", null);
    invalidTokens.put("garbage token", "not-a-token");
    String revoked = f.token(memberP, projectScope(p));
    assertThat(f.cloud.http().deleteAbs(cloud.baseUrl() + "/identity/v3/auth/tokens").putHeader("X-Auth-Token", revoked)
      .putHeader("X-Subject-Token", revoked).send().await().statusCode()).isEqualTo(204);
    invalidTokens.put("revoked token", revoked);
    // the cloud's own active signing key (kept encrypted in the identity schema)
    invalidTokens.put("expired token", expired(TokenSecurityTest.signingKey(cloud), memberP.getString("token")));
  }

  /** One object of each extension API: the operator's (policy, consumer, endpoint group, D's config) and member P's. */
  private static void extensionObjects(JsonObject memberP, String p, String d) {
    ids.put("policy", f.created(f.call(f.admin, HttpMethod.POST, "/policies", new JsonObject().put("policy",
      new JsonObject().put("type", "text/plain").put("blob", "b"))), "policy"));
    ids.put("consumer", f.created(f.call(f.admin, HttpMethod.POST, "/OS-OAUTH1/consumers", new JsonObject().put("consumer",
      new JsonObject().put("description", "c"))), "consumer"));
    ids.put("endpoint_group", f.created(f.call(f.admin, HttpMethod.POST, "/OS-EP-FILTER/endpoint_groups", new JsonObject()
      .put("endpoint_group", new JsonObject().put("name", "eg").put("filters", new JsonObject().put("interface", "public")))), "endpoint_group"));
    assertThat(f.call(f.admin, HttpMethod.PUT, "/domains/" + d + "/config", new JsonObject().put("config", new JsonObject()
      .put("identity", new JsonObject().put("driver", "sql")))).statusCode()).isEqualTo(201);
    String token = memberP.getString("token");
    String user = memberP.getString("id");
    ids.put("credential", f.cloud.call(token, HttpMethod.POST, "/identity/v3/credentials", new JsonObject().put("credential",
      new JsonObject().put("user_id", user).put("type", "totp").put("blob", "seed"))).await()
      .bodyAsJsonObject().getJsonObject("credential").getString("id"));
    ids.put("ec2", f.cloud.call(token, HttpMethod.POST, "/identity/v3/users/" + user + "/credentials/OS-EC2",
      new JsonObject().put("tenant_id", p)).await().bodyAsJsonObject().getJsonObject("credential").getString("access"));
    ids.put("trust", f.cloud.call(token, HttpMethod.POST, "/identity/v3/OS-TRUST/trusts", new JsonObject().put("trust", new JsonObject()
        .put("trustor_user_id", user).put("trustee_user_id", ids.get("readerP")).put("project_id", p).put("impersonation", false)
        .put("roles", new JsonArray().add(new JsonObject().put("name", "member"))))).await()
      .bodyAsJsonObject().getJsonObject("trust").getString("id"));
    ids.put("access_rule", f.cloud.call(token, HttpMethod.POST, "/identity/v3/users/" + user + "/application_credentials",
        new JsonObject().put("application_credential", new JsonObject().put("name", TestCloud.unique("ar")).put("access_rules",
          new JsonArray().add(new JsonObject().put("service", "compute").put("method", "GET").put("path", "/v2.1/servers"))))).await()
      .bodyAsJsonObject().getJsonObject("application_credential").getJsonArray("access_rules").getJsonObject(0).getString("id"));
  }

  private static JsonObject user(String domainId, String projectId, String role) {
    JsonObject u = f.user(domainId);
    f.grant("/projects/" + projectId, u.getString("id"), role);
    return u.put("token", f.token(u, projectScope(projectId)));
  }

  private static String limit(String projectId, String resource) {
    return f.call(f.admin, HttpMethod.POST, "/limits", new JsonObject().put("limits", new JsonArray().add(new JsonObject()
        .put("service_id", ids.get("service")).put("resource_name", resource).put("project_id", projectId).put("resource_limit", 3))))
      .bodyAsJsonObject().getJsonArray("limits").getJsonObject(0).getString("id");
  }

  private static Persona persona(String name, String token, Set<String> hidden) {
    JsonObject body = f.cloud.http().getAbs(f.cloud.baseUrl() + "/identity/v3/auth/tokens?nocatalog").putHeader("X-Auth-Token", token)
      .putHeader("X-Subject-Token", token).send().await().bodyAsJsonObject().getJsonObject("token");
    return new Persona(name, token, new AuthContext(body), hidden);
  }

  /** The same claims, signed with the cloud's key, expired a minute ago. */
  static String expired(String privatePem, String token) {
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    Instant past = Instant.now().minusSeconds(60);
    claims.put("exp", past.getEpochSecond());
    claims.getJsonObject("ctx").put("expires_at", past.toString());
    Vertx vertx = Vertx.vertx();
    try {
      return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)))
        .generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    } finally {
      vertx.close();
    }
  }

  // ---- the routes, made concrete ------------------------------------------------------------

  /** Every (method, path template) the router serves. */
  private static List<Map.Entry<HttpMethod, String>> templates() {
    List<Map.Entry<HttpMethod, String>> out = new ArrayList<>();
    for (Route r : routes) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) {
        continue; // body handler, failure handler, the token check itself
      }
      if (Boolean.TRUE.equals(r.getMetadata(org.vertstack.common.http.RouteInventory.GUARD))) {
        continue; // a request schema ahead of the route that serves it
      }
      for (HttpMethod m : r.methods()) {
        out.add(Map.entry(m, r.getPath()));
      }
    }
    return out;
  }

  private static Target target(String collection) {
    return switch (collection) {
      case "domains" -> Target.domain(ids.get("D"));
      case "projects", "limits" -> Target.project(ids.get("P"), ids.get("D"));
      case "users" -> Target.user(ids.get("U"), ids.get("D"));
      case "groups" -> Target.domain(ids.get("D"));
      default -> Target.none();
    };
  }

  private static String idOf(String collection) {
    return switch (collection) {
      case "domains" -> ids.get("D");
      case "projects" -> ids.get("P");
      case "users" -> ids.get("U");
      case "groups" -> ids.get("G");
      case "roles" -> ids.get("role:member");
      case "regions" -> ids.get("region");
      case "services" -> ids.get("service");
      case "endpoints" -> ids.get("endpoint");
      case "registered_limits" -> ids.get("registered_limit");
      default -> ids.get("limitP");
    };
  }

  private static String member(String collection) {
    return collection.equals("registered_limits") ? "registered_limit" : collection.substring(0, collection.length() - 1);
  }

  /** One or more concrete calls for a route, each with the rule and target the policy decides on (rule null: any valid token). */
  private static List<Call> calls(HttpMethod m, String template) {
    List<Call> out = new ArrayList<>();
    boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD;
    if (template.equals("/v3/:collection") || template.equals("/v3/:collection/:id")) {
      for (String c : COLLECTIONS) {
        String path = template.replace(":collection", c).replace(":id", idOf(c));
        String rule = template.endsWith(":id")
          ? "identity:" + (read ? "get_" : m == HttpMethod.PATCH ? "update_" : m == HttpMethod.DELETE ? "delete_" : "x_") + member(c)
          : "identity:" + (read ? "list_" + c : "create_" + member(c));
        out.add(new Call(m, template, path, rule, read && !template.endsWith(":id") ? null : target(c), c));
      }
      return out;
    }
    String path = template;
    String rule = null;
    Target t = Target.none();
    if (template.contains("/roles") && template.contains(":actor")) {
      boolean group = template.contains("/groups/:actor");
      String scope = template.contains("/system/") ? "system" : template.contains("/domains/:target") ? "domain" : "project";
      String actor = group ? ids.get("G") : switch (scope) {
        case "system" -> ids.get("admin");
        case "domain" -> ids.get("domainAdminD");
        default -> ids.get("memberP");
      };
      String role = group ? ids.get("role:reader") : scope.equals("system") || scope.equals("domain") ? ids.get("role:admin") : ids.get("role:member");
      path = template.replace(":target", scope.equals("domain") ? ids.get("D") : ids.get("P")).replace(":actor", actor).replace(":role", role);
      t = switch (scope) {
        case "system" -> Target.none().flag("system_grant", true);
        case "domain" -> Target.domain(ids.get("D"));
        default -> Target.project(ids.get("P"), ids.get("D"));
      };
      t.with("actor_domain_id", actor.equals(ids.get("admin")) ? "default" : ids.get("D"))
        .flag("cloud_project", actor.equals(ids.get("admin")));
      rule = template.contains(":role") ? (read ? "identity:check_grant" : m == HttpMethod.PUT ? "identity:create_grant" : "identity:revoke_grant")
        : "identity:list_grants";
    } else if (template.startsWith("/v3/roles/:prior")) {
      path = template.replace(":prior", ids.get("role:admin")).replace(":implied", ids.get("role:member"));
      rule = template.endsWith(":implied") ? (read ? "identity:check_implied_role" : "identity:x") : "identity:list_role_inference_rules";
    } else if (template.equals("/v3/role_inferences")) {
      rule = "identity:list_role_inference_rules";
    } else if (template.startsWith("/v3/groups/:group/users")) {
      path = template.replace(":group", ids.get("G")).replace(":user", ids.get("U"));
      rule = template.endsWith(":user") ? "identity:check_user_in_group" : "identity:list_users_in_group";
      t = Target.domain(ids.get("D")).with("actor_domain_id", ids.get("D"));
    } else if (template.equals("/v3/users/:user/groups") || template.equals("/v3/users/:user/projects")) {
      path = template.replace(":user", ids.get("U"));
      rule = template.endsWith("groups") ? "identity:list_groups_for_user" : "identity:list_user_projects";
      t = Target.user(ids.get("U"), ids.get("D"));
    } else if (template.contains("application_credentials")) {
      path = template.replace(":user", ids.get("memberP")).replace(":id", ids.get("appcred"));
      rule = template.endsWith(":id") ? "identity:get_application_credential" : "identity:list_application_credentials";
      t = Target.user(ids.get("memberP"), null);
    } else if (template.equals("/v3/role_assignments")) {
      rule = "identity:list_role_assignments";
    } else if (extension(m, template, out)) {
      return out;
    } else {
      path = template.replace(":id", ids.get("U"));
    }
    out.add(new Call(m, template, path, rule, t, null));
    return out;
  }

  /** The extension APIs' routes: the object each one names, its rule and target, and a PATCH body. */
  private static boolean extension(HttpMethod m, String template, List<Call> out) {
    boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD;
    String path = template.replace(":user", ids.get("memberP")).replace(":domain", ids.get("D")).replace(":group", "identity")
      .replace(":option", "driver").replace(":project", ids.get("P")).replace(":tag", "blue").replace(":role", ids.get("role:member"))
      .replace(":access", ids.get("ec2"));
    Target owner = Target.user(ids.get("memberP"), null);
    String rule;
    Target t = Target.none();
    JsonObject body = null;
    if (template.startsWith("/v3/OS-TRUST/trusts")) {
      path = path.replace(":id", ids.get("trust"));
      rule = template.equals("/v3/OS-TRUST/trusts") ? (read ? "identity:list_trusts" : "identity:create_trust") : "identity:get_trust";
      t = owner;
    } else if (template.startsWith("/v3/credentials")) {
      path = path.replace(":id", ids.get("credential"));
      rule = template.endsWith(":id") ? (read ? "identity:get_credential" : "identity:update_credential") : null;
      t = owner;
      body = new JsonObject().put("credential", new JsonObject());
    } else if (template.contains("/credentials/OS-EC2")) {
      rule = template.endsWith(":access") ? "identity:ec2_get_credential" : "identity:ec2_list_credentials";
      t = owner;
    } else if (template.contains("/access_rules")) {
      path = path.replace(":id", ids.get("access_rule"));
      rule = template.endsWith(":id") ? "identity:get_access_rule" : "identity:list_access_rules";
      t = owner;
    } else if (template.startsWith("/v3/OS-OAUTH1/consumers") || template.startsWith("/v3/policies")
      || template.startsWith("/v3/OS-EP-FILTER/endpoint_groups")) {
      String kind = template.startsWith("/v3/OS-OAUTH1") ? "consumer" : template.startsWith("/v3/policies") ? "policy" : "endpoint_group";
      String plural = kind.equals("policy") ? "policies" : kind + "s";
      path = path.replace(":id", ids.get(kind));
      rule = template.endsWith(":id") ? "identity:" + (read ? "get_" : "update_") + kind : "identity:list_" + plural;
      body = new JsonObject().put(kind, new JsonObject());
    } else if (template.startsWith("/v3/domains/config/")) {
      rule = "identity:get_domain_config_default";
    } else if (template.startsWith("/v3/domains/:domain/config")) {
      rule = read ? "identity:get_domain_config" : "identity:update_domain_config";
      body = new JsonObject().put("config", template.endsWith(":option") ? new JsonObject().put("driver", "sql")
        : new JsonObject().put("identity", new JsonObject().put("driver", "sql")));
    } else if (template.startsWith("/v3/projects/:project/tags")) {
      rule = template.endsWith(":tag") ? "identity:get_project_tag" : "identity:list_project_tags";
      t = Target.project(ids.get("P"), ids.get("D"));
    } else {
      return false;
    }
    out.add(new Call(m, template, path, rule, t, null, body));
    return true;
  }

  private static HttpResponse<Buffer> send(Call c, String token) {
    HttpRequest<Buffer> request = f.cloud.http().requestAbs(c.method(), f.cloud.baseUrl() + "/identity" + c.path());
    if (token != null) {
      request.putHeader("X-Auth-Token", token);
      if (c.path().equals("/v3/auth/tokens")) {
        request.putHeader("X-Subject-Token", token);
      }
    }
    if (c.body() != null && c.method() != HttpMethod.GET && c.method() != HttpMethod.HEAD) {
      return request.sendJsonObject(c.body()).await();
    }
    if (c.method() == HttpMethod.PATCH && c.collection() != null) {
      return request.sendJsonObject(new JsonObject().put(member(c.collection()), new JsonObject())).await();
    }
    if (c.method() == HttpMethod.POST || c.method() == HttpMethod.PUT || c.method() == HttpMethod.PATCH) {
      return request.sendJsonObject(new JsonObject()).await();
    }
    return request.send().await();
  }

  /** What the identity service allows this persona for this call, as the policy table decides. */
  private static boolean allowed(Persona p, Call c) {
    AuthContext a = p.auth();
    if (c.rule() == null) {
      return true; // any valid token: /v3/auth/*, /v3/limits/model, validating one's own token
    }
    if (c.rule().equals("identity:get_trust")) { // its trustor (member of P) or its trustee (reader of P)
      return POLICY.allowed(a, c.rule(), c.target()) || POLICY.allowed(a, c.rule(), Target.user(ids.get("readerP"), null));
    }
    if (c.rule().equals("identity:list_role_assignments")) {
      return POLICY.allowed(a, c.rule(), Target.none()) || (a.domainId() != null && POLICY.allowed(a, c.rule(), Target.domain(a.domainId())));
    }
    if (c.rule().startsWith("identity:list_") && c.collection() != null) {
      return POLICY.allowed(a, c.rule(), Target.none())
        || (a.domainId() != null && POLICY.allowed(a, c.rule(), Target.domain(a.domainId())))
        || ("limits".equals(c.collection()) && a.projectId() != null
          && POLICY.allowed(a, c.rule(), Target.project(a.projectId(), a.projectDomainId())));
    }
    return POLICY.allowed(a, c.rule(), c.target());
  }

  // ---- the checks -------------------------------------------------------------------------

  @Test
  void everyRouteNeedsAValidToken() {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (var route : templates()) {
      if (PUBLIC.contains(route.getKey().name() + " " + route.getValue())) {
        continue;
      }
      for (Call c : calls(route.getKey(), route.getValue())) {
        for (var invalid : invalidTokens.entrySet()) {
          int status = send(c, invalid.getValue()).statusCode();
          checked++;
          if (status != 401) {
            failures.add(invalid.getKey() + ": " + c.method() + " " + c.path() + " -> " + status);
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isGreaterThan(300);
  }

  @Test
  void readsAndUpdatesAnswerAsThePolicyTableSaysAndShowNoOtherTenant() {
    List<String> failures = new ArrayList<>();
    int allowedCalls = 0;
    int deniedCalls = 0;
    for (var route : templates()) {
      HttpMethod m = route.getKey();
      if (PUBLIC.contains(m.name() + " " + route.getValue()) || !(m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.PATCH)) {
        continue;
      }
      for (Call c : calls(m, route.getValue())) {
        for (Persona p : personas) {
          HttpResponse<Buffer> r = send(c, p.token());
          boolean allowed = allowed(p, c);
          int s = r.statusCode();
          boolean ok = allowed ? (s >= 200 && s < 300) || s == 404 : s == 403;
          if (!ok) {
            failures.add(p.name() + ": " + m + " " + c.path() + " -> " + s + " (policy: " + (allowed ? "allow" : "deny") + " " + c.rule() + ")");
          }
          if (allowed) {
            allowedCalls++;
          } else {
            deniedCalls++;
          }
          String body = r.bodyAsString() == null ? "" : r.bodyAsString();
          for (String hidden : p.hidden()) {
            if (!c.path().contains(hidden) && body.contains(hidden)) {
              failures.add(p.name() + ": " + m + " " + c.path() + " shows " + hidden);
            }
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(allowedCalls).isGreaterThan(100);
    assertThat(deniedCalls).isGreaterThan(100);
  }
}
