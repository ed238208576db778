package org.vertstack.objectstore.proxy;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The two bridges of bulk extraction hold only a few chunks: each side is paused when the other lags. */
class BulkStreamsTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** A source that records whether it was paused. */
  static final class Source implements ReadStream<Buffer> {
    volatile boolean paused;
    Handler<Buffer> handler;
    Handler<Void> end;

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
      handler = h;
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
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return resume();
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      end = h;
      return this;
    }
  }

  private static <T> T onContext(Context ctx, java.util.concurrent.Callable<T> call) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        f.complete(call.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestBodyIsPausedWhileItsReaderLags() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    Source source = new Source();
    BlockingBody body = onContext(ctx, () -> new BlockingBody(source, ctx));
    onContext(ctx, () -> {
      for (int i = 0; i < 7; i++) {
        source.handler.handle(Buffer.buffer("x"));
      }
      return null;
    });
    assertThat(source.paused).as("7 chunks waiting").isFalse();
    onContext(ctx, () -> {
      source.handler.handle(Buffer.buffer("x"));
      return null;
    });
    assertThat(source.paused).as("8 chunks waiting").isTrue();
    byte[] got = new byte[6];
    assertThat(body.read(got, 0, 6)).isEqualTo(1);
    for (int i = 1; i < 6; i++) {
      body.read(got, i, 1);
    }
    onContext(ctx, () -> null); // the resume runs on the context
    assertThat(source.paused).as("down to 2 waiting").isFalse();
    onContext(ctx, () -> {
      source.end.handle(null);
      return null;
    });
    assertThat(body.read(got, 0, 6)).isEqualTo(1);
    assertThat(body.read(got, 0, 6)).isEqualTo(1);
    assertThat(body.read(got, 0, 6)).isEqualTo(-1);
  }

  @Test
  void aDecodingWorkerWaitsWhileTheWriteIsPaused() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    PushedBody body = new PushedBody(ctx);
    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    onContext(ctx, () -> {
      body.handler(b -> received.add(b.toString()));
      body.endHandler(v -> ended.complete(null));
      body.pause();
      return null;
    });
    AtomicInteger pushed = new AtomicInteger();
    Thread worker = new Thread(() -> {
      try {
        for (int i = 0; i < 20; i++) {
          body.push(Buffer.buffer(String.valueOf(i)));
          pushed.incrementAndGet();
        }
        body.end();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    worker.start();
    Thread.sleep(500);
    assertThat(pushed.get()).as("the worker stops at 8 undelivered chunks").isEqualTo(8);
    assertThat(received).isEmpty();
    onContext(ctx, () -> body.resume());
    ended.get(10, TimeUnit.SECONDS);
    worker.join(10_000);
    assertThat(received).hasSize(20).startsWith("0", "1", "2").endsWith("19");
  }

  @Test
  void anAbandonedBodyReleasesItsWorker() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    PushedBody body = new PushedBody(ctx);
    onContext(ctx, () -> body.handler(b -> { }).pause());
    for (int i = 0; i < 8; i++) {
      assertThat(body.push(Buffer.buffer("x"))).isTrue();
    }
    body.abandon();
    assertThat(body.push(Buffer.buffer("x"))).isFalse();
  }
}
