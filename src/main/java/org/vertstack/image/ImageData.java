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
import org.vertstack.image.store.ImageStores;
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
  private final ImageStores stores;
  private final Garbage garbage;
  private final long maxImageBytes;
  private final String nodeId;
  private final ImageTasks tasks;
  private final GlanceDownload glanceDownload;
  private final ImageCache cache;
  private final StoreImports imports;

  /** The import methods this cloud offers (GET /v2/info/import), glance-direct first. */
  static final java.util.List<String> IMPORT_METHODS = java.util.List.of("glance-direct", GlanceDownload.METHOD, "copy-image");

  /**
   * {@code nodeId} prefixes this node's upload ids, so a restart rolls back only its own uploads;
   * {@code region} is the cloud's region, the one glance-download can download from.
   */
  ImageData(ImageService images, ImageStores stores, Garbage garbage, long maxImageBytes, String nodeId, String region,
            ImageCache cache) {
    this.cache = cache;
    this.nodeId = nodeId;
    this.images = images;
    this.stores = stores;
    this.garbage = garbage;
    this.maxImageBytes = maxImageBytes;
    this.tasks = new ImageTasks(images);
    this.imports = new StoreImports(images, stores, garbage, tasks, nodeId);
    this.glanceDownload = new GlanceDownload(images, this, imports, tasks, region);
  }

  ImageStores stores() {
    return stores;
  }

  /** Where an image's bytes live in the store (container "glance" is the store's business). */
  static String objectName(String imageId) {
    return imageId;
  }

  /** An upload into the default store. */
  public Future<JsonObject> upload(AuthContext auth, String id, ReadStream<Buffer> body, long contentLength, boolean stage) {
    return upload(auth, id, body, contentLength, stage, null);
  }

  /**
   * Streams an upload into a store: {@code storeId} (X-Image-Meta-Store), or the default store
   * when null. {@code stage}: glance-direct staging (status "uploading" until the import call,
   * the bytes in the default store) instead of a direct upload (status "active").
   */
  public Future<JsonObject> upload(AuthContext auth, String id, ReadStream<Buffer> body, long contentLength, boolean stage,
                                   String storeId) {
    if (storeId != null && !stores.has(storeId)) {
      return Future.failedFuture(Errors.badRequest("Store for identifier " + storeId + " not found; enabled stores: "
        + String.join(", ", stores.ids()) + "."));
    }
    ImageStore store = stage || storeId == null ? stores.defaultStore() : stores.get(storeId);
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
          .compose(x -> commit(id, uploadId, target, stage, up, store.id()))
          .recover(err -> images.quota().release(owner, ImageService.QUOTA_SIZE, reservedBytes[0])
            .transform(x -> Future.failedFuture(err))))
        .recover(err -> rollBack(id, uploadId, store.id(), err).transform(x -> Future.failedFuture(err)));
    });
  }

  /**
   * Marks the image as holding the bytes in {@code store} (or as staged there), unless it was
   * deleted or re-uploaded meanwhile.
   */
  private Future<JsonObject> commit(String id, String uploadId, String target, boolean stage, Upload up, String store) {
    return images.pool().preparedQuery("UPDATE images SET status = $3, size = $4, virtual_size = $5, checksum = $6, "
        + "os_hash_algo = 'sha512', os_hash_value = $7, staged = $8, upload_id = NULL, "
        + "stores = CASE WHEN $8 THEN '{}'::text[] ELSE ARRAY[$9] END, staging_store = CASE WHEN $8 THEN $9 END, "
        + "updated_at = date_trunc('second', now()) WHERE id = $1 AND upload_id = $2 RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.tuple().addString(id).addString(uploadId).addString(target).addLong(up.size)
        .addLong(up.verdict.virtualSize()).addString(up.md5()).addString(up.sha512()).addBoolean(stage).addString(store))
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
  private Future<Void> rollBack(String id, String uploadId, String store, Throwable err) {
    int code = err instanceof ReplyException re ? re.failureCode() : 0;
    boolean gone = code == 410;
    String status = code >= 500 ? "killed" : "queued";
    LOG.info("upload of image {} failed ({}): image back to {}", id, err.getMessage(), gone ? "(deleted)" : status);
    Future<Void> bytes = garbage.discard(store, objectName(id));
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
   * POST /v2/images/{id}/import: glance-direct (the staged bytes go to the stores asked for),
   * glance-download (see {@link GlanceDownload}) or copy-image (an active image's bytes go to
   * more stores). The stores come from {@code stores}, {@code all_stores} or the
   * X-Image-Meta-Store header ({@code headerStore}), else the default store. Each accepted import
   * is a task carrying {@code requestId}; the bytes move after the 202 (see {@link StoreImports}).
   */
  public Future<Void> importImage(AuthContext auth, String id, JsonObject body, String requestId, String headerStore) {
    Object method = body.getValue("method");
    Object name = method instanceof JsonObject m ? m.getValue("name") : null;
    // compose: a bad parameter thrown while checking the call becomes this future's failure
    return Future.succeededFuture().compose(v -> {
      StoreImports.Request req = StoreImports.Request.parse(body, headerStore, stores);
      if (GlanceDownload.METHOD.equals(name)) {
        return glanceDownload.start(auth, id, body, requestId, req);
      }
      if ("copy-image".equals(name)) {
        return imports.copyImage(auth, id, body, requestId, req);
      }
      if ("glance-direct".equals(name)) {
        return imports.glanceDirect(auth, id, body, requestId, req);
      }
      return Future.failedFuture(Errors.badRequest("Import method " + name + " is not supported; available: "
        + String.join(", ", IMPORT_METHODS) + "."));
    });
  }

  /**
   * DELETE /v2/stores/{store}/{id}: the image's bytes leave one store, as Glance allows: only
   * for an active image (409), never from its last store (403), 404 when the store does not
   * hold it, 409 for a store that is not enabled.
   */
  public Future<Void> deleteFromStore(AuthContext auth, String storeId, String id) {
    // the rule names no image fact (admins only): checked first, so nobody else learns which stores exist
    if (!ImageService.POLICY.allowed(auth, "delete_image_location", org.vertstack.common.policy.Target.none())) {
      return Future.failedFuture(Errors.forbidden("You are not authorized to remove image data from a store."));
    }
    if (!stores.has(storeId)) {
      return Future.failedFuture(Errors.conflict("The selected store " + storeId + " is not available on this node."));
    }
    return images.row(auth, id).compose(row -> {
      if (!ImageService.POLICY.allowed(auth, "get_image_location", ImageService.target(auth, row))
        || !ImageService.POLICY.allowed(auth, "delete_image_location", ImageService.target(auth, row))) {
        return Future.failedFuture(Errors.forbidden("You are not authorized to remove image data from a store."));
      }
      if (!"active".equals(row.getString("status"))) {
        return Future.failedFuture(Errors.conflict("It's not allowed to remove image data from store if image status is not 'active'"));
      }
      java.util.List<String> held = ImageJson.stores(row);
      if (held.size() <= 1) {
        return Future.failedFuture(Errors.forbidden("Cannot delete image data from the only store containing it. "
          + "Consider deleting the image instead."));
      }
      if (!held.contains(storeId)) {
        return Future.failedFuture(Errors.notFound("Image " + id + " is not stored in store " + storeId + "."));
      }
      return images.pool().preparedQuery("UPDATE images SET stores = array_remove(stores, $2), updated_at = date_trunc('second', now()) "
          + "WHERE id = $1 AND status = 'active' AND $2 = ANY(stores) AND cardinality(stores) > 1 RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.of(id, storeId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Errors.conflict("Image " + id + " changed meanwhile; its data stays in store " + storeId + "."));
          }
          images.publish(images.render(rows.iterator().next()), "updated");
          cache.remove(id);
          return garbage.discard(storeId, objectName(id));
        });
    });
  }

  /** The enabled stores holding an image's bytes, the default store first (all enabled stores if unknown). */
  java.util.List<ImageStore> holders(io.vertx.sqlclient.Row r) {
    java.util.List<String> held = ImageJson.stores(r);
    java.util.List<ImageStore> out = new java.util.ArrayList<>();
    if (held.contains(stores.defaultId())) {
      out.add(stores.defaultStore());
    }
    held.stream().filter(s -> !s.equals(stores.defaultId()) && stores.has(s)).forEach(s -> out.add(stores.get(s)));
    if (out.isEmpty() && r.getValue("stores") == null) {
      out.addAll(stores.all());
    }
    return out;
  }

  /** Opens an image's bytes from the first store that has them (the next one when a store fails). */
  Future<ReadStream<Buffer>> open(io.vertx.sqlclient.Row r, long start, long endInclusive) {
    java.util.List<ImageStore> from = holders(r);
    Future<ReadStream<Buffer>> bytes = Future.failedFuture(Errors.notFound("Image data not found in any store."));
    for (ImageStore s : from) {
      bytes = bytes.recover(err -> s.get(objectName(r.getString("id")), start, endInclusive));
    }
    return bytes;
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
      java.util.List<ImageStore> from = holders(r);
      if (from.isEmpty()) {
        return Future.failedFuture(Errors.conflict("Image " + id + " has no data in an enabled store."));
      }
      cache.queue(id, r.getLong("size"), from.get(0));
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
      Future<ReadStream<Buffer>> bytes = cached == null ? open(r, start, range == null ? -1 : end)
        : cached.recover(err -> open(r, 0, -1));
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
