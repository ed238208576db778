package org.vertstack.common.quota;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The shared quota engine. Limits are Keystone unified limits (a project's limit, else the
 * registered default, else unlimited); usage counters live beside them. A reservation is one
 * atomic conditional UPDATE, so concurrent creates can never overshoot a limit.
 * Implemented by the identity service, which owns the limits.
 */
@VertxGen
@ProxyGen
public interface QuotaService {

  String ADDRESS = "vertstack.quota";

  /**
   * Adds {@code amount} to the project's usage of a resource if that stays within its limit.
   * Succeeds with {"in_use", "limit"}; fails with status 413 when over the limit.
   * Callers release what they reserved if the create then fails.
   */
  Future<JsonObject> reserve(String projectId, String serviceType, String resource, long amount);

  /** Takes {@code amount} off the usage (never below zero). */
  Future<Void> release(String projectId, String serviceType, String resource, long amount);

  /** Every limit and usage of a project: [{service_type, resource_name, limit, in_use}]. */
  Future<JsonArray> usage(String projectId);

  static QuotaService createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, QuotaService.class, ADDRESS, options -> new QuotaServiceVertxEBProxy(vertx, ADDRESS, options));
  }
}
