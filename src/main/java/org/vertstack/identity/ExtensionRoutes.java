package org.vertstack.identity;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.http.Json;

import java.util.function.Function;

/**
 * The HTTP side of the Keystone extension APIs: each route names its resource and action, the
 * handler forwards path parameters, query and body to {@link IdentityExtensions} and renders the
 * answer. Mounted before the generic /v3/:collection routes.
 */
final class ExtensionRoutes {

  private final IdentityExtensions extensions;
  private final Function<RoutingContext, JsonObject> links;

  private ExtensionRoutes(IdentityExtensions extensions, Function<RoutingContext, JsonObject> links) {
    this.extensions = extensions;
    this.links = links;
  }

  static void mount(Router r, IdentityExtensions extensions, Function<RoutingContext, JsonObject> links) {
    ExtensionRoutes x = new ExtensionRoutes(extensions, links);
    // OS-TRUST
    x.route(r, HttpMethod.POST, "/v3/OS-TRUST/trusts", "trusts", "create");
    x.route(r, HttpMethod.GET, "/v3/OS-TRUST/trusts", "trusts", "list");
    x.route(r, HttpMethod.GET, "/v3/OS-TRUST/trusts/:id", "trusts", "get");
    x.route(r, HttpMethod.DELETE, "/v3/OS-TRUST/trusts/:id", "trusts", "delete");
    x.route(r, HttpMethod.GET, "/v3/OS-TRUST/trusts/:id/roles", "trusts", "list_roles");
    x.route(r, HttpMethod.GET, "/v3/OS-TRUST/trusts/:id/roles/:role", "trusts", "get_role");
    x.route(r, HttpMethod.HEAD, "/v3/OS-TRUST/trusts/:id/roles/:role", "trusts", "get_role");
    // credentials, and the EC2 view of a user's ec2 credentials
    x.route(r, HttpMethod.POST, "/v3/credentials", "credentials", "create");
    x.route(r, HttpMethod.GET, "/v3/credentials", "credentials", "list");
    x.route(r, HttpMethod.GET, "/v3/credentials/:id", "credentials", "get");
    x.route(r, HttpMethod.PATCH, "/v3/credentials/:id", "credentials", "update");
    x.route(r, HttpMethod.DELETE, "/v3/credentials/:id", "credentials", "delete");
    x.route(r, HttpMethod.POST, "/v3/users/:user/credentials/OS-EC2", "credentials", "ec2_create");
    x.route(r, HttpMethod.GET, "/v3/users/:user/credentials/OS-EC2", "credentials", "ec2_list");
    x.route(r, HttpMethod.GET, "/v3/users/:user/credentials/OS-EC2/:access", "credentials", "ec2_get");
    x.route(r, HttpMethod.DELETE, "/v3/users/:user/credentials/OS-EC2/:access", "credentials", "ec2_delete");
    // OS-OAUTH1 consumers
    x.route(r, HttpMethod.POST, "/v3/OS-OAUTH1/consumers", "consumers", "create");
    x.route(r, HttpMethod.GET, "/v3/OS-OAUTH1/consumers", "consumers", "list");
    x.route(r, HttpMethod.GET, "/v3/OS-OAUTH1/consumers/:id", "consumers", "get");
    x.route(r, HttpMethod.PATCH, "/v3/OS-OAUTH1/consumers/:id", "consumers", "update");
    x.route(r, HttpMethod.DELETE, "/v3/OS-OAUTH1/consumers/:id", "consumers", "delete");
    // policies
    x.route(r, HttpMethod.POST, "/v3/policies", "policies", "create");
    x.route(r, HttpMethod.GET, "/v3/policies", "policies", "list");
    x.route(r, HttpMethod.GET, "/v3/policies/:id", "policies", "get");
    x.route(r, HttpMethod.PATCH, "/v3/policies/:id", "policies", "update");
    x.route(r, HttpMethod.DELETE, "/v3/policies/:id", "policies", "delete");
    // OS-EP-FILTER endpoint groups
    x.route(r, HttpMethod.POST, "/v3/OS-EP-FILTER/endpoint_groups", "endpoint_groups", "create");
    x.route(r, HttpMethod.GET, "/v3/OS-EP-FILTER/endpoint_groups", "endpoint_groups", "list");
    x.route(r, HttpMethod.GET, "/v3/OS-EP-FILTER/endpoint_groups/:id", "endpoint_groups", "get");
    x.route(r, HttpMethod.HEAD, "/v3/OS-EP-FILTER/endpoint_groups/:id", "endpoint_groups", "get");
    x.route(r, HttpMethod.PATCH, "/v3/OS-EP-FILTER/endpoint_groups/:id", "endpoint_groups", "update");
    x.route(r, HttpMethod.DELETE, "/v3/OS-EP-FILTER/endpoint_groups/:id", "endpoint_groups", "delete");
    // domain-specific configuration (the defaults first: "config" is not a domain id)
    x.route(r, HttpMethod.GET, "/v3/domains/config/default", "domain_config", "default");
    x.route(r, HttpMethod.GET, "/v3/domains/config/:group/default", "domain_config", "default");
    x.route(r, HttpMethod.GET, "/v3/domains/config/:group/:option/default", "domain_config", "default");
    for (String path : new String[] {"/v3/domains/:domain/config", "/v3/domains/:domain/config/:group",
      "/v3/domains/:domain/config/:group/:option"}) {
      if (path.endsWith("/config")) {
        x.route(r, HttpMethod.PUT, path, "domain_config", "create");
      }
      x.route(r, HttpMethod.GET, path, "domain_config", "get");
      x.route(r, HttpMethod.HEAD, path, "domain_config", "get");
      x.route(r, HttpMethod.PATCH, path, "domain_config", "update");
      x.route(r, HttpMethod.DELETE, path, "domain_config", "delete");
    }
    // application credential access rules
    x.route(r, HttpMethod.GET, "/v3/users/:user/access_rules", "access_rules", "list");
    x.route(r, HttpMethod.GET, "/v3/users/:user/access_rules/:id", "access_rules", "get");
    x.route(r, HttpMethod.DELETE, "/v3/users/:user/access_rules/:id", "access_rules", "delete");
    // project tags
    x.route(r, HttpMethod.GET, "/v3/projects/:project/tags", "project_tags", "list");
    x.route(r, HttpMethod.PUT, "/v3/projects/:project/tags", "project_tags", "replace");
    x.route(r, HttpMethod.DELETE, "/v3/projects/:project/tags", "project_tags", "clear");
    x.route(r, HttpMethod.PUT, "/v3/projects/:project/tags/:tag", "project_tags", "add");
    x.route(r, HttpMethod.GET, "/v3/projects/:project/tags/:tag", "project_tags", "check");
    x.route(r, HttpMethod.HEAD, "/v3/projects/:project/tags/:tag", "project_tags", "check");
    x.route(r, HttpMethod.DELETE, "/v3/projects/:project/tags/:tag", "project_tags", "remove");
  }

