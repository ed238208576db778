package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.Modules;
import org.vertstack.common.module.ServiceModule;
import org.vertstack.image.store.FileImageStore;
import org.vertstack.image.store.IdentityServiceAuth;
import org.vertstack.image.store.ImageStore;
import org.vertstack.image.store.SwiftImageStore;

import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The image service (Glance v2) at /image; its bytes live in the object store's service account. */
public final class ImageModule implements ServiceModule {

  private static final Logger LOG = LoggerFactory.getLogger(ImageModule.class);

  /** The node's image components, built once in deploy and shared by every HTTP verticle. */
  record Components(ImageService images, ImageData data, ImageStore store, Garbage garbage, JsonObject config, String nodeId) {

    /**
     * The data path for one HTTP verticle: its own store client, created on that verticle's event
     * loop, so an upload's server request and its object-store PUT share one thread (with a
     * node-wide client, large uploads stalled now and then on a lost drain across event loops).
     */
    ImageData dataForThisEventLoop(Vertx vertx) {
      ImageStore local = newStore(vertx, config);
      return new ImageData(images, local, garbage, settings(config).getLong("max-image-bytes", 5L << 30), nodeId);
    }
  }

  private static final Map<Vertx, Components> NODES = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "image";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller");
  }

  static JsonObject settings(JsonObject config) {
    return config.getJsonObject("image", new JsonObject());
  }

  @Override
  public Future<?> deploy(Vertx vertx, JsonObject config) {
    JsonObject conf = settings(config);
    Path nodeIdFile = Path.of(config.getString("state-dir"), "image", "node-id");
    return Databases.migrate(vertx, config, name()).compose(v -> vertx.executeBlocking(() -> {
      // a stable id for this node's uploads (kept in its state dir across restarts)
      if (!Files.exists(nodeIdFile)) {
        Files.createDirectories(nodeIdFile.getParent());
        Files.writeString(nodeIdFile, UUID.randomUUID().toString());
      }
      return Files.readString(nodeIdFile).trim();
    })).compose(nodeId -> {
      Pool pool = Databases.pool(vertx, config, name());
      ImageStore store = newStore(vertx, config);
      Garbage garbage = new Garbage(pool, store);
      ImageService images = new ImageService(vertx, pool, new QuotaGate(vertx), garbage, store.id());
      ImageData data = new ImageData(images, store, garbage, conf.getLong("max-image-bytes", 5L << 30), nodeId);
      Components c = new Components(images, data, store, garbage, config, nodeId);
      NODES.put(vertx, c);
      new io.vertx.serviceproxy.ServiceBinder(vertx).setAddress(ImageCatalog.ADDRESS).register(ImageCatalog.class, new ImageCatalogImpl(images));
      // once per cluster at a time, whichever controller gets there first
      vertx.setPeriodic(60_000, 300_000, id -> org.vertstack.common.cluster.Singleton.run(vertx, "image.garbage-sweep", garbage::sweep)
        .onFailure(err -> LOG.warn("image garbage sweep: {}", err.getMessage())));
      vertx.setTimer(3_000, id -> org.vertstack.common.cluster.Singleton.run(vertx, "image.tiny-guest",
        () -> new TinyGuest(vertx, config, c).importOnce()));
      // uploads this node was serving when it stopped: their images go back to queued, their bytes away
      return pool.preparedQuery("UPDATE images SET status = 'queued', upload_id = NULL, updated_at = date_trunc('second', now()) "
          + "WHERE upload_id LIKE $1 AND status IN ('saving', 'uploading') RETURNING id").execute(Tuple.of(nodeId + "/%"))
        .onSuccess(rows -> rows.forEach(r -> garbage.discard(ImageData.objectName(r.getString("id")))))
        .mapEmpty();
    });
  }

  /** "auto": the object store when this node serves one, else files under the state dir. */
  static ImageStore newStore(Vertx vertx, JsonObject config) {
    JsonObject conf = settings(config);
    String kind = conf.getString("store", "auto");
    if ("auto".equals(kind)) {
      Set<String> roles = new HashSet<>();
      config.getJsonArray("roles").forEach(r -> roles.add(String.valueOf(r)));
      boolean objectStore = Modules.forRoles(roles).stream()
        .anyMatch(m -> m.catalog().stream().anyMatch(e -> "object-store".equals(e.type())));
      kind = objectStore ? "swift" : "file";
    }
    if ("file".equals(kind)) {
      return new FileImageStore(vertx, Path.of(config.getString("state-dir"), "images"));
    }
    var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60),
      new PoolOptions().setHttp1MaxSize(32));
    return new SwiftImageStore(client, config.getString("public-url"), conf.getString("container", "glance"),
      new IdentityServiceAuth(vertx, "glance"));
  }

  @Override
  public void mount(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier) {
    Components c = NODES.get(vertx);
    if (c == null) {
      throw new IllegalStateException("image module mounted before it was deployed");
    }
    root.route("/image*").subRouter(ImageApi.router(vertx, config, verifier, c.images(), c.dataForThisEventLoop(vertx),
      c.store().id()));
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("image", "glance", "/image"));
  }

  /** The components deployed on a Vert.x instance (tests and benchmarks drive the service directly). */
  public static ImageService service(Vertx vertx) {
    return NODES.get(vertx).images();
  }

  public static ImageStore store(Vertx vertx) {
    return NODES.get(vertx).store();
  }
}
