package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The headers every OpenStack API answers with, set once for every route of the front door:
 * {@code Date}, and a request id {@code X-Openstack-Request-Id: req-<uuid>} unless the API set its
 * own (Swift sets its transaction id). Content-Length or chunked encoding is Vert.x's own doing.
 */
public final class StandardHeaders implements Handler<RoutingContext> {

  public static final String REQUEST_ID = "X-Openstack-Request-Id";

  @Override
  public void handle(RoutingContext ctx) {
    String requestId = "req-" + UUID.randomUUID();
    ctx.put(REQUEST_ID, requestId);
    ctx.addHeadersEndHandler(v -> {
      MultiMap headers = ctx.response().headers();
      if (!headers.contains("Date")) {
        headers.set("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
      }
      if (!headers.contains(REQUEST_ID)) {
        headers.set(REQUEST_ID, requestId);
      }
    });
    ctx.next();
  }

  /** The id of this request, as answered in its headers (for logs). */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    return id != null ? id : ctx.response().headers().get(REQUEST_ID);
  }
}
