package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.FailureHandler;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Keystone v3 over HTTP. Thin: parse, call IdentityService, render. */
final class IdentityApi {

  private static final Set<String> COLLECTIONS = Set.of("domains", "projects", "users", "groups", "roles", "regions",
    "services", "endpoints", "registered_limits", "limits");
  private static final Map<String, String> MEMBERS = Map.of("domains", "domain", "projects", "project", "users", "user",
    "groups", "group", "roles", "role", "regions", "region", "services", "service", "endpoints", "endpoint",
    "registered_limits", "registered_limit", "limits", "limit");

  private final IdentityService service;
  private final TokenVerifier verifier;
  private final String base;
  /** The catalog as tokens show it, per project; dropped whenever a service or endpoint changes. */
  private final Map<String, JsonArray> catalogs = new ConcurrentHashMap<>();
  private volatile JsonArray rawCatalog;

  private IdentityApi(Vertx vertx, JsonObject config, TokenVerifier verifier) {
    this.service = IdentityService.createProxy(vertx);
    this.verifier = verifier;
    this.base = config.getString("public-url") + "/identity";
    vertx.eventBus().<JsonObject>consumer(ResourceEvents.ADDRESS, msg -> {
      String type = msg.body().getString("resource_type", "");
      if (type.equals("identity.service") || type.equals("identity.endpoint")) {
        rawCatalog = null;
        catalogs.clear();
      }
    });
  }

  static Router router(Vertx vertx, JsonObject config, TokenVerifier verifier) {
    IdentityApi api = new IdentityApi(vertx, config, verifier);
    Router r = Router.router(vertx);
    int limit = config.getJsonObject("http").getInteger("max-json-body-bytes", 1 << 20);
    r.route().handler(BodyHandler.create(false).setBodyLimit(limit));
    r.route().failureHandler(new FailureHandler(ErrorFormat.KEYSTONE));
    IdentitySchemas.PUBLIC.install(r);
    r.get("/").handler(api::versions);
    r.get("/v3").handler(api::version);
    r.get("/v3/").handler(api::version);
    r.post("/v3/auth/tokens").handler(api::issue);
    r.post("/v3/users/:id/password").handler(api::changePassword);

    ExtensionRoutes.mountPublic(r, IdentityExtensions.createProxy(vertx), api::links);

    AuthHandler auth = new AuthHandler(verifier);
    r.route("/v3/*").handler(auth);
    IdentitySchemas.PROTECTED.installBehind(r, IdentitySchemas::policyFirst);
    r.get("/v3/auth/tokens").handler(api::validate);
    r.head("/v3/auth/tokens").handler(api::validate);
    r.delete("/v3/auth/tokens").handler(api::revoke);
    r.get("/v3/auth/catalog").handler(api::authCatalog);
    r.get("/v3/auth/projects").handler(ctx -> api.scopes(ctx, "projects"));
    r.get("/v3/auth/domains").handler(ctx -> api.scopes(ctx, "domains"));
    r.get("/v3/auth/system").handler(api::authSystem);
    r.get("/v3/limits/model").handler(ctx -> ctx.json(new JsonObject().put("model", new JsonObject()
      .put("name", "flat").put("description", "Limit enforcement and validation does not take project hierarchy into consideration."))));

    r.get("/v3/role_assignments").handler(api::roleAssignments);
    r.get("/v3/role_inferences").handler(ctx -> api.service.roleInferences(AuthHandler.of(ctx), null)
      .onSuccess(list -> ctx.json(new JsonObject().put("role_inferences", list).put("links", api.links(ctx))))
      .onFailure(ctx::fail));
    r.get("/v3/roles/:prior/implies").handler(ctx -> api.service.roleInferences(AuthHandler.of(ctx), ctx.pathParam("prior"))
      .onSuccess(list -> ctx.json(new JsonObject().put("role_inference", list.isEmpty()
        ? new JsonObject().put("implies", new JsonArray()) : list.getJsonObject(0)).put("links", api.links(ctx))))
      .onFailure(ctx::fail));
    r.put("/v3/roles/:prior/implies/:implied").handler(ctx -> api.impliedRole(ctx, "add", 201));
    r.get("/v3/roles/:prior/implies/:implied").handler(ctx -> api.impliedRole(ctx, "check", 200));
    r.head("/v3/roles/:prior/implies/:implied").handler(ctx -> api.impliedRole(ctx, "check", 204));
    r.delete("/v3/roles/:prior/implies/:implied").handler(ctx -> api.impliedRole(ctx, "remove", 204));
    api.grantRoutes(r);
    r.get("/v3/groups/:group/users").handler(ctx -> api.memberships(ctx, "group-users", ctx.pathParam("group"), "users"));
    r.get("/v3/users/:user/groups").handler(ctx -> api.memberships(ctx, "user-groups", ctx.pathParam("user"), "groups"));
    r.put("/v3/groups/:group/users/:user").handler(ctx -> api.groupMember(ctx, "add"));
    r.head("/v3/groups/:group/users/:user").handler(ctx -> api.groupMember(ctx, "check"));
    r.delete("/v3/groups/:group/users/:user").handler(ctx -> api.groupMember(ctx, "remove"));
    r.get("/v3/users/:user/projects").handler(api::projectsOfUser);
    api.applicationCredentialRoutes(r);
    ExtensionRoutes.mount(r, IdentityExtensions.createProxy(vertx), api::links);
    r.put("/v3/regions/:id").handler(api::createRegionWithId);

    r.get("/v3/:collection").handler(api::list);
    r.post("/v3/:collection").handler(api::create);
    r.get("/v3/:collection/:id").handler(api::get);
    r.head("/v3/:collection/:id").handler(api::get);
    r.patch("/v3/:collection/:id").handler(api::update);
    r.delete("/v3/:collection/:id").handler(api::delete);
    return r;
  }

