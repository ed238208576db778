package org.vertstack.image.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import org.vertstack.common.files.OwnerOnly;
import org.vertstack.common.http.Errors;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Image bytes in a local directory: for a node without an object store and for tests. Writes go
 * to a temporary file renamed into place only once complete, so no half image is ever visible.
 * The directory and the files are the service user's only.
 */
public final class FileImageStore implements ImageStore {

  private final Vertx vertx;
  private final Path dir;

  public FileImageStore(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  @Override
  public String id() {
    return "file";
  }

  @Override
  public String description() {
    return "Local files of the controller";
  }

  @Override
  public String location(String name) {
    return "file://" + path(name);
  }

  private String path(String name) {
    return dir.resolve(name.replace('/', '_')).toString();
  }

  @Override
  public Future<Void> put(String name, ReadStream<Buffer> data, long contentLength) {
    String tmp = dir.resolve(".partial-" + UUID.randomUUID()).toString();
    // tenants' bytes: readable by the service's user only (0700 directory, 0600 files)
    return vertx.fileSystem().mkdirs(dir.toString(), OwnerOnly.DIR_PERMS)
      .compose(v -> vertx.fileSystem().chmod(dir.toString(), OwnerOnly.DIR_PERMS))
      .compose(v -> vertx.fileSystem().open(tmp, new OpenOptions().setWrite(true).setCreateNew(true).setPerms(OwnerOnly.FILE_PERMS)))
      .compose(file -> data.pipe().endOnFailure(false).to(file)
        .recover(err -> file.close().transform(x -> vertx.fileSystem().delete(tmp))
          .transform(x -> Future.failedFuture(err))))
      .compose(v -> vertx.fileSystem().move(tmp, path(name), new io.vertx.core.file.CopyOptions().setReplaceExisting(true)));
  }

  @Override
  public Future<ReadStream<Buffer>> get(String name, long start, long endInclusive) {
    return vertx.fileSystem().open(path(name), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
      .recover(err -> Future.failedFuture(missing(err) ? Errors.notFound("Image data not found.") : err))
      .map(file -> {
        AsyncFile f = file.setReadBufferSize(256 * 1024).setReadPos(start);
        if (endInclusive >= 0) {
          f.setReadLength(endInclusive - start + 1);
        }
        // an AsyncFile stays open at its end: closed once the last buffer is out
        return new TappedStream(f, b -> { }).beforeEnd(f::close);
      });
  }

  @Override
  public Future<Void> delete(String name) {
    return vertx.fileSystem().delete(path(name)).recover(err -> missing(err) ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private static boolean missing(Throwable err) {
    return err instanceof FileSystemException && err.getCause() instanceof NoSuchFileException
      || err.getCause() instanceof FileSystemException && err.getCause().getCause() instanceof NoSuchFileException;
  }
}
