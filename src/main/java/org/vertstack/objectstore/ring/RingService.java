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

  static RingService createProxy(Vertx vertx) {
    return new RingServiceVertxEBProxy(vertx, ADDRESS);
  }
}
