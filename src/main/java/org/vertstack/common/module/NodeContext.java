package org.vertstack.common.module;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.module.ServiceModule.CatalogEntry;

import java.util.List;
import java.util.Set;

/**
 * What a starting module may know about its node: Vert.x, the effective configuration, the node's
 * roles, the modules that run here (by name) and their catalog entries, and {@code ready}, which
 * completes once every module is up and the front door listens (a background job that calls the
 * node's own APIs waits for it).
 */
public record NodeContext(Vertx vertx, JsonObject config, Set<String> roles, Set<String> modules,
                          List<CatalogEntry> catalog, Future<Void> ready) {

  /** Whether a module of that name runs on this node. */
  public boolean runs(String module) {
    return modules.contains(module);
  }

  /** Whether some module of this node serves the catalog type (e.g. "object-store"). */
  public boolean serves(String catalogType) {
    return catalog.stream().anyMatch(e -> e.type().equals(catalogType));
  }
}
