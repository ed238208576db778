package org.vertstack.objectstore.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.db.ContainerDb;

import java.util.Optional;

/** Container lookups for the object path, cached briefly (the cache is shared by the node's proxy instances). */
final class ContainerLookup {

  private final ContainerDb db;
  private final Cache<String, Optional<JsonObject>> containers;

  ContainerLookup(ContainerDb db, Cache<String, Optional<JsonObject>> containers) {
    this.db = db;
    this.containers = containers;
  }

  /** The container's info (meta, counters); null when it does not exist. */
  Future<JsonObject> info(String account, String container) {
    String key = account + "/" + container;
    Optional<JsonObject> cached = containers.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached.orElse(null));
    }
    return db.container(account, container).onSuccess(info -> containers.put(key, Optional.ofNullable(info)));
  }

  void forget(String account, String container) {
    containers.invalidate(account + "/" + container);
  }
}
