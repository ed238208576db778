package org.vertstack.objectstore.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A body that may carry at most {@code max} bytes: the buffer that would cross the cap is not
 * passed on; the stream fails with {@code refusal} instead (the write is then aborted, nothing
 * committed). Back-pressure is the source's own.
 */
final class CappedBody implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final long max;
  private final RuntimeException refusal;
  private long seen;
  private boolean failed;
  private Handler<Throwable> exceptionHandler;

  CappedBody(ReadStream<Buffer> source, long max, RuntimeException refusal) {
    this.source = source;
    this.max = max;
    this.refusal = refusal;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(buf -> {
      if (failed) {
        return;
      }
      seen += buf.length();
      if (seen > max) {
        failed = true;
        if (exceptionHandler != null) {
          exceptionHandler.handle(refusal);
        }
        return;
      }
      handler.handle(buf);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    source.endHandler(handler == null ? null : v -> {
      if (!failed) {
        handler.handle(v);
      }
    });
    return this;
  }
}
