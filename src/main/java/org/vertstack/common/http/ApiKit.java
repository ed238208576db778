package org.vertstack.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.TokenVerifier;

import java.util.Map;

/**
 * What every API gets from the front door, once per HTTP verticle: the root router to mount on,
 * the node's configuration and token verifier, and the shared pieces of an OpenStack API (a
 * sub-router that answers failures in the API's own error format, bounded JSON bodies). The
 * headers every API answers with (Date, a request id) are set by the front door for all routes.
 */
public record ApiKit(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier, Map<String, ErrorFormat> formats) {

  /** The default limit of a JSON request body (413 above it). */
  public int maxJsonBodyBytes() {
    return config.getJsonObject("http", new JsonObject()).getInteger("max-json-body-bytes", 1 << 20);
  }

  /**
   * A router for one API: a NUL byte or non-UTF-8 in its path or query is refused first
   * ({@link InputGuard}), and every failure under it becomes a status and a body in {@code format}.
   */
  public Router apiRouter(ErrorFormat format) {
    Router r = Router.router(vertx);
    r.route().handler(new InputGuard());
    r.route().failureHandler(new FailureHandler(format));
    return r;
  }

  /**
   * Mounts an API's router at {@code prefix} on the front door, behind {@link #apiRouter}'s guard
   * and failure handler: {@code mount("/image", ErrorFormat.PLAIN, ImageApi.router(...))}.
   */
  public void mount(String prefix, ErrorFormat format, Router api) {
    errorFormat(prefix, format);
    Router outer = apiRouter(format);
    outer.route("/*").subRouter(api);
    root.route(prefix + "*").subRouter(outer);
  }

  /**
   * The error format of the paths under {@code prefix}, for what the front door answers itself
   * (no route matched: 404, or 405) there.
   */
  public void errorFormat(String prefix, ErrorFormat format) {
    formats.put(prefix, format);
  }

  /** Reads a JSON body up to {@link #maxJsonBodyBytes()} (no file uploads). */
  public BodyHandler jsonBody() {
    return BodyHandler.create(false).setBodyLimit(maxJsonBodyBytes());
  }
}