  // ---- versions --------------------------------------------------------------------------

  private JsonObject versionDoc() {
    return new JsonObject()
      .put("id", "v3.14")
      .put("status", "stable")
      .put("updated", "2020-04-07T00:00:00Z")
      .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", base + "/v3/")))
      .put("media-types", new JsonArray().add(new JsonObject()
        .put("base", "application/json").put("type", "application/vnd.openstack.identity-v3+json")));
  }

  private void versions(RoutingContext ctx) {
    ctx.response().setStatusCode(300).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("versions", new JsonObject().put("values", new JsonArray().add(versionDoc()))).encode());
  }

  private void version(RoutingContext ctx) {
    ctx.json(new JsonObject().put("version", versionDoc()));
  }

  // ---- tokens ----------------------------------------------------------------------------

  private void issue(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    boolean noCatalog = ctx.queryParams().contains("nocatalog");
    service.issueToken(body).compose(issued -> {
      JsonObject token = issued.getJsonObject("body");
      String projectId = token.getJsonObject("project") == null ? null : token.getJsonObject("project").getString("id");
      boolean scoped = token.containsKey("roles");
      Future<JsonArray> catalog = noCatalog || !scoped ? Future.succeededFuture(null) : catalogFor(projectId);
      return catalog.map(c -> {
        if (c != null) {
          token.put("catalog", c);
        }
        return issued;
      });
    }).onSuccess(issued -> ctx.response().setStatusCode(201)
        .putHeader("X-Subject-Token", issued.getString("token"))
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("token", issued.getJsonObject("body")).encode()))
      .onFailure(ctx::fail);
  }

  private Future<JsonArray> catalogFor(String projectId) {
    String key = projectId == null ? "" : projectId;
    JsonArray cached = catalogs.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    JsonArray raw = rawCatalog;
    Future<JsonArray> rawFuture = raw != null ? Future.succeededFuture(raw) : service.catalog().onSuccess(c -> rawCatalog = c);
    return rawFuture.map(c -> {
      JsonArray rendered = Catalog.render(c, projectId);
      if (catalogs.size() > 10_000) {
        catalogs.clear();
      }
      catalogs.put(key, rendered);
      return rendered;
    });
  }

  /** The token named by X-Subject-Token: 400 when absent, 404 when not (or no longer) valid. */
  private Future<AuthContext> subject(RoutingContext ctx) {
    String subjectToken = ctx.request().getHeader("X-Subject-Token");
    if (subjectToken == null) {
      throw Errors.badRequest("X-Subject-Token header is required.");
    }
    return verifier.verify(subjectToken)
      .recover(err -> Future.failedFuture(Errors.notFound("Could not find token: " + abbreviate(subjectToken) + ".")));
  }

  private void validate(RoutingContext ctx) {
    AuthContext caller = AuthHandler.of(ctx);
    subject(ctx)
      .compose(subject -> {
        if (!IdentityPolicy.RULES.allowed(caller, "identity:validate_token", Target.user(subject.userId(), subject.userDomainId()))) {
          return Future.failedFuture(Policy.denied("identity:validate_token"));
        }
        boolean withCatalog = !ctx.queryParams().contains("nocatalog") && subject.toJson().containsKey("roles");
        return (withCatalog ? catalogFor(subject.projectId()) : Future.<JsonArray>succeededFuture(null)).map(catalog -> {
          JsonObject token = catalog == null ? subject.toJson() : subject.toJson().copy().put("catalog", catalog);
          return new JsonObject().put("token", token);
        });
      })
      .onSuccess(body -> {
        ctx.response().putHeader("X-Subject-Token", ctx.request().getHeader("X-Subject-Token"))
          .putHeader("Content-Type", "application/json");
        if (ctx.request().method() == HttpMethod.HEAD) {
          ctx.response().end();
        } else {
          ctx.response().end(body.toBuffer());
        }
      })
      .onFailure(ctx::fail);
  }

  private static String abbreviate(String token) {
    return token.length() <= 12 ? token : token.substring(0, 8) + "...";
  }

  private void revoke(RoutingContext ctx) {
    AuthContext caller = AuthHandler.of(ctx);
    subject(ctx)
      .compose(subject -> service.revokeToken(caller, subject))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  private void authCatalog(RoutingContext ctx) {
    AuthContext caller = AuthHandler.of(ctx);
    if (caller.unscoped()) {
      throw Errors.forbidden("The catalog needs a scoped token.");
    }
    catalogFor(caller.projectId())
      .onSuccess(c -> ctx.json(new JsonObject().put("catalog", c).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void scopes(RoutingContext ctx, String kind) {
    service.scopesOfUser(AuthHandler.of(ctx), kind)
      .onSuccess(list -> ctx.json(new JsonObject().put(kind, list).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void authSystem(RoutingContext ctx) {
    AuthContext caller = AuthHandler.of(ctx);
    service.roleAssignments(caller, new JsonObject().put("user.id", caller.userId()).put("scope.system", "all").put("effective", "true"))
      .onSuccess(list -> ctx.json(new JsonObject()
        .put("system", list.isEmpty() ? new JsonArray() : new JsonArray().add(new JsonObject().put("all", true)))
        .put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void changePassword(RoutingContext ctx) {
    JsonObject user = Json.object(Json.body(ctx), "user");
    service.changePassword(ctx.pathParam("id"), Json.optString(user, "original_password", 4096),
        Json.optString(user, "password", 4096))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  // ---- collections -----------------------------------------------------------------------

  private static String collection(RoutingContext ctx) {
    String c = ctx.pathParam("collection");
    if (!COLLECTIONS.contains(c)) {
      throw Errors.notFound("The resource could not be found.");
    }
    return c;
  }

  private JsonObject links(RoutingContext ctx) {
    String query = ctx.request().query();
    String path = ctx.request().path();
    String self = base + path.substring(path.indexOf("/v3")) + (query == null ? "" : "?" + query);
    return new JsonObject().put("self", self).put("previous", (Object) null).put("next", (Object) null);
  }

  private static JsonObject query(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    ctx.queryParams().forEach(e -> q.put(e.getKey(), e.getValue()));
    return q;
  }

  private void list(RoutingContext ctx) {
    String c = collection(ctx);
    service.list(AuthHandler.of(ctx), c, query(ctx))
      .onSuccess(list -> ctx.json(new JsonObject().put(c, list).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    String c = collection(ctx);
    JsonObject body = Json.body(ctx);
    AuthContext caller = AuthHandler.of(ctx);
    if (c.equals("limits") || c.equals("registered_limits")) {
      createBatch(ctx, caller, c, Json.optArray(body, c));
      return;
    }
    String member = MEMBERS.get(c);
    service.create(caller, c, Json.object(body, member))
      .onSuccess(created -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put(member, created).encode()))
      .onFailure(ctx::fail);
  }

  /** PUT /v3/regions/{id}: a region created with the id the caller chose. */
  private void createRegionWithId(RoutingContext ctx) {
    JsonObject region = Json.object(Json.body(ctx), "region").copy();
    if (region.containsKey("id") && !ctx.pathParam("id").equals(region.getValue("id"))) {
      throw Errors.badRequest("The region id in the body and in the URL differ.");
    }
    service.create(AuthHandler.of(ctx), "regions", region.put("id", ctx.pathParam("id")))
      .onSuccess(created -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("region", created).encode()))
      .onFailure(ctx::fail);
  }

  /** Limits are created in batches: all are validated in order, the first failure stops the rest. */
  private void createBatch(RoutingContext ctx, AuthContext caller, String c, JsonArray items) {
    if (items == null || items.isEmpty()) {
      throw Errors.badRequest("'" + c + "' must be a non-empty list.");
    }
    JsonArray created = new JsonArray();
    Future<?> chain = Future.succeededFuture();
    for (Object item : items) {
      if (!(item instanceof JsonObject o)) {
        throw Errors.badRequest("Each of '" + c + "' must be an object.");
      }
      chain = chain.compose(v -> service.create(caller, c, o).map(created::add));
    }
    chain.onSuccess(v -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put(c, created).encode()))
      .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String c = collection(ctx);
    service.get(AuthHandler.of(ctx), c, ctx.pathParam("id"))
      .onSuccess(found -> {
        if (ctx.request().method() == HttpMethod.HEAD) {
          ctx.response().setStatusCode(200).end();
        } else {
          ctx.json(new JsonObject().put(MEMBERS.get(c), found));
        }
      })
      .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    String c = collection(ctx);
    String member = MEMBERS.get(c);
    JsonObject changes = Json.object(Json.body(ctx), member);
    if (changes.containsKey("id") && !ctx.pathParam("id").equals(changes.getValue("id"))) {
      throw Errors.badRequest("The id of a " + member + " cannot be changed.");
    }
    service.update(AuthHandler.of(ctx), c, ctx.pathParam("id"), changes)
      .onSuccess(updated -> ctx.json(new JsonObject().put(member, updated)))
      .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    service.delete(AuthHandler.of(ctx), collection(ctx), ctx.pathParam("id"))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  // ---- grants ------------------------------------------------------------------------------

  private void grantRoutes(Router r) {
    String[][] shapes = {
      {"/v3/projects/:target/users/:actor/roles", "project", "user", "false"},
      {"/v3/projects/:target/groups/:actor/roles", "project", "group", "false"},
      {"/v3/domains/:target/users/:actor/roles", "domain", "user", "false"},
      {"/v3/domains/:target/groups/:actor/roles", "domain", "group", "false"},
      {"/v3/system/users/:actor/roles", "system", "user", "false"},
      {"/v3/system/groups/:actor/roles", "system", "group", "false"},
    };
    for (String[] s : shapes) {
      r.get(s[0]).handler(ctx -> listGrants(ctx, s[1], s[2], false));
      r.put(s[0] + "/:role").handler(ctx -> grant(ctx, "grant", s[1], s[2], false));
      r.head(s[0] + "/:role").handler(ctx -> grant(ctx, "check", s[1], s[2], false));
      r.get(s[0] + "/:role").handler(ctx -> grant(ctx, "check", s[1], s[2], false));
      r.delete(s[0] + "/:role").handler(ctx -> grant(ctx, "revoke", s[1], s[2], false));
    }
    String[][] inherited = {
      {"/v3/OS-INHERIT/domains/:target/users/:actor/roles", "domain", "user"},
      {"/v3/OS-INHERIT/domains/:target/groups/:actor/roles", "domain", "group"},
      {"/v3/OS-INHERIT/projects/:target/users/:actor/roles", "project", "user"},
      {"/v3/OS-INHERIT/projects/:target/groups/:actor/roles", "project", "group"},
    };
    for (String[] s : inherited) {
      r.get(s[0] + "/inherited_to_projects").handler(ctx -> listGrants(ctx, s[1], s[2], true));
      r.put(s[0] + "/:role/inherited_to_projects").handler(ctx -> grant(ctx, "grant", s[1], s[2], true));
      r.head(s[0] + "/:role/inherited_to_projects").handler(ctx -> grant(ctx, "check", s[1], s[2], true));
      r.get(s[0] + "/:role/inherited_to_projects").handler(ctx -> grant(ctx, "check", s[1], s[2], true));
      r.delete(s[0] + "/:role/inherited_to_projects").handler(ctx -> grant(ctx, "revoke", s[1], s[2], true));
    }
  }

  private static JsonObject assignment(RoutingContext ctx, String targetType, String actorType, boolean inherited) {
    return new JsonObject()
      .put("actor_type", actorType).put("actor_id", ctx.pathParam("actor"))
      .put("target_type", targetType).put("target_id", "system".equals(targetType) ? "all" : ctx.pathParam("target"))
      .put("role_id", ctx.pathParam("role")).put("inherited", inherited);
  }

  private void grant(RoutingContext ctx, String action, String targetType, String actorType, boolean inherited) {
    service.grant(AuthHandler.of(ctx), action, assignment(ctx, targetType, actorType, inherited))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  private void listGrants(RoutingContext ctx, String targetType, String actorType, boolean inherited) {
    service.listGrants(AuthHandler.of(ctx), assignment(ctx, targetType, actorType, inherited))
      .onSuccess(list -> ctx.json(new JsonObject().put("roles", list).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void roleAssignments(RoutingContext ctx) {
    service.roleAssignments(AuthHandler.of(ctx), query(ctx))
      .onSuccess(list -> ctx.json(new JsonObject().put("role_assignments", list).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void impliedRole(RoutingContext ctx, String action, int status) {
    service.impliedRole(AuthHandler.of(ctx), action, ctx.pathParam("prior"), ctx.pathParam("implied"))
      .onSuccess(rule -> {
        ctx.response().setStatusCode(status);
        if (status == 204) {
          ctx.response().end();
        } else {
          ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("role_inference", rule).encode());
        }
      })
      .onFailure(ctx::fail);
  }

  private void memberships(RoutingContext ctx, String kind, String id, String key) {
    service.memberships(AuthHandler.of(ctx), kind, id)
      .onSuccess(list -> ctx.json(new JsonObject().put(key, list).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  private void groupMember(RoutingContext ctx, String action) {
    service.groupMember(AuthHandler.of(ctx), action, ctx.pathParam("group"), ctx.pathParam("user"))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  private void projectsOfUser(RoutingContext ctx) {
    service.projectsOfUser(AuthHandler.of(ctx), ctx.pathParam("user"))
      .onSuccess(list -> ctx.json(new JsonObject().put("projects", list).put("links", links(ctx))))
      .onFailure(ctx::fail);
  }

  // ---- application credentials -----------------------------------------------------------

  private void applicationCredentialRoutes(Router r) {
    String path = "/v3/users/:user/application_credentials";
    r.post(path).handler(ctx -> service.createApplicationCredential(AuthHandler.of(ctx), ctx.pathParam("user"),
        Json.object(Json.body(ctx), "application_credential"))
      .onSuccess(c -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("application_credential", c).encode()))
      .onFailure(ctx::fail));
    r.get(path).handler(ctx -> service.listApplicationCredentials(AuthHandler.of(ctx), ctx.pathParam("user"), query(ctx))
      .onSuccess(list -> ctx.json(new JsonObject().put("application_credentials", list).put("links", links(ctx))))
      .onFailure(ctx::fail));
    r.get(path + "/:id").handler(ctx -> service.getApplicationCredential(AuthHandler.of(ctx), ctx.pathParam("user"), ctx.pathParam("id"))
      .onSuccess(c -> ctx.json(new JsonObject().put("application_credential", c)))
      .onFailure(ctx::fail));
    r.delete(path + "/:id").handler(ctx -> service.deleteApplicationCredential(AuthHandler.of(ctx), ctx.pathParam("user"), ctx.pathParam("id"))
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail));
  }
}
