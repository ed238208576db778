package org.vertstack.dashboard;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A feed connection that records every message and how it closed. */
public final class FeedClient {
  final WebSocket ws;
  final LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  volatile Short closeCode;

  FeedClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
    ws.closeHandler(v -> closeCode = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
  }

  void send(JsonObject hello) {
    ws.writeTextMessage(hello.encode()).await();
  }

  /** The next message, failing after the timeout. */
  JsonObject next() throws InterruptedException {
    JsonObject m = messages.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 5 s (closed with " + closeCode + ")");
    }
    return m;
  }

  /** Messages until the next one of the given type (that one included). */
  List<JsonObject> until(String type) throws InterruptedException {
    List<JsonObject> seen = new ArrayList<>();
    while (true) {
      JsonObject m = next();
      seen.add(m);
      if (type.equals(m.getString("type"))) {
        return seen;
      }
    }
  }

  /** Waits for the socket to close and returns the close code. */
  short awaitClose(long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (closeCode == null && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    if (closeCode == null) {
      throw new AssertionError("socket still open after " + millis + " ms");
    }
    return closeCode;
  }

  /** resource ids of the event messages up to (and including) the one named last. */
  List<String> eventsUntil(String last) throws InterruptedException {
    List<String> names = new ArrayList<>();
    while (true) {
      JsonObject m = next();
      if ("event".equals(m.getString("type"))) {
        names.add(m.getString("resource_id"));
        if (last.equals(m.getString("resource_id"))) {
          return names;
        }
      }
    }
  }
}
