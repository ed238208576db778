package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.FailureHandler;
import org.vertstack.common.http.Json;
import org.vertstack.common.http.StandardHeaders;
import org.vertstack.common.policy.ComputePolicy;
import org.vertstack.common.policy.Target;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.vertstack.compute.ComputeRules.check;

/** Nova v2.1 over HTTP under /compute. Thin: parse, call the services, render. */
final class ComputeApi {

  private static final String MV = "compute.microversion";
  static final String COMPUTE_REQUEST_ID = "x-compute-request-id";

  private final ComputeModule.Components c;
  private final String base;

  private ComputeApi(ComputeModule.Components c, String publicUrl) {
    this.c = c;
    this.base = publicUrl + "/compute";
  }

  static Router router(Vertx vertx, JsonObject config, TokenVerifier verifier, ComputeModule.Components c) {
    ComputeSettings settings = ComputeSettings.from(config);
    ComputeApi api = new ComputeApi(c, settings.publicUrl());
    Router r = Router.router(vertx);
    int limit = config.getJsonObject("http").getInteger("max-json-body-bytes", 1 << 20);
    BodyHandler json = BodyHandler.create(false).setBodyLimit(limit);
    r.route().failureHandler(new FailureHandler(ErrorFormat.NOVA));
    r.get("/").handler(api::versions);
    r.get("/v2.1").handler(api::version);
    r.get("/v2.1/").handler(api::version);
    r.get("/v2/").handler(api::legacyVersion);
    // the metadata API: no token, the metadata proxy's signed headers name the instance
    MetadataApi.mount(r, c.metadata());
    // a WebSocket: its token comes in its first message (a browser cannot set X-Auth-Token on one)
    r.get("/v2.1/servers/:id/serial-console").handler(new SerialConsoleSocket(vertx, verifier, c.servers()));
    r.route("/v2.1/*").handler(ctx -> {
      // Nova names its request id twice; clients (Tempest's instance actions) read this one
      String requestId = StandardHeaders.requestId(ctx);
      if (requestId == null) {
        requestId = "req-" + java.util.UUID.randomUUID();
        ctx.response().putHeader(StandardHeaders.REQUEST_ID, requestId);
      }
      ctx.response().putHeader(COMPUTE_REQUEST_ID, requestId);
      Microversion mv = Microversion.of(ctx.request());
      ctx.put(MV, mv);
      mv.addHeaders(ctx.response());
      ctx.next();
    });
    r.route("/v2.1/*").handler(new AuthHandler(verifier));
    ComputeSchemas.TABLE.install(r, json);

    r.get("/v2.1/flavors").handler(ctx -> api.flavorList(ctx, false));
    r.get("/v2.1/flavors/detail").handler(ctx -> api.flavorList(ctx, true));
    r.get("/v2.1/flavors/:id").handler(ctx -> api.reply(ctx, 200, c.flavors().get(auth(ctx), ctx.pathParam("id"))
      .map(f -> new JsonObject().put("flavor", c.flavors().render(f, mv(ctx), true)))));
    r.post("/v2.1/flavors").handler(json).handler(ctx -> api.reply(ctx, 200, c.flavors().create(auth(ctx), Json.body(ctx))
      .map(f -> new JsonObject().put("flavor", c.flavors().render(f, mv(ctx), true)))));
    // a flavor's description is the one thing that changes, from 2.55 (before: Nova's 404 for the method)
    r.put("/v2.1/flavors/:id").handler(json).handler(ctx -> {
      if (!mv(ctx).atLeast(2, 55)) {
        ctx.fail(Errors.notFound("The resource could not be found."));
        return;
      }
      api.reply(ctx, 200, c.flavors().update(auth(ctx), ctx.pathParam("id"), Json.body(ctx))
        .map(f -> new JsonObject().put("flavor", c.flavors().render(f, mv(ctx), true))));
    });
    r.delete("/v2.1/flavors/:id").handler(ctx -> api.empty(ctx, 202, c.flavors().delete(auth(ctx), ctx.pathParam("id"))));
    r.get("/v2.1/flavors/:id/os-extra_specs").handler(ctx -> api.reply(ctx, 200,
      c.flavors().extraSpecs(auth(ctx), ctx.pathParam("id"))));
    r.post("/v2.1/flavors/:id/os-extra_specs").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.flavors().setExtraSpecs(auth(ctx), ctx.pathParam("id"), Json.body(ctx), null)));
    r.get("/v2.1/flavors/:id/os-extra_specs/:key").handler(ctx -> api.reply(ctx, 200,
      c.flavors().extraSpec(auth(ctx), ctx.pathParam("id"), ctx.pathParam("key"))));
    r.put("/v2.1/flavors/:id/os-extra_specs/:key").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.flavors().setExtraSpecs(auth(ctx), ctx.pathParam("id"), Json.body(ctx), ctx.pathParam("key"))));
    r.delete("/v2.1/flavors/:id/os-extra_specs/:key").handler(ctx -> api.empty(ctx, 200,
      c.flavors().deleteExtraSpec(auth(ctx), ctx.pathParam("id"), ctx.pathParam("key"))));
    r.get("/v2.1/flavors/:id/os-flavor-access").handler(ctx -> api.reply(ctx, 200, c.flavors().access(auth(ctx), ctx.pathParam("id"))));
    r.post("/v2.1/flavors/:id/action").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.flavors().action(auth(ctx), ctx.pathParam("id"), Json.body(ctx))));

    r.get("/v2.1/os-server-groups").handler(ctx -> api.reply(ctx, 200, c.serverGroups().list(auth(ctx), ctx.queryParams(), mv(ctx))
      .map(list -> new JsonObject().put("server_groups", list))));
    r.post("/v2.1/os-server-groups").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.serverGroups().create(auth(ctx), Json.body(ctx), mv(ctx)).map(g -> new JsonObject().put("server_group", g))));
    r.get("/v2.1/os-server-groups/:id").handler(ctx -> api.reply(ctx, 200, c.serverGroups().get(auth(ctx), ctx.pathParam("id"), mv(ctx))
      .map(g -> new JsonObject().put("server_group", g))));
    r.delete("/v2.1/os-server-groups/:id").handler(ctx -> api.empty(ctx, 204,
      c.serverGroups().delete(auth(ctx), ctx.pathParam("id"))));

    r.get("/v2.1/os-keypairs").handler(ctx -> api.reply(ctx, 200, c.keypairs()
      .list(auth(ctx), Keypairs.owner(auth(ctx), ctx.queryParams().get("user_id"), mv(ctx)), mv(ctx))
      .map(list -> new JsonObject().put("keypairs", list))));
    r.post("/v2.1/os-keypairs").handler(json).handler(ctx -> api.reply(ctx, mv(ctx).atLeast(2, 2) ? 201 : 200,
      c.keypairs().create(auth(ctx), Json.body(ctx), mv(ctx)).map(k -> new JsonObject().put("keypair", k))));
    r.get("/v2.1/os-keypairs/:name").handler(ctx -> api.reply(ctx, 200, c.keypairs()
      .get(auth(ctx), Keypairs.owner(auth(ctx), ctx.queryParams().get("user_id"), mv(ctx)), ctx.pathParam("name"), mv(ctx))
      .map(k -> new JsonObject().put("keypair", k))));
    r.delete("/v2.1/os-keypairs/:name").handler(ctx -> api.empty(ctx, mv(ctx).atLeast(2, 2) ? 204 : 202, c.keypairs()
      .delete(auth(ctx), Keypairs.owner(auth(ctx), ctx.queryParams().get("user_id"), mv(ctx)), ctx.pathParam("name"))));

    r.post("/v2.1/servers").handler(json).handler(ctx -> api.reply(ctx, 202, c.servers().create(auth(ctx), Json.body(ctx), mv(ctx),
      ctx.request().getHeader("X-Auth-Token"), ctx.response().headers().get(COMPUTE_REQUEST_ID))
      .onSuccess(s -> {
        if (s.containsKey("server")) {
          ctx.response().putHeader("Location", api.base + "/v2.1/servers/" + s.getJsonObject("server").getString("id"));
        }
      })));
    r.get("/v2.1/servers").handler(ctx -> api.reply(ctx, 200, c.servers().list(auth(ctx), ctx.queryParams(), mv(ctx), false)));
    r.get("/v2.1/servers/detail").handler(ctx -> api.reply(ctx, 200, c.servers().list(auth(ctx), ctx.queryParams(), mv(ctx), true)));
    r.get("/v2.1/servers/:id").handler(ctx -> api.reply(ctx, 200, c.servers().get(auth(ctx), ctx.pathParam("id"), mv(ctx))));
    r.put("/v2.1/servers/:id").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.servers().update(auth(ctx), ctx.pathParam("id"), Json.body(ctx), mv(ctx))));
    r.delete("/v2.1/servers/:id").handler(ctx -> api.empty(ctx, 204, c.servers().delete(auth(ctx), ctx.pathParam("id"), false)));
    r.post("/v2.1/servers/:id/action").handler(json).handler(ctx -> {
      JsonObject body = Json.body(ctx);
      String action = body.size() == 1 ? body.fieldNames().iterator().next() : null;
      if (action != null && ServerOperations.NAMES.contains(action)) {
        // snapshot, rebuild, resize, shelve, restore: the image record is made with the caller's own token
        c.servers().operations.run(auth(ctx), ctx.pathParam("id"), action, body.getValue(action), mv(ctx),
          ctx.request().getHeader("X-Auth-Token")).onSuccess(reply -> {
            if (reply.location() != null) {
              ctx.response().putHeader("Location", reply.location());
            }
            ctx.response().setStatusCode(reply.status());
            if (reply.body() == null) {
              ctx.response().end();
            } else {
              ctx.response().putHeader("Content-Type", "application/json").end(reply.body().encode());
            }
          }).onFailure(ctx::fail);
        return;
      }
      Future<JsonObject> done = c.servers().action(auth(ctx), ctx.pathParam("id"), body, mv(ctx));
      done.onSuccess(answer -> {
        if (answer == null) {
          ctx.response().setStatusCode(202).end();
        } else {
          ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(answer.encode());
        }
      }).onFailure(ctx::fail);
    });
    r.post("/v2.1/servers/:id/remote-consoles").handler(json).handler(ctx -> api.reply(ctx, 200, api.remoteConsole(ctx)));
    r.get("/v2.1/servers/:id/os-instance-actions").handler(ctx -> api.reply(ctx, 200,
      c.servers().actions(auth(ctx), ctx.pathParam("id"), mv(ctx))));
    r.get("/v2.1/servers/:id/os-instance-actions/:req").handler(ctx -> api.reply(ctx, 200,
      c.servers().action(auth(ctx), ctx.pathParam("id"), ctx.pathParam("req"), mv(ctx))));
    ServerMetadata meta = c.servers().metadata;
    r.get("/v2.1/servers/:id/metadata").handler(ctx -> api.reply(ctx, 200, meta.metadata(auth(ctx), ctx.pathParam("id"))));
    r.post("/v2.1/servers/:id/metadata").handler(json).handler(ctx -> api.reply(ctx, 200,
      meta.setMetadata(auth(ctx), ctx.pathParam("id"), Json.body(ctx), false)));
    r.put("/v2.1/servers/:id/metadata").handler(json).handler(ctx -> api.reply(ctx, 200,
      meta.setMetadata(auth(ctx), ctx.pathParam("id"), Json.body(ctx), true)));
    r.get("/v2.1/servers/:id/metadata/:key").handler(ctx -> api.reply(ctx, 200,
      meta.item(auth(ctx), ctx.pathParam("id"), ctx.pathParam("key"))));
    r.put("/v2.1/servers/:id/metadata/:key").handler(json).handler(ctx -> api.reply(ctx, 200,
      meta.setItem(auth(ctx), ctx.pathParam("id"), ctx.pathParam("key"), Json.body(ctx))));
    r.delete("/v2.1/servers/:id/metadata/:key").handler(ctx -> api.empty(ctx, 204,
      meta.deleteItem(auth(ctx), ctx.pathParam("id"), ctx.pathParam("key"))));
    // tags exist from microversion 2.26
    r.route("/v2.1/servers/:id/tags*").handler(ctx -> {
      if (mv(ctx).atLeast(2, 26)) {
        ctx.next();
      } else {
        ctx.fail(Errors.notFound("The resource could not be found."));
      }
    });
    r.get("/v2.1/servers/:id/tags").handler(ctx -> api.reply(ctx, 200, meta.tags(auth(ctx), ctx.pathParam("id"))));
    r.put("/v2.1/servers/:id/tags").handler(json).handler(ctx -> api.reply(ctx, 200,
      meta.replaceTags(auth(ctx), ctx.pathParam("id"), Json.body(ctx))));
    r.delete("/v2.1/servers/:id/tags").handler(ctx -> api.empty(ctx, 204, meta.deleteTags(auth(ctx), ctx.pathParam("id"))));
    r.get("/v2.1/servers/:id/tags/:tag").handler(ctx -> api.empty(ctx, 204,
      meta.hasTag(auth(ctx), ctx.pathParam("id"), ctx.pathParam("tag"))));
    r.put("/v2.1/servers/:id/tags/:tag").handler(ctx -> meta.addTag(auth(ctx), ctx.pathParam("id"), ctx.pathParam("tag"))
      .onSuccess(created -> {
        if (created) {
          ctx.response().putHeader("Location", api.base + "/v2.1/servers/" + ctx.pathParam("id") + "/tags/" + ctx.pathParam("tag"));
        }
        ctx.response().setStatusCode(created ? 201 : 204).end();
      }).onFailure(ctx::fail));
    r.delete("/v2.1/servers/:id/tags/:tag").handler(ctx -> api.empty(ctx, 204,
      meta.deleteTag(auth(ctx), ctx.pathParam("id"), ctx.pathParam("tag"))));
    // the password a guest posts to the metadata service: none here (no metadata service), so always empty
    r.get("/v2.1/servers/:id/os-server-password").handler(ctx -> api.reply(ctx, 200, c.servers()
      .load(auth(ctx), ctx.pathParam("id"), "os-server-password:show").map(inst -> new JsonObject().put("password", ""))));
    r.delete("/v2.1/servers/:id/os-server-password").handler(ctx -> api.empty(ctx, 204, c.servers().load(auth(ctx), ctx.pathParam("id"))
      .map(inst -> {
        check(auth(ctx), "os-server-password:clear", Target.project(inst.getString("project_id"), null));
        return null;
      })));
    r.get("/v2.1/servers/:id/os-security-groups").handler(ctx -> api.reply(ctx, 200, c.servers().load(auth(ctx), ctx.pathParam("id"),
      "os-security-groups:list")
      .map(inst -> new JsonObject().put("security_groups", new JsonArray()))));

    // the image proxy: gone from microversion 2.36, as in Nova; the image service decides with the caller's token
    ComputeImages images = new ComputeImages(vertx, settings.publicUrl());
    r.route("/v2.1/images*").handler(ctx -> {
      if (mv(ctx).atLeast(2, 36)) {
        ctx.fail(Errors.notFound("The resource could not be found."));
        return;
      }
      ctx.next();
    });
    r.get("/v2.1/images").handler(ctx -> api.reply(ctx, 200, images.list(imageToken(ctx, "index"), ctx.queryParams(), false)));
    r.get("/v2.1/images/detail").handler(ctx -> api.reply(ctx, 200, images.list(imageToken(ctx, "index"), ctx.queryParams(), true)));
    r.get("/v2.1/images/:id").handler(ctx -> api.reply(ctx, 200, images.get(imageToken(ctx, "show"), ctx.pathParam("id"))));
    r.delete("/v2.1/images/:id").handler(ctx -> api.empty(ctx, 204, images.delete(imageToken(ctx, "delete"), ctx.pathParam("id"))));
    r.get("/v2.1/images/:id/metadata").handler(ctx -> api.reply(ctx, 200,
      images.metadata(imageToken(ctx, "show"), ctx.pathParam("id"))));
    r.post("/v2.1/images/:id/metadata").handler(json).handler(ctx -> api.reply(ctx, 200,
      images.setMetadata(imageToken(ctx, "update"), ctx.pathParam("id"), Json.body(ctx), false)));
    r.put("/v2.1/images/:id/metadata").handler(json).handler(ctx -> api.reply(ctx, 200,
      images.setMetadata(imageToken(ctx, "update"), ctx.pathParam("id"), Json.body(ctx), true)));
    r.get("/v2.1/images/:id/metadata/:key").handler(ctx -> api.reply(ctx, 200,
      images.item(imageToken(ctx, "show"), ctx.pathParam("id"), ctx.pathParam("key"))));
    r.put("/v2.1/images/:id/metadata/:key").handler(json).handler(ctx -> api.reply(ctx, 200,
      images.setItem(imageToken(ctx, "update"), ctx.pathParam("id"), ctx.pathParam("key"), Json.body(ctx))));
    r.delete("/v2.1/images/:id/metadata/:key").handler(ctx -> api.empty(ctx, 204,
      images.deleteItem(imageToken(ctx, "update"), ctx.pathParam("id"), ctx.pathParam("key"))));

    r.get("/v2.1/limits").handler(api::limits);
    r.get("/v2.1/os-availability-zone").handler(ctx -> api.reply(ctx, 200, c.hosts().zones(auth(ctx), false)
      .map(z -> new JsonObject().put("availabilityZoneInfo", z))));
    r.get("/v2.1/os-availability-zone/detail").handler(ctx -> api.reply(ctx, 200, c.hosts().zones(auth(ctx), true)
      .map(z -> new JsonObject().put("availabilityZoneInfo", z))));
    r.get("/v2.1/os-hypervisors").handler(ctx -> api.reply(ctx, 200, c.hosts().hypervisors(auth(ctx), mv(ctx), false, null,
      ctx.queryParams().get("hypervisor_hostname_pattern")).map(h -> new JsonObject().put("hypervisors", h))));
    r.get("/v2.1/os-hypervisors/detail").handler(ctx -> api.reply(ctx, 200, c.hosts().hypervisors(auth(ctx), mv(ctx), true, null,
      ctx.queryParams().get("hypervisor_hostname_pattern")).map(h -> new JsonObject().put("hypervisors", h))));
    r.get("/v2.1/os-hypervisors/statistics").handler(ctx -> api.reply(ctx, 200, c.hosts().statistics(auth(ctx), mv(ctx))
      .map(s -> new JsonObject().put("hypervisor_statistics", s))));
    r.get("/v2.1/os-hypervisors/:pattern/servers").handler(ctx -> api.reply(ctx, 200, c.hosts()
      .hypervisorServers(auth(ctx), mv(ctx), ctx.pathParam("pattern")).map(h -> new JsonObject().put("hypervisors", h))));
    r.get("/v2.1/os-hypervisors/:pattern/search").handler(ctx -> api.reply(ctx, 200, c.hosts().hypervisors(auth(ctx), mv(ctx), false,
      null, ctx.pathParam("pattern")).map(h -> new JsonObject().put("hypervisors", h))));
    r.get("/v2.1/os-hypervisors/:id/uptime").handler(ctx -> api.reply(ctx, 200, c.hosts().hypervisors(auth(ctx), mv(ctx), false,
      ctx.pathParam("id"), null).compose(h -> {
        JsonObject hv = h.getJsonObject(0);
        return ComputeAgent.createProxy(vertx, hv.getString("hypervisor_hostname")).uptime()
          .map(up -> new JsonObject().put("hypervisor", hv.put("uptime", up)));
      })));
    r.get("/v2.1/os-hypervisors/:id").handler(ctx -> api.reply(ctx, 200, c.hosts().hypervisors(auth(ctx), mv(ctx), true,
      ctx.pathParam("id"), null).map(h -> new JsonObject().put("hypervisor", h.getJsonObject(0)))));
    r.get("/v2.1/os-services").handler(ctx -> api.reply(ctx, 200, c.hosts().services(auth(ctx), mv(ctx), c.controllerHost(),
        ctx.queryParams().get("binary"), ctx.queryParams().get("host"))
      .map(s -> new JsonObject().put("services", s))));
    // os-hosts: gone from microversion 2.43, as in Nova (os-services and os-hypervisors say it now)
    r.route("/v2.1/os-hosts*").handler(ctx -> {
      if (mv(ctx).atLeast(2, 43)) {
        ctx.fail(Errors.notFound("The resource could not be found."));
      } else {
        ctx.next();
      }
    });
    r.get("/v2.1/os-hosts").handler(ctx -> api.reply(ctx, 200, c.hosts().hostList(auth(ctx), c.controllerHost(),
      ctx.queryParams().get("zone")).map(h -> new JsonObject().put("hosts", h))));
    r.get("/v2.1/os-hosts/:name").handler(ctx -> api.reply(ctx, 200, c.hosts().host(auth(ctx), ctx.pathParam("name"))
      .map(h -> new JsonObject().put("host", h))));
    r.put("/v2.1/os-hosts/:name").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.hosts().updateHost(auth(ctx), ctx.pathParam("name"), Json.body(ctx))));
    for (String action : new String[] {"startup", "shutdown", "reboot"}) {
      r.get("/v2.1/os-hosts/:name/" + action).handler(ctx -> api.reply(ctx, 200, c.hosts().powerHost(auth(ctx), ctx.pathParam("name"), action)));
    }
    r.put("/v2.1/os-services/:id").handler(json).handler(ctx -> api.reply(ctx, 200,
      c.hosts().updateService(auth(ctx), mv(ctx), ctx.pathParam("id"), Json.body(ctx)).map(s -> new JsonObject().put("service", s))));

    r.get("/v2.1/os-quota-sets/:project").handler(ctx -> api.quotaSet(ctx, false, false));
    r.get("/v2.1/os-quota-sets/:project/detail").handler(ctx -> api.quotaSet(ctx, true, false));
    r.get("/v2.1/os-quota-sets/:project/defaults").handler(ctx -> api.quotaSet(ctx, false, true));
    r.put("/v2.1/os-quota-sets/:project").handler(json).handler(api::updateQuotaSet);
    r.delete("/v2.1/os-quota-sets/:project").handler(ctx -> {
      AuthContext caller = auth(ctx);
      String project = ctx.pathParam("project");
      check(caller, "os-quota-sets:delete", Target.project(project, null));
      api.empty(ctx, 202, c.quota().deleteLimits(caller, project));
    });
    ComputeModule.Operator op = c.operator();
    r.get("/v2.1/os-quota-class-sets/:class").handler(ctx -> api.reply(ctx, 200,
      op.quotaClasses().show(auth(ctx), ctx.pathParam("class"), mv(ctx))));
    r.put("/v2.1/os-quota-class-sets/:class").handler(json).handler(ctx -> api.reply(ctx, 200,
      op.quotaClasses().update(auth(ctx), ctx.pathParam("class"), Json.body(ctx), mv(ctx))));
    r.get("/v2.1/os-instance_usage_audit_log").handler(ctx -> api.reply(ctx, 200, op.auditLog().list(auth(ctx))));
    r.get("/v2.1/os-instance_usage_audit_log/:before").handler(ctx -> api.reply(ctx, 200,
      op.auditLog().show(auth(ctx), ctx.pathParam("before"))));
    r.get("/v2.1/os-migrations").handler(ctx -> api.reply(ctx, 200, op.migrations().list(auth(ctx), ctx.queryParams(), mv(ctx))));
    r.post("/v2.1/os-server-external-events").handler(json).handler(ctx -> op.externalEvents().create(auth(ctx), Json.body(ctx), mv(ctx))
      .onSuccess(res -> ctx.response().setStatusCode(res.status()).putHeader("Content-Type", "application/json").end(res.body().encode()))
      .onFailure(ctx::fail));
    r.get("/v2.1/servers/:id/diagnostics").handler(ctx -> api.reply(ctx, 200,
      op.diagnostics().show(auth(ctx), ctx.pathParam("id"), mv(ctx))));
    r.get("/v2.1/extensions").handler(ctx -> {
      check(auth(ctx), "extensions", Target.none());
      api.reply(ctx, 200, Future.succeededFuture(Extensions.list()));
    });
    r.get("/v2.1/extensions/:alias").handler(ctx -> {
      check(auth(ctx), "extensions", Target.none());
      api.reply(ctx, 200, Future.succeededFuture(Extensions.show(ctx.pathParam("alias"))));
    });
    Aggregates aggregates = c.aggregates();
    r.get("/v2.1/os-aggregates").handler(ctx -> api.reply(ctx, 200, aggregates.list(auth(ctx), mv(ctx))));
    r.post("/v2.1/os-aggregates").handler(json).handler(ctx -> api.reply(ctx, 200,
      aggregates.create(auth(ctx), Json.body(ctx), mv(ctx))));
    r.get("/v2.1/os-aggregates/:id").handler(ctx -> api.reply(ctx, 200, aggregates.get(auth(ctx), ctx.pathParam("id"), mv(ctx))));
    r.put("/v2.1/os-aggregates/:id").handler(json).handler(ctx -> api.reply(ctx, 200,
      aggregates.update(auth(ctx), ctx.pathParam("id"), Json.body(ctx), mv(ctx))));
    r.delete("/v2.1/os-aggregates/:id").handler(ctx -> api.empty(ctx, 200, aggregates.delete(auth(ctx), ctx.pathParam("id"))));
    r.post("/v2.1/os-aggregates/:id/action").handler(json).handler(ctx -> api.reply(ctx, 200,
      aggregates.action(auth(ctx), ctx.pathParam("id"), Json.body(ctx), mv(ctx))));
    r.get("/v2.1/os-simple-tenant-usage").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) { // a project id left empty, as Nova: no such usage
        ctx.fail(Errors.notFound("The resource could not be found."));
        return;
      }
      api.reply(ctx, 200, c.usage().all(auth(ctx), ctx.queryParams()));
    });
    r.get("/v2.1/os-simple-tenant-usage/:project").handler(ctx -> api.reply(ctx, 200,
      c.usage().one(auth(ctx), project(auth(ctx), ctx.pathParam("project"), "os-simple-tenant-usage:show"), ctx.queryParams())));
    // anything else under the API is Nova's 404, not the dashboard's page
    r.route("/v2.1/*").handler(ctx -> ctx.fail(Errors.notFound("The resource could not be found.")));
    return r;
  }

  private static AuthContext auth(RoutingContext ctx) {
    return AuthHandler.of(ctx);
  }

  /**
   * The caller's token for the image service, once the rule {@code images:<action>} allows the caller
   * in their own project: which image they may see or change, the image service decides per image.
   */
  private static String imageToken(RoutingContext ctx, String action) {
    AuthContext caller = auth(ctx);
    check(caller, "images:" + action, Target.project(caller.projectId(), caller.projectDomainId()));
    return ctx.request().getHeader("X-Auth-Token");
  }

  /**
   * Nova's remote console (2.6+), serial only: the URL of {@link SerialConsoleSocket} for a running
   * server the caller may type into. The URL carries no token: the socket asks for it first.
   */
  private Future<JsonObject> remoteConsole(RoutingContext ctx) {
    if (!mv(ctx).atLeast(2, 6)) {
      return Future.failedFuture(Errors.notFound("The resource could not be found."));
    }
    JsonObject body = Json.body(ctx);
    JsonObject console = body.getValue("remote_console") instanceof JsonObject o ? o : null;
    if (console == null) {
      return Future.failedFuture(Errors.badRequest("'remote_console' is a required property."));
    }
    Object protocol = console.getValue("protocol");
    Object type = console.getValue("type");
    if (!"serial".equals(protocol) || !"serial".equals(type)) {
      return Future.failedFuture(Errors.badRequest("Unavailable console type " + protocol + "/" + type
        + ": this cloud offers the serial console only (protocol and type 'serial')."));
    }
    AuthContext caller = auth(ctx);
    String id = ctx.pathParam("id");
    return c.servers().load(caller, id).map(inst -> {
      ComputePolicy.RULES.check(caller, ComputePolicy.SERIAL_CONSOLE,
        Target.project(inst.getString("project_id"), null));
      if (!SerialConsoleSocket.running(inst)) {
        throw Errors.conflict("Instance " + id + " is not running: its serial console is not available.");
      }
      String ws = base.replaceFirst("^http", "ws") + "/v2.1/servers/" + id + "/serial-console";
      return new JsonObject().put("remote_console", new JsonObject().put("protocol", "serial").put("type", "serial").put("url", ws));
    });
  }

  private static Microversion mv(RoutingContext ctx) {
    return ctx.get(MV);
  }

  // ---- rendering ---------------------------------------------------------------------------

  private void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(body -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode()))
      .onFailure(ctx::fail);
  }

  private void empty(RoutingContext ctx, int status, Future<Void> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(status).end()).onFailure(ctx::fail);
  }

  private JsonObject versionDoc() {
    return new JsonObject().put("id", "v2.1").put("status", "CURRENT")
      .put("version", Microversion.MAX.toString()).put("min_version", Microversion.MIN.toString())
      .put("updated", "2013-07-23T11:33:21Z")
      .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", base + "/v2.1/")));
  }

  private JsonObject legacyVersionDoc() {
    return new JsonObject().put("id", "v2.0").put("status", "SUPPORTED").put("version", "").put("min_version", "")
      .put("updated", "2011-01-21T11:33:21Z")
      .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", base + "/v2/")));
  }

  /** As Nova's root: the legacy v2.0 first (clients pick by version, Tempest checks the order), then v2.1. */
  private void versions(RoutingContext ctx) {
    ctx.json(new JsonObject().put("versions", new JsonArray().add(legacyVersionDoc()).add(versionDoc())));
  }

  /** The v2.0 version document only: v2.0 requests themselves are not served (v2.1 is the API). */
  private void legacyVersion(RoutingContext ctx) {
    ctx.json(new JsonObject().put("version", legacyVersionDoc()));
  }

  private void version(RoutingContext ctx) {
    JsonObject v = versionDoc();
    v.getJsonArray("links").add(new JsonObject().put("rel", "describedby").put("type", "text/html")
      .put("href", "https://docs.openstack.org/"));
    v.put("media-types", new JsonArray().add(new JsonObject().put("base", "application/json")
      .put("type", "application/vnd.openstack.compute+json;version=2.1")));
    ctx.json(new JsonObject().put("version", v));
  }

  private void flavorList(RoutingContext ctx, boolean detail) {
    reply(ctx, 200, c.flavors().list(auth(ctx), ctx.queryParams()).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(f -> out.add(c.flavors().render((JsonObject) f, mv(ctx), detail)));
      return new JsonObject().put("flavors", out);
    }));
  }

  /** The project a quota, limits or usage request is about (the caller's own by default), if {@code rule} allows. */
  private static String project(AuthContext caller, String requested, String rule) {
    String project = requested == null ? caller.requireProjectScope().projectId() : requested;
    check(caller, rule, Target.project(project, null));
    return project;
  }

  private void limits(RoutingContext ctx) {
    AuthContext caller = auth(ctx);
    String project = project(caller, ctx.queryParams().get("tenant_id"), "limits");
    reply(ctx, 200, c.quota().usage(project).map(u -> {
      JsonObject abs = new JsonObject()
        .put("maxTotalInstances", limit(u, "instances")).put("maxTotalCores", limit(u, "cores"))
        .put("maxTotalRAMSize", limit(u, "ram")).put("maxServerMeta", limit(u, "metadata_items"))
        .put("maxImageMeta", 128).put("maxPersonality", 5).put("maxPersonalitySize", 10240)
        .put("maxTotalKeypairs", limit(u, "key_pairs")).put("maxServerGroups", limit(u, "server_groups"))
        .put("maxServerGroupMembers", limit(u, "server_group_members"))
        .put("totalInstancesUsed", used(u, "instances")).put("totalCoresUsed", used(u, "cores"))
        .put("totalRAMUsed", used(u, "ram")).put("totalServerGroupsUsed", used(u, "server_groups"));
      if (!mv(ctx).atLeast(2, 36)) {
        abs.put("maxSecurityGroups", -1).put("maxSecurityGroupRules", -1).put("maxTotalFloatingIps", -1)
          .put("totalSecurityGroupsUsed", 0).put("totalFloatingIpsUsed", 0);
      }
      return new JsonObject().put("limits", new JsonObject().put("rate", new JsonArray()).put("absolute", abs));
    }));
  }

  private static long limit(JsonObject usage, String key) {
    JsonObject u = usage.getJsonObject(key);
    return u == null ? -1 : u.getLong("limit", -1L);
  }

  private static long used(JsonObject usage, String key) {
    JsonObject u = usage.getJsonObject(key);
    return u == null ? 0 : u.getLong("in_use", 0L);
  }

  private static final java.util.Set<String> NETWORK_QUOTAS = java.util.Set.of("fixed_ips", "floating_ips", "security_groups",
    "security_group_rules");
  private static final java.util.Set<String> FILE_QUOTAS = java.util.Set.of("injected_files", "injected_file_content_bytes",
    "injected_file_path_bytes");

  private void quotaSet(RoutingContext ctx, boolean detail, boolean defaults) {
    quotaSet(ctx, detail, defaults, true);
  }

  private void quotaSet(RoutingContext ctx, boolean detail, boolean defaults, boolean withId) {
    AuthContext caller = auth(ctx);
    String project = project(caller, ctx.pathParam("project"),
      defaults ? "os-quota-sets:defaults" : detail ? "os-quota-sets:detail" : "os-quota-sets:show");
    Future<JsonObject> usage = defaults ? Future.succeededFuture(new JsonObject()) : c.quota().usage(project);
    reply(ctx, 200, usage.map(u -> {
      JsonObject set = withId ? new JsonObject().put("id", project) : new JsonObject();
      ComputeQuota.DEFAULTS.forEach((k, dflt) -> {
        long lim = defaults ? dflt : limit(u, k);
        set.put(k, detail ? new JsonObject().put("limit", lim).put("in_use", used(u, k)).put("reserved", 0) : (Object) lim);
      });
      if (!mv(ctx).atLeast(2, 57)) {
        for (var e : Map.of("injected_files", 5L, "injected_file_content_bytes", 10240L, "injected_file_path_bytes", 255L).entrySet()) {
          set.put(e.getKey(), detail ? new JsonObject().put("limit", e.getValue()).put("in_use", 0).put("reserved", 0) : (Object) e.getValue());
        }
      }
      if (!mv(ctx).atLeast(2, 36)) {
        for (String k : new String[] {"fixed_ips", "floating_ips", "security_groups", "security_group_rules"}) {
          set.put(k, detail ? new JsonObject().put("limit", -1).put("in_use", 0).put("reserved", 0) : (Object) (-1));
        }
      }
      return new JsonObject().put("quota_set", set);
    }));
  }

  private void updateQuotaSet(RoutingContext ctx) {
    AuthContext caller = auth(ctx);
    String project = ctx.pathParam("project");
    check(caller, "os-quota-sets:update", Target.project(project, null));
    JsonObject set = Json.object(Json.body(ctx), "quota_set");
    Map<String, Long> limits = new LinkedHashMap<>();
    for (String key : set.fieldNames()) {
      if ("force".equals(key)) {
        continue;
      }
      // the keys Nova still takes at older microversions and no longer enforces: accepted, not kept
      boolean legacy = NETWORK_QUOTAS.contains(key) && !mv(ctx).atLeast(2, 36)
        || FILE_QUOTAS.contains(key) && !mv(ctx).atLeast(2, 57);
      if (!ComputeQuota.DEFAULTS.containsKey(key) && !legacy) {
        throw Errors.badRequest("Bad key(s) " + key + " in quota_set");
      }
      Object v = set.getValue(key);
      long n;
      try {
        n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v));
      } catch (NumberFormatException e) {
        throw Errors.badRequest("Invalid input for field/attribute " + key + ": it must be an integer.");
      }
      if (n < -1) {
        throw Errors.badRequest("Invalid input for field/attribute " + key + ": it must be -1 or more.");
      }
      if (!legacy) {
        limits.put(key, n);
      }
    }
    // Nova's update answers the quota set without its id
    c.quota().setLimits(caller, project, limits).onSuccess(v -> quotaSet(ctx, false, false, false)).onFailure(ctx::fail);
  }
}
