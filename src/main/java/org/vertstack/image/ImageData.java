package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.image.format.FormatInspector;
import org.vertstack.image.store.ImageStore;
import org.vertstack.image.store.TappedStream;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Image bytes: uploads (PUT file, glance-direct stage) stream from the client through the hashers
 * and the format inspector into the store; downloads stream from the store to the client. The
 * database only says "active" after the store has every byte and the checks passed.
 */
public final class ImageData {

  private static final Logger LOG = LoggerFactory.getLogger(ImageData.class);

  private final ImageService images;
  private final ImageStore store;
  private final Garbage garbage;
  private final long maxImageBytes;
  private final String nodeId;
  private final ImageTasks tasks;
  private final GlanceDownload glanceDownload;
  private final ImageCache cache;

  /** The import methods this cloud offers (GET /v2/info/import), glance-direct first. */
  static final java.util.List<String> IMPORT_METHODS = java.util.List.of("glance-direct", GlanceDownload.METHOD, "copy-image");

  /**
   * {@code nodeId} prefixes this node's upload ids, so a restart rolls back only its own uploads;
   * {@code region} is the cloud's region, the one glance-download can download from.
   */
  ImageData(ImageService images, ImageStore store, Garbage garbage, long maxImageBytes, String nodeId, String region,
            ImageCache cache) {
    this.cache = cache;
    this.nodeId = nodeId;
    this.images = images;
    this.store = store;
    this.garbage = garbage;
    this.maxImageBytes = maxImageBytes;
    this.tasks = new ImageTasks(images);
    this.glanceDownload = new GlanceDownload(images, this, store, tasks, region);
  }

  /** Where an image's bytes live in the store (container "glance" is the store's business). */
  static String objectName(String imageId) {
    return imageId;
  }

