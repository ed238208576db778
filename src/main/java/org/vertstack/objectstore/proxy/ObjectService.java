package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.vertstack.common.db.Databases;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;
import org.vertstack.objectstore.ObjectStoreModule;
import org.vertstack.objectstore.ObjectStoreRuntime;
import org.vertstack.objectstore.ObjectStoreSettings;
import org.vertstack.objectstore.db.ContainerDb;
import org.vertstack.objectstore.db.ListQuery;
import org.vertstack.objectstore.storage.ObjectClient;
import org.vertstack.objectstore.storage.Timestamps;
import org.vertstack.objectstore.storage.Wire;

import java.util.function.UnaryOperator;

/**
 * Object operations with no web types: access checks, quota-metered writes to a quorum with
 * versioning and listings, copies, metadata updates, deletes and the expirer's deletes. The
 * HTTP side ({@link ObjectHandler}), the bulk operations, form posts, container sync and the
 * expirer all go through it. Bodies stream with back-pressure; nothing large is held whole.
 */
final class ObjectService {

  private static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

  final Vertx vertx;
  final ContainerDb db;
  final ObjectClient objects;
  final ObjectStoreSettings settings;
  final ContainerLookup containers;
  final MetaQuotas metaQuotas;
  private final Quotas quotas;

  private ObjectService(Vertx vertx, ContainerDb db, ObjectClient objects, ObjectStoreSettings settings,
                        ContainerLookup containers, MetaQuotas metaQuotas) {
    this.vertx = vertx;
    this.db = db;
    this.objects = objects;
    this.settings = settings;
    this.containers = containers;
    this.metaQuotas = metaQuotas;
    this.quotas = new Quotas(vertx);
  }

