package org.vertstack.objectstore;

import io.vertx.core.Vertx;
import org.vertstack.objectstore.ring.Ring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The ring this node uses, shared by its proxy instances and maintenance jobs. */
public final class ObjectStoreRuntime {

  private static final Map<Vertx, Ring> RINGS = new ConcurrentHashMap<>();

  private ObjectStoreRuntime() {
  }

  public static void install(Vertx vertx, Ring ring) {
    RINGS.put(vertx, ring);
  }

  public static Ring ring(Vertx vertx) {
    Ring ring = RINGS.get(vertx);
    if (ring == null) {
      throw new IllegalStateException("the object store ring is not loaded on this node");
    }
    return ring;
  }

  public static void forget(Vertx vertx) {
    RINGS.remove(vertx);
  }
}
