package org.vertstack.dashboard;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.TokenVerifier;

/**
 * GET /v1/events: upgrades to a WebSocket and starts an {@link EventFeedSession}. A token may come
 * in Sec-WebSocket-Protocol as "vertstack.token.&lt;token&gt;" next to {@link #PROTOCOL}; never in
 * the URL, which ends up in logs. No cookie is involved, so a cross-site page cannot ride a session.
 */
final class EventFeedHandler implements Handler<RoutingContext> {

  /** The subprotocol the server selects when a client offers one. */
  static final String PROTOCOL = "vertstack.events.v1";
  static final String TOKEN_PROTOCOL_PREFIX = "vertstack.token.";

  private static final Logger LOG = LoggerFactory.getLogger(EventFeedHandler.class);

  private final Vertx vertx;
  private final TokenVerifier verifier;
  private final FeedOptions options;

  EventFeedHandler(Vertx vertx, TokenVerifier verifier, FeedOptions options) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.options = options;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().setStatusCode(426).putHeader("Upgrade", "websocket")
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", 426)
          .put("title", "Upgrade Required").put("message", "This is a WebSocket endpoint.")).encode());
      return;
    }
    String protocolToken = tokenFromProtocols(ctx.request().getHeader("Sec-WebSocket-Protocol"));
    ctx.request().toWebSocket()
      .onSuccess(ws -> new EventFeedSession(vertx, ws, verifier, options, protocolToken).start())
      .onFailure(err -> LOG.debug("feed upgrade failed: {}", err.getMessage()));
  }

  static String tokenFromProtocols(String header) {
    if (header == null) {
      return null;
    }
    for (String p : header.split(",")) {
      String s = p.trim();
      if (s.startsWith(TOKEN_PROTOCOL_PREFIX) && s.length() > TOKEN_PROTOCOL_PREFIX.length()) {
        return s.substring(TOKEN_PROTOCOL_PREFIX.length());
      }
    }
    return null;
  }
}
