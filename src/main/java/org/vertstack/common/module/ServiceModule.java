package org.vertstack.common.module;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.vertstack.common.auth.TokenVerifier;

import java.util.List;
import java.util.Set;

/**
 * One service of the cloud (identity, object store, image, ...). A module deploys its own
 * verticles, mounts its REST API on the front door, and names the catalog entry it serves.
 * Adding a service is: write a module, list it in {@link Modules}.
 */
public interface ServiceModule {

  /** Short name, also the PostgreSQL schema the service owns. */
  String name();

  /** The node roles (controller, compute, storage) on which this module runs. */
  Set<String> roles();

  /** Deploys the module's back-end verticles. Called once per JVM, in {@link Modules} order. */
  Future<?> deploy(Vertx vertx, JsonObject config);

  /**
   * Mounts the module's API on the front door. Called once per HTTP verticle instance, on that
   * instance's event loop; must not block.
   */
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