  /**
   * Streams an upload into the store. {@code stage}: glance-direct staging (status "uploading"
   * until the import call) instead of a direct upload (status "active").
   */
  public Future<JsonObject> upload(AuthContext auth, String id, ReadStream<Buffer> body, long contentLength, boolean stage) {
    String target = stage ? "uploading" : "active";
    String during = stage ? "uploading" : "saving";
    if (contentLength > maxImageBytes) {
      return Future.failedFuture(Errors.overQuota("Image exceeds the storage quota: " + contentLength + " bytes is more than "
        + maxImageBytes + "."));
    }
    String uploadId = nodeId + "/" + UUID.randomUUID();
    return images.writableRow(auth, id, "upload_image").compose(r -> {
      String status = r.getString("status");
      if (!"queued".equals(status)) {
        return Future.failedFuture(Errors.conflict("Image status transition from " + status + " to " + during + " is not allowed"));
      }
      if (r.getString("disk_format") == null || r.getString("container_format") == null) {
        return Future.failedFuture(Errors.badRequest("Properties disk_format, container_format must be set prior to saving data."));
      }
      return images.pool().preparedQuery("UPDATE images SET status = $3, upload_id = $2, updated_at = date_trunc('second', now()) "
          + "WHERE id = $1 AND status = 'queued' RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.of(id, uploadId, during))
        .compose(rows -> rows.size() == 0
          ? Future.failedFuture(Errors.conflict("Image status transition from " + status + " to " + during + " is not allowed"))
          : Future.succeededFuture(rows.iterator().next()));
    }).compose(r -> {
      images.publish(images.render(r), during);
      String owner = r.getString("owner");
      Upload up = new Upload(r.getString("disk_format"), contentLength, maxImageBytes);
      // reserve the announced size before a byte moves; a chunked upload is counted at its end
      long[] reservedBytes = {0};
      Future<Void> reserved = images.quota().reserve(owner, ImageService.QUOTA_SIZE, Math.max(contentLength, 0))
        .onSuccess(v -> reservedBytes[0] = Math.max(contentLength, 0));
      return reserved.compose(v -> store.put(objectName(id), up.wrap(body), contentLength)
          .compose(x -> contentLength >= 0 ? Future.<Void>succeededFuture()
            : images.quota().reserve(owner, ImageService.QUOTA_SIZE, up.size).onSuccess(y -> reservedBytes[0] = up.size))
          .compose(x -> commit(id, uploadId, target, stage, up))
          .recover(err -> images.quota().release(owner, ImageService.QUOTA_SIZE, reservedBytes[0])
            .transform(x -> Future.failedFuture(err))))
        .recover(err -> rollBack(id, uploadId, err).transform(x -> Future.failedFuture(err)));
    });
  }

  /** Marks the image as holding the bytes, unless it was deleted or re-uploaded meanwhile. */
  private Future<JsonObject> commit(String id, String uploadId, String target, boolean stage, Upload up) {
    return images.pool().preparedQuery("UPDATE images SET status = $3, size = $4, virtual_size = $5, checksum = $6, "
        + "os_hash_algo = 'sha512', os_hash_value = $7, staged = $8, upload_id = NULL, updated_at = date_trunc('second', now()) "
        + "WHERE id = $1 AND upload_id = $2 RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.tuple().addString(id).addString(uploadId).addString(target).addLong(up.size)
        .addLong(up.verdict.virtualSize()).addString(up.md5()).addString(up.sha512()).addBoolean(stage))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(Errors.of(410, "Image " + id + " could not be found after upload. "
            + "The image may have been deleted during the upload."));
        }
        JsonObject image = images.render(rows.iterator().next());
        images.publish(image, target);
        return Future.succeededFuture(image);
      });
  }

  /**
   * After a failed upload: the partial bytes go, and the image goes back to "queued" (the client
   * may retry) or to "killed" when the store itself failed.
   */
  private Future<Void> rollBack(String id, String uploadId, Throwable err) {
    int code = err instanceof ReplyException re ? re.failureCode() : 0;
    boolean gone = code == 410;
    String status = code >= 500 ? "killed" : "queued";
    LOG.info("upload of image {} failed ({}): image back to {}", id, err.getMessage(), gone ? "(deleted)" : status);
    Future<Void> bytes = garbage.discard(objectName(id));
    if (gone) {
      return bytes;
    }
    return bytes.compose(v -> images.pool().preparedQuery("UPDATE images SET status = $3, upload_id = NULL, size = NULL, "
          + "checksum = NULL, os_hash_algo = NULL, os_hash_value = NULL, virtual_size = NULL, "
          + "updated_at = date_trunc('second', now()) WHERE id = $1 AND upload_id = $2 RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.of(id, uploadId, status)))
      .onSuccess(rows -> rows.forEach(r -> images.publish(images.render(r), status)))
      .mapEmpty();
  }

  /** The import tasks of images (one per accepted import). */
  ImageTasks tasks() {
    return tasks;
  }

  /**
   * glance-direct: the staged bytes become the image's. An accepted import is recorded as a task
   * carrying {@code requestId}, the id of the request that asked for it. glance-download: see
   * {@link GlanceDownload}.
   */
  public Future<Void> importImage(AuthContext auth, String id, JsonObject body, String requestId) {
    Object method = body.getValue("method");
    Object name = method instanceof JsonObject m ? m.getValue("name") : null;
    if (GlanceDownload.METHOD.equals(name)) {
      // compose: a bad parameter thrown while checking the call becomes this future's failure
      return Future.succeededFuture().compose(v -> glanceDownload.start(auth, id, body, requestId));
    }
    if ("copy-image".equals(name)) {
      return Future.succeededFuture().compose(v -> copyToStores(auth, id, body, requestId));
    }
    if (!"glance-direct".equals(name)) {
      return Future.failedFuture(Errors.badRequest("Import method " + name + " is not supported; available: "
        + String.join(", ", IMPORT_METHODS) + "."));
    }
    return images.writableRow(auth, id, "import_image").compose(r -> {
      if (!"uploading".equals(r.getString("status")) || !r.getBoolean("staged")) {
        return Future.failedFuture(Errors.conflict("Image " + id + " has no staged data to import (status "
          + r.getString("status") + ")."));
      }
      return images.pool().preparedQuery("UPDATE images SET status = 'active', staged = false, updated_at = date_trunc('second', now()) "
          + "WHERE id = $1 AND status = 'uploading' AND staged RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.of(id))
        .onSuccess(rows -> rows.forEach(x -> images.publish(images.render(x), "active")))
        .<Void>mapEmpty()
        .transform(done -> tasks.recordImport(auth, id, requestId, body, store.id(), done.cause())
          .onFailure(err -> LOG.warn("image {}: import task not recorded: {}", id, err.getMessage()))
          .transform(x -> done.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(done.cause())));
    });
  }

  /**
   * copy-image (an admin's call): copies an active image's bytes to the stores it is not in yet,
   * named in {@code stores} or all of them ({@code all_stores}). A node has one image store, which
   * holds every active image, so there is never anything to copy: the import ends at once, as
   * Glance's does when the image is already in every store asked for, with
   * {@code os_glance_importing_to_stores} and {@code os_glance_failed_import} empty.
   */
  private Future<Void> copyToStores(AuthContext auth, String id, JsonObject body, String requestId) {
    java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
    Object stores = body.getValue("stores");
    if (stores instanceof io.vertx.core.json.JsonArray list) {
      list.forEach(s -> wanted.add(String.valueOf(s)));
    } else if (stores != null || !Boolean.TRUE.equals(body.getValue("all_stores"))) {
      return Future.failedFuture(Errors.badRequest("Import method copy-image needs a list of stores or all_stores: true."));
    } else {
      wanted.add(store.id());
    }
    if (wanted.isEmpty() || !wanted.stream().allMatch(store.id()::equals)) {
      return Future.failedFuture(Errors.badRequest("Unknown store among " + wanted + "; available: " + store.id() + "."));
    }
    return images.row(auth, id).compose(r -> {
      if (!ImageService.POLICY.allowed(auth, "copy_image", ImageService.target(auth, r))) {
        return Future.failedFuture(Errors.forbidden("You are not authorized to copy image " + id + " to other stores."));
      }
      if (!"active".equals(r.getString("status"))) {
        return Future.failedFuture(Errors.conflict("Image " + id + " must be active to be copied (status " + r.getString("status") + ")."));
      }
      JsonObject progress = new JsonObject().put("os_glance_importing_to_stores", "").put("os_glance_failed_import", "");
      return images.pool().preparedQuery("UPDATE images SET properties = properties || $2, updated_at = date_trunc('second', now()) "
          + "WHERE id = $1 AND status = 'active' RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.tuple().addString(id).addValue(progress))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Errors.conflict("Image " + id + " is no longer active."))
          : Future.succeededFuture(rows.iterator().next()))
        .compose(row -> {
          images.publish(images.render(row), "updated");
          return tasks.recordImport(auth, id, requestId, body, store.id(), null)
            .onFailure(err -> LOG.warn("image {}: copy task not recorded: {}", id, err.getMessage()))
            .otherwiseEmpty();
        });
    });
  }

  // ------------------------------------------------------------------ cache (admins)

  /** GET /v2/cache: this node's cached and queued images. */
  public Future<JsonObject> cacheList(AuthContext auth) {
    ImageService.POLICY.check(auth, "cache_list", org.vertstack.common.policy.Target.none());
    return Future.succeededFuture(cache.list());
  }

  /** PUT /v2/cache/{id}: queues an active image for caching on this node. */
  public Future<Void> cacheQueue(AuthContext auth, String id) {
    ImageService.POLICY.check(auth, "cache_image", org.vertstack.common.policy.Target.none());
    return images.row(auth, id).compose(r -> {
      if (!"active".equals(r.getString("status")) || r.getLong("size") == null) {
        return Future.failedFuture(Errors.badRequest("Image " + id + " is not active (status " + r.getString("status")
          + "): only active images can be cached."));
      }
      cache.queue(id, r.getLong("size"), store);
      return Future.<Void>succeededFuture();
    });
  }

  /** DELETE /v2/cache/{id}: the image leaves this node's cache and queue. */
  public Future<Void> cacheDelete(AuthContext auth, String id) {
    ImageService.POLICY.check(auth, "cache_delete", org.vertstack.common.policy.Target.none());
    cache.remove(id);
    return Future.succeededFuture();
  }

  /** DELETE /v2/cache: header x-image-cache-clear-target = cache, queue or both (the default). */
  public Future<Void> cacheClear(AuthContext auth, String target) {
    ImageService.POLICY.check(auth, "cache_delete", org.vertstack.common.policy.Target.none());
    String t = target == null || target.isEmpty() ? "both" : target;
    if (!java.util.Set.of("cache", "queue", "both").contains(t)) {
      return Future.failedFuture(Errors.badRequest("x-image-cache-clear-target must be cache, queue or both, not " + target + "."));
    }
    cache.clear(!"queue".equals(t), !"cache".equals(t));
    return Future.succeededFuture();
  }

  // ------------------------------------------------------------------ download

  public Future<Void> download(AuthContext auth, String id, HttpServerRequest req, HttpServerResponse resp) {
    return images.row(auth, id, "download_image").compose(r -> {
      String status = r.getString("status");
      if ("deactivated".equals(status) && !ImageService.POLICY.allowed(auth, "download_deactivated_image", ImageService.target(auth, r))) {
        return Future.failedFuture(Errors.forbidden("The requested image has been deactivated. Image data download is forbidden."));
      }
      if (!"active".equals(status) && !"deactivated".equals(status) || r.getLong("size") == null) {
        resp.setStatusCode(204).end();
        return Future.succeededFuture();
      }
      long size = r.getLong("size");
      long[] range = range(req.getHeader("Range"), size);
      if (range != null && range.length == 0) {
        resp.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).putHeader("Content-Type", "text/plain").end();
        return Future.succeededFuture();
      }
      long start = range == null ? 0 : range[0];
      long end = range == null ? size - 1 : range[1];
      if (size == 0) {
        resp.putHeader("Content-Type", "application/octet-stream").putHeader("Content-MD5", r.getString("checksum")).end();
        return Future.succeededFuture();
      }
      // a whole image this node has cached comes from the cache
      Future<ReadStream<Buffer>> cached = range == null ? cache.read(id) : null;
      Future<ReadStream<Buffer>> bytes = cached == null ? store.get(objectName(id), start, range == null ? -1 : end)
        : cached.recover(err -> store.get(objectName(id), 0, -1));
      return bytes.compose(stream -> {
        resp.putHeader("Content-Type", "application/octet-stream")
          .putHeader("Content-Length", Long.toString(end - start + 1));
        if (range == null) {
          resp.putHeader("Content-MD5", r.getString("checksum"));
        } else {
          resp.setStatusCode(206).putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        return stream.pipe().endOnFailure(false).to(resp).recover(err -> {
          // headers are out: the only honest signal left is to cut the connection
          resp.reset();
          return Future.failedFuture(err);
        });
      });
    });
  }

  /** null: whole file; {}: unsatisfiable; {start, end}: one byte range (several ranges: the whole file). */
  static long[] range(String header, long size) {
    java.util.List<org.vertstack.common.http.ByteRanges.Range> ranges = org.vertstack.common.http.ByteRanges.parse(header, size);
    if (ranges == null || ranges.size() > 1 || (header != null && header.contains(","))) {
      return null;
    }
    if (ranges.isEmpty()) {
      return new long[0];
    }
    return new long[] {ranges.get(0).first(), ranges.get(0).last()};
  }

  /** The per-upload state the tap updates: size, hashes, the inspector. */
  private static final class Upload {
    private final MessageDigest md5;
    private final MessageDigest sha512;
    private final FormatInspector inspector;
    private final long announced;
    private final long max;
    long size;
    FormatInspector.Verdict verdict;

    Upload(String diskFormat, long announced, long max) {
      try {
        this.md5 = MessageDigest.getInstance("MD5");
        this.sha512 = MessageDigest.getInstance("SHA-512");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      this.inspector = new FormatInspector(diskFormat);
      this.announced = announced;
      this.max = max;
    }

    ReadStream<Buffer> wrap(ReadStream<Buffer> body) {
      return new TappedStream(body, this::take).beforeEnd(this::end);
    }

    private void take(Buffer b) {
      size += b.length();
      if (size > max || (announced >= 0 && size > announced)) {
        throw Errors.overQuota("Image exceeds the storage quota or its announced size.");
      }
      inspector.feed(b);
      // hash the bytes in place: no copy of the upload
      io.netty.buffer.ByteBuf nb = ((io.vertx.core.internal.buffer.BufferInternal) b).getByteBuf();
      md5.update(nb.nioBuffer());
      sha512.update(nb.nioBuffer());
    }

    private void end() {
      if (announced >= 0 && size != announced) {
        throw Errors.badRequest("Upload ended after " + size + " of " + announced + " bytes.");
      }
      verdict = inspector.finish();
    }

    String md5() {
      return HexFormat.of().formatHex(md5.digest());
    }

    String sha512() {
      return HexFormat.of().formatHex(sha512.digest());
    }
  }

}
