package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.policy.Target;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.http.StandardHeaders;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.FailureHandler;
import org.vertstack.common.http.Json;
import org.vertstack.image.metadef.MetadefApi;
import org.vertstack.image.metadef.MetadefService;

import java.util.UUID;

/** Glance v2 over HTTP under /image. Thin: parse, call ImageService / ImageData, render. */
final class ImageApi {

  /** Glance's API versions, newest first; all served by the same v2 implementation. */
  private static final int NEWEST_MINOR = 16;

  private final ImageService images;
  private final ImageData data;
  private final String base;

  /** The header naming the store of an upload or import (Glance's). */
  static final String STORE_HEADER = "X-Image-Meta-Store";

  private ImageApi(ImageService images, ImageData data, String publicUrl) {
    this.images = images;
    this.data = data;
    this.base = publicUrl + "/image";
  }

  static Router router(Vertx vertx, JsonObject config, TokenVerifier verifier, ImageService images, ImageData data) {
    ImageApi api = new ImageApi(images, data, config.getString("public-url"));
    Router r = Router.router(vertx);
    int limit = config.getJsonObject("http").getInteger("max-json-body-bytes", 1 << 20);
    BodyHandler json = BodyHandler.create(false).setBodyLimit(limit);
    r.route().failureHandler(new FailureHandler(ErrorFormat.PLAIN));
    r.get("/").handler(ctx -> api.versions(ctx, 300));
    r.get("/versions").handler(ctx -> api.versions(ctx, 200));
    r.get("/v2").handler(ctx -> api.versions(ctx, 200));
    r.get("/v2/").handler(ctx -> api.versions(ctx, 200));

    // Upload bodies must not flow (and be lost) while the token is checked: hold them until piped.
    r.put("/v2/images/:id/file").handler(ImageApi::hold);
    r.put("/v2/images/:id/stage").handler(ImageApi::hold);
    r.route("/v2/*").handler(new AuthHandler(verifier));
    ImageSchemas.TABLE.install(r, json);

    r.get("/v2/schemas/image").handler(ctx -> ctx.json(ImageJson.imageSchema()));
    r.get("/v2/schemas/images").handler(ctx -> ctx.json(ImageJson.imagesSchema()));
    r.get("/v2/schemas/member").handler(ctx -> ctx.json(ImageJson.memberSchema()));
    r.get("/v2/schemas/members").handler(ctx -> ctx.json(ImageJson.membersSchema()));
    r.get("/v2/info/import").handler(api::importInfo);
    r.get("/v2/info/stores").handler(ctx -> api.stores(ctx, false));
    r.get("/v2/info/stores/detail").handler(ctx -> api.stores(ctx, true));
    r.delete("/v2/stores/:store/:id").handler(ctx ->
      api.noContent(ctx, data.deleteFromStore(auth(ctx), ctx.pathParam("store"), id(ctx))));
    r.get("/v2/info/usage").handler(ctx -> api.reply(ctx, 200, images.usage(auth(ctx))));

    // "/v2/images/" names no image (an empty id): Glance answers 404, not the list
    r.routeWithRegex("/v2/images/").handler(ctx -> ctx.fail(Errors.notFound("No image id given.")));
    r.get("/v2/images").handler(ctx -> api.reply(ctx, 200, images.list(auth(ctx), ctx.queryParams())));
    r.post("/v2/images").handler(json).handler(api::create);
    r.get("/v2/images/:id").handler(ctx -> api.reply(ctx, 200, images.get(auth(ctx), id(ctx))));
    r.patch("/v2/images/:id").handler(json).handler(api::patch);
    r.delete("/v2/images/:id").handler(ctx -> api.noContent(ctx, images.delete(auth(ctx), id(ctx))));

    r.put("/v2/images/:id/file").handler(ctx -> api.upload(ctx, false));
    r.get("/v2/images/:id/file").handler(api::download);
    r.put("/v2/images/:id/stage").handler(ctx -> api.upload(ctx, true));
    r.post("/v2/images/:id/import").handler(json).handler(ctx ->
      api.reply(ctx, 202, data.importImage(auth(ctx), id(ctx), Json.body(ctx), StandardHeaders.requestId(ctx),
        ctx.request().getHeader(STORE_HEADER)).map(v -> (JsonObject) null)));
    r.get("/v2/images/:id/tasks").handler(ctx -> api.reply(ctx, 200, data.tasks().list(auth(ctx), id(ctx))));

    r.put("/v2/images/:id/tags/:tag").handler(ctx -> api.noContent(ctx, images.addTag(auth(ctx), id(ctx), ctx.pathParam("tag"))));
    r.delete("/v2/images/:id/tags/:tag").handler(ctx -> api.noContent(ctx, images.removeTag(auth(ctx), id(ctx), ctx.pathParam("tag"))));

    r.get("/v2/images/:id/members").handler(ctx -> api.reply(ctx, 200, images.listMembers(auth(ctx), id(ctx))));
    r.post("/v2/images/:id/members").handler(json).handler(ctx ->
      api.reply(ctx, 200, images.addMember(auth(ctx), id(ctx), Json.body(ctx))));
    r.get("/v2/images/:id/members/:member").handler(ctx ->
      api.reply(ctx, 200, images.getMember(auth(ctx), id(ctx), ctx.pathParam("member"))));
    r.put("/v2/images/:id/members/:member").handler(json).handler(ctx ->
      api.reply(ctx, 200, images.updateMember(auth(ctx), id(ctx), ctx.pathParam("member"), Json.body(ctx))));
    r.delete("/v2/images/:id/members/:member").handler(ctx ->
      api.noContent(ctx, images.removeMember(auth(ctx), id(ctx), ctx.pathParam("member"))));

    r.post("/v2/images/:id/actions/deactivate").handler(ctx -> api.noContent(ctx, images.deactivate(auth(ctx), id(ctx))));
    r.post("/v2/images/:id/actions/reactivate").handler(ctx -> api.noContent(ctx, images.reactivate(auth(ctx), id(ctx))));
    r.get("/v2/cache").handler(ctx -> api.reply(ctx, 200, data.cacheList(auth(ctx))));
    r.delete("/v2/cache").handler(ctx -> api.noContent(ctx, data.cacheClear(auth(ctx), ctx.request().getHeader("x-image-cache-clear-target"))));
    r.put("/v2/cache/:id").handler(ctx -> api.reply(ctx, 202, data.cacheQueue(auth(ctx), id(ctx)).map(v -> (JsonObject) null)));
    r.delete("/v2/cache/:id").handler(ctx -> api.noContent(ctx, data.cacheDelete(auth(ctx), id(ctx))));
    MetadefApi.mount(r, json, new MetadefService(vertx, images.pool()));
    return r;
  }

