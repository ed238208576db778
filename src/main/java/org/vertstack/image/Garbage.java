package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.image.store.ImageStore;

/**
 * Bytes that must leave the store (deleted images, failed uploads). Deleted right away when the
 * store answers; otherwise remembered in the {@code garbage} table and retried by {@link #sweep}.
 */
final class Garbage {

  private static final Logger LOG = LoggerFactory.getLogger(Garbage.class);

  private final Pool pool;
  private final ImageStore store;

  Garbage(Pool pool, ImageStore store) {
    this.pool = pool;
    this.store = store;
  }

  /** Succeeds once the bytes are gone or recorded for a later retry. */
  Future<Void> discard(String object) {
    return store.delete(object).recover(err -> {
      LOG.warn("deleting {} from the image store failed ({}); will retry", object, err.getMessage());
      return pool.preparedQuery("INSERT INTO garbage (object) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(object)).mapEmpty();
    });
  }

  /** Retries every remembered deletion; unless an image took the name again in the meantime. */
  Future<Integer> sweep() {
    return pool.query("SELECT object FROM garbage g WHERE NOT EXISTS (SELECT 1 FROM images i WHERE "
        + "i.id = g.object AND i.status IN ('active', 'deactivated', 'uploading', 'importing'))").execute()
      .compose(rows -> {
        Future<Integer> chain = Future.succeededFuture(0);
        for (var r : rows) {
          String object = r.getString("object");
          chain = chain.compose(n -> store.delete(object)
            .compose(v -> pool.preparedQuery("DELETE FROM garbage WHERE object = $1").execute(Tuple.of(object)))
            .map(x -> n + 1)
            .otherwise(n));
        }
        return chain;
      });
  }
}
