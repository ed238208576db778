package org.vertstack.compute;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.compute.hypervisor.SerialConsole;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries one open serial console over the event bus, on the compute node. The controller's
 * WebSocket end ({@link SerialConsoleSocket}) sends keystrokes to {@code <relay>.in} (a Buffer;
 * header {@code op}: {@code ping} keeps the relay alive, {@code close} ends it) and receives the
 * guest's output on {@code <relay>.out} (a Buffer; {@code op: closed} with the reason when the
 * console ends). The console is polled on a thread of its own worker pool, never an event loop:
 * one thread both reads and writes, as a non-blocking libvirt stream wants.
 */
final class ConsoleRelay {

  static final String ADDRESS_PREFIX = "compute.console.";
  static final String OP = "op";
  /** Consoles one node relays at once; each holds a thread of the pool. */
  static final int MAX_CONSOLES = 32;
  /** Without a word from the controller for this long, its end is gone: the relay ends. */
  static final long SILENCE_MS = 45_000;

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRelay.class);

  private final Vertx vertx;
  private final SerialConsole console;
  private final String address;
  private final ConcurrentLinkedQueue<byte[]> typed = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile long heardAt = System.currentTimeMillis();
  private MessageConsumer<Buffer> input;

  private ConsoleRelay(Vertx vertx, SerialConsole console, String address) {
    this.vertx = vertx;
    this.console = console;
    this.address = address;
  }

  static void start(Vertx vertx, SerialConsole console, String address) {
    new ConsoleRelay(vertx, console, address).run();
  }

  private void run() {
    input = vertx.eventBus().consumer(address + ".in", msg -> {
      heardAt = System.currentTimeMillis();
      String op = msg.headers().get(OP);
      if ("close".equals(op)) {
        ended.set(true);
      } else if (op == null && msg.body() != null && msg.body().length() > 0) {
        typed.add(msg.body().getBytes());
      }
    });
    WorkerExecutor pool = vertx.createSharedWorkerExecutor("compute-serial-console", MAX_CONSOLES, 365, TimeUnit.DAYS);
    pool.executeBlocking(this::pump, false).onComplete(done -> {
      input.unregister();
      pool.close();
      String reason = done.succeeded() ? done.result() : "the console failed: " + done.cause().getMessage();
      vertx.eventBus().send(address + ".out", Buffer.buffer(reason), new DeliveryOptions().addHeader(OP, "closed"));
    });
  }

  /** Reads and writes until the console or the controller's end goes; answers why it ended. */
  private String pump() {
    byte[] buf = new byte[16 * 1024];
    long activeAt = System.currentTimeMillis();
    try {
      while (!ended.get()) {
        for (byte[] keys = typed.poll(); keys != null; keys = typed.poll()) {
          console.write(keys);
          activeAt = System.currentTimeMillis();
        }
        int n = console.read(buf);
        if (n < 0) {
          return "the guest's console ended (the server stopped, or another session took the console)";
        }
        long now = System.currentTimeMillis();
        if (n > 0) {
          vertx.eventBus().send(address + ".out", Buffer.buffer(java.util.Arrays.copyOf(buf, n)));
          activeAt = now;
          continue;
        }
        if (now - heardAt > SILENCE_MS) {
          return "the browser's end went away";
        }
        // poll often while the guest talks or the user types, less when all is quiet
        Thread.sleep(now - activeAt < 2_000 ? 10 : 40);
      }
      return "closed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "the compute agent stopped";
    } catch (Exception e) {
      LOG.debug("serial console relay {}: {}", address, e.getMessage());
      return "the console failed: " + e.getMessage();
    } finally {
      console.close();
    }
  }
}
