package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.quota.QuotaService;
import org.vertstack.identity.IdentityService;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/**
 * The compute service's use of the quota engine (unified limits of service type {@code compute}:
 * instances, cores, ram, key_pairs, server_groups). Registers Nova's default limits at first
 * start. A refused reservation is Nova's 403 naming the quota, not the engine's 413.
 */
final class ComputeQuota {

  static final String SERVICE = "compute";
  /** Nova's defaults. */
  /** Nova's default quotas, in the order os-quota-sets lists them. */
  static final Map<String, Long> DEFAULTS = defaults();

  private static Map<String, Long> defaults() {
    Map<String, Long> d = new LinkedHashMap<>();
    d.put("instances", 10L);
    d.put("cores", 20L);
    d.put("ram", 51200L);
    d.put("key_pairs", 100L);
    d.put("server_groups", 10L);
    d.put("server_group_members", 10L);
    d.put("metadata_items", 128L);
    return Collections.unmodifiableMap(d);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ComputeQuota.class);

  private final QuotaService quota;
  private final IdentityService identity;

  ComputeQuota(Vertx vertx) {
    this.quota = QuotaService.createProxy(vertx);
    this.identity = IdentityService.createProxy(vertx);
  }

  /**
   * The compute service's own cloud-admin context for registering default limits at start-up
   * (an internal call on the event bus; no token leaves the process).
   */
  private static AuthContext serviceAdmin() {
    return new AuthContext(new JsonObject().put("user", new JsonObject().put("id", "nova").put("name", "nova"))
      .put("system", new JsonObject().put("all", true))
      .put("roles", new JsonArray().add(new JsonObject().put("id", "admin").put("name", "admin"))));
  }

  /** Registers the default limits that do not exist yet. */
  Future<Void> registerDefaults() {
    AuthContext admin = serviceAdmin();
    return serviceId(admin).compose(serviceId -> identity.list(admin, "registered_limits", new JsonObject().put("service_id", serviceId))
      .compose(existing -> {
        Future<?> chain = Future.succeededFuture();
        for (var e : DEFAULTS.entrySet()) {
          boolean present = existing.stream().anyMatch(o -> e.getKey().equals(((JsonObject) o).getString("resource_name")));
          if (!present) {
            chain = chain.compose(v -> identity.create(admin, "registered_limits", new JsonObject().put("service_id", serviceId)
              .put("resource_name", e.getKey()).put("default_limit", e.getValue())));
          }
        }
        return chain.<Void>mapEmpty();
      }))
      .recover(err -> {
        LOG.warn("registering the compute service's default limits: {}", err.getMessage());
        return Future.succeededFuture();
      });
  }

  private Future<String> serviceId(AuthContext caller) {
    return identity.list(caller, "services", new JsonObject().put("type", SERVICE)).map(list -> {
      if (list.isEmpty()) {
        throw Errors.of(503, "The compute service is not in the catalog.");
      }
      return list.getJsonObject(0).getString("id");
    });
  }

  /**
   * Reserves all resources or none (in parallel; whatever succeeded is given back when one
   * fails); over a limit is a 403 naming the quota.
   */
  Future<Void> reserve(String project, Map<String, Long> amounts) {
    Map<String, Future<JsonObject>> calls = new LinkedHashMap<>();
    amounts.forEach((resource, amount) -> calls.put(resource,
      quota.reserve(project, SERVICE, resource, amount).recover(ComputeQuota::tolerateAbsence)));
    return Future.join(new java.util.ArrayList<>(calls.values())).<Void>mapEmpty().recover(err -> {
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
      return release(project, done).compose(v -> {
        if (cause instanceof ServiceException se && se.failureCode() == 413) {
          return Future.failedFuture(Errors.forbidden("Quota exceeded: " + se.getMessage()));
        }
        return Future.failedFuture(cause);
      });
    });
  }

  /** Gives usage back; never fails (a failed release is logged, usage is then overstated). */
  Future<Void> release(String project, Map<String, Long> amounts) {
    Future<Void> chain = Future.succeededFuture();
    for (var e : amounts.entrySet()) {
      chain = chain.compose(v -> quota.release(project, SERVICE, e.getKey(), e.getValue())
        .recover(err -> {
          LOG.warn("releasing {} {} of project {}: {}", e.getValue(), e.getKey(), project, err.getMessage());
          return Future.succeededFuture();
        }));
    }
    return chain;
  }

  /** {resource: {limit, in_use}} of the project's compute limits. */
  Future<JsonObject> usage(String project) {
    return quota.usage(project).map(all -> {
      JsonObject out = new JsonObject();
      DEFAULTS.keySet().forEach(k -> out.put(k, new JsonObject().put("limit", -1L).put("in_use", 0L)));
      for (Object o : all) {
        JsonObject u = (JsonObject) o;
        if (SERVICE.equals(u.getString("service_type"))) {
          out.put(u.getString("resource_name"), new JsonObject().put("limit", u.getValue("limit")).put("in_use", u.getValue("in_use")));
        }
      }
      return out;
    }).recover(err -> tolerateAbsence(err).map(v -> new JsonObject()));
  }

  /** Sets project limits (admin): updates the project's unified limits through the identity service. */
  Future<Void> setLimits(AuthContext caller, String project, Map<String, Long> limits) {
    check(caller, "os-quota-sets:update", Target.project(project, null));
    return serviceId(caller).compose(serviceId -> identity.list(caller, "limits",
        new JsonObject().put("service_id", serviceId).put("project_id", project))
      .compose(existing -> {
        Future<?> chain = Future.succeededFuture();
        for (var e : limits.entrySet()) {
          JsonObject found = existing.stream().map(o -> (JsonObject) o)
            .filter(l -> e.getKey().equals(l.getString("resource_name"))).findFirst().orElse(null);
          chain = chain.compose(v -> found != null
            ? identity.update(caller, "limits", found.getString("id"), new JsonObject().put("resource_limit", e.getValue()))
            : identity.create(caller, "limits", new JsonObject().put("service_id", serviceId).put("project_id", project)
              .put("resource_name", e.getKey()).put("resource_limit", e.getValue())));
        }
        return chain.mapEmpty();
      }));
  }

  private static <T> Future<T> tolerateAbsence(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return Future.succeededFuture(); // no quota engine on this node: no limits
    }
    return Future.failedFuture(err);
  }
}
