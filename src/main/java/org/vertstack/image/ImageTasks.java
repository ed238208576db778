package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;

import java.util.UUID;

/**
 * The tasks of an image (Glance's api_image_import tasks): each import is recorded with its
 * outcome and the id of the request that asked for it. Every import runs after the 202, so its
 * task is written "processing" before the answer and ended later. A task expires like Glance's, 48 hours
 * after it ended.
 */
final class ImageTasks {

  static final String IMPORT = "api_image_import";

  private final ImageService images;

  ImageTasks(ImageService images) {
    this.images = images;
  }

  /** Records an import that goes on after the answer ("processing"); the future holds the task's id. */
  Future<String> begin(AuthContext auth, String imageId, String requestId, JsonObject importRequest, java.util.List<String> stores) {
    String taskId = UUID.randomUUID().toString();
    JsonObject input = new JsonObject().put("image_id", imageId).put("import_req", importRequest)
      .put("backend", new JsonArray(new java.util.ArrayList<Object>(stores)));
    return images.pool().preparedQuery("INSERT INTO image_tasks (id, image_id, type, status, owner, user_id, request_id, input, result, "
        + "message, expires_at) VALUES ($1, $2, $3, 'processing', $4, $5, $6, $7, NULL, '', NULL)")
      .execute(Tuple.tuple().addString(taskId).addString(imageId).addString(IMPORT).addString(auth.projectId())
        .addString(auth.userId()).addString(requestId).addValue(input))
      .map(rows -> taskId);
  }

  /** Ends a task from {@link #begin}: "success", or "failure" with the reason. */
  Future<Void> end(String taskId, String imageId, Throwable failure) {
    JsonObject result = failure == null ? new JsonObject().put("image_id", imageId) : null;
    String message = failure == null ? "" : String.valueOf(failure.getMessage());
    return images.pool().preparedQuery("UPDATE image_tasks SET status = $2, result = $3, message = $4, "
        + "updated_at = date_trunc('second', now()), expires_at = date_trunc('second', now()) + interval '48 hours' WHERE id = $1")
      .execute(Tuple.tuple().addString(taskId).addString(failure == null ? "success" : "failure").addValue(result).addString(message))
      .mapEmpty();
  }

  /** GET /v2/images/{id}/tasks: for whoever may see the image. */
  Future<JsonObject> list(AuthContext auth, String imageId) {
    return images.row(auth, imageId, "get_image_tasks")
      .compose(r -> images.pool().preparedQuery("SELECT * FROM image_tasks WHERE image_id = $1 ORDER BY created_at, id")
        .execute(Tuple.of(imageId)))
      .map(rows -> {
        JsonArray tasks = new JsonArray();
        rows.forEach(r -> tasks.add(render(r)));
        return new JsonObject().put("tasks", tasks);
      });
  }

  private static JsonObject render(Row r) {
    return new JsonObject()
      .put("id", r.getString("id"))
      .put("type", r.getString("type"))
      .put("status", r.getString("status"))
      .put("owner", r.getString("owner"))
      .put("user_id", r.getString("user_id"))
      .put("request_id", r.getString("request_id"))
      .put("image_id", r.getString("image_id"))
      .put("input", r.getValue("input"))
      .put("result", r.getValue("result"))
      .put("message", r.getString("message"))
      .put("created_at", ImageJson.time(r.getOffsetDateTime("created_at")))
      .put("updated_at", ImageJson.time(r.getOffsetDateTime("updated_at")))
      .put("expires_at", ImageJson.time(r.getOffsetDateTime("expires_at")))
      .put("deleted", false)
      .put("deleted_at", null);
  }
}
