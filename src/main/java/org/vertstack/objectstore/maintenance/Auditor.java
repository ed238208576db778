package org.vertstack.objectstore.maintenance;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.objectstore.storage.DiskStore;
import org.vertstack.objectstore.storage.Timestamps;

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
 * Tombstones older than the reclaim age are removed on the way (a replica offline for longer
 * than that could bring the deleted object back, as in Swift).
 */
public final class Auditor {

  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  private final WorkerExecutor disk;
  private final Map<String, Path> localDevices;
  private final long reclaimAgeMillis;

  public Auditor(WorkerExecutor disk, Map<String, Path> localDevices, long reclaimAgeMillis) {
    this.disk = disk;
    this.localDevices = localDevices;
    this.reclaimAgeMillis = reclaimAgeMillis;
  }

  /** One pass; succeeds with {checked, quarantined, bytes, reclaimed}. */
  public Future<JsonObject> runOnce() {
    long reclaimBefore = System.currentTimeMillis() - reclaimAgeMillis;
    AtomicLong reclaimed = new AtomicLong();
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
                  String ts = meta.getString("ts");
                  if (Timestamps.millis(ts) < reclaimBefore && DiskStore.reclaim(dev, part, hash, ts)) {
                    reclaimed.incrementAndGet();
                  }
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
    return chain.map(v -> new JsonObject().put("checked", checked.get()).put("quarantined", quarantined.get()).put("bytes", bytes.get())
      .put("reclaimed", reclaimed.get()));
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
