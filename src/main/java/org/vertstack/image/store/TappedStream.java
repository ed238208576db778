package org.vertstack.image.store;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.function.Consumer;

/**
 * A read stream that shows every buffer to a tap (hashers, the format inspector, a size limit)
 * on its way through. When the tap throws, the stream stops and reports that error as its
 * failure, so whatever it is piped into is aborted with the tap's reason.
 */
public final class TappedStream implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final Consumer<Buffer> tap;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private Runnable beforeEnd;
  private boolean failed;

  public TappedStream(ReadStream<Buffer> source, Consumer<Buffer> tap) {
    this.source = source;
    this.tap = tap;
  }

  /** Runs after the last buffer and before end; may throw to fail the stream instead of ending it. */
  public TappedStream beforeEnd(Runnable check) {
    this.beforeEnd = check;
    return this;
  }

  @Override
  public TappedStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    source.exceptionHandler(err -> fail(err));
    return this;
  }

  @Override
  public TappedStream handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(buf -> {
      if (failed) {
        return;
      }
      try {
        tap.accept(buf);
      } catch (RuntimeException e) {
        source.pause();
        fail(e);
        return;
      }
      handler.handle(buf);
    });
    return this;
  }

  @Override
  public TappedStream endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    source.endHandler(handler == null ? null : v -> {
      if (failed) {
        return;
      }
      if (beforeEnd != null) {
        try {
          beforeEnd.run();
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
      }
      endHandler.handle(null);
    });
    return this;
  }

  private void fail(Throwable err) {
    if (failed) {
      return;
    }
    failed = true;
    if (exceptionHandler != null) {
      exceptionHandler.handle(err);
    }
  }

  @Override
  public TappedStream pause() {
    source.pause();
    return this;
  }

  @Override
  public TappedStream resume() {
    if (!failed) {
      source.resume();
    }
    return this;
  }

  @Override
  public TappedStream fetch(long amount) {
    if (!failed) {
      source.fetch(amount);
    }
    return this;
  }
}
