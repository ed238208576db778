package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.vertstack.common.quota.QuotaService;

/**
 * Per-project quotas on bytes and objects through the shared quota engine (service type
 * object-store). Reserve before storing, correct after; a node without the engine is unlimited.
 */
final class Quotas {

  static final String SERVICE = "object-store";

  private final QuotaService quota;

  Quotas(Vertx vertx) {
    this.quota = QuotaService.createProxy(vertx);
  }

  Future<Void> reserve(String project, long bytes, long objects) {
    Future<Void> b = bytes > 0 ? tolerant(quota.reserve(project, SERVICE, "bytes", bytes).mapEmpty()) : Future.succeededFuture();
    return b.compose(v -> objects > 0
      ? tolerant(quota.reserve(project, SERVICE, "objects", objects).mapEmpty())
        .recover(err -> release(project, bytes, 0).transform(x -> Future.failedFuture(err)))
      : Future.succeededFuture());
  }

  Future<Void> release(String project, long bytes, long objects) {
    Future<Void> b = bytes > 0 ? tolerant(quota.release(project, SERVICE, "bytes", bytes)) : Future.succeededFuture();
    Future<Void> o = objects > 0 ? tolerant(quota.release(project, SERVICE, "objects", objects)) : Future.succeededFuture();
    return Future.join(b, o).mapEmpty();
  }

  private static Future<Void> tolerant(Future<Void> f) {
    return f.recover(err -> err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
      ? Future.succeededFuture() : Future.failedFuture(err));
  }
}
