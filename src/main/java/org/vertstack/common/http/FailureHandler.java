package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.util.UUID;

/**
 * Turns any failure into a status and an error body in the API's own format. Expected errors
 * keep their message; anything else is logged with an id and answered 500 without details.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  private final ErrorFormat format;

  public FailureHandler(ErrorFormat format) {
    this.format = format;
  }

  /** A failure as the client sees it: a status and a message safe to show. */
  public record Outcome(int status, String message) {
  }

  @Override
  public void handle(RoutingContext ctx) {
    Outcome outcome = classify(ctx, ctx.failure(), ctx.statusCode());
    if (outcome == null) {
      return;
    }
    send(ctx.response(), format, outcome.status(), outcome.message());
  }

  /**
   * The one mapping from a failure to what the client is told, for every API: a failure with a
   * status (ServiceException, ReplyException, HttpException) keeps it and its message; bad JSON
   * or an IllegalArgumentException is a 400; a service that does not answer is a 503; anything
   * else is logged with an id and is a 500 without internals. Null when the client is gone (a
   * closed connection is nothing to answer and nothing to report).
   */
  public static Outcome classify(RoutingContext ctx, Throwable failure, int statusHint) {
    int status = statusHint > 0 ? statusHint : 500;
    String message = null;
    if (failure instanceof ServiceException se && se.failureCode() >= 400 && se.failureCode() < 600) {
      status = se.failureCode();
      message = se.getMessage();
    } else if (failure instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT) {
        status = 503;
        message = "The service is not available right now, please retry.";
      } else if (re.failureCode() >= 400 && re.failureCode() < 600) {
        status = re.failureCode();
        message = re.getMessage();
      }
    } else if (failure instanceof HttpException he) {
      status = he.getStatusCode();
      message = he.getPayload() != null ? he.getPayload() : defaultMessage(status);
    } else if (failure instanceof DecodeException) {
      status = 400;
      message = "Malformed JSON in request body.";
    } else if (failure instanceof IllegalArgumentException) {
      status = 400;
      message = failure.getMessage();
    }
    if (status >= 500 && isBadValue(failure)) {
      // PostgreSQL refused a value the request carried (NUL byte, null, out of range): the client's error
      status = 400;
      message = "The request contains a value that cannot be stored (a NUL byte, a null or a value out of range).";
    }
    if (status >= 500 && message == null) {
      if (ctx.response().closed() || failure instanceof HttpClosedException || failure instanceof ClosedChannelException) {
        return null;
      }
      String id = UUID.randomUUID().toString();
      LOG.error("{} {} failed (error id {}, request {})", ctx.request().method(), ctx.request().path(), id,
        StandardHeaders.requestId(ctx), failure);
      message = "An unexpected error prevented the server from fulfilling your request (error id " + id + ").";
    }
    if (message == null || message.isEmpty()) {
      message = defaultMessage(status);
    }
    return new Outcome(status, message);
  }

  /** A database "data exception" (SQLSTATE class 22) or not-null violation (23502), also as relayed over the event bus. */
  static boolean isBadValue(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String state = t instanceof PgException pg ? pg.getSqlState() : sqlStateIn(t.getMessage());
      if (state != null && (state.startsWith("22") || state.equals("23502"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The "(NNNNN)" SQLSTATE that ends a PostgreSQL error message relayed as text, or null. */
  private static String sqlStateIn(String message) {
    if (message == null || !message.startsWith("ERROR: ")) {
      return null;
    }
    java.util.regex.Matcher m = SQLSTATE.matcher(message);
    return m.find() ? m.group(1) : null;
  }

  private static final java.util.regex.Pattern SQLSTATE = java.util.regex.Pattern.compile("\\(([0-9A-Z]{5})\\)$");

  public static void send(HttpServerResponse response, ErrorFormat format, int status, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status)
      .putHeader("Content-Type", format.contentType());
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Keystone uri=\"/identity/v3\"");
    }
    response.end(format.render(status, message));
  }

  public static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "The request could not be understood.";
      case 401 -> "The request you have made requires authentication.";
      case 403 -> "You are not authorized to perform the requested action.";
      case 404 -> "The resource could not be found.";
      case 405 -> "The method is not allowed for the requested URL.";
      case 413 -> "The request entity is too large.";
      case 415 -> "The media type is not supported.";
      default -> ErrorFormat.reason(status);
    };
  }
}