  /** An instance with its own HTTP client to the object servers and its own database pool. */
  static ObjectService create(Vertx vertx, JsonObject config, ObjectStoreRuntime runtime) {
    ObjectStoreSettings settings = ObjectStoreSettings.from(config);
    ContainerDb db = new ContainerDb(Databases.pool(vertx, config, ObjectStoreModule.NAME));
    ObjectClient objects = new ObjectClient(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
      .setReceiveBufferSize(1024 * 1024).setSendBufferSize(1024 * 1024)
      .setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(64 * 1024),
      new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1)), runtime::ring,
      runtime::local, vertx.createSharedWorkerExecutor("objectstore-disk", settings.diskThreads()));
    return new ObjectService(vertx, db, objects, settings, new ContainerLookup(db, runtime.containers()),
      new MetaQuotas(db, runtime.accountQuotas()));
  }

  // ---- access

  /**
   * Checks access to an object of {@code path}'s container as a direct request would have it:
   * the account's project with a read or write role, a container ACL, or a TempURL whose key
   * scope reaches it (the TempURL itself was checked against the request's path and method).
   * Returns the container info (null only when the owner asks about a missing one).
   */
  Future<JsonObject> authorize(SwiftPath path, Caller caller, boolean write, boolean needContainer) {
    String rule = write ? "object_store:write_object" : "object_store:read_object";
    boolean signed = caller.isTempUrl() && caller.tempUrl().reaches(path);
    // the owners and a TempURL need no container lookup; an ACL does
    boolean direct = caller.may(rule, Target.project(path.projectId(), null).flag("temp_url", signed));
    if (direct && !needContainer) {
      return Future.succeededFuture(null);
    }
    return containers.info(path.account(), path.container()).compose(info -> {
      if (!direct) {
        String acl = info == null ? null : info.getJsonObject("meta").getString(write ? "x-container-write" : "x-container-read");
        boolean granted = write ? caller.allowedToWrite(acl) : caller.allowedBy(acl, false);
        if (!caller.may(rule, Target.project(path.projectId(), null).flag(write ? "write_acl" : "read_acl", granted))) {
          return Future.failedFuture(caller.denied());
        }
      }
      if (needContainer && info == null) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      return Future.succeededFuture(info);
    });
  }

  String hash(SwiftPath p) {
    return objects.ring().hash(p.account(), p.container(), p.object());
  }

  static boolean expired(JsonObject meta) {
    Long at = meta.getLong("delete_at");
    return at != null && at <= System.currentTimeMillis() / 1000;
  }

  // ---- writes

  /** Stores a body under path: {etag, size, ts}. */
  Future<JsonObject> store(SwiftPath path, JsonObject containerInfo, Upload body, JsonObject meta, String etag) {
    return store(path, containerInfo, body, meta, etag, Timestamps.next());
  }

  /**
   * As above, the new version timestamped {@code ts} (container sync keeps the source's): quota,
   * versioning of the old copy, quorum write, listing, event.
   */
  Future<JsonObject> store(SwiftPath path, JsonObject containerInfo, Upload upload, JsonObject meta, String etag, String ts) {
    String hash = hash(path);
    long length = upload.length();
    ReadStream<Buffer> body = upload.stream();
    long[] reserved = {Math.max(0, length), 0, 0}; // bytes, objects, whether the reservation was made
    // a body of known length reserves its bytes up front; one of unknown length as it streams
    Future<ReadStream<Buffer>> metered = metaQuotas.check(path, containerInfo, length)
      .compose(v -> length >= 0 ? Future.succeededFuture(body) : quotas.meter(path.projectId(), body));
    return metered.compose(source -> quotas.reserve(path.projectId(), reserved[0],
        () -> db.objectExists(path.account(), path.container(), path.object()))
      .compose(n -> {
        reserved[1] = n;
        reserved[2] = 1;
        return Versioning.beforeOverwrite(this, path, containerInfo);
      })
      .compose(v -> {
        upload.ready();
        Future<Buffer> whole = length >= 0 && length <= ObjectClient.SMALL_BODY ? upload.whole() : null;
        if (whole != null) {
          return whole.compose(b -> objects.putSmall(hash, b, meta, etag, ts));
        }
        return objects.put(hash, source, length, meta, etag, ts).andThen(x -> {
          if (source instanceof MeteredBody m) {
            reserved[0] = m.reserved();
          }
        });
      })
      .recover(err -> {
        if (source instanceof MeteredBody m) {
          reserved[0] = m.reserved();
        }
        if (reserved[2] == 0) {
          return Future.failedFuture(err);
        }
        // the write failed (over quota while streaming, client gone): nothing was committed
        return quotas.release(path.projectId(), reserved[0], reserved[1]).transform(x -> Future.failedFuture(err));
      }))
      .compose(result -> {
        long reserveBytes = reserved[0];
        long reservedObjects = reserved[1];
        if (result.status() != 201) {
          return quotas.release(path.projectId(), reserveBytes, reservedObjects).transform(x -> Future.failedFuture(
            result.status() == 422 ? Errors.of(422, "Unprocessable Entity") : Errors.of(503, "Service Unavailable")));
        }
        String ctype = meta.getString("content_type");
        boolean slo = meta.getBoolean("slo", false);
        long listedSize = slo ? meta.getLong("slo_size") : result.size();
        String listedEtag = slo ? meta.getString("slo_etag") : result.etag();
        return db.putObject(path.account(), path.container(), path.object(), listedSize, listedEtag, ctype, ts, meta.getLong("delete_at"))
          .compose(rec -> {
            Long old = rec.getLong("old_size");
            // settle: what was reserved before the write against what the write really changed
            long fixBytes = reserveBytes - result.size() + (old == null ? 0 : old);
            long fixObjects = reservedObjects - (old == null ? 1 : 0);
            return quotas.settle(path.projectId(), fixBytes, fixObjects).map(x -> rec);
          })
          .map(rec -> {
            ResourceEvents.publish(vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(),
              rec.getLong("old_size") == null ? "created" : "updated",
              new JsonObject().put("name", path.object()).put("container", path.container()).put("bytes", result.size())
                .put("hash", result.etag()).put("content_type", ctype));
            return new JsonObject().put("etag", result.etag()).put("size", result.size()).put("ts", ts);
          });
      });
  }

  /** A copy's source metadata, the copy's metadata, and what was stored ({etag, size, ts}). */
  record Copied(JsonObject sourceMeta, JsonObject meta, JsonObject stored) {
  }

  /**
   * Copies src to dst as two direct requests of the caller would: each account's owner, or a
   * container ACL. A TempURL copies nothing (its signature covers one object and one method).
   * {@code metaOfCopy} makes the copy's metadata from the source's, once the source is found.
   */
  Future<Copied> copy(SwiftPath src, SwiftPath dst, Caller caller, UnaryOperator<JsonObject> metaOfCopy) {
    if (caller.isTempUrl()) {
      return Future.failedFuture(Errors.unauthorized("Unauthorized"));
    }
    return authorize(src, caller, false, false)
      .compose(x -> authorize(dst, caller, true, true))
      .compose(dstInfo -> objects.get(hash(src), -1, -1, false).compose(f -> {
        if (f.status() != 200 || expired(f.meta())) {
          if (f.body() != null) {
            discard(f.body());
          }
          return Future.failedFuture(Errors.notFound("Not Found"));
        }
        JsonObject meta = f.meta().copy();
        JsonObject next = metaOfCopy.apply(meta);
        return store(dst, dstInfo, Upload.of(f.body(), meta.getLong("size")), next, meta.getString("etag"))
          .map(stored -> new Copied(meta, next, stored));
      }));
  }

  /** Server-side copy of an object's current bytes to another name (versioning). */
  Future<Void> copyInternal(SwiftPath src, SwiftPath dst) {
    return copyInternal(src, dst, false);
  }

  /** As above; with {@code keepTimestamp} the copy has the source's timestamp (container sync). */
  Future<Void> copyInternal(SwiftPath src, SwiftPath dst, boolean keepTimestamp) {
    return objects.get(hash(src), -1, -1, false).compose(f -> {
      if (f.status() == 200 && expired(f.meta())) {
        discard(f.body());
        return Future.succeededFuture();
      }
      if (f.status() != 200) {
        return Future.succeededFuture();
      }
      JsonObject meta = f.meta().copy().put("name", dst.fullName());
      meta.remove("ts");
      meta.remove("data_ts");
      meta.remove("deleted");
      meta.remove("size");
      String etag = (String) meta.remove("etag");
      String ts = keepTimestamp ? f.meta().getString("ts") : Timestamps.next();
      return store(dst, null, Upload.of(f.body(), f.meta().getLong("size")), meta, etag, ts).mapEmpty();
    });
  }

  /** Replaces an object's metadata (a POST): fails 404 when it is missing, 503 without a quorum. */
  Future<Void> update(SwiftPath path, Caller caller, JsonObject update) {
    String hash = hash(path);
    return authorize(path, caller, true, true)
      .compose(x -> objects.post(hash, Timestamps.next(), update))
      .compose(status -> status == 202 && update.containsKey("delete_at")
        ? db.setDeleteAt(path.account(), path.container(), path.object(), update.getLong("delete_at")).map(status)
        : Future.succeededFuture(status))
      .compose(status -> {
        if (status == 404) {
          return Future.failedFuture(Errors.notFound("Not Found"));
        }
        if (status >= 500) {
          return Future.failedFuture(Errors.of(503, "Service Unavailable"));
        }
        ResourceEvents.publish(vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(), "updated",
          new JsonObject().put("name", path.object()).put("container", path.container()));
        return Future.succeededFuture();
      });
  }

  // ---- deletes

  /**
   * A client's delete: the object (with its segments when {@code withSegments}, a static large
   * object's manifest), versioning before and after. Fails 404 when there was nothing to delete.
   */
  Future<Void> delete(SwiftPath path, Caller caller, boolean withSegments) {
    return authorize(path, caller, true, true).compose(info -> {
      Future<Void> pre = withSegments ? LargeObjects.deleteSegments(this, path, caller) : Versioning.beforeDelete(this, path, info);
      return pre.compose(v -> remove(path)).compose(status -> {
        if (status == 404) {
          return Versioning.afterDelete(this, path, info).compose(restored -> restored
            ? Future.succeededFuture() : Future.failedFuture(Errors.notFound("Not Found")));
        }
        return Versioning.afterDelete(this, path, info).mapEmpty();
      });
    });
  }

  /** Deletes one object (tombstones + listing + quota + event): 204, 404 or a 503 failure. */
  Future<Integer> remove(SwiftPath path) {
    String ts = Timestamps.next();
    return objects.delete(hash(path), ts, new JsonObject().put("name", path.fullName())).compose(status -> {
      if (status == 503) {
        return Future.failedFuture(Errors.of(503, "Service Unavailable"));
      }
      return db.deleteObject(path.account(), path.container(), path.object(), ts).compose(size -> {
        if (size == null) {
          return Future.succeededFuture(status);
        }
        ResourceEvents.publish(vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(), "deleted",
          new JsonObject().put("name", path.object()).put("container", path.container()));
        return quotas.release(path.projectId(), size, 1).map(x -> 204);
      });
    });
  }

  /**
   * The expirer's delete of an object listed to expire at {@code deleteAt}: tombstones only where
   * it still does, then listing, quota and event. True when it was deleted; false when it had
   * changed meanwhile (its listing then records the delete_at its replicas have).
   */
  Future<Boolean> expire(SwiftPath path, long deleteAt) {
    String ts = Timestamps.next();
    String hash = hash(path);
    JsonObject meta = new JsonObject().put("name", path.fullName()).put(Wire.IF_DELETE_AT, deleteAt);
    return objects.delete(hash, ts, meta).compose(status -> {
      if (status == 503) {
        return Future.failedFuture(Errors.of(503, "Service Unavailable"));
      }
      if (status == 412) {
        return objects.get(hash, -1, -1, true).compose(f -> db.setDeleteAt(path.account(), path.container(), path.object(),
          f.status() == 200 ? f.meta().getLong("delete_at") : null)).map(false);
      }
      return db.deleteExpired(path.account(), path.container(), path.object(), deleteAt, ts).compose(size -> {
        if (size == null) {
          return Future.succeededFuture(false);
        }
        ResourceEvents.publish(vertx, path.projectId(), "object-store.object", path.container() + "/" + path.object(), "deleted",
          new JsonObject().put("name", path.object()).put("container", path.container()).put("expired", true));
        return quotas.release(path.projectId(), size, 1).map(true);
      });
    });
  }

  // ---- reads for large objects and versioning

  /** Reads a small object (a manifest) whole; refuses anything over the manifest limit. */
  Future<Buffer> readSmall(String hash) {
    return objects.get(hash, -1, -1, false).compose(f -> {
      if (f.status() != 200) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      if (f.meta().getLong("size") > MAX_MANIFEST_BYTES) {
        discard(f.body());
        return Future.failedFuture(Errors.badRequest("manifest too large"));
      }
      Future<Buffer> body = f.body().body();
      f.body().resume();
      return body;
    });
  }

  Future<JsonArray> list(String account, String container, String prefix, int limit, boolean reverse) {
    return db.listObjects(account, container, new ListQuery(limit, null, null, prefix, null, reverse));
  }

  /** Abandons a replica's response we will not read (its connection is closed, quietly). */
  static void discard(HttpClientResponse resp) {
    resp.exceptionHandler(err -> { });
    resp.request().reset();
  }
}
