package org.vertstack.image.metadef;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.image.metadef.MetadefJson.Kind;

/**
 * Glance's /v2/metadefs and /v2/schemas/metadefs routes, added to the image API's router after
 * its token check. Thin: parse, call {@link MetadefService}, render.
 */
public final class MetadefApi {

  private static final String NS = "/v2/metadefs/namespaces/:namespace";

  private MetadefApi() {
  }

  public static void mount(Router r, BodyHandler json, MetadefService service) {
    r.get("/v2/schemas/metadefs/:schema").handler(ctx -> {
      JsonObject schema = MetadefSchemas.ALL.get(ctx.pathParam("schema"));
      if (schema == null) {
        throw Errors.notFound("No schema " + ctx.pathParam("schema") + ".");
      }
      ctx.json(schema);
    });

    r.get("/v2/metadefs/resource_types").handler(ctx -> reply(ctx, 200, service.listResourceTypes(auth(ctx))));

    r.get("/v2/metadefs/namespaces").handler(ctx -> reply(ctx, 200, service.listNamespaces(auth(ctx), ctx.queryParams())));
    r.post("/v2/metadefs/namespaces").handler(json).handler(ctx -> reply(ctx, 201, service.createNamespace(auth(ctx), Json.body(ctx))));
    r.get(NS).handler(ctx -> reply(ctx, 200, service.getNamespace(auth(ctx), ns(ctx))));
    r.put(NS).handler(json).handler(ctx -> reply(ctx, 200, service.updateNamespace(auth(ctx), ns(ctx), Json.body(ctx))));
    r.delete(NS).handler(ctx -> noContent(ctx, service.deleteNamespace(auth(ctx), ns(ctx))));

    r.get(NS + "/resource_types").handler(ctx -> reply(ctx, 200, service.listAssociations(auth(ctx), ns(ctx))));
    r.post(NS + "/resource_types").handler(json).handler(ctx ->
      reply(ctx, 201, service.addAssociation(auth(ctx), ns(ctx), Json.body(ctx))));
    r.delete(NS + "/resource_types/:type").handler(ctx ->
      noContent(ctx, service.removeAssociation(auth(ctx), ns(ctx), ctx.pathParam("type"))));

    items(r, json, service, Kind.OBJECT);
    items(r, json, service, Kind.PROPERTY);
    items(r, json, service, Kind.TAG);
  }

  /** List, create, show, update, delete (and delete all) for one kind of namespace item. */
  private static void items(Router r, BodyHandler json, MetadefService service, Kind kind) {
    String all = NS + "/" + kind.plural;
    String one = all + "/:name";
    r.get(all).handler(ctx -> reply(ctx, 200, service.listItems(auth(ctx), ns(ctx), kind)));
    r.delete(all).handler(ctx -> noContent(ctx, service.deleteAllItems(auth(ctx), ns(ctx), kind)));
    if (kind == Kind.TAG) {
      // tags: POST .../tags creates several at once, POST .../tags/{name} one without a body
      r.post(all).handler(json).handler(ctx -> reply(ctx, 201, service.createTags(auth(ctx), ns(ctx), Json.body(ctx),
        Boolean.TRUE.equals(Json.queryBoolean(ctx.request().getHeader("X-Openstack-Append"))))));
      r.post(one).handler(ctx -> reply(ctx, 201, service.createItem(auth(ctx), ns(ctx), kind,
        new JsonObject().put("name", ctx.pathParam("name")))));
    } else {
      r.post(all).handler(json).handler(ctx -> reply(ctx, 201, service.createItem(auth(ctx), ns(ctx), kind, Json.body(ctx))));
    }
    r.get(one).handler(ctx -> reply(ctx, 200, service.getItem(auth(ctx), ns(ctx), kind, ctx.pathParam("name"))));
    r.put(one).handler(json).handler(ctx -> reply(ctx, 200, service.updateItem(auth(ctx), ns(ctx), kind, ctx.pathParam("name"),
      Json.body(ctx))));
    r.delete(one).handler(ctx -> noContent(ctx, service.deleteItem(auth(ctx), ns(ctx), kind, ctx.pathParam("name"))));
  }

  private static AuthContext auth(RoutingContext ctx) {
    return AuthHandler.of(ctx);
  }

  private static String ns(RoutingContext ctx) {
    return ctx.pathParam("namespace");
  }

  private static void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(body -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode()))
      .onFailure(ctx::fail);
  }

  private static void noContent(RoutingContext ctx, Future<Void> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
