package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.ObjectStoreRuntime;

/**
 * Swift's object-expirer: deletes the objects whose X-Delete-At has passed, so they leave the
 * listings, the container counters and the quota as well as the disks. Until it runs, GET and
 * HEAD already answer 404 for them. Passes run one at a time in the whole cluster (a shared
 * lock), a batch of the longest-due objects at a time, one object after the other.
 */
public final class Expirer {

  private static final int BATCH = 200;

  private final Vertx vertx;
  private final ObjectService objects;
  private Future<JsonObject> running;

  /** Uses an object service of its own: it deletes the way a client's DELETE does, without HTTP. */
  public Expirer(Vertx vertx, JsonObject config, ObjectStoreRuntime runtime) {
    this.vertx = vertx;
    this.objects = ObjectService.create(vertx, config, runtime);
  }

  /** One pass (or the one under way): {expired, kept, failed}. */
  public synchronized Future<JsonObject> runOnce() {
    if (running == null || running.isComplete()) {
      running = vertx.sharedData().getLockWithTimeout("vertstack.objectstore.expirer", 1000)
        .compose(lock -> pass().andThen(x -> lock.release()));
    }
    return running;
  }

  private Future<JsonObject> pass() {
    JsonObject stats = new JsonObject().put("expired", 0L).put("kept", 0L).put("failed", 0L);
    return batch(stats).map(stats);
  }

  private Future<Void> batch(JsonObject stats) {
    long before = stats.getLong("expired") + stats.getLong("kept");
    return objects.db.expired(System.currentTimeMillis() / 1000, BATCH).compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject row : rows) {
        chain = chain.compose(v -> one(row, stats));
      }
      // another batch while this one made progress (rows that keep failing would come back first)
      return chain.compose(v -> rows.size() == BATCH && stats.getLong("expired") + stats.getLong("kept") > before
        ? batch(stats) : Future.succeededFuture());
    });
  }

  private Future<Void> one(JsonObject row, JsonObject stats) {
    String account = row.getString("account");
    SwiftPath path = new SwiftPath(account, account.substring("AUTH_".length()), row.getString("container"), row.getString("name"));
    return objects.expire(path, row.getLong("delete_at"))
      .map(deleted -> count(stats, deleted ? "expired" : "kept"))
      .recover(err -> Future.succeededFuture(count(stats, "failed")));
  }

  private static Void count(JsonObject stats, String key) {
    stats.put(key, stats.getLong(key) + 1);
    return null;
  }
}
