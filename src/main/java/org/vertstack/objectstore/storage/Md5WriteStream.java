package org.vertstack.objectstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Passes bytes on to another stream while computing their MD5 and length. */
final class Md5WriteStream implements WriteStream<Buffer> {

  private final WriteStream<Buffer> file;
  private final MessageDigest md5;
  private long length;

  Md5WriteStream(WriteStream<Buffer> file) {
    this.file = file;
    try {
      this.md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(handler);
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    md5.update(((io.vertx.core.internal.buffer.BufferInternal) data).getByteBuf().nioBuffer());
    length += data.length();
    return file.write(data);
  }

  /** Ends nothing: the caller completes the file (see {@link ReplicaFile#commit}). */
  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }

  long length() {
    return length;
  }

  String etag() {
    return HexFormat.of().formatHex(md5.digest());
  }
}
