package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.quota.QuotaService;

/**
 * The image service's use of the quota engine (service type {@code image}: {@code image_count_total},
 * {@code image_size_total}). A node without the quota engine deployed (unit tests, a partial
 * deployment) runs without limits rather than refusing every image.
 */
final class QuotaGate {

  static final String SERVICE = "image";
  static final String COUNT = "image_count_total";
  static final String SIZE = "image_size_total";

  private static final Logger LOG = LoggerFactory.getLogger(QuotaGate.class);

  private final QuotaService quota;

  QuotaGate(Vertx vertx) {
    this.quota = QuotaService.createProxy(vertx);
  }

  Future<Void> reserve(String project, String resource, long amount) {
    if (amount <= 0 || project == null) {
      return Future.succeededFuture();
    }
    return quota.reserve(project, SERVICE, resource, amount).<Void>mapEmpty().recover(QuotaGate::tolerateAbsence);
  }

  /** Gives usage back; never fails (a failed release is logged: usage is then overstated, never understated). */
  Future<Void> release(String project, String resource, long amount) {
    if (amount <= 0 || project == null) {
      return Future.succeededFuture();
    }
    return quota.release(project, SERVICE, resource, amount).recover(QuotaGate::tolerateAbsence)
      .recover(err -> {
        LOG.warn("releasing {} {} of project {}: {}", amount, resource, project, err.getMessage());
        return Future.succeededFuture();
      });
  }

  /** {resource: limit} for the project's image limits; -1 means unlimited. */
  Future<JsonObject> limits(String project) {
    return quota.usage(project).map(all -> {
      JsonObject out = new JsonObject();
      for (Object o : all) {
        JsonObject u = (JsonObject) o;
        if (SERVICE.equals(u.getString("service_type"))) {
          out.put(u.getString("resource_name"), u.getValue("limit"));
        }
      }
      return out;
    }).recover(err -> tolerateAbsence(err).map(v -> new JsonObject()));
  }

  private static Future<Void> tolerateAbsence(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(err);
  }
}
