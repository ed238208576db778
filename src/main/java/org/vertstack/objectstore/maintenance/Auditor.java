package org.vertstack.objectstore.maintenance;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.objectstore.storage.DiskStore;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Re-reads every stored object and checks its bytes against the MD5 recorded at upload. A
 * mismatch (bit rot, a damaged or truncated file) is quarantined: the object disappears from
 * this device, so reads go to a good replica and the replicator pushes a good copy back.
 */
public final class Auditor {

  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  private final WorkerExecutor disk;
  private final Map<String, Path> localDevices;

  public Auditor(WorkerExecutor disk, Map<String, Path> localDevices) {
    this.disk = disk;
    this.localDevices = localDevices;
  }

  /** One pass; succeeds with {checked, quarantined, bytes}. */
  public Future<JsonObject> runOnce() {
    AtomicLong checked = new AtomicLong();
    AtomicLong quarantined = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Path> e : localDevices.entrySet()) {
      Path dev = e.getValue();
      chain = chain.compose(v -> disk.executeBlocking(() -> DiskStore.mounted(dev) ? DiskStore.partitions(dev) : List.<Integer>of(), false))
        .compose(parts -> {
          Future<Void> c = Future.succeededFuture();
          for (int part : parts) {
            c = c.compose(v -> disk.executeBlocking(() -> {
              JsonObject index = DiskStore.partitionIndex(dev, part);
              for (String hash : index.fieldNames()) {
                JsonObject meta = index.getJsonObject(hash);
                if (meta.getBoolean("deleted", false)) {
                  continue;
                }
                checked.incrementAndGet();
                bytes.addAndGet(meta.getLong("size"));
                if (!intact(DiskStore.dataFile(dev, part, hash, meta), meta)) {
                  LOG.warn("auditor: {} on {} does not match its checksum; quarantined", hash, e.getKey());
                  DiskStore.quarantine(dev, part, hash);
                  quarantined.incrementAndGet();
                }
              }
              return null;
            }, false));
          }
          return c;
        });
    }
    return chain.map(v -> new JsonObject().put("checked", checked.get()).put("quarantined", quarantined.get()).put("bytes", bytes.get()));
  }

  static boolean intact(Path data, JsonObject meta) {
    long size = meta.getLong("size");
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      if (ch.size() < size) {
        return false;
      }
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long pos = 0;
      while (pos < size) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), size - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) {
          return false;
        }
        buf.flip();
        md5.update(buf);
        pos += n;
      }
      return HexFormat.of().formatHex(md5.digest()).equalsIgnoreCase(meta.getString("etag"));
    } catch (Exception e) {
      return false;
    }
  }
}
