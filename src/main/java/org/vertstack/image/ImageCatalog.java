package org.vertstack.image;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * The image service's event-bus API for other services (compute looks up the image it boots,
 * the dashboard's overview and telemetry read usage). Same policy as the REST API: a caller sees
 * what its token may see, and an image it may not see is a 404.
 */
@VertxGen
@ProxyGen
public interface ImageCatalog {

  String ADDRESS = "image.service";

  /** One image as GET /v2/images/{id} shows it. */
  Future<JsonObject> getImage(AuthContext caller, String imageId);

  /** GET /v2/images with its query parameters given as a JSON object of strings. */
  Future<JsonObject> listImages(AuthContext caller, JsonObject query);

  /** The caller's project's image usage and limits, as GET /v2/info/usage. */
  Future<JsonObject> usage(AuthContext caller);

  static ImageCatalog createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, ImageCatalog.class, ADDRESS, options -> new ImageCatalogVertxEBProxy(vertx, ADDRESS, options));
  }
}
