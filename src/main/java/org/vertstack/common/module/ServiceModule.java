package org.vertstack.common.module;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.http.ApiKit;

import java.util.List;
import java.util.Set;

/**
 * One service of the cloud (identity, object store, image, ...), found by {@link java.util.ServiceLoader}
 * through a line in {@code META-INF/services/org.vertstack.common.module.ServiceModule}; nothing in
 * {@code common} names a service.
 *
 * <p>Lifecycle, once per node: {@link #start} deploys the module's verticles (its event-bus
 * registrations and timers live inside them, so they are awaited at start and cancelled at
 * undeploy) and completes with a handle of type {@code H}: whatever the module's HTTP layer needs
 * from its back end. Then the front door calls {@link #mount} once per HTTP verticle with that
 * handle and the {@link ApiKit}. Modules start after those they {@link #requires}, and mount in
 * {@link #mountOrder}.
 *
 * <p>A module that needs no handle may implement just {@link #deploy} and the four-argument
 * {@link #mount(Vertx, Router, JsonObject, TokenVerifier)}.
 *
 * @param <H> the handle the module's start hands to its mount (Void when there is none)
 */
public interface ServiceModule<H> {

  /** Short name, also the PostgreSQL schema the service owns. */
  String name();

  /** The node roles (controller, compute, storage) on which this module runs. */
  Set<String> roles();

  /** Names of modules that must be up before this one starts, when they run on this node. */
  default Set<String> requires() {
    return Set.of();
  }

  /** Mount position on the front door: lower first. A catch-all route (the dashboard) mounts last. */
  default int mountOrder() {
    return 0;
  }

  /** Starts the module's verticles on this node; the handle goes to {@link #mount}. */
  @SuppressWarnings("unchecked")
  default Future<H> start(NodeContext node) {
    return deploy(node.vertx(), node.config()).map(v -> (H) null);
  }

  /**
   * Mounts the module's API on the front door. Called once per HTTP verticle instance, on that
   * instance's event loop; must not block.
   */
  default void mount(H handle, ApiKit api) {
    mount(api.vertx(), api.root(), api.config(), api.verifier());
  }

  /** The short form of {@link #start}, for a module without a handle. */
  default Future<?> deploy(Vertx vertx, JsonObject config) {
    return Future.succeededFuture();
  }

  /** The short form of {@link #mount(Object, ApiKit)}, for a module without a handle. */
  default void mount(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier) {
  }

  /** Catalog entries served by this module through the front door. */
  default List<CatalogEntry> catalog() {
    return List.of();
  }

  /** A service in the catalog: its type, name and the path under the public URL. */
  record CatalogEntry(String type, String name, String path) {
  }
}
