package org.vertstack.objectstore.proxy;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request body read as a blocking {@link InputStream} on a worker thread (for decoders that
 * only read streams, such as tar, gzip and bzip2). Back-pressure: the source is paused while
 * {@value #HIGH} buffers wait unread and resumed once the reader has taken them down to
 * {@value #LOW}, so at most a few of the client's chunks are ever held.
 */
final class BlockingBody extends InputStream {

  private static final int HIGH = 8;
  private static final int LOW = 2;
  private static final Object END = new Object();

  private final ReadStream<Buffer> source;
  private final Context context;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean paused;
  private Buffer current;
  private int pos;
  private boolean done;

  /** Call on the source's context; the source starts flowing. */
  BlockingBody(ReadStream<Buffer> source, Context context) {
    this.source = source;
    this.context = context;
    source.handler(buf -> {
      queue.add(buf);
      if (waiting.incrementAndGet() >= HIGH && !paused) {
        paused = true;
        source.pause();
      }
    });
    source.exceptionHandler(err -> queue.add(err));
    source.endHandler(v -> queue.add(END));
    source.resume();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (current == null || pos >= current.length()) {
      if (done) {
        return -1;
      }
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      if (next == END) {
        done = true;
        return -1;
      }
      if (next instanceof Throwable t) {
        done = true;
        throw new IOException("the request body failed", t);
      }
      current = (Buffer) next;
      pos = 0;
      if (waiting.decrementAndGet() <= LOW && paused) {
        paused = false;
        context.runOnContext(v -> source.resume());
      }
    }
    int n = Math.min(len, current.length() - pos);
    current.getBytes(pos, pos + n, b, off);
    pos += n;
    return n;
  }
}