  /** Routes that authenticate by what they carry (an EC2 signature), mounted before the token check. */
  static void mountPublic(Router r, IdentityExtensions extensions, Function<RoutingContext, JsonObject> links) {
    ExtensionRoutes x = new ExtensionRoutes(extensions, links);
    r.post("/v3/ec2tokens").handler(ctx -> x.forward(ctx, "ec2tokens", "issue", new AuthContext(new JsonObject())));
  }

  private void route(Router r, HttpMethod method, String path, String resource, String action) {
    r.route(method, path).handler(ctx -> forward(ctx, resource, action));
  }

  private void forward(RoutingContext ctx, String resource, String action) {
    forward(ctx, resource, action, AuthHandler.of(ctx));
  }

  private void forward(RoutingContext ctx, String resource, String action, AuthContext caller) {
    JsonObject params = new JsonObject();
    ctx.pathParams().forEach(params::put);
    JsonObject query = new JsonObject();
    ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
    JsonObject body = hasBody ? Json.body(ctx) : null;
    JsonObject request = new JsonObject().put("resource", resource).put("action", action)
      .put("params", params).put("query", query).put("body", body);
    extensions.call(caller, request).onSuccess(answer -> {
      int status = answer.getInteger("status");
      answer.getJsonObject("headers", new JsonObject()).forEach(h -> ctx.response().putHeader(h.getKey(), String.valueOf(h.getValue())));
      JsonObject out = answer.getJsonObject("body");
      ctx.response().setStatusCode(status);
      if (out == null || ctx.request().method() == HttpMethod.HEAD) {
        if (out != null) {
          ctx.response().putHeader("Content-Type", "application/json");
        }
        ctx.response().end();
        return;
      }
      if (out.containsKey("links") && out.getValue("links") == null) {
        out.put("links", links.apply(ctx)); // lists carry the collection's links
      }
      ctx.response().putHeader("Content-Type", "application/json").end(out.encode());
    }).onFailure(ctx::fail);
  }
}
