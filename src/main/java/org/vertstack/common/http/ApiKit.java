package org.vertstack.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.TokenVerifier;

/**
 * What every API gets from the front door, once per HTTP verticle: the root router to mount on,
 * the node's configuration and token verifier, and the shared pieces of an OpenStack API (a
 * sub-router that answers failures in the API's own error format, bounded JSON bodies). The
 * headers every API answers with (Date, a request id) are set by the front door for all routes.
 */
public record ApiKit(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier) {

  /** The default limit of a JSON request body (413 above it). */
  public int maxJsonBodyBytes() {
    return config.getJsonObject("http", new JsonObject()).getInteger("max-json-body-bytes", 1 << 20);
  }

  /** A router for one API: every failure under it becomes a status and a body in {@code format}. */
  public Router apiRouter(ErrorFormat format) {
    Router r = Router.router(vertx);
    r.route().failureHandler(new FailureHandler(format));
    return r;
  }

  /** Reads a JSON body up to {@link #maxJsonBodyBytes()} (no file uploads). */
  public BodyHandler jsonBody() {
    return BodyHandler.create(false).setBodyLimit(maxJsonBodyBytes());
  }
}
