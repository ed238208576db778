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

  static String perms(Path p) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
