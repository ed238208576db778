package org.vertstack.objectstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.LocalDevices;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The object store's handle on one node, built by {@link ObjectStoreModule#start} and handed to
 * its mount: the ring this node uses, its own devices (storage nodes), its maintenance jobs and
 * expirer, and the container lookups its proxy instances share.
 */
public final class ObjectStoreRuntime {

  private volatile Ring ring;
  private volatile LocalDevices local;
  private volatile MaintenanceVerticle maintenance;
  /** The controller's background passes, as "run one now" (the jobs themselves live in proxy, above this class). */
  private volatile Supplier<Future<JsonObject>> expirer;
  private volatile Supplier<Future<JsonObject>> sync;
  /** Container info (or "none") cached briefly for the object path, shared by the proxy instances. */
  private final Cache<String, Optional<JsonObject>> containers = Caffeine.newBuilder()
    .maximumSize(50_000).expireAfterWrite(Duration.ofSeconds(2)).build();
  /** Each account's X-Account-Meta-Quota-Bytes (or none), cached briefly, shared by the proxy instances. */
  private final Cache<String, Optional<Long>> accountQuotas = Caffeine.newBuilder()
    .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(2)).build();

  public Cache<String, Optional<Long>> accountQuotas() {
    return accountQuotas;
  }

  public Ring ring() {
    Ring r = ring;
    if (r == null) {
      throw new IllegalStateException("the object store ring is not loaded on this node");
    }
    return r;
  }

  void ring(Ring ring) {
    this.ring = ring;
  }

  /** This node's object server devices, or null when it is not a storage node. */
  public LocalDevices local() {
    return local;
  }

  void local(LocalDevices local) {
    this.local = local;
  }

  public Cache<String, Optional<JsonObject>> containers() {
    return containers;
  }

  void expirer(Supplier<Future<JsonObject>> expirer) {
    this.expirer = expirer;
  }

  void containerSync(Supplier<Future<JsonObject>> sync) {
    this.sync = sync;
  }

  /** Runs a container sync pass on this controller now: {copied, containers, refused, failed}. */
  public Future<JsonObject> syncContainers() {
    Supplier<Future<JsonObject>> s = sync;
    return s == null ? Future.failedFuture("not a controller") : s.get();
  }

  void maintenance(MaintenanceVerticle maintenance) {
    this.maintenance = maintenance;
  }

  /** Runs an expirer pass on this controller now: {expired, kept, failed}. */
  public Future<JsonObject> expire() {
    Supplier<Future<JsonObject>> e = expirer;
    return e == null ? Future.failedFuture("not a controller") : e.get();
  }

  /** Runs a replication pass on this storage node now: {pushed, removed, partitions, failures}. */
  public Future<JsonObject> replicate() {
    MaintenanceVerticle m = maintenance;
    return m == null ? Future.failedFuture("not a storage node") : m.replicate();
  }

  /** Runs an audit pass on this storage node now: {checked, quarantined, bytes}. */
  public Future<JsonObject> audit() {
    MaintenanceVerticle m = maintenance;
    return m == null ? Future.failedFuture("not a storage node") : m.audit();
  }
}
