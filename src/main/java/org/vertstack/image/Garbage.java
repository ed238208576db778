package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.image.store.ImageStore;
import org.vertstack.image.store.ImageStores;

import java.util.ArrayList;
import java.util.List;

/**
 * Bytes that must leave a store (deleted images, failed uploads, copies removed from one store).
 * Deleted right away when the store answers; otherwise remembered in the {@code garbage} table,
 * per store, and retried by {@link #sweep}.
 */
final class Garbage {

  private static final Logger LOG = LoggerFactory.getLogger(Garbage.class);

  private final Pool pool;
  private final ImageStores stores;

  Garbage(Pool pool, ImageStores stores) {
    this.pool = pool;
    this.stores = stores;
  }

  /** Succeeds once the bytes are gone from {@code store} or recorded for a later retry. */
  Future<Void> discard(String store, String object) {
    if (!stores.has(store)) {
      return remember(store, object);
    }
    return stores.get(store).delete(object).recover(err -> {
      LOG.warn("deleting {} from image store {} failed ({}); will retry", object, store, err.getMessage());
      return remember(store, object);
    });
  }

  /** The bytes leave every enabled store (a delete of bytes a store never had succeeds). */
  Future<Void> discardEverywhere(String object) {
    List<Future<Void>> all = new ArrayList<>();
    stores.ids().forEach(id -> all.add(discard(id, object)));
    return Future.all(all).mapEmpty();
  }

  private Future<Void> remember(String store, String object) {
    return pool.preparedQuery("INSERT INTO garbage (store, object) VALUES ($1, $2) ON CONFLICT DO NOTHING")
      .execute(Tuple.of(store, object)).mapEmpty();
  }

  /**
   * Retries every remembered deletion, unless an image took the name again in that store in the
   * meantime, or bytes are moving for it right now ('' rows, from before stores were tracked:
   * every store).
   */
  Future<Integer> sweep() {
    return pool.query("SELECT store, object FROM garbage g WHERE NOT EXISTS (SELECT 1 FROM images i WHERE "
        + "i.id = g.object AND (i.status IN ('saving', 'uploading', 'importing') "
        + "OR i.status IN ('active', 'deactivated') AND (g.store = '' OR g.store = ANY(coalesce(i.stores, '{}')))))").execute()
      .compose(rows -> {
        Future<Integer> chain = Future.succeededFuture(0);
        for (var r : rows) {
          String store = r.getString("store");
          String object = r.getString("object");
          List<ImageStore> targets = store.isEmpty() ? List.copyOf(stores.all()) : stores.has(store) ? List.of(stores.get(store)) : List.of();
          if (targets.isEmpty()) {
            continue; // a store no longer enabled: kept until it is again
          }
          chain = chain.compose(n -> Future.all(targets.stream().map(s -> s.delete(object)).toList())
            .compose(v -> pool.preparedQuery("DELETE FROM garbage WHERE store = $1 AND object = $2").execute(Tuple.of(store, object)))
            .map(x -> n + 1)
            .otherwise(n));
        }
        return chain;
      });
  }
}
