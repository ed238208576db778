package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import org.vertstack.common.files.OwnerOnly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Set;

/**
 * One replica of a streamed object being written to a device of this node: the bytes go to a
 * temp file with back-pressure; {@link #commit} appends the trailer and makes it the object's
 * version (fsync and rename, {@link DiskStore#commit}) or removes it. Used by the object server
 * for the body it receives and by the proxy for the replicas on its own node's devices.
 * <p>
 * Bytes are gathered into aligned blocks and written with O_DIRECT where the file system allows
 * it: three replicas of a big object then cost the disk's time but almost no CPU, where copying
 * them through the page cache cost about 2.4 CPU-seconds per GiB (measured on 2 cores). The
 * unaligned end and the trailer are written normally, and the commit's fsync covers both.
 */
public final class ReplicaFile implements WriteStream<Buffer> {

  /** Size of one write; also the alignment unit's multiple. */
  static final int BLOCK = 256 * 1024;
  private static final int ALIGN = 4096;

  private final WorkerExecutor disk;
  private final Path device;
  private final int part;
  private final String hash;
  private final Path tmp;
  private final FileChannel channel;
  private final DeviceWrites deviceWrites;
  private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
  private ByteBuffer filling;
  /** The writes handed to the disk pool, one after the other. */
  private Future<Void> writes = Future.succeededFuture();
  private int inFlight;
  private long written;
  private long length;
  private Throwable failure;
  private boolean closed;
  private MessageDigest md5;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;

  private ReplicaFile(WorkerExecutor disk, Path device, int part, String hash, Path tmp, FileChannel channel, DeviceWrites writes) {
    this.deviceWrites = writes;
    this.disk = disk;
    this.device = device;
    this.part = part;
    this.hash = hash;
    this.tmp = tmp;
    this.channel = channel;
  }

  /** Opens a new temp file on {@code device}; fails when the device is not there. */
  public static Future<ReplicaFile> create(WorkerExecutor disk, Path device, int part, String hash, DeviceWrites writes) {
    Path tmp = DiskStore.newTmp(device);
    return disk.executeBlocking(() -> {
      if (!DiskStore.mounted(device)) {
        throw new IOException("device " + device.getFileName() + " is not mounted");
      }
      return new ReplicaFile(disk, device, part, hash, tmp, open(device, tmp, writes), writes);
    }, false);
  }

  /**
   * O_DIRECT where the file system has it, else an ordinary file. Any failure of the O_DIRECT
   * open falls back: the file systems without it answer EINVAL, which Java reports as a plain
   * IOException; a real fault (no space, no permission) fails the ordinary open again and is
   * reported from there.
   */
  private static FileChannel open(Path device, Path tmp, DeviceWrites writes) throws IOException {
    if (!writes.directRefused(device)) {
      try {
        return FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          com.sun.nio.file.ExtendedOpenOption.DIRECT), OwnerOnly.FILE);
      } catch (UnsupportedOperationException | IOException e) {
        Files.deleteIfExists(tmp);
        FileChannel plain = FileChannel.open(tmp, DiskStore.CREATE_NEW, OwnerOnly.FILE);
        writes.refusedDirect(device); // the plain open worked: it was O_DIRECT that this file system refused
        return plain;
      }
    }
    return FileChannel.open(tmp, DiskStore.CREATE_NEW, OwnerOnly.FILE);
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
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (closed) {
      return Future.failedFuture("the replica file is closed");
    }
    ByteBuffer in = ((BufferInternal) data).getByteBuf().nioBuffer();
    if (md5 != null) {
      md5.update(in.duplicate());
    }
    length += in.remaining();
    Future<Void> last = Future.succeededFuture();
    while (in.hasRemaining()) {
      if (filling == null) {
        filling = spare.isEmpty() ? ByteBuffer.allocateDirect(BLOCK + ALIGN).alignedSlice(ALIGN) : spare.poll();
        filling.clear().limit(BLOCK);
      }
      int n = Math.min(in.remaining(), filling.remaining());
      ByteBuffer part = in.duplicate();
      part.limit(part.position() + n);
      filling.put(part);
      in.position(in.position() + n);
      if (!filling.hasRemaining()) {
        last = submit(filling);
        filling = null;
      }
    }
    return last;
  }

  /** Hands a full block to the disk pool, after the ones before it. */
  private Future<Void> submit(ByteBuffer block) {
    block.flip();
    long at = written;
    written += block.remaining();
    inFlight++;
    writes = writes.compose(v -> disk.executeBlocking(() -> {
      writeFully(block, at);
      return null;
    }, false));
    return writes.andThen(ar -> {
      boolean wasFull = writeQueueFull();
      inFlight--;
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        spare.push(block);
      }
      if (wasFull && drainHandler != null) {
        drainHandler.handle(null); // kept, as a file's drain handler is: called at every drain
      }
    });
  }

  private void writeFully(ByteBuffer block, long at) throws IOException {
    long pos = at;
    while (block.hasRemaining()) {
      pos += channel.write(block, pos);
    }
  }

  private void fail(Throwable err) {
    if (failure == null) {
      failure = err;
      if (exceptionHandler != null) {
        exceptionHandler.handle(err);
      }
    }
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
    ByteBuffer rest = filling == null ? ByteBuffer.allocate(0) : filling.flip();
    filling = null;
    closed = true;
    long at = written;
    return writes.compose(v -> disk.executeBlocking(() -> {
      channel.close();
      // the unaligned end and the trailer through an ordinary descriptor; commit's fsync covers all
      try (FileChannel tail = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        long pos = at;
        while (rest.hasRemaining()) {
          pos += tail.write(rest, pos);
        }
        ByteBuffer trailer = DiskStore.trailer(meta);
        while (trailer.hasRemaining()) {
          pos += tail.write(trailer, pos);
        }
      }
      DiskStore.commit(device, part, hash, tmp, ts, "data", deviceWrites.syncDir());
      return 201;
    }, false)).recover(err -> abort().transform(x -> Future.failedFuture(err)));
  }

  /** Gives the write up: once the writes under way are done, the temp file is closed and removed. */
  public Future<Void> abort() {
    closed = true;
    filling = null;
    return writes.otherwiseEmpty().compose(v -> disk.executeBlocking(() -> {
      channel.close();
      Files.deleteIfExists(tmp);
      return null;
    }, false)).<Void>mapEmpty().otherwiseEmpty();
  }

  /** The stream ends with {@link #commit} or {@link #abort}, not here. */
  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  /** Full while a block is being written and the next one is filled: at most three blocks per file. */
  @Override
  public boolean writeQueueFull() {
    return inFlight >= 2;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }
}
