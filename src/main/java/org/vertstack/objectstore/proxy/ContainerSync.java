package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.ObjectStoreRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Swift's container sync, within this cloud: a container with {@code X-Container-Sync-To:
 * //<realm>/<cluster>/AUTH_<project>/<container>} and {@code X-Container-Sync-Key} has its
 * objects copied to that container, when the target carries the same sync key (the target's
 * owner agreed). Each copy keeps the source's timestamp, so both listings agree and two
 * containers may sync to each other without copying back and forth; a newer version on the
 * target is left alone. Passes run every {@code objectstore.container-sync-interval-seconds},
 * one at a time in the cluster (a shared lock). Deletes are not carried over (yet).
 */
public final class ContainerSync {

  /** The one realm and cluster this cloud is, as /info lists them (Swift's container-sync-realms.conf). */
  static final String REALM = "vertstack";
  static final String CLUSTER = "local";
  static final String SYNC_TO = "x-container-sync-to";
  static final String SYNC_KEY = "x-container-sync-key";
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final SwiftApi api;
  private Future<JsonObject> running;

  /** Uses its own proxy instance: it copies the way the versioning copies, without HTTP. */
  public ContainerSync(Vertx vertx, JsonObject config, ObjectStoreRuntime runtime) {
    this.vertx = vertx;
    this.api = new SwiftApi(vertx, config, null, runtime);
  }

  /** 400 unless X-Container-Sync-To (when set) names a container of this cloud's realm and cluster. */
  static void validate(JsonObject meta) {
    String to = meta.getString(SYNC_TO);
    if (to != null && !to.isEmpty()) {
      target(to);
    }
  }

  /** The container a sync-to value names (account and container), or a 400. */
  static SwiftPath target(String to) {
    String[] parts = to.startsWith("//") ? to.substring(2).split("/", -1) : new String[0];
    if (parts.length != 4 || !REALM.equalsIgnoreCase(parts[0]) || !CLUSTER.equalsIgnoreCase(parts[1])
      || !parts[2].startsWith("AUTH_") || parts[2].length() <= 5 || parts[3].isEmpty()) {
      throw Errors.badRequest("Invalid X-Container-Sync-To format: use //" + REALM + "/" + CLUSTER + "/AUTH_<project>/<container>");
    }
    String account = SwiftPath.decode(parts[2]);
    return new SwiftPath(account, account.substring(5), SwiftPath.decode(parts[3]), null);
  }

  /** One pass (or the one under way): {copied, containers, refused, failed}. */
  public synchronized Future<JsonObject> runOnce() {
    if (running == null || running.isComplete()) {
      running = vertx.sharedData().getLockWithTimeout("vertstack.objectstore.container-sync", 1000)
        .compose(lock -> pass().andThen(x -> lock.release()));
    }
    return running;
  }

  private Future<JsonObject> pass() {
    JsonObject stats = new JsonObject().put("copied", 0L).put("containers", 0L).put("refused", 0L).put("failed", 0L);
    return api.db.syncedContainers().compose(list -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject c : list) {
        chain = chain.compose(v -> syncContainer(c, stats).recover(err -> {
          count(stats, "failed", 1);
          return Future.succeededFuture();
        }));
      }
      return chain.map(stats);
    });
  }

  private Future<Void> syncContainer(JsonObject source, JsonObject stats) {
    String account = source.getString("account");
    SwiftPath src = new SwiftPath(account, account.substring(5), source.getString("name"), null);
    JsonObject meta = source.getJsonObject("meta");
    String key = meta.getString(SYNC_KEY, "");
    SwiftPath dst = target(meta.getString(SYNC_TO));
    return api.db.container(dst.account(), dst.container()).compose(info -> {
      String theirs = info == null ? null : info.getJsonObject("meta").getString(SYNC_KEY, "");
      if (info == null || key.isEmpty() || !key.equals(theirs)) {
        count(stats, "refused", 1);
        return Future.succeededFuture();
      }
      count(stats, "containers", 1);
      return page(src, dst, "", stats);
    });
  }

  private Future<Void> page(SwiftPath src, SwiftPath dst, String after, JsonObject stats) {
    return api.db.objectTimestamps(src.account(), src.container(), after, BATCH).compose(mine -> {
      if (mine.isEmpty()) {
        return Future.succeededFuture();
      }
      List<String> names = new ArrayList<>(mine.keySet());
      return api.db.objectTimestamps(dst.account(), dst.container(), names).compose(theirs -> {
        Future<Void> chain = Future.succeededFuture();
        for (Map.Entry<String, String> e : mine.entrySet()) {
          String there = theirs.get(e.getKey());
          if (there != null && Long.parseLong(there) >= Long.parseLong(e.getValue())) {
            continue;
          }
          SwiftPath from = new SwiftPath(src.account(), src.projectId(), src.container(), e.getKey());
          SwiftPath to = new SwiftPath(dst.account(), dst.projectId(), dst.container(), e.getKey());
          chain = chain.compose(v -> api.objectService.copyInternal(from, to, true)
            .map(x -> count(stats, "copied", 1))
            .recover(err -> Future.succeededFuture(count(stats, "failed", 1))));
        }
        String last = names.get(names.size() - 1);
        return chain.compose(v -> mine.size() == BATCH ? page(src, dst, last, stats) : Future.succeededFuture());
      });
    });
  }

  private static Void count(JsonObject stats, String key, long n) {
    stats.put(key, stats.getLong(key) + n);
    return null;
  }
}
