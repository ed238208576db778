package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.storage.ObjectClient.LocalRead;
import org.vertstack.objectstore.storage.ReplicaWrite.Reply;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A replica on a device this node's own object server serves: the object server's write (same
 * checks, temp file, fsync and rename) without the loopback HTTP hop. Disk work runs on the
 * disk pool, never on the event loop.
 */
final class LocalReplica implements ReplicaTransport {

  /** Objects up to this size are read whole; larger ones are streamed from an open channel. */
  private static final int SMALL_READ = 64 * 1024;

  private final Device device;
  private final Path root;
  private final WorkerExecutor disk;
  private final DeviceWrites writes;

  LocalReplica(Device device, Path root, WorkerExecutor disk, DeviceWrites writes) {
    this.device = device;
    this.root = root;
    this.disk = disk;
    this.writes = writes;
  }

  @Override
  public Future<Reply> putWhole(int part, String hash, Buffer body, JsonObject meta, String expectedEtag, String ts) {
    JsonObject copy = meta.copy();
    return disk.executeBlocking(() -> {
      if (!DiskStore.mounted(root)) {
        throw new IOException("device " + device.name() + " is not mounted");
      }
      String written = DiskStore.storeSmall(root, part, hash, body, copy, expectedEtag, ts, writes.syncDir());
      return written == null ? new Reply(422, null, 0) : new Reply(201, written, body.length());
    }, false);
  }

  @Override
  public Future<ReplicaWrite> openWrite(int part, String hash, long length, JsonObject meta, String expectedEtag, String ts) {
    return ReplicaFile.create(disk, root, part, hash, writes)
      .map(file -> new ReplicaWrite.Local(file, meta.copy(), ts, expectedEtag, length));
  }

  /**
   * The object's current version on this device: its bytes (small) or an open channel, or null
   * when the device is unmounted or has no live version (the object servers settle those).
   */
  Future<LocalRead> readCurrent(int part, String hash) {
    return disk.executeBlocking(() -> {
      if (!DiskStore.mounted(root)) {
        return null;
      }
      for (int attempt = 0; attempt < 3; attempt++) {
        JsonObject meta = DiskStore.current(root, part, hash);
        if (meta == null || meta.getBoolean("deleted", false)) {
          return null;
        }
        long size = meta.getLong("size");
        try {
          Path file = DiskStore.dataFile(root, part, hash, meta);
          FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          if (size > SMALL_READ) {
            return new LocalRead(meta, size, null, ch, file);
          }
          try (ch) {
            ByteBuffer bb = ByteBuffer.allocate((int) size);
            while (bb.hasRemaining() && ch.read(bb, bb.position()) > 0) {
              // keep reading
            }
            return bb.hasRemaining() ? null : new LocalRead(meta, size, Buffer.buffer(bb.array()), null, file);
          }
        } catch (NoSuchFileException e) {
          // replaced while we looked; read the newer version
        }
      }
      return null;
    }, false);
  }
}
