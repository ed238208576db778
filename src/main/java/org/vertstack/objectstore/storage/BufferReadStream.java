package org.vertstack.objectstore.storage;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A small in-memory body (a manifest) as a ReadStream, so it takes the normal write path. */
public final class BufferReadStream implements ReadStream<Buffer> {

  private final Buffer data;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private boolean paused = true;
  private boolean done;

  public BufferReadStream(Buffer data) {
    this.data = data;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    if (!done && handler != null) {
      done = true;
      if (data.length() > 0) {
        handler.handle(data);
      }
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return resume();
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
