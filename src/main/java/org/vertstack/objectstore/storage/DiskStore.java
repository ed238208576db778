package org.vertstack.objectstore.storage;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.files.OwnerOnly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The on-disk layout of one device, all blocking (callers run it on a worker thread).
 * <pre>
 * &lt;device&gt;/.device                           marker: the device is present ("mounted")
 * &lt;device&gt;/tmp/                              uploads in progress
 * &lt;device&gt;/objects/&lt;part&gt;/&lt;hash&gt;/&lt;ts&gt;.data   object bytes, then its metadata JSON (trailer)
 * &lt;device&gt;/objects/&lt;part&gt;/&lt;hash&gt;/&lt;ts&gt;.meta   metadata update (POST); names its .data (data_ts)
 * &lt;device&gt;/objects/&lt;part&gt;/&lt;hash&gt;/&lt;ts&gt;.ts     tombstone (DELETE)
 * &lt;device&gt;/quarantined/&lt;hash&gt;-&lt;n&gt;/           what the auditor took out
 * </pre>
 * Every file ends with a trailer: metadata JSON, its length (8 bytes) and a magic (8 bytes), so
 * one file is one complete version. It is written to tmp/, renamed into place, then fsynced:
 * on journaling file systems (ext4, XFS) that one fsync makes the bytes, the inode and the
 * rename that moved it durable; with fsync-dir on, the directory is fsynced too. The newest
 * file wins. File names come only from hashes and timestamps, never from user input.
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

  /** Prepares a device: its directories readable by the service's user only (tenants' bytes live there). */
  public static void format(Path device) throws IOException {
    OwnerOnly.root(device);
    OwnerOnly.root(device.resolve("objects"));
    OwnerOnly.root(device.resolve("tmp"));
    OwnerOnly.root(device.resolve("quarantined"));
    Path marker = device.resolve(".device");
    if (!Files.exists(marker)) {
      Files.createFile(marker, OwnerOnly.FILE);
      Files.writeString(marker, "vertstack object device\n");
    }
  }

  /** Options of a new temp file: created 0600, never over an existing file. */
  static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

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

  private static final long MAGIC = 0x5653_4F42_4A30_3031L; // "VSOBJ001"

  /** The trailer that ends every file: metadata JSON, its length, the magic. */
  public static ByteBuffer trailer(JsonObject meta) {
    byte[] json = meta.encode().getBytes(StandardCharsets.UTF_8);
    ByteBuffer bb = ByteBuffer.allocate(json.length + 16);
    bb.put(json).putLong(json.length).putLong(MAGIC).flip();
    return bb;
  }

  /** Writes a small body plus its trailer to a temp file (not yet synced: commit does it). */
  public static Path writeTmp(Path device, Buffer body, JsonObject meta) throws IOException {
    Path tmp = newTmp(device);
    try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, OwnerOnly.FILE)) {
      ByteBuffer bb = ((io.vertx.core.internal.buffer.BufferInternal) body).getByteBuf().nioBuffer();
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ByteBuffer t = trailer(meta);
      while (t.hasRemaining()) {
        ch.write(t);
      }
    }
    return tmp;
  }

  /**
   * Stores a whole small body as version {@code ts}: checks its MD5 against {@code expected}
   * (when given), completes {@code meta} (ts, size, etag...), writes, renames and fsyncs.
   * Returns the etag, or null on a checksum mismatch (nothing written).
   */
  public static String storeSmall(Path device, int part, String hash, Buffer body, JsonObject meta, String expected, String ts,
                                  boolean syncDir) throws IOException {
    java.security.MessageDigest md5;
    try {
      md5 = java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    md5.update(((io.vertx.core.internal.buffer.BufferInternal) body).getByteBuf().nioBuffer());
    String etag = java.util.HexFormat.of().formatHex(md5.digest());
    if (expected != null && !expected.equalsIgnoreCase(etag)) {
      return null;
    }
    meta.put("ts", ts).put("data_ts", ts).put("deleted", false).put("size", (long) body.length()).put("etag", etag);
    Path tmp = writeTmp(device, body, meta);
    commit(device, part, hash, tmp, ts, "data", syncDir);
    return etag;
  }

  /**
   * Makes a complete temp file (bytes + trailer) the object's version {@code ts} of the given
   * kind (data, meta or ts): rename into place, fsync, then drop what it supersedes. With
   * {@code syncDir} (the fsync-dir setting) the directory is fsynced too (portable, slower).
   */
  public static void commit(Path device, int part, String hash, Path tmp, String ts, String kind, boolean syncDir)
    throws IOException {
    if (!TS.matcher(ts).matches()) {
      throw new IllegalArgumentException("bad timestamp");
    }
    Path dir = hashDir(device, part, hash);
    Path target = dir.resolve(ts + "." + kind);
    synchronized (lock(device, hash)) {
      OwnerOnly.directories(dir);
      move(tmp, target);
    }
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (NoSuchFileException e) {
      return; // superseded and cleaned up by a newer version meanwhile
    }
    if (syncDir) {
      syncDir(dir);
    }
    synchronized (lock(device, hash)) {
      cleanup(dir);
    }
  }

  /** Commits a metadata-only version (a .meta update or a .ts tombstone). */
  public static void commitMeta(Path device, int part, String hash, JsonObject meta, String kind, boolean syncDir)
    throws IOException {
    Path tmp = newTmp(device);
    try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, OwnerOnly.FILE)) {
      ByteBuffer t = trailer(meta);
      while (t.hasRemaining()) {
        ch.write(t);
      }
    }
    commit(device, part, hash, tmp, meta.getString("ts"), kind, syncDir);
  }

  /** Reads the trailer of a version file; null when it is torn or not ours. */
  public static JsonObject readTrailer(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 16) {
        return null;
      }
      ByteBuffer tail = ByteBuffer.allocate(16);
      ch.read(tail, size - 16);
      tail.flip();
      long len = tail.getLong();
      if (tail.getLong() != MAGIC || len < 2 || len > size - 16 || len > 1 << 20) {
        return null;
      }
      ByteBuffer json = ByteBuffer.allocate((int) len);
      ch.read(json, size - 16 - len);
      return new JsonObject(new String(json.array(), StandardCharsets.UTF_8));
    } catch (Exception e) {
      return null;
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

  /** One lock stripe per (device, object): replicas on other devices of this node do not wait. */
  private static Object lock(Path device, String hash) {
    return LOCKS[Math.floorMod(device.hashCode() * 31 + hash.hashCode(), STRIPES)];
  }

  /** Keeps the newest version (and the .data a newest .meta names); removes the rest. Holds the lock. */
  private static void cleanup(Path dir) throws IOException {
    List<String> names = versions(dir);
    if (names.size() <= 1) {
      return;
    }
    String newest = names.get(names.size() - 1);
    String keepData = null;
    if (newest.endsWith(".meta")) {
      JsonObject meta = readTrailer(dir.resolve(newest));
      keepData = meta == null ? null : meta.getString("data_ts") + ".data";
    }
    for (String n : names) {
      if (!n.equals(newest) && !n.equals(keepData)) {
        Files.deleteIfExists(dir.resolve(n));
      }
    }
  }

  /** Version files of an object directory, oldest first. */
  private static List<String> versions(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String n : list(dir)) {
      int dot = n.indexOf('.');
      if (dot == 19 && TS.matcher(n.substring(0, 19)).matches()
        && (n.endsWith(".data") || n.endsWith(".meta") || n.endsWith(".ts"))) {
        out.add(n);
      }
    }
    out.sort(null);
    return out;
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

  /** The newest readable metadata of an object (a tombstone has deleted=true), or null. */
  public static JsonObject current(Path device, int part, String hash) throws IOException {
    Path dir = hashDir(device, part, hash);
    List<String> names = versions(dir);
    for (int i = names.size() - 1; i >= 0; i--) {
      String n = names.get(i);
      JsonObject meta = readTrailer(dir.resolve(n));
      if (meta == null) {
        continue; // torn or damaged: an older version (or another replica) answers
      }
      if (n.endsWith(".meta") && !Files.exists(dir.resolve(meta.getString("data_ts", "x") + ".data"))) {
        continue;
      }
      return meta;
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
    synchronized (lock(device, hash)) {
      Path target = device.resolve("quarantined").resolve(hash + "-" + System.nanoTime());
      OwnerOnly.directories(target.getParent());
      move(dir, target);
    }
  }

  /**
   * Removes an object's directory if its newest version is still the tombstone {@code ts}: a
   * delete old enough that every replica has had it (Swift's reclaim_age). True when removed.
   */
  public static boolean reclaim(Path device, int part, String hash, String ts) throws IOException {
    Path dir = hashDir(device, part, hash);
    synchronized (lock(device, hash)) {
      List<String> names = versions(dir);
      if (names.isEmpty() || !names.get(names.size() - 1).equals(ts + ".ts")) {
        return false;
      }
      for (String n : list(dir)) {
        Files.deleteIfExists(dir.resolve(n));
      }
      Files.deleteIfExists(dir);
      return true;
    }
  }

  /** Removes an object's directory (a handoff copy that the primaries now hold). */
  public static void remove(Path device, int part, String hash) throws IOException {
    Path dir = hashDir(device, part, hash);
    synchronized (lock(device, hash)) {
      for (String n : list(dir)) {
        Files.deleteIfExists(dir.resolve(n));
      }
      Files.deleteIfExists(dir);
    }
  }
}
