package org.vertstack.common.quota;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One service's use of the quota engine ({@link QuotaService}, the identity service's unified
 * limits), the same way for every service: amounts are reserved before a resource is made and
 * given back when it goes; a release never fails (it is logged: usage is then overstated, never
 * understated). A node without the quota engine deployed (a partial deployment, a unit test)
 * runs without limits rather than refusing everything.
 */
public final class QuotaClient {

  private static final Logger LOG = LoggerFactory.getLogger(QuotaClient.class);

  private final QuotaService engine;
  private final String service;

  /** {@code service}: the service type the limits are registered under ("compute", "image", ...). */
  public QuotaClient(Vertx vertx, String service) {
    this.engine = QuotaService.createProxy(vertx);
    this.service = service;
  }

  public String service() {
    return service;
  }

  /** Reserves {@code amount} of {@code resource}; over the limit fails with the engine's 413. */
  public Future<Void> reserve(String project, String resource, long amount) {
    if (amount <= 0 || project == null) {
      return Future.succeededFuture();
    }
    return engine.reserve(project, service, resource, amount).<Void>mapEmpty().recover(QuotaClient::withoutEngine);
  }

  /**
   * Reserves every amount or none: in parallel, and whatever succeeded is given back when one is
   * refused. Fails with the first refusal.
   */
  public Future<Void> reserveAll(String project, Map<String, Long> amounts) {
    Map<String, Future<Void>> calls = new LinkedHashMap<>();
    amounts.forEach((resource, amount) -> calls.put(resource, reserve(project, resource, amount)));
    return Future.join(new ArrayList<>(calls.values())).<Void>mapEmpty().recover(err -> {
      Map<String, Long> done = new LinkedHashMap<>();
      Throwable refusal = null;
      for (var e : calls.entrySet()) {
        if (e.getValue().succeeded()) {
          done.put(e.getKey(), amounts.get(e.getKey()));
        } else if (refusal == null) {
          refusal = e.getValue().cause();
        }
      }
      Throwable cause = refusal;
      return releaseAll(project, done).compose(v -> Future.failedFuture(cause));
    });
  }

  /** Gives usage back; never fails. */
  public Future<Void> release(String project, String resource, long amount) {
    if (amount <= 0 || project == null) {
      return Future.succeededFuture();
    }
    return engine.release(project, service, resource, amount).recover(QuotaClient::withoutEngine).recover(err -> {
      LOG.warn("releasing {} {} {} of project {}: {}", amount, service, resource, project, err.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Gives every amount back; never fails. */
  public Future<Void> releaseAll(String project, Map<String, Long> amounts) {
    List<Future<Void>> all = new ArrayList<>();
    amounts.forEach((resource, amount) -> all.add(release(project, resource, amount)));
    return Future.join(all).mapEmpty();
  }

  /** {resource: {"limit", "in_use"}} of this service's registered limits (-1: no limit); empty without the engine. */
  public Future<JsonObject> usage(String project) {
    return engine.usage(project).map(all -> {
      JsonObject out = new JsonObject();
      for (Object o : all) {
        JsonObject u = (JsonObject) o;
        if (service.equals(u.getString("service_type"))) {
          out.put(u.getString("resource_name"), new JsonObject().put("limit", u.getValue("limit")).put("in_use", u.getValue("in_use")));
        }
      }
      return out;
    }).recover(err -> QuotaClient.<Void>withoutEngine(err).map(v -> new JsonObject()));
  }

  /** {resource: limit} of this service's registered limits (-1: no limit); empty without the engine. */
  public Future<JsonObject> limits(String project) {
    return usage(project).map(usage -> {
      JsonObject out = new JsonObject();
      usage.forEach(e -> out.put(e.getKey(), ((JsonObject) e.getValue()).getValue("limit")));
      return out;
    });
  }

  /** Whether a call failed because no node runs the quota engine. */
  public static boolean engineAbsent(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private static <T> Future<T> withoutEngine(Throwable err) {
    return engineAbsent(err) ? Future.succeededFuture() : Future.failedFuture(err);
  }
}