  private static void hold(RoutingContext ctx) {
    ctx.request().pause();
    ctx.next();
  }

  private static AuthContext auth(RoutingContext ctx) {
    return AuthHandler.of(ctx);
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  // ---- rendering ---------------------------------------------------------------------------

  /** Sends the future's JSON with {@code status}; any throw or failure goes to the failure handler. */
  private void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(body -> {
      ctx.response().setStatusCode(status);
      if (body == null) {
        ctx.response().end();
      } else {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
      }
    }).onFailure(ctx::fail);
  }

  private void noContent(RoutingContext ctx, Future<Void> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void versions(RoutingContext ctx, int status) {
    JsonArray versions = new JsonArray();
    for (int minor = NEWEST_MINOR; minor >= 0; minor--) {
      versions.add(new JsonObject()
        .put("id", "v2." + minor)
        .put("status", minor == NEWEST_MINOR ? "CURRENT" : "SUPPORTED")
        .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", base + "/v2/"))));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("versions", versions).encode());
  }

  private void importInfo(RoutingContext ctx) {
    ImageService.POLICY.check(auth(ctx), "get_import_info", Target.none());
    ctx.json(new JsonObject().put("import-methods", new JsonObject()
      .put("description", "Import methods available.")
      .put("type", "array")
      .put("value", new JsonArray(ImageData.IMPORT_METHODS))));
  }

  /** The enabled stores, the default one marked as Glance marks it ({@code "default": "true"}); detail: admins. */
  private void stores(RoutingContext ctx, boolean detail) {
    ImageService.POLICY.check(auth(ctx), detail ? "get_stores_info_detail" : "get_stores_info", Target.none());
    JsonArray list = new JsonArray();
    for (var store : data.stores().all()) {
      JsonObject s = new JsonObject().put("id", store.id()).put("description", store.description());
      if (store.id().equals(data.stores().defaultId())) {
        s.put("default", "true");
      }
      if (detail) {
        s.put("type", store.id()).put("weight", 0).put("properties", new JsonObject());
      }
      list.add(s);
    }
    ctx.json(new JsonObject().put("stores", list));
  }

  // ---- handlers ----------------------------------------------------------------------------

  private void create(RoutingContext ctx) {
    Future<JsonObject> created = images.create(auth(ctx), Json.body(ctx))
      .onSuccess(image -> ctx.response()
        .putHeader("Location", base + "/v2/images/" + image.getString("id"))
        // how clients learn that the interoperable import is available for this image
        .putHeader("OpenStack-image-import-methods", String.join(",", ImageData.IMPORT_METHODS)));
    reply(ctx, 201, created);
  }

  private void patch(RoutingContext ctx) {
    String body = ctx.body() == null ? null : ctx.body().asString();
    reply(ctx, 200, images.patch(auth(ctx), id(ctx),
      ImagePatch.parse(ctx.request().getHeader("Content-Type"), body)));
  }

  private void upload(RoutingContext ctx, boolean stage) {
    HttpServerRequest req = ctx.request();
    String type = req.getHeader("Content-Type");
    if (type != null && !type.split(";")[0].trim().equalsIgnoreCase("application/octet-stream")) {
      drain(req);
      throw Errors.of(415, "Content-Type must be application/octet-stream, not " + type + ".");
    }
    long length = -1;
    String cl = req.getHeader("Content-Length");
    if (cl != null) {
      try {
        length = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        drain(req);
        throw Errors.badRequest("Invalid Content-Length.");
      }
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      // curl asks before sending a large body; the token is already checked, so go ahead
      ctx.response().writeContinue();
    }
    Future<JsonObject> done;
    try {
      // the store header counts for a direct upload only: staged bytes wait in the default store
      done = data.upload(auth(ctx), id(ctx), req, length, stage, stage ? null : req.getHeader(STORE_HEADER));
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onSuccess(image -> ctx.response().setStatusCode(204).end())
      .onFailure(err -> {
        if (ctx.response().closed()) {
          return; // the client went away mid-upload: nobody to answer, the image is already rolled back
        }
        drain(req);
        ctx.fail(err);
      });
  }

  /**
   * Reads and drops what is left of a refused upload, so the client gets to read our error
   * instead of a reset connection, and the connection stays usable.
   */
  private static void drain(HttpServerRequest req) {
    if (!req.isEnded()) {
      try {
        req.handler(b -> { });
        req.exceptionHandler(e -> { });
        req.resume();
      } catch (IllegalStateException ignored) {
        // the request is already gone
      }
    }
  }

  private void download(RoutingContext ctx) {
    // an image's bytes are the uploader's: a browser must never run them as this origin
    ctx.response().putHeader("Content-Security-Policy", "sandbox").putHeader("X-Content-Type-Options", "nosniff");
    data.download(auth(ctx), id(ctx), ctx.request(), ctx.response()).onFailure(err -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(err);
      }
    });
  }
}
