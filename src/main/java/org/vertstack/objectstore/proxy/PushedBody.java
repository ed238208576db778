package org.vertstack.objectstore.proxy;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The other way round from {@link BlockingBody}: a worker thread pushes bytes (an archive
 * member it decodes) into a {@link ReadStream} consumed on an event loop. The worker blocks
 * while {@value #IN_FLIGHT} buffers are undelivered (the consumer paused), so a slow replica
 * slows the decoding instead of filling memory. {@link #abandon} frees a blocked worker when
 * the consumer has given up.
 */
final class PushedBody implements ReadStream<Buffer> {

  private static final int IN_FLIGHT = 8;

  private final Context context;
  private final Semaphore room = new Semaphore(IN_FLIGHT);
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private volatile boolean abandoned;
  private boolean paused;
  private boolean endPending;
  private boolean ended;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  PushedBody(Context context) {
    this.context = context;
  }

  /** Worker side: hands one buffer over, waiting for room. False when the consumer gave up. */
  boolean push(Buffer buf) throws InterruptedException {
    while (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
      if (abandoned) {
        return false;
      }
    }
    context.runOnContext(v -> {
      pending.add(buf);
      deliver();
    });
    return !abandoned;
  }

  /** Worker side: no more bytes. */
  void end() {
    context.runOnContext(v -> {
      endPending = true;
      deliver();
    });
  }

  /** The consumer is done with this body (its write finished or failed): stop waiting for room. */
  void abandon() {
    abandoned = true;
  }

  /** Hands over what is pending, once the consumer has a handler (bytes before it would be lost). */
  private void deliver() {
    while (!paused && handler != null && !pending.isEmpty()) {
      Buffer b = pending.poll();
      room.release();
      if (handler != null) {
        handler.handle(b);
      }
    }
    if (!paused && pending.isEmpty() && endPending && !ended && endHandler != null) {
      ended = true;
      endHandler.handle(null);
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    handler = h;
    context.runOnContext(v -> deliver());
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
    context.runOnContext(v -> deliver());
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    return resume();
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    context.runOnContext(v -> deliver());
    return this;
  }
}
