package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.quota.QuotaClient;
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

  private final QuotaClient quota;
  private final IdentityService identity;

  ComputeQuota(Vertx vertx) {
    this.quota = new QuotaClient(vertx, SERVICE);
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

  /** Reserves all resources or none; over a limit is a 403 naming the quota. */
  Future<Void> reserve(String project, Map<String, Long> amounts) {
    return quota.reserveAll(project, amounts).recover(err -> {
      if (err instanceof ServiceException se && se.failureCode() == 413) {
        return Future.failedFuture(Errors.forbidden("Quota exceeded: " + se.getMessage()));
      }
      return Future.failedFuture(err);
    });
  }

  /** Gives usage back; never fails (a failed release is logged, usage is then overstated). */
  Future<Void> release(String project, Map<String, Long> amounts) {
    return quota.releaseAll(project, amounts);
  }

  /** {resource: {limit, in_use}} of the project's compute limits. */
  Future<JsonObject> usage(String project) {
    return quota.usage(project).map(registered -> {
      JsonObject out = new JsonObject(); // unlimited where nothing is registered (or no quota engine runs)
      DEFAULTS.keySet().forEach(k -> out.put(k, new JsonObject().put("limit", -1L).put("in_use", 0L)));
      return out.mergeIn(registered);
    });
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

  /** The cloud's default compute limits: the identity service's registered limits, {resource: limit}. */
  Future<Map<String, Long>> defaultLimits(AuthContext caller) {
    return serviceId(caller).compose(serviceId -> identity.list(caller, "registered_limits", new JsonObject().put("service_id", serviceId)))
      .map(list -> {
        Map<String, Long> out = new LinkedHashMap<>();
        list.forEach(o -> {
          JsonObject l = (JsonObject) o;
          out.put(l.getString("resource_name"), l.getLong("default_limit"));
        });
        return out;
      });
  }

  /** Sets default limits (admin): updates or registers the identity service's registered limits. */
  Future<Void> setDefaultLimits(AuthContext caller, Map<String, Long> limits) {
    return serviceId(caller).compose(serviceId -> identity.list(caller, "registered_limits", new JsonObject().put("service_id", serviceId))
      .compose(existing -> {
        Future<?> chain = Future.succeededFuture();
        for (var e : limits.entrySet()) {
          JsonObject found = existing.stream().map(o -> (JsonObject) o)
            .filter(l -> e.getKey().equals(l.getString("resource_name"))).findFirst().orElse(null);
          chain = chain.compose(v -> found != null
            ? identity.update(caller, "registered_limits", found.getString("id"), new JsonObject().put("default_limit", e.getValue()))
            : identity.create(caller, "registered_limits", new JsonObject().put("service_id", serviceId)
              .put("resource_name", e.getKey()).put("default_limit", e.getValue())));
        }
        return chain.mapEmpty();
      }));
  }

  /** Removes the project's own compute limits (admin): the defaults apply to it again. */
  Future<Void> deleteLimits(AuthContext caller, String project) {
    return serviceId(caller).compose(serviceId -> identity.list(caller, "limits",
        new JsonObject().put("service_id", serviceId).put("project_id", project))
      .compose(existing -> {
        Future<?> chain = Future.succeededFuture();
        for (Object o : existing) {
          String id = ((JsonObject) o).getString("id");
          chain = chain.compose(v -> identity.delete(caller, "limits", id));
        }
        return chain.mapEmpty();
      }));
  }
}
