package org.vertstack.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.ResourceEvents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fan-out of the live feed, measured (not asserted): S subscribers spread over P projects,
 * E events published at a steady rate; the latency from publish to arrival at each subscriber.
 * Runs only with -Dvertstack.bench=true:
 * {@code mvn -o test -Dtest=EventFeedBenchmark -Dvertstack.bench=true}
 */
class EventFeedBenchmark {

  private static final int PROJECTS = Integer.getInteger("bench.projects", 50);
  private static final int PER_PROJECT = Integer.getInteger("bench.subscribers-per-project", 10);
  private static final int EVENTS = Integer.getInteger("bench.events", 10_000);
  private static final int RATE = Integer.getInteger("bench.rate", 2_000); // events per second

  @Test
  void fanOut() throws Exception {
    assumeTrue(Boolean.getBoolean("vertstack.bench"), "benchmarks run with -Dvertstack.bench=true");
    Vertx server = Vertx.vertx();
    Vertx clients = Vertx.vertx();
    try {
      FeedFixture cloud = FeedFixture.start(server, new JsonObject().put("event-log-size", 10_000));
      WebSocketClient ws = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(PROJECTS * PER_PROJECT + 10));
      int subscribers = PROJECTS * PER_PROJECT;
      int expected = EVENTS * PER_PROJECT;            // each event reaches the subscribers of its project
      long[] latencies = new long[expected];
      AtomicInteger received = new AtomicInteger();
      CountDownLatch live = new CountDownLatch(subscribers);
      CountDownLatch done = new CountDownLatch(1);
      List<Future<?>> connected = new ArrayList<>();
      for (int p = 0; p < PROJECTS; p++) {
        String token = cloud.token("p" + p, "reader", 3600).value();
        for (int i = 0; i < PER_PROJECT; i++) {
          connected.add(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cloud.port())
            .setURI(DashboardModule.FEED_PATH)).compose(socket -> {
              socket.textMessageHandler(text -> {
                long now = System.nanoTime();
                JsonObject m = new JsonObject(text);
                String type = m.getString("type");
                if ("live".equals(type)) {
                  live.countDown();
                } else if ("event".equals(type)) {
                  int n = received.getAndIncrement();
                  latencies[n] = now - m.getJsonObject("resource").getLong("sent_ns");
                  if (n + 1 == expected) {
                    done.countDown();
                  }
                }
              });
              return socket.writeTextMessage(new JsonObject().put("token", token).encode());
            }));
        }
      }
      Future.all(connected).await(60, TimeUnit.SECONDS);
      if (!live.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("subscribers not live");
      }
      long started = System.nanoTime();
      AtomicInteger published = new AtomicInteger();
      int perTick = Math.max(1, RATE / 100);
      server.setPeriodic(10, id -> {
        for (int i = 0; i < perTick && published.get() < EVENTS; i++) {
          int n = published.getAndIncrement();
          ResourceEvents.publish(server, "p" + (n % PROJECTS), "bench.thing", "e" + n, "updated",
            new JsonObject().put("sent_ns", System.nanoTime()).put("name", "thing " + n));
        }
        if (published.get() >= EVENTS) {
          server.cancelTimer(id);
        }
      });
      boolean all = done.await(120, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - started) / 1e9;
      int got = received.get();
      long[] sorted = Arrays.copyOf(latencies, got);
      Arrays.sort(sorted);
      System.gc();
      long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
      System.out.printf("[feed-bench] %d subscribers in %d projects, %d events at %d/s: %d of %d messages in %.1f s"
          + " (%.0f msg/s); latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; heap after GC %d MiB%s%n",
        subscribers, PROJECTS, EVENTS, RATE, got, expected, seconds, got / seconds,
        pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, heapMb,
        all ? "" : " (INCOMPLETE)");
      TokenVerifier.forget(server);
    } finally {
      clients.close().await();
      server.close().await();
    }
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }
}
