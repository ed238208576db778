package org.vertstack.objectstore.storage;

import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One replica of a streamed object being written to a device of this node: the bytes go to a
 * temp file with back-pressure; {@link #commit} appends the trailer and makes it the object's
 * version (fsync and rename, {@link DiskStore#commit}) or removes it. Used by the object server
 * for the body it receives and by the proxy for the replicas on its own node's devices.
 */
public final class ReplicaFile implements WriteStream<Buffer> {

  private final Vertx vertx;
  private final WorkerExecutor disk;
  private final Path device;
  private final int part;
  private final String hash;
  private final Path tmp;
  private final AsyncFile file;
  private long length;
  private MessageDigest md5;
  private long unsynced;
  private boolean syncing;

  /**
   * Bytes after which the file is flushed to disk while more arrive (as Swift's mb_per_sync):
   * the disk writes while the network reads, instead of all of it in the final fsync.
   */
  static final long SYNC_EVERY = 32L << 20;

  private ReplicaFile(Vertx vertx, WorkerExecutor disk, Path device, int part, String hash, Path tmp, AsyncFile file) {
    this.vertx = vertx;
    this.disk = disk;
    this.device = device;
    this.part = part;
    this.hash = hash;
    this.tmp = tmp;
    this.file = file;
  }

  /** Opens a new temp file on {@code device}; fails when the device is not there. */
  public static Future<ReplicaFile> create(Vertx vertx, WorkerExecutor disk, Path device, int part, String hash) {
    Path tmp = DiskStore.newTmp(device);
    return disk.executeBlocking(() -> {
      if (!DiskStore.mounted(device)) {
        throw new java.io.IOException("device " + device.getFileName() + " is not mounted");
      }
      return null;
    }, false).compose(x -> vertx.fileSystem().open(tmp.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
      .map(file -> new ReplicaFile(vertx, disk, device, part, hash, tmp, file));
  }

  /** Also computes the MD5 of the bytes written from now on (see {@link #etag}). */
  public ReplicaFile digesting() {
    md5 = newMd5();
    return this;
  }

  /** The MD5 (hex) of the bytes written, when {@link #digesting}. */
  public String etag() {
    return HexFormat.of().formatHex(md5.digest());
  }

  static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (md5 != null) {
      md5.update(((BufferInternal) data).getByteBuf().nioBuffer());
    }
    length += data.length();
    unsynced += data.length();
    Future<Void> written = file.write(data);
    if (unsynced >= SYNC_EVERY && !syncing) {
      unsynced = 0;
      syncing = true;
      written.compose(x -> file.flush()).onComplete(x -> syncing = false);
    }
    return written;
  }

  /** Bytes written so far. */
  public long length() {
    return length;
  }

  /**
   * Completes the version {@code ts} whose bytes have the MD5 {@code etag}: 201 once it is
   * durable, or 422 (it differs from {@code expected}) or 400 (not the {@code declared} length,
   * -1 for unknown) with nothing kept. Fills {@code meta} in (ts, size, etag...).
   */
  public Future<Integer> commit(JsonObject meta, String ts, String etag, String expected, long declared) {
    boolean mismatch = expected != null && !expected.equalsIgnoreCase(etag);
    if (mismatch || (declared >= 0 && length != declared)) {
      return abort().map(mismatch ? 422 : 400);
    }
    meta.put("ts", ts).put("data_ts", ts).put("deleted", false).put("size", length).put("etag", etag);
    return file.write(BufferInternal.buffer(Unpooled.wrappedBuffer(DiskStore.trailer(meta))))
      .compose(x -> file.close())
      .compose(x -> disk.executeBlocking(() -> {
        DiskStore.commit(device, part, hash, tmp, ts, "data");
        return 201;
      }, false))
      .recover(err -> abort().transform(x -> Future.failedFuture(err)));
  }

  /** Gives the write up: the temp file is closed and removed. */
  public Future<Void> abort() {
    return file.close().transform(x -> vertx.fileSystem().delete(tmp.toString())).otherwiseEmpty();
  }

  /** The stream ends with {@link #commit} or {@link #abort}, not here. */
  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }
}
