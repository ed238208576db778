package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.function.LongFunction;

/**
 * A body of unknown length (chunked) counted against a byte quota as it streams: room is
 * reserved ahead in blocks, and a buffer is passed on only once its bytes are covered. When
 * the quota refuses, the stream fails with that refusal (413) before the buffer that would have
 * crossed the limit, so the replicas are aborted and nothing is committed.
 */
final class MeteredBody implements ReadStream<Buffer> {

  /** Reserved ahead at a time, so a big upload asks the quota engine about once per block. */
  static final long BLOCK = 4L * 1024 * 1024;

  private final ReadStream<Buffer> source;
  private final LongFunction<Future<Void>> reserve;
  private long counted;
  private long reserved;
  private boolean paused;
  private boolean waiting;
  private boolean failed;
  private boolean endPending;
  private Handler<Buffer> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;

  /** {@code reserve} reserves that many more bytes, or fails (413) when they are over the limit. */
  MeteredBody(ReadStream<Buffer> source, LongFunction<Future<Void>> reserve) {
    this.source = source;
    this.reserve = reserve;
  }

  /** Bytes reserved so far (at least the bytes passed on): what the write must settle or release. */
  long reserved() {
    return reserved;
  }

  @Override
  public MeteredBody handler(Handler<Buffer> h) {
    this.handler = h;
    source.handler(h == null ? null : this::arrived);
    return this;
  }

  private void arrived(Buffer buf) {
    if (failed) {
      return;
    }
    counted += buf.length();
    if (counted <= reserved) {
      handler.handle(buf);
      return;
    }
    long needed = counted - reserved;
    waiting = true;
    source.pause();
    // a block ahead when there is room for it; else exactly what this buffer needs
    reserve.apply(Math.max(needed, BLOCK)).map(Math.max(needed, BLOCK))
      .recover(err -> needed >= BLOCK ? Future.failedFuture(err) : reserve.apply(needed).map(needed))
      .onComplete(ar -> {
        waiting = false;
        if (ar.failed()) {
          failed = true;
          if (exceptionHandler != null) {
            exceptionHandler.handle(ar.cause());
          }
          return;
        }
        reserved += ar.result();
        handler.handle(buf);
        if (endPending) {
          endPending = false;
          if (endHandler != null) {
            endHandler.handle(null);
          }
        } else if (!paused) {
          source.resume();
        }
      });
  }

  @Override
  public MeteredBody exceptionHandler(Handler<Throwable> h) {
    this.exceptionHandler = h;
    source.exceptionHandler(err -> {
      if (!failed && h != null) {
        h.handle(err);
      }
    });
    return this;
  }

  @Override
  public MeteredBody endHandler(Handler<Void> h) {
    this.endHandler = h;
    source.endHandler(v -> {
      if (failed) {
        return;
      }
      if (waiting) {
        endPending = true;
      } else if (h != null) {
        h.handle(null);
      }
    });
    return this;
  }

  @Override
  public MeteredBody pause() {
    paused = true;
    source.pause();
    return this;
  }

  @Override
  public MeteredBody resume() {
    paused = false;
    if (!waiting && !failed) {
      source.resume();
    }
    return this;
  }

  @Override
  public MeteredBody fetch(long amount) {
    if (!waiting && !failed) {
      source.fetch(amount);
    }
    return this;
  }
}
