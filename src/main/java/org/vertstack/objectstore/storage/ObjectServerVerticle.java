package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The object server of a storage node: stores object versions on this node's devices over a
 * small internal HTTP protocol (see {@link Wire}). All disk work runs on a worker pool; bodies
 * stream to a temp file with back-pressure and are fsynced and renamed before the 201.
 * <pre>
 * PUT|GET|HEAD|POST|DELETE /o/&lt;device&gt;/&lt;partition&gt;/&lt;hash&gt;
 * GET /p/&lt;device&gt;                  partitions on a device (JSON array)
 * GET /p/&lt;device&gt;/&lt;partition&gt;      hash -> newest metadata (JSON), for the replicator
 * </pre>
 * 507 means the device is not there; the proxy then uses another.
 */
public class ObjectServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectServerVerticle.class);
  /** Bodies up to this size are collected and written in one worker task (fewer hops). */
  private static final int SMALL_BODY = 256 * 1024;
  private static final int SMALL_READ = 64 * 1024;

  private final Map<String, Path> devices = new HashMap<>();
  /** Whether each device is present, re-checked off the event loop twice a second. */
  private final Map<Path, Boolean> mounted = new java.util.concurrent.ConcurrentHashMap<>();
  private WorkerExecutor disk;
  private boolean fsyncDir;
  private DeviceWrites writes;
  private HttpServer server;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    conf.getJsonObject("devices").forEach(e -> devices.put(e.getKey(), Path.of((String) e.getValue())));
    fsyncDir = conf.getBoolean("fsync-dir", false);
    writes = new DeviceWrites(fsyncDir);
    disk = vertx.createSharedWorkerExecutor("objectstore-disk", conf.getInteger("disk-threads", 32));
    HttpServerOptions options = new HttpServerOptions()
      .setHost(conf.getString("host", "127.0.0.1"))
      .setPort(conf.getInteger("port", 0))
      .setHandle100ContinueAutomatically(false)
      .setIdleTimeout(600);
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    vertx.setPeriodic(500, id -> checkDevices());
    return checkDevices().compose(v -> server.listen());
  }

  private Future<Void> checkDevices() {
    return disk.executeBlocking(() -> {
      devices.values().forEach(dev -> mounted.put(dev, DiskStore.mounted(dev)));
      return null;
    }, false);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    String[] parts = req.path().split("/");
    try {
      if (parts.length == 5 && "o".equals(parts[1])) {
        Path dev = devices.get(parts[2]);
        int part = Integer.parseInt(parts[3]);
        String hash = parts[4];
        if (dev == null || part < 0 || !DiskStore.HASH.matcher(hash).matches()) {
          end(req, 400);
          return;
        }
        if (!mounted.getOrDefault(dev, false)) {
          end(req, 507);
          return;
        }
        switch (req.method().name()) {
          case "PUT" -> put(req, dev, part, hash);
          case "GET", "HEAD" -> get(req, dev, part, hash);
          case "DELETE" -> delete(req, dev, part, hash);
          case "POST" -> post(req, dev, part, hash);
          default -> end(req, 405);
        }
      } else if ((parts.length == 3 || parts.length == 4) && "p".equals(parts[1]) && req.method() == HttpMethod.GET) {
        Path dev = devices.get(parts[2]);
        if (dev == null) {
          end(req, 400);
          return;
        }
        if (!mounted.getOrDefault(dev, false)) {
          end(req, 507);
          return;
        }
        if (parts.length == 3) {
          disk.executeBlocking(() -> new io.vertx.core.json.JsonArray(DiskStore.partitions(dev)).toBuffer(), false)
            .onSuccess(b -> req.response().putHeader("Content-Type", "application/json").end(b))
            .onFailure(err -> fail(req, err));
        } else {
          int part = Integer.parseInt(parts[3]);
          disk.executeBlocking(() -> DiskStore.partitionIndex(dev, part).toBuffer(), false)
            .onSuccess(b -> req.response().putHeader("Content-Type", "application/json").end(b))
            .onFailure(err -> fail(req, err));
        }
      } else {
        end(req, 404);
      }
    } catch (RuntimeException e) {
      end(req, 400);
    }
  }

  /** The timestamp and metadata a PUT or DELETE carries. */
  private record Version(String ts, JsonObject meta) {
  }

  /** Reads the version headers; answers 400 and gives null when they are missing or malformed. */
  private Version version(HttpServerRequest req) {
    String ts = req.getHeader(Wire.TS);
    if (ts == null || !DiskStore.TS.matcher(ts).matches()) {
      end(req, 400);
      return null;
    }
    try {
      return new Version(ts, Wire.decode(req.getHeader(Wire.META)));
    } catch (RuntimeException e) {
      end(req, 400);
      return null;
    }
  }

  private void put(HttpServerRequest req, Path dev, int part, String hash) {
    Version version = version(req);
    if (version == null) {
      return;
    }
    String ts = version.ts();
    JsonObject meta = version.meta();
    String expected = req.getHeader(Wire.ETAG);
    String lengthHeader = req.getHeader("Content-Length");
    long declared = lengthHeader == null ? -1 : Long.parseLong(lengthHeader);
    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      req.response().writeContinue();
    }
    Future<Integer> done;
    if (declared >= 0 && declared <= SMALL_BODY) {
      done = req.body().compose(body -> disk.executeBlocking(
        () -> DiskStore.storeSmall(dev, part, hash, body, meta, expected, ts, fsyncDir) == null ? 422 : 201, false));
    } else {
      req.pause();
      done = ReplicaFile.create(disk, dev, part, hash, writes).map(ReplicaFile::digesting)
        .compose(file -> req.pipe().endOnComplete(false).to(file)
          .compose(v -> file.commit(meta, ts, file.etag(), expected, declared),
            err -> file.abort().transform(x -> Future.failedFuture(err))));
    }
    done.onComplete(ar -> {
      if (ar.failed()) {
        fail(req, ar.cause());
      } else if (ar.result() == 201) {
        req.response().setStatusCode(201).putHeader("Etag", meta.getString("etag"))
          .putHeader(Wire.SIZE, String.valueOf(meta.getLong("size"))).end();
      } else {
        end(req, ar.result());
      }
    });
  }

  private record Opened(JsonObject meta, FileChannel channel, long size, Buffer small) {
  }

  private void get(HttpServerRequest req, Path dev, int part, String hash) {
    boolean head = req.method() == HttpMethod.HEAD;
    String range = req.getHeader(Wire.RANGE);
    disk.executeBlocking(() -> {
      for (int attempt = 0; attempt < 3; attempt++) {
        JsonObject meta = DiskStore.current(dev, part, hash);
        if (meta == null || meta.getBoolean("deleted", false) || head) {
          return new Opened(meta, null, 0, null);
        }
        try {
          FileChannel ch = FileChannel.open(DiskStore.dataFile(dev, part, hash, meta), StandardOpenOption.READ);
          long size = meta.getLong("size");
          if (size <= SMALL_READ && range == null) {
            // small objects: one read here instead of a sendFile and a close later
            try (ch) {
              java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate((int) size);
              while (bb.hasRemaining() && ch.read(bb, bb.position()) > 0) {
                // keep reading
              }
              bb.flip();
              return new Opened(meta, null, size, io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(bb)));
            }
          }
          return new Opened(meta, ch, size, null);
        } catch (NoSuchFileException e) {
          // replaced while we looked; read the newer version
        }
      }
      throw new NoSuchFileException(hash);
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        fail(req, ar.cause());
        return;
      }
      Opened o = ar.result();
      HttpServerResponse resp = req.response();
      if (o.meta == null) {
        end(req, 404);
        return;
      }
      if (o.meta.getBoolean("deleted", false)) {
        resp.setStatusCode(404).putHeader(Wire.TS, o.meta.getString("ts")).end();
        return;
      }
      resp.putHeader(Wire.META, Wire.encode(o.meta)).putHeader(Wire.TS, o.meta.getString("ts"));
      if (head) {
        resp.putHeader("Content-Length", "0").end();
        return;
      }
      if (o.small != null) {
        resp.putHeader("Content-Length", String.valueOf(o.size)).end(o.small);
        return;
      }
      long first = 0;
      long last = o.size - 1;
      if (range != null) {
        int dash = range.indexOf('-');
        first = Long.parseLong(range.substring(0, dash));
        last = Math.min(last, Long.parseLong(range.substring(dash + 1)));
      }
      long length = Math.max(0, last - first + 1);
      FileChannel ch = o.channel;
      if (length == 0) {
        resp.putHeader("Content-Length", "0").end().onComplete(x -> closeQuietly(ch));
        return;
      }
      resp.sendFile(ch, first, length).onComplete(x -> closeQuietly(ch));
    });
  }

  private void closeQuietly(FileChannel ch) {
    if (ch != null) {
      disk.executeBlocking(() -> {
        ch.close();
        return null;
      }, false);
    }
  }

  private void delete(HttpServerRequest req, Path dev, int part, String hash) {
    Version version = version(req);
    if (version == null) {
      return;
    }
    String ts = version.ts();
    JsonObject meta = version.meta();
    // the expirer's delete: only while the object still expires when it was listed to (X-If-Delete-At)
    Long ifDeleteAt = meta.getLong(Wire.IF_DELETE_AT);
    meta.remove(Wire.IF_DELETE_AT);
    meta.put("ts", ts).put("deleted", true).remove("data_ts");
    disk.executeBlocking(() -> {
      JsonObject cur = DiskStore.current(dev, part, hash);
      if (ifDeleteAt != null && cur != null && !cur.getBoolean("deleted", false) && !ifDeleteAt.equals(cur.getLong("delete_at"))) {
        return 412;
      }
      DiskStore.commitMeta(dev, part, hash, meta, "ts", fsyncDir);
      return cur == null || cur.getBoolean("deleted", false) ? 404 : 204;
    }, false).onSuccess(status -> end(req, status)).onFailure(err -> fail(req, err));
  }

  /** Replaces the user metadata of the current version; the bytes stay where they are. */
  private void post(HttpServerRequest req, Path dev, int part, String hash) {
    String ts = req.getHeader(Wire.TS);
    if (ts == null || !DiskStore.TS.matcher(ts).matches()) {
      end(req, 400);
      return;
    }
    JsonObject update;
    try {
      update = Wire.decode(req.getHeader(Wire.META));
    } catch (RuntimeException e) {
      end(req, 400);
      return;
    }
    disk.executeBlocking(() -> {
      JsonObject cur = DiskStore.current(dev, part, hash);
      if (cur == null || cur.getBoolean("deleted", false)) {
        return 404;
      }
      if (cur.getString("ts").compareTo(ts) >= 0) {
        return 409;
      }
      JsonObject next = cur.copy().mergeIn(update).put("ts", ts);
      DiskStore.commitMeta(dev, part, hash, next, "meta", fsyncDir);
      return 202;
    }, false).onSuccess(status -> end(req, status)).onFailure(err -> fail(req, err));
  }

  private void end(HttpServerRequest req, int status) {
    HttpServerResponse resp = req.response();
    if (!resp.ended()) {
      resp.setStatusCode(status).end();
    }
  }

  private void fail(HttpServerRequest req, Throwable err) {
    if (err instanceof NoSuchFileException || (err.getCause() instanceof NoSuchFileException)) {
      // the device vanished or the file was replaced under us: let the proxy try another copy
      end(req, 503);
      return;
    }
    LOG.warn("object server {} {}: {}", req.method(), req.path(), err.toString());
    HttpServerResponse resp = req.response();
    if (resp.headWritten()) {
      resp.reset();
    } else {
      end(req, 500);
    }
  }
}
