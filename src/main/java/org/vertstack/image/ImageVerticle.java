package org.vertstack.image;

import org.vertstack.common.quota.QuotaClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.cluster.Singleton;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.Services;
import org.vertstack.image.store.ImageStores;

import org.vertstack.common.events.ResourceEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The image service's back end on a node: migrates its schema, builds the components, serves
 * {@link ImageCatalog} on the event bus, sweeps garbage hourly-ish, puts back the uploads this node
 * was serving when it stopped, and, once the node is ready, imports the tiny guest.
 */
final class ImageVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ImageVerticle.class);

  private final List<String> storeIds;
  private final String defaultStore;
  private final Future<Void> nodeReady;
  private ImageModule.Components components;

  ImageVerticle(List<String> storeIds, String defaultStore, Future<Void> nodeReady) {
    this.storeIds = storeIds;
    this.defaultStore = defaultStore;
    this.nodeReady = nodeReady;
  }

  ImageModule.Components components() {
    return components;
  }

  @Override
  public Future<?> start() {
    JsonObject config = config();
    ImageSettings settings = ImageSettings.from(config);
    Path nodeIdFile = settings.nodeIdFile();
    return Databases.migrate(vertx, config, "image").compose(v -> vertx.executeBlocking(() -> {
      // a stable id for this node's uploads (kept in its state dir across restarts)
      if (!Files.exists(nodeIdFile)) {
        Files.createDirectories(nodeIdFile.getParent());
        Files.writeString(nodeIdFile, UUID.randomUUID().toString());
      }
      return Files.readString(nodeIdFile).trim();
    })).compose(nodeId -> ImageCache.open(vertx, settings.cacheDir().toString())
      .compose(cache -> {
      Pool pool = Databases.pool(vertx, config, "image");
      ImageStores stores = ImageModule.newStores(vertx, settings, storeIds, defaultStore);
      Garbage garbage = new Garbage(pool, stores);
      ImageService images = new ImageService(vertx, pool, new QuotaClient(vertx, ImageService.QUOTA_SERVICE), garbage, stores);
      ImageData data = new ImageData(images, stores, garbage, settings.maxImageBytes(), nodeId, settings.region(), cache);
      components = new ImageModule.Components(images, data, stores, garbage, settings, nodeId, storeIds, defaultStore, cache);
      // a deleted image's cached copy goes with it
      vertx.eventBus().<JsonObject>consumer(ResourceEvents.ADDRESS, m -> {
        JsonObject e = m.body();
        if (ImageService.EVENT_TYPE.equals(e.getString("resource_type")) && "deleted".equals(e.getString("action"))) {
          cache.remove(e.getString("resource_id"));
        }
      });
      // once per cluster at a time, whichever controller gets there first
      vertx.setPeriodic(60_000, 300_000, id -> Singleton.run(vertx, "image.garbage-sweep", garbage::sweep)
        .onFailure(err -> LOG.warn("image garbage sweep: {}", err.getMessage())));
      // the tiny guest goes in through the node's own APIs: only once the front door listens
      nodeReady.onSuccess(x -> Singleton.run(vertx, "image.tiny-guest", () -> new TinyGuest(vertx, components).importOnce()));
      // uploads and imports this node was serving when it stopped: their images go back to queued,
      // their bytes away; images written before stores were tracked are in the store the node had
      // then, which is the default store under the same settings
      return Services.register(vertx, ImageCatalog.ADDRESS, ImageCatalog.class, new ImageCatalogImpl(images))
        .compose(x -> pool.preparedQuery("UPDATE images SET stores = ARRAY[$1] WHERE stores IS NULL").execute(Tuple.of(defaultStore)))
        .compose(x -> pool.preparedQuery("UPDATE images SET status = 'queued', upload_id = NULL, staged = false, staging_store = NULL, "
            + "stores = '{}', size = NULL, checksum = NULL, os_hash_algo = NULL, os_hash_value = NULL, virtual_size = NULL, "
            + "properties = properties - '" + StoreImports.IMPORTING + "', updated_at = date_trunc('second', now()) "
            + "WHERE upload_id LIKE $1 AND status IN ('saving', 'uploading', 'importing') RETURNING id").execute(Tuple.of(nodeId + "/%")))
        .onSuccess(rows -> rows.forEach(r -> garbage.discardEverywhere(ImageData.objectName(r.getString("id")))))
        // copies this node was making: the image stays where it was; the copy is over
        .compose(x -> pool.preparedQuery("UPDATE images SET upload_id = NULL, properties = properties || $2 "
            + "WHERE upload_id LIKE $1 AND status IN ('active', 'deactivated')")
          .execute(Tuple.of(nodeId + "/%", new JsonObject().put(StoreImports.IMPORTING, ""))))
        .mapEmpty();
    }));
  }
}
