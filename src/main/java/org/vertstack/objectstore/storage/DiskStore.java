package org.vertstack.objectstore.storage;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The on-disk layout of one device, all blocking (callers run it on a worker thread).
 * <pre>
 * &lt;device&gt;/.device                          marker: the device is present ("mounted")
 * &lt;device&gt;/tmp/                             uploads in progress
 * &lt;device&gt;/objects/&lt;part&gt;/&lt;hash&gt;/&lt;ts&gt;.data  object bytes
 * &lt;device&gt;/objects/&lt;part&gt;/&lt;hash&gt;/&lt;ts&gt;.meta  metadata JSON; renamed last, so it is the commit
 * &lt;device&gt;/quarantined/&lt;hash&gt;-&lt;ts&gt;/          what the auditor took out
 * </pre>
 * A .meta names the .data it describes ({@code data_ts}), so a metadata update writes only a
 * new .meta, and a delete is a .meta with {@code deleted: true} (a tombstone). The newest .meta
 * wins. File names come only from hashes and timestamps, never from user input.
 */
public final class DiskStore {

  public static final Pattern HASH = Pattern.compile("[0-9a-f]{32}");
  public static final Pattern TS = Pattern.compile("[0-9]{19}");
  private static final int STRIPES = 256;
  private static final Object[] LOCKS = new Object[STRIPES];

  static {
    for (int i = 0; i < STRIPES; i++) {
      LOCKS[i] = new Object();
    }
  }

  private DiskStore() {
  }

  public static void format(Path device) throws IOException {
    Files.createDirectories(device.resolve("objects"));
    Files.createDirectories(device.resolve("tmp"));
    Files.createDirectories(device.resolve("quarantined"));
    Path marker = device.resolve(".device");
    if (!Files.exists(marker)) {
      Files.writeString(marker, "vertstack object device\n");
    }
  }

  /** A device is usable when its marker is there (a missing or unmounted disk is not). */
  public static boolean mounted(Path device) {
    return Files.isRegularFile(device.resolve(".device")) && Files.isDirectory(device.resolve("tmp"));
  }

  public static Path hashDir(Path device, int part, String hash) {
    if (!HASH.matcher(hash).matches()) {
      throw new IllegalArgumentException("bad hash");
    }
    return device.resolve("objects").resolve(Integer.toString(part)).resolve(hash);
  }

  public static Path newTmp(Path device) {
    return device.resolve("tmp").resolve(UUID.randomUUID().toString());
  }

  /** Writes a small body to a temp file and forces it to disk. */
  public static Path writeTmp(Path device, Buffer body) throws IOException {
    Path tmp = newTmp(device);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer bb = ((io.vertx.core.internal.buffer.BufferInternal) body).getByteBuf().nioBuffer();
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ch.force(false);
    }
    return tmp;
  }

  /**
   * Makes an object version durable: renames the synced temp data (if any) into place, then
   * writes, syncs and renames the .meta, syncs the directory, and drops what it supersedes.
   */
  public static void commit(Path device, int part, String hash, Path tmpData, JsonObject meta) throws IOException {
    String ts = meta.getString("ts");
    if (!TS.matcher(ts).matches()) {
      throw new IllegalArgumentException("bad timestamp");
    }
    Path dir = hashDir(device, part, hash);
    Path metaTmp = newTmp(device);
    try (FileChannel ch = FileChannel.open(metaTmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(meta.encode().getBytes(StandardCharsets.UTF_8)));
      ch.force(false);
    }
    synchronized (lock(hash)) {
      Files.createDirectories(dir);
      if (tmpData != null) {
        move(tmpData, dir.resolve(ts + ".data"));
      }
      move(metaTmp, dir.resolve(ts + ".meta"));
      syncDir(dir);
      cleanup(dir);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void syncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // not every file system lets a directory be opened; the renames are still atomic
    }
  }

  private static Object lock(String hash) {
    return LOCKS[Integer.parseInt(hash.substring(30), 16) % STRIPES];
  }

  /** Keeps the newest .meta and the .data it names; removes older versions. Holds the hash lock. */
  private static void cleanup(Path dir) throws IOException {
    List<String> names = list(dir);
    String newest = null;
    for (String n : names) {
      if (n.endsWith(".meta") && (newest == null || n.compareTo(newest) > 0)) {
        newest = n;
      }
    }
    if (newest == null) {
      return;
    }
    JsonObject meta = readJson(dir.resolve(newest));
    String keepData = meta == null ? null : meta.getString("data_ts");
    for (String n : names) {
      boolean stale = n.endsWith(".meta") ? n.compareTo(newest) < 0
        : n.endsWith(".data") && !(n.equals(keepData + ".data")) && n.compareTo(newest.replace(".meta", ".data")) <= 0;
      if (stale) {
        Files.deleteIfExists(dir.resolve(n));
      }
    }
  }

  private static List<String> list(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        out.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    return out;
  }

  private static JsonObject readJson(Path p) {
    try {
      return new JsonObject(Files.readString(p));
    } catch (Exception e) {
      return null;
    }
  }

  /** The newest committed metadata of an object (a tombstone has deleted=true), or null. */
  public static JsonObject current(Path device, int part, String hash) throws IOException {
    Path dir = hashDir(device, part, hash);
    List<String> names = list(dir);
    names.sort(null);
    for (int i = names.size() - 1; i >= 0; i--) {
      String n = names.get(i);
      if (n.endsWith(".meta")) {
        JsonObject meta = readJson(dir.resolve(n));
        if (meta != null) {
          return meta;
        }
      }
    }
    return null;
  }

  public static Path dataFile(Path device, int part, String hash, JsonObject meta) {
    return hashDir(device, part, hash).resolve(meta.getString("data_ts") + ".data");
  }

  /** Partitions present on the device. */
  public static List<Integer> partitions(Path device) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (String n : list(device.resolve("objects"))) {
      try {
        out.add(Integer.parseInt(n));
      } catch (NumberFormatException ignored) {
        // not ours
      }
    }
    return out;
  }

  /** hash -> newest metadata, for every object of a partition on this device. */
  public static JsonObject partitionIndex(Path device, int part) throws IOException {
    JsonObject out = new JsonObject();
    Path pdir = device.resolve("objects").resolve(Integer.toString(part));
    for (String hash : list(pdir)) {
      if (!HASH.matcher(hash).matches()) {
        continue;
      }
      JsonObject meta = current(device, part, hash);
      if (meta != null) {
        out.put(hash, meta);
      }
    }
    return out;
  }

  /** Moves an object's directory out of service (the auditor found its bytes damaged). */
  public static void quarantine(Path device, int part, String hash) throws IOException {
    Path dir = hashDir(device, part, hash);
    synchronized (lock(hash)) {
      Path target = device.resolve("quarantined").resolve(hash + "-" + System.nanoTime());
      Files.createDirectories(target.getParent());
      move(dir, target);
    }
  }

  /** Removes an object's directory (a handoff copy that the primaries now hold). */
  public static void remove(Path device, int part, String hash) throws IOException {
    Path dir = hashDir(device, part, hash);
    synchronized (lock(hash)) {
      for (String n : list(dir)) {
        Files.deleteIfExists(dir.resolve(n));
      }
      Files.deleteIfExists(dir);
    }
  }
}
