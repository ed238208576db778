package org.vertstack.objectstore.ring;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The cloud's one object ring, served by every controller from PostgreSQL. Storage nodes
 * register their devices; every object-store node follows the newest version, announced on
 * {@link #CHANGED} (the ring itself, as JSON) to every node.
 */
@VertxGen
@ProxyGen
public interface RingService {

  String ADDRESS = "objectstore.ring";
  String CHANGED = "objectstore.ring.changed";

  /** The newest ring as {@link Ring#toJson()}, or an empty object while no storage node has registered. */
  Future<JsonObject> current();

  /**
   * Adds a storage node's devices ({@link Device#toJson()}; their ids are ignored) to the ring:
   * devices already in it (same host and path) keep their id and partitions and only take the
   * new endpoint; new ones get fresh ids and their share of partitions (only that share moves).
   * Answers the newest ring.
   */
  Future<JsonObject> register(JsonArray devices);

  /**
   * An operator's change, rebalanced and stored as the next version: {@code {"action": "add",
   * "device": {name, zone, weight, host, port, path}}}, {@code {"action": "remove", "id": 7}},
   * {@code {"action": "set_weight", "id": 7, "weight": 2.0}} or {@code {"action": "rebalance"}}.
   * Answers {@code {"ring": <the new ring>, "moved": <replica slots that changed device>}}; fails
   * with 400 (a change the ring cannot take) or 404 (no such device). Authorization is the
   * caller's (the admin API checks the policy first).
   */
  Future<JsonObject> change(JsonObject request);

  static RingService createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, RingService.class, ADDRESS, options -> new RingServiceVertxEBProxy(vertx, ADDRESS, options));
  }
}
