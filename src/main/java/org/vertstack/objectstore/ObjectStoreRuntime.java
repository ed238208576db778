package org.vertstack.objectstore;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.proxy.Expirer;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.LocalDevices;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The ring this node uses, shared by its proxy instances and maintenance jobs. */
public final class ObjectStoreRuntime {

  private static final Map<Vertx, Ring> RINGS = new ConcurrentHashMap<>();
  private static final Map<Vertx, MaintenanceVerticle> MAINTENANCE = new ConcurrentHashMap<>();
  private static final Map<Vertx, LocalDevices> LOCAL = new ConcurrentHashMap<>();
  private static final Map<Vertx, Expirer> EXPIRERS = new ConcurrentHashMap<>();

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

  /** The devices of this node's object server (storage nodes only). */
  public static void installLocal(Vertx vertx, LocalDevices local) {
    LOCAL.put(vertx, local);
  }

  /** This node's object server devices, or null when it is not a storage node. */
  public static LocalDevices local(Vertx vertx) {
    return LOCAL.get(vertx);
  }

  public static void forget(Vertx vertx) {
    RINGS.remove(vertx);
    LOCAL.remove(vertx);
    MAINTENANCE.remove(vertx);
    EXPIRERS.remove(vertx);
  }

  static void installExpirer(Vertx vertx, Expirer expirer) {
    EXPIRERS.put(vertx, expirer);
  }

  /** Runs an expirer pass on this controller now: {expired, kept, failed}. */
  public static Future<JsonObject> expire(Vertx vertx) {
    Expirer e = EXPIRERS.get(vertx);
    return e == null ? Future.failedFuture("not a controller") : e.runOnce();
  }

  static void installMaintenance(Vertx vertx, MaintenanceVerticle m) {
    MAINTENANCE.put(vertx, m);
  }

  /** Runs a replication pass on this storage node now: {pushed, removed, partitions, failures}. */
  public static Future<JsonObject> replicate(Vertx vertx) {
    MaintenanceVerticle m = MAINTENANCE.get(vertx);
    return m == null ? Future.failedFuture("not a storage node") : m.replicate();
  }

  /** Runs an audit pass on this storage node now: {checked, quarantined, bytes}. */
  public static Future<JsonObject> audit(Vertx vertx) {
    MaintenanceVerticle m = MAINTENANCE.get(vertx);
    return m == null ? Future.failedFuture("not a storage node") : m.audit();
  }
}
