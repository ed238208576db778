package org.vertstack.objectstore.storage;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A replica file stores exactly the bytes it was given, on a disk file system (O_DIRECT blocks
 * plus an ordinary tail) and on tmpfs, which refuses O_DIRECT (the ordinary file fallback).
 */
class ReplicaFileTest {

  private static Vertx vertx;
  private static WorkerExecutor disk;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    disk = vertx.createSharedWorkerExecutor("replica-file-test", 4);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static String perms(Path p) throws java.io.IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/tmp", "/dev/shm"})
  void storesTheBytesItWasGivenWithATrailer(String root) throws Exception {
    assumeTrue(Files.isDirectory(Path.of(root)) && Files.isWritable(Path.of(root)), root + " is not here");
    Path device = Files.createTempDirectory(Path.of(root), "replica-file-");
    try {
      DiskStore.format(device);
      String hash = "0123456789abcdef0123456789abcdef";
      byte[] bytes = new byte[3 * ReplicaFile.BLOCK + 12345]; // whole blocks and an unaligned end
      new Random(9).nextBytes(bytes);
      JsonObject meta = new JsonObject();
      String ts = Timestamps.next();
      int status = ReplicaFile.create(disk, device, 7, hash, new DeviceWrites(false))
        .compose(file -> {
          file.digesting();
          for (int i = 0; i < bytes.length; i += 40_000) {
            file.write(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 40_000))));
          }
          return file.commit(meta, ts, file.etag(), null, bytes.length);
        }).await();

      assertThat(status).isEqualTo(201);
      JsonObject stored = DiskStore.current(device, 7, hash);
      assertThat(stored.getLong("size")).isEqualTo(bytes.length);
      byte[] data = Files.readAllBytes(DiskStore.dataFile(device, 7, hash, stored));
      assertThat(java.util.Arrays.copyOf(data, bytes.length)).isEqualTo(bytes);
      try (var tmp = Files.list(device.resolve("tmp"))) {
        assertThat(tmp).isEmpty();
      }
      // tenants' bytes are the service user's only, whatever the umask
      assertThat(perms(DiskStore.dataFile(device, 7, hash, stored))).isEqualTo("rw-------");
      assertThat(perms(DiskStore.hashDir(device, 7, hash))).isEqualTo("rwx------");
      assertThat(perms(DiskStore.hashDir(device, 7, hash).getParent())).isEqualTo("rwx------");
      for (String dir : new String[] {"", "objects", "tmp", "quarantined"}) {
        assertThat(perms(device.resolve(dir))).as(dir).isEqualTo("rwx------");
      }
      assertThat(perms(device.resolve(".device"))).isEqualTo("rw-------");
    } finally {
      try (var paths = Files.walk(device)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
