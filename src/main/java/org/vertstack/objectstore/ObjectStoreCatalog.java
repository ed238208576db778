package org.vertstack.objectstore;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * The object store's event-bus API for other services (telemetry meters storage, the dashboard's
 * overview shows it). Same policy as the Swift API on an account: its own project's token (any
 * role) or an admin's; anyone else gets a 403.
 */
@VertxGen
@ProxyGen
public interface ObjectStoreCatalog {

  String ADDRESS = "objectstore.service";

  /** A project's use, as HEAD on its account reports it: {project_id, containers, objects, bytes}. */
  Future<JsonObject> accountUsage(AuthContext caller, String projectId);

  /**
   * A project's containers as GET on its account lists them in JSON ({name, count, bytes,
   * last_modified}), from after {@code marker} (null for the start), at most {@code limit} (up to 10,000).
   */
  Future<JsonArray> listContainers(AuthContext caller, String projectId, String marker, int limit);

  static ObjectStoreCatalog createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, ObjectStoreCatalog.class, ADDRESS, options -> new ObjectStoreCatalogVertxEBProxy(vertx, ADDRESS, options));
  }
}
