package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

import java.util.function.Supplier;

/** Serves {@link ImageCatalog} on the event bus from the node's image service. */
final class ImageCatalogImpl implements ImageCatalog {

  private final ImageService images;

  ImageCatalogImpl(ImageService images) {
    this.images = images;
  }

  /** Policy checks throw; on the event bus they must come back as failed futures. */
  private static <T> Future<T> guarded(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<JsonObject> getImage(AuthContext caller, String imageId) {
    return guarded(() -> images.get(caller, imageId));
  }

  @Override
  public Future<JsonObject> listImages(AuthContext caller, JsonObject query) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    query.forEach(e -> params.add(e.getKey(), String.valueOf(e.getValue())));
    return guarded(() -> images.list(caller, params));
  }

  @Override
  public Future<JsonObject> usage(AuthContext caller) {
    return guarded(() -> images.usage(caller));
  }
}
