package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.image.store.ImageStores;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Imports into several stores (Glance's multi-store import): glance-direct moves the staged
 * bytes into the stores asked for, copy-image copies an active image's bytes to more stores.
 * The call answers once the import is accepted and its task recorded; the bytes then move one
 * store after another, each copy streamed from a store that has them into the next with
 * back-pressure, never held in memory. Progress shows in the image's properties as Glance sets
 * them: {@code os_glance_importing_to_stores} (stores still to do) and
 * {@code os_glance_failed_import} (stores that failed). With {@code all_stores_must_succeed}
 * (the default) one failed store undoes the import; without it the others go on.
 */
final class StoreImports {

  private static final Logger LOG = LoggerFactory.getLogger(StoreImports.class);
  static final String IMPORTING = "os_glance_importing_to_stores";
  static final String FAILED = "os_glance_failed_import";

  private final ImageService images;
  private final ImageStores stores;
  private final Garbage garbage;
  private final ImageTasks tasks;
  private final String nodeId;

  StoreImports(ImageService images, ImageStores stores, Garbage garbage, ImageTasks tasks, String nodeId) {
    this.images = images;
    this.stores = stores;
    this.garbage = garbage;
    this.tasks = tasks;
    this.nodeId = nodeId;
  }

  /** The stores an import asks for, checked as Glance checks them. */
  record Request(List<String> stores, boolean allStores, boolean mustSucceed) {

    static Request parse(JsonObject body, String headerStore, ImageStores enabled) {
      boolean all = flag(body, "all_stores", false);
      boolean mustSucceed = flag(body, "all_stores_must_succeed", true);
      Object named = body.getValue("stores");
      if (all && (named != null || headerStore != null)) {
        throw Errors.badRequest("All_stores parameter can't be used with x-image-meta-store header or stores parameter");
      }
      if (named != null && headerStore != null) {
        throw Errors.badRequest("Stores parameter and x-image-meta-store header can't be both specified");
      }
      List<String> ids = new ArrayList<>();
      if (all) {
        ids.addAll(enabled.ids());
      } else if (named != null) {
        if (!(named instanceof JsonArray list) || list.isEmpty()) {
          throw Errors.badRequest("'stores' must be a non-empty list of store identifiers.");
        }
        for (Object s : list) {
          if (!(s instanceof String id) || id.isEmpty()) {
            throw Errors.badRequest("'stores' must be a non-empty list of store identifiers.");
          }
          ids.add(id);
        }
      } else {
        ids.add(headerStore != null ? headerStore : enabled.defaultId());
      }
      ids.forEach(enabled::get); // an unknown store: 409, as Glance answers
      return new Request(List.copyOf(new LinkedHashSet<>(ids)), all, mustSucceed);
    }

    private static boolean flag(JsonObject body, String key, boolean dflt) {
      Object v = body.getValue(key);
      if (v == null) {
        return dflt;
      }
      if (!(v instanceof Boolean b)) {
        throw Errors.badRequest("'" + key + "' must be a boolean.");
      }
      return b;
    }
  }

  // ------------------------------------------------------------------ glance-direct

  /** glance-direct: the staged bytes go to the stores asked for; the image is "importing" meanwhile. */
  Future<Void> glanceDirect(AuthContext auth, String id, JsonObject body, String requestId, Request req) {
    return images.writableRow(auth, id, "import_image").compose(r -> {
      if (!"uploading".equals(r.getString("status")) || !r.getBoolean("staged")) {
        return Future.failedFuture(Errors.conflict("Image " + id + " has no staged data to import (status "
          + r.getString("status") + ")."));
      }
      String staging = r.getString("staging_store") != null ? r.getString("staging_store") : stores.defaultId();
      String uploadId = nodeId + "/" + UUID.randomUUID();
      return images.pool().preparedQuery("UPDATE images SET status = 'importing', upload_id = $2, properties = properties || $3, "
          + "updated_at = date_trunc('second', now()) WHERE id = $1 AND status = 'uploading' AND staged RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.tuple().addString(id).addString(uploadId).addValue(progress(req.stores(), List.of())))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Errors.conflict("Image " + id + " is no longer staged."))
          : Future.succeededFuture(rows.iterator().next()))
        .compose(row -> {
          images.publish(images.render(row), "importing");
          return tasks.begin(auth, id, requestId, body, req.stores());
        })
        .map(taskId -> {
          List<String> order = new ArrayList<>(req.stores());
          if (order.remove(staging)) {
            order.add(0, staging); // the store holding the staged bytes needs no copy: first
          }
          long size = r.getLong("size");
          replicate(id, size, staging, order, req.mustSucceed())
            .compose(failed -> failed.size() == order.size()
              ? Future.failedFuture(Errors.of(500, "The import failed in every store: " + failed + "."))
              : activate(id, uploadId, staging, order))
            .recover(err -> revertToQueued(id, uploadId, r.getString("owner"), size).transform(x -> Future.failedFuture(err)))
            .transform(done -> endTask(taskId, id, done.cause()));
          return null;
        });
    });
  }

  /** The import is done: active, the staged copy dropped unless its store was asked for. */
  private Future<Void> activate(String id, String uploadId, String staging, List<String> targets) {
    return images.pool().preparedQuery("UPDATE images SET status = 'active', staged = false, staging_store = NULL, upload_id = NULL, "
        + "updated_at = date_trunc('second', now()) WHERE id = $1 AND upload_id = $2 RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.of(id, uploadId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(Errors.of(410, "Image " + id + " was deleted during its import."));
        }
        images.publish(images.render(rows.iterator().next()), "active");
        return targets.contains(staging) ? Future.<Void>succeededFuture() : garbage.discard(staging, ImageData.objectName(id));
      });
  }

  /** A failed glance-direct import: as in Glance, the image is queued again, without data anywhere. */
  private Future<Void> revertToQueued(String id, String uploadId, String owner, long size) {
    LOG.info("import of image {} failed: image back to queued", id);
    return images.pool().preparedQuery("UPDATE images SET status = 'queued', staged = false, staging_store = NULL, stores = '{}', "
        + "upload_id = NULL, size = NULL, checksum = NULL, os_hash_algo = NULL, os_hash_value = NULL, virtual_size = NULL, "
        + "properties = properties || $3, updated_at = date_trunc('second', now()) WHERE id = $1 AND upload_id = $2 RETURNING "
        + ImageJson.COLUMNS)
      .execute(Tuple.tuple().addString(id).addString(uploadId).addValue(new JsonObject().put(IMPORTING, "")))
      .compose(rows -> {
        rows.forEach(row -> images.publish(images.render(row), "queued"));
        return Future.all(garbage.discardEverywhere(ImageData.objectName(id)),
          rows.size() == 0 ? Future.succeededFuture() : images.quota().release(owner, ImageService.QUOTA_SIZE, size));
      })
      .mapEmpty();
  }

  // ------------------------------------------------------------------ copy-image

  /**
   * copy-image (rule copy_image, admins): an active image's bytes go to more stores. With
   * {@code all_stores} the stores already holding it are left out (nothing left: the import ends
   * at once); naming a store that holds it is a 400.
   */
  Future<Void> copyImage(AuthContext auth, String id, JsonObject body, String requestId, Request req) {
    return images.row(auth, id).compose(r -> {
      if (!ImageService.POLICY.allowed(auth, "copy_image", ImageService.target(auth, r))) {
        return Future.failedFuture(Errors.forbidden("You are not authorized to copy image " + id + " to other stores."));
      }
      if (!"active".equals(r.getString("status"))) {
        return Future.failedFuture(Errors.conflict("Only images with status active can be targeted for copying (status "
          + r.getString("status") + ")."));
      }
      List<String> held = ImageJson.stores(r);
      List<String> targets = new ArrayList<>(req.stores());
      if (req.allStores()) {
        targets.removeAll(held);
      } else {
        for (String s : targets) {
          if (held.contains(s)) {
            return Future.failedFuture(Errors.badRequest("Image is already present at store '" + s + "'"));
          }
        }
      }
      if (held.isEmpty()) {
        return Future.failedFuture(Errors.conflict("Image " + id + " has no data in an enabled store to copy from."));
      }
      String from = held.contains(stores.defaultId()) ? stores.defaultId()
        : held.stream().filter(stores::has).findFirst().orElse(held.get(0));
      // one copy at a time (Glance's import lock): the running copy holds upload_id until it ends
      String lock = nodeId + "/" + UUID.randomUUID();
      return images.pool().preparedQuery("UPDATE images SET upload_id = $2, properties = properties || $3, "
          + "updated_at = date_trunc('second', now()) WHERE id = $1 AND status = 'active' AND upload_id IS NULL RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.tuple().addString(id).addString(lock).addValue(progress(targets, List.of())))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Errors.conflict("Image " + id + " is being copied already, or is no longer active."));
          }
          images.publish(images.render(rows.iterator().next()), "updated");
          return tasks.begin(auth, id, requestId, body, targets);
        })
        .map(taskId -> {
          replicate(id, r.getLong("size"), from, targets, req.mustSucceed())
            .eventually(() -> images.pool().preparedQuery("UPDATE images SET upload_id = NULL WHERE id = $1 AND upload_id = $2")
              .execute(Tuple.of(id, lock)))
            .transform(done -> endTask(taskId, id, done.cause()));
          return null;
        });
    });
  }

  // ------------------------------------------------------------------ copying

  /**
   * Copies image {@code id}'s bytes from store {@code from} to each of {@code targets} in turn
   * ({@code from} itself needs no copy), adding each store to the image's stores as its copy
   * completes. Ends with the stores that failed; with {@code mustSucceed}, the first failure
   * undoes this call's copies and fails the future.
   */
  Future<List<String>> replicate(String id, long size, String from, List<String> targets, boolean mustSucceed) {
    List<String> remaining = new ArrayList<>(targets);
    List<String> failed = new ArrayList<>();
    List<String> copied = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    String name = ImageData.objectName(id);
    for (String target : targets) {
      chain = chain.compose(v -> {
        Future<Void> bytes = target.equals(from) ? Future.succeededFuture()
          : stores.get(from).get(name, 0, -1).compose(stream -> stores.get(target).put(name, stream, size)
            .onFailure(err -> release(stream)));
        return bytes.transform(done -> {
          remaining.remove(target);
          if (done.succeeded()) {
            if (!target.equals(from)) {
              copied.add(target);
            }
            return recordStore(id, target, remaining, failed);
          }
          LOG.info("image {}: copy to store {} failed: {}", id, target, done.cause().getMessage());
          failed.add(target);
          if (mustSucceed) {
            remaining.clear();
            return undo(id, copied).compose(x -> setProgress(id, null, remaining, failed))
              .transform(x -> Future.failedFuture(done.cause()));
          }
          return setProgress(id, null, remaining, failed);
        });
      });
    }
    return chain.map(v -> failed);
  }

  /** A source a failed write may have left paused: read to its end and dropped, so its file or connection is let go. */
  private static void release(ReadStream<Buffer> stream) {
    try {
      stream.handler(b -> { });
      stream.exceptionHandler(e -> { });
      stream.resume();
    } catch (IllegalStateException ignored) {
      // already ended or closed
    }
  }

  /** One more store holds the bytes; 410 (and the copy dropped) when the image went meanwhile. */
  private Future<Void> recordStore(String id, String store, List<String> remaining, List<String> failed) {
    return images.pool().preparedQuery("UPDATE images SET stores = CASE WHEN $2 = ANY(coalesce(stores, '{}')) THEN stores "
        + "ELSE array_append(coalesce(stores, '{}'), $2) END, properties = properties || $3, "
        + "updated_at = date_trunc('second', now()) WHERE id = $1 RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.tuple().addString(id).addString(store).addValue(progress(remaining, failed)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return garbage.discard(store, ImageData.objectName(id))
            .transform(x -> Future.failedFuture(Errors.of(410, "Image " + id + " was deleted during its import.")));
        }
        images.publish(images.render(rows.iterator().next()), "updated");
        return Future.succeededFuture();
      });
  }

  /** The copies this import made leave their stores again. */
  private Future<Void> undo(String id, List<String> copied) {
    if (copied.isEmpty()) {
      return Future.succeededFuture();
    }
    return images.pool().preparedQuery("UPDATE images SET stores = ARRAY(SELECT s FROM unnest(stores) s WHERE NOT (s = ANY($2))), "
        + "updated_at = date_trunc('second', now()) WHERE id = $1")
      .execute(Tuple.tuple().addString(id).addArrayOfString(copied.toArray(new String[0])))
      .compose(x -> Future.all(copied.stream().map(s -> garbage.discard(s, ImageData.objectName(id))).toList()))
      .mapEmpty();
  }

  /** Writes the progress properties ({@code status}: only while the image has it; null: any). */
  private Future<Void> setProgress(String id, String status, List<String> remaining, List<String> failed) {
    return images.pool().preparedQuery("UPDATE images SET properties = properties || $2, updated_at = date_trunc('second', now()) "
        + "WHERE id = $1 AND ($3::text IS NULL OR status = $3) RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.tuple().addString(id).addValue(progress(remaining, failed)).addString(status))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(status == null ? Errors.of(410, "Image " + id + " was deleted during its import.")
            : Errors.conflict("Image " + id + " is no longer " + status + "."));
        }
        images.publish(images.render(rows.iterator().next()), "updated");
        return Future.succeededFuture();
      });
  }

  private static JsonObject progress(List<String> remaining, List<String> failed) {
    return new JsonObject().put(IMPORTING, String.join(",", remaining)).put(FAILED, String.join(",", failed));
  }

  private Future<Void> endTask(String taskId, String id, Throwable failure) {
    if (failure != null) {
      LOG.info("image {}: import failed: {}", id, failure.getMessage());
    }
    return tasks.end(taskId, id, failure).onFailure(err -> LOG.warn("image {}: import task not ended: {}", id, err.getMessage()));
  }
}
