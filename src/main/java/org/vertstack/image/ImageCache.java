package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.image.store.ImageStore;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Glance's image cache on this node: an admin queues an active image, its bytes are copied from
 * the store to {@code <state-dir>/image/cache}, and whole-image downloads on this node are then
 * served from there. Each node has its own cache (as each Glance API node does); the cache is
 * disposable and emptied at start. An active image's bytes never change, so a cached copy stays
 * right for as long as the image exists; downloads check the image first, so a deleted image's
 * copy is never served, and it goes when the image's deletion event arrives.
 */
public final class ImageCache {

  private static final Logger LOG = LoggerFactory.getLogger(ImageCache.class);

  /** One cached image, as GET /v2/cache lists it (times in seconds since the epoch). */
  private static final class Cached {
    final long size;
    final double modified;
    volatile double accessed;
    volatile long hits;

    Cached(long size) {
      this.size = size;
      this.modified = now();
      this.accessed = 0;
    }
  }

  private final Vertx vertx;
  private final String dir;
  private final Map<String, Cached> cached = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  private ImageCache(Vertx vertx, String dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  /** An empty cache in {@code dir} (whatever a previous run left there is removed). */
  static Future<ImageCache> open(Vertx vertx, String dir) {
    var fs = vertx.fileSystem();
    return fs.exists(dir)
      .compose(there -> there ? fs.deleteRecursive(dir) : Future.<Void>succeededFuture())
      .compose(v -> fs.mkdirs(dir))
      .map(v -> new ImageCache(vertx, dir));
  }

  JsonObject list() {
    JsonArray images = new JsonArray();
    cached.forEach((id, c) -> images.add(new JsonObject().put("image_id", id).put("hits", c.hits)
      .put("last_accessed", c.accessed).put("last_modified", c.modified).put("size", c.size)));
    return new JsonObject().put("cached_images", images).put("queued_images", new JsonArray(java.util.List.copyOf(queued)));
  }

  /** Queues an (active) image and copies its bytes from {@code store} in the background. */
  void queue(String id, long size, ImageStore store) {
    if (cached.containsKey(id) || !queued.add(id)) {
      return;
    }
    String part = path(id) + ".part";
    store.get(ImageData.objectName(id), 0, -1)
      .compose(bytes -> vertx.fileSystem().open(part, new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(file -> bytes.pipeTo(file)))
      .compose(v -> vertx.fileSystem().move(part, path(id), new io.vertx.core.file.CopyOptions().setReplaceExisting(true)))
      .onComplete(done -> {
        // removed from the queue meanwhile (delete, clear): the copy is not wanted
        if (done.succeeded() && queued.remove(id)) {
          cached.put(id, new Cached(size));
        } else {
          queued.remove(id);
          vertx.fileSystem().delete(done.succeeded() ? path(id) : part).otherwiseEmpty();
          if (done.failed()) {
            LOG.info("image {} not cached: {}", id, done.cause().getMessage());
          }
        }
      });
  }

  /** The cached bytes of an image, or null when they are not cached here. */
  Future<ReadStream<Buffer>> read(String id) {
    Cached c = cached.get(id);
    if (c == null) {
      return null;
    }
    c.hits++;
    c.accessed = now();
    return vertx.fileSystem().open(path(id), new OpenOptions().setRead(true)).map(f -> (ReadStream<Buffer>) f);
  }

  void remove(String id) {
    queued.remove(id);
    if (cached.remove(id) != null) {
      vertx.fileSystem().delete(path(id)).otherwiseEmpty();
    }
  }

  /** DELETE /v2/cache: {@code cache}, {@code queue} or {@code both}. */
  void clear(boolean cache, boolean queue) {
    if (queue) {
      queued.clear();
    }
    if (cache) {
      Set.copyOf(cached.keySet()).forEach(this::remove);
    }
  }

  private String path(String id) {
    return dir + "/" + id;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }
}
