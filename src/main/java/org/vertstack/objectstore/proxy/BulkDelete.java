package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.serviceproxy.ServiceException;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;

import java.nio.charset.StandardCharsets;

/**
 * POST /v1/AUTH_x?bulk-delete with a text/plain body of URL-encoded "/container/object" or
 * "/container" lines; answers 200 with counts and per-path errors, as Swift's bulk middleware.
 */
final class BulkDelete {

  static final int MAX_DELETES = 10_000;
  private static final long MAX_BODY = 16L * 1024 * 1024;

  private BulkDelete() {
  }

  static Future<?> run(SwiftApi api, RoutingContext ctx, SwiftPath account) {
    String cl = ctx.request().getHeader("Content-Length");
    if (cl != null && Long.parseLong(cl) > MAX_BODY) {
      return Future.failedFuture(Errors.of(413, "Request Entity Too Large"));
    }
    Future<io.vertx.core.buffer.Buffer> whole = ctx.request().body();
    ctx.request().resume();
    return whole.compose(body -> {
      String[] lines = body.toString(StandardCharsets.UTF_8).split("\n");
      int[] deleted = {0};
      int[] notFound = {0};
      JsonArray errors = new JsonArray();
      Future<Void> chain = Future.succeededFuture();
      int count = 0;
      for (String raw : lines) {
        String line = raw.trim();
        if (line.isEmpty()) {
          continue;
        }
        if (++count > MAX_DELETES) {
          errors.add(new JsonArray().add(line).add("413 Request Entity Too Large"));
          continue;
        }
        chain = chain.compose(v -> one(api, account, line).transform(ar -> {
          if (ar.succeeded()) {
            if (ar.result() == 404) {
              notFound[0]++;
            } else {
              deleted[0]++;
            }
          } else {
            int status = ar.cause() instanceof ServiceException se ? se.failureCode() : 500;
            errors.add(new JsonArray().add(line).add(status + " " + SwiftApi.escape(String.valueOf(ar.cause().getMessage()))));
          }
          return Future.succeededFuture();
        }));
      }
      return chain.map(v -> {
        String status = errors.isEmpty() ? "200 OK" : "400 Bad Request";
        JsonObject result = new JsonObject().put("Number Deleted", deleted[0]).put("Number Not Found", notFound[0])
          .put("Response Status", status).put("Response Body", "").put("Errors", errors);
        String accept = ctx.request().getHeader("Accept");
        if (accept != null && accept.contains("json")) {
          ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8").end(result.encode());
        } else {
          StringBuilder b = new StringBuilder();
          result.forEach(e -> b.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
          ctx.response().setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8").end(b.toString());
        }
        return null;
      });
    });
  }

  /** Deletes one path: 204, or 404 when absent. */
  private static Future<Integer> one(SwiftApi api, SwiftPath account, String line) {
    String p = line.startsWith("/") ? line.substring(1) : line;
    int slash = p.indexOf('/');
    String container = SwiftPath.decode(slash < 0 ? p : p.substring(0, slash));
    if (slash < 0 || slash == p.length() - 1) {
      return api.db.deleteContainer(account.account(), container).compose(status -> {
        api.forgetContainer(account.account(), container);
        if (status == 409) {
          return Future.failedFuture(Errors.conflict("Conflict"));
        }
        if (status == 204) {
          ResourceEvents.publish(api.vertx, account.projectId(), "object-store.container", container, "deleted",
            new JsonObject().put("name", container).put("account", account.account()));
        }
        return Future.succeededFuture(status);
      });
    }
    String object = SwiftPath.decode(p.substring(slash + 1));
    SwiftPath.checkObjectName(object);
    return api.objectService.remove(new SwiftPath(account.account(), account.projectId(), container, object));
  }
}
