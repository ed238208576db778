package org.vertstack.image;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.vertstack.common.http.ApiKit;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.module.NodeContext;
import org.vertstack.common.module.ServiceModule;
import org.vertstack.image.store.FileImageStore;
import org.vertstack.image.store.IdentityServiceAuth;
import org.vertstack.image.store.ImageStore;
import org.vertstack.image.store.ImageStores;
import org.vertstack.image.store.SwiftImageStore;

import java.util.List;
import java.util.Set;

/**
 * The image service (Glance v2) at /image; its bytes live in the enabled stores (the object
 * store's service account and local files), each image in one or more of them.
 * It starts after identity and the object store (its store authenticates as the glance user and
 * writes through the node's Swift API); its handle is the node's {@link Components}.
 */
public final class ImageModule implements ServiceModule<ImageModule.Components> {

  /**
   * The node's image components, built once by {@link ImageVerticle} and shared by every HTTP
   * verticle; {@code storeIds} are the enabled stores ("file", "swift"), {@code defaultStore} one of them.
   */
  public record Components(ImageService images, ImageData data, ImageStores stores, Garbage garbage, ImageSettings settings,
                           String nodeId, List<String> storeIds, String defaultStore, ImageCache cache) {

    /**
     * The data path for one HTTP verticle: its own store clients, created on that verticle's event
     * loop, so an upload's server request and its object-store PUT share one thread (with a
     * node-wide client, large uploads stalled now and then on a lost drain across event loops).
     */
    ImageData dataForThisEventLoop(Vertx vertx) {
      ImageStores local = newStores(vertx, settings, storeIds, defaultStore);
      return new ImageData(images, local, garbage, settings.maxImageBytes(), nodeId, settings.region(), cache);
    }
  }

  @Override
  public String name() {
    return "image";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller");
  }

  @Override
  public Set<String> requires() {
    return Set.of("identity", "objectstore");
  }

  @Override
  public Future<Components> start(NodeContext node) {
    // "auto": the object store too when this node serves one; files under the state dir always
    ImageSettings settings = ImageSettings.from(node.config());
    boolean objectStoreHere = node.serves("object-store");
    List<String> ids = settings.stores(objectStoreHere);
    String defaultStore = settings.defaultStore(objectStoreHere);
    if (!ids.contains(defaultStore)) {
      return Future.failedFuture(new IllegalArgumentException("image.store " + defaultStore + " is not among image.stores " + ids));
    }
    ImageVerticle verticle = new ImageVerticle(ids, defaultStore, node.ready());
    return node.vertx().deployVerticle(verticle, new DeploymentOptions().setConfig(node.config()))
      .map(id -> verticle.components());
  }

  static ImageStores newStores(Vertx vertx, ImageSettings settings, List<String> ids, String defaultStore) {
    return new ImageStores(ids.stream().map(id -> newStore(vertx, settings, id)).toList(), defaultStore);
  }

  static ImageStore newStore(Vertx vertx, ImageSettings settings, String kind) {
    if ("file".equals(kind)) {
      return new FileImageStore(vertx, settings.fileStoreDir());
    }
    var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60),
      new PoolOptions().setHttp1MaxSize(32));
    return new SwiftImageStore(client, settings.publicUrl(), settings.container(),
      new IdentityServiceAuth(vertx, "glance"));
  }

  @Override
  public void mount(Components c, ApiKit api) {
    api.mount("/image", ErrorFormat.PLAIN, ImageApi.router(api.vertx(), api.config(), api.verifier(), c.images(),
      c.dataForThisEventLoop(api.vertx())));
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("image", "glance", "/image"));
  }
}
