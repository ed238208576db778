package org.vertstack.image;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.image.store.FileImageStore;
import org.vertstack.objectstore.storage.BufferReadStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Image bytes in a directory are readable by the service's user only. */
class FileImageStoreTest {

  @TempDir
  Path state;

  @Test
  void imageFilesAndTheirDirectoryAreTheServiceUsersOnly() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Path dir = state.resolve("images");
      FileImageStore store = new FileImageStore(vertx, dir);
      Buffer bytes = Buffer.buffer("an image's bytes");
      store.put("img-1", new BufferReadStream(bytes), bytes.length()).await();
      assertThat(perms(dir)).isEqualTo("rwx------");
      assertThat(perms(dir.resolve("img-1"))).isEqualTo("rw-------");
      assertThat(Files.readString(dir.resolve("img-1"))).isEqualTo("an image's bytes");

      // a directory left open by an older version is closed by the next upload
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      store.put("img-2", new BufferReadStream(bytes), bytes.length()).await();
      assertThat(perms(dir)).isEqualTo("rwx------");
      assertThat(perms(dir.resolve("img-2"))).isEqualTo("rw-------");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aReadToTheEndLetsGoOfTheFile() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Path dir = state.resolve("images");
      FileImageStore store = new FileImageStore(vertx, dir);
      Buffer bytes = Buffer.buffer(new byte[700_000]);
      store.put("img-r", new BufferReadStream(bytes), bytes.length()).await();
      for (int i = 0; i < 3; i++) {
        var stream = store.get("img-r", 0, -1).await();
        Buffer read = Buffer.buffer();
        io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
        stream.handler(read::appendBuffer).endHandler(v -> ended.complete());
        ended.future().await();
        assertThat(read.length()).isEqualTo(bytes.length());
      }
      // the file handles are closed once the last buffer is out (an open AsyncFile stays open at its end)
      Thread.sleep(100);
      assertThat(openHandlesTo(dir.resolve("img-r"))).isZero();
    } finally {
      vertx.close().await();
    }
  }

  static long openHandlesTo(Path file) throws java.io.IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(file.toAbsolutePath());
        } catch (java.io.IOException | UnsupportedOperationException e) {
          return false;
        }
      }).count();
    }
  }

  static String perms(Path p) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
