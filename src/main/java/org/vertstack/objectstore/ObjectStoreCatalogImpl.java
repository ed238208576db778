package org.vertstack.objectstore;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.ObjectStorePolicy;
import org.vertstack.common.policy.Target;
import org.vertstack.objectstore.db.ContainerDb;
import org.vertstack.objectstore.db.ListQuery;

/** Serves {@link ObjectStoreCatalog} on the event bus from the account and container databases. */
final class ObjectStoreCatalogImpl implements ObjectStoreCatalog {

  private final ContainerDb db;

  ObjectStoreCatalogImpl(ContainerDb db) {
    this.db = db;
  }

  /** As a GET of the account: object_store:read_account. */
  private static Future<String> account(AuthContext caller, String projectId) {
    if (projectId == null || !ObjectStorePolicy.RULES.allowed(caller, "object_store:read_account", Target.project(projectId, null))) {
      return Future.failedFuture(Errors.forbidden("Forbidden"));
    }
    return Future.succeededFuture("AUTH_" + projectId);
  }

  @Override
  public Future<JsonObject> accountUsage(AuthContext caller, String projectId) {
    return account(caller, projectId).compose(db::account).map(a -> new JsonObject().put("project_id", projectId)
      .put("containers", a.getLong("containers")).put("objects", a.getLong("objects")).put("bytes", a.getLong("bytes")));
  }

  @Override
  public Future<JsonArray> listContainers(AuthContext caller, String projectId, String marker, int limit) {
    if (limit < 1 || limit > ListQuery.MAX_LIMIT) {
      return Future.failedFuture(Errors.badRequest("limit must be 1 to " + ListQuery.MAX_LIMIT));
    }
    return account(caller, projectId).compose(a -> db.listContainers(a, new ListQuery(limit, marker, null, null, null, false)));
  }
}
