package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The glance-download import method: an image is filled from an image of the Glance in a given
 * region, as the caller sees it there. This cloud has one region, so the only Glance it can
 * download from is its own: the source is read with the caller's rights (download_image) and its
 * bytes stream from the store through the usual upload path. Nothing is fetched from a URL the
 * caller gives. Like Glance, the call answers 202 at once; the task ends in "success" or
 * "failure", and after a failure the image is back to "queued" with its own properties.
 */
final class GlanceDownload {

  private static final Logger LOG = LoggerFactory.getLogger(GlanceDownload.class);
  static final String METHOD = "glance-download";
  private static final Pattern UUID_LIKE = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
  private static final Set<String> INTERFACES = Set.of("public", "internal", "admin");
  /** Glance's default [glance_download_properties] extra_properties: copied from the source image. */
  private static final List<String> COPIED = List.of("hw_*", "trait:*", "os_distro", "os_secure_boot", "os_type");

  private final ImageService images;
  private final ImageData data;
  private final StoreImports imports;
  private final ImageTasks tasks;
  private final String region;

  GlanceDownload(ImageService images, ImageData data, StoreImports imports, ImageTasks tasks, String region) {
    this.images = images;
    this.data = data;
    this.imports = imports;
    this.tasks = tasks;
    this.region = region;
  }

  /**
   * Checks the call and starts the import into the stores of {@code req}; the returned future
   * ends when the task is recorded, not when the copy is done.
   */
  Future<Void> start(AuthContext auth, String id, JsonObject body, String requestId, StoreImports.Request req) {
    JsonObject method = body.getJsonObject("method");
    String sourceId = text(method, "glance_image_id");
    String sourceRegion = text(method, "glance_region");
    String iface = text(method, "glance_service_interface");
    if (!UUID_LIKE.matcher(sourceId).matches()) {
      return Future.failedFuture(Errors.badRequest("Remote image id does not look like a UUID: " + sourceId));
    }
    return images.writableRow(auth, id, "import_image").compose(r -> {
      if (!"queued".equals(r.getString("status"))) {
        return Future.failedFuture(Errors.conflict("Image " + id + " must be queued to import with " + METHOD
          + " (status " + r.getString("status") + ")."));
      }
      return tasks.begin(auth, id, requestId, body, req.stores());
    }).map(taskId -> {
      copy(auth, id, sourceId, sourceRegion, iface, req)
        .transform(done -> {
          if (done.failed()) {
            LOG.info("image {}: {} from {} failed: {}", id, METHOD, sourceId, done.cause().getMessage());
          }
          return tasks.end(taskId, id, done.cause());
        })
        .onFailure(err -> LOG.warn("image {}: import task not ended: {}", id, err.getMessage()));
      return null;
    });
  }

  /**
   * The source's bytes go into the first store asked for through the usual upload path, then
   * to the other stores as copy-image copies them.
   */
  private Future<Void> copy(AuthContext auth, String id, String sourceId, String sourceRegion, String iface, StoreImports.Request req) {
    if (!region.equals(sourceRegion)) {
      return Future.failedFuture(Errors.badRequest("No image service in region " + sourceRegion + "."));
    }
    if (!INTERFACES.contains(iface)) {
      return Future.failedFuture(Errors.badRequest("No image service interface " + iface + "."));
    }
    return images.row(auth, sourceId, "download_image").compose(src -> {
      Long size = src.getLong("size");
      if (!"active".equals(src.getString("status")) || size == null) {
        return Future.failedFuture(Errors.conflict("Image " + sourceId + " is not active."));
      }
      String first = req.stores().get(0);
      return adoptMetadata(id, src)
        .compose(v -> data.open(src, 0, -1))
        .compose(bytes -> data.upload(auth, id, bytes, size, false, first))
        .compose(image -> imports.replicate(id, size, first, req.stores(), req.mustSucceed()))
        .mapEmpty();
    });
  }

  /** The source's formats and the properties Glance copies; only while the image is still queued. */
  private Future<Void> adoptMetadata(String id, Row src) {
    JsonObject props = new JsonObject();
    JsonObject all = src.getJsonObject("properties");
    if (all != null) {
      all.forEach(e -> {
        if (copied(e.getKey())) {
          props.put(e.getKey(), e.getValue());
        }
      });
    }
    return images.pool().preparedQuery("UPDATE images SET disk_format = $2, container_format = $3, properties = properties || $4, "
        + "updated_at = date_trunc('second', now()) WHERE id = $1 AND status = 'queued' RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.tuple().addString(id).addString(src.getString("disk_format")).addString(src.getString("container_format"))
        .addValue(props))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(Errors.conflict("Image " + id + " is no longer queued."));
        }
        images.publish(images.render(rows.iterator().next()), "updated");
        return Future.<Void>succeededFuture();
      });
  }

  static boolean copied(String key) {
    return COPIED.stream().anyMatch(p -> p.endsWith("*") ? key.startsWith(p.substring(0, p.length() - 1)) : key.equals(p));
  }

  private static String text(JsonObject method, String key) {
    Object v = method == null ? null : method.getValue(key);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw Errors.badRequest("Import method " + METHOD + " needs " + key + ".");
    }
    return s;
  }
}
