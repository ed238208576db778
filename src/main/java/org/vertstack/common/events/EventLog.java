package org.vertstack.common.events;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The last N resource events, each with a monotonically increasing id, so a feed subscriber that
 * reconnects can ask for "everything after id X". Ids are contiguous, so the log is a ring buffer
 * indexed by id. Not thread-safe: owned by one verticle.
 *
 * <p>The first id is chosen by the caller (the node uses wall-clock microseconds at start), so
 * ids keep increasing across restarts and a cursor from before a restart is recognised as a gap.
 */
public final class EventLog {

  /** One page of a replay: events after the cursor, {@code gap} if some were already dropped. */
  public record Page(boolean gap, List<JsonObject> events, boolean more, long scannedTo, long lastId) {
    public JsonObject toJson() {
      return new JsonObject().put("gap", gap).put("events", events).put("more", more)
        .put("scanned_to", scannedTo).put("last_id", lastId);
    }
  }

  private final JsonObject[] ring;
  private int head;        // index of the oldest event
  private int size;
  private long nextId;
  private long restartedAt;

  public EventLog(int capacity, long firstId) {
    if (capacity < 1) {
      throw new IllegalArgumentException("event log capacity must be at least 1");
    }
    this.ring = new JsonObject[capacity];
    this.nextId = firstId;
    this.restartedAt = firstId;
  }

  /** Stores a copy of the event with the next id and returns that copy. */
  public JsonObject append(JsonObject event) {
    JsonObject stored = event.copy().put("id", nextId++);
    if (size == ring.length) {
      ring[head] = stored;
      head = (head + 1) % ring.length;
    } else {
      ring[(head + size) % ring.length] = stored;
      size++;
    }
    return stored;
  }

  /**
   * Stores an event numbered elsewhere (the cluster's sequencer). An id already seen is ignored
   * (false); an id past the next one means events were missed here, so the log restarts at it
   * and older cursors are served from the shared log.
   */
  public boolean accept(JsonObject numbered) {
    long id = numbered.getLong("id");
    if (id < nextId) {
      return false;
    }
    if (id > nextId) {
      java.util.Arrays.fill(ring, null);
      head = 0;
      size = 0;
      nextId = id;
      restartedAt = id;
    }
    append(numbered);
    return true;
  }

  /**
   * The id this log last restarted at (its first id, or the id after events it never saw): every
   * event from there on passed through {@link #accept}, so its live subscribers were handed it.
   */
  public long restartedAt() {
    return restartedAt;
  }

  /** The id of the newest event; {@code firstId - 1} while the log is empty. */
  public long lastId() {
    return nextId - 1;
  }

  /** The id of the oldest event still held, or the next id while the log is empty. */
  public long oldestId() {
    return nextId - size;
  }

  public int size() {
    return size;
  }

  /**
   * Up to {@code max} events with id greater than {@code after}, of one project (or all when
   * {@code projectId} is null). {@code gap} is true when events after the cursor were already
   * dropped, or the cursor is not one this log handed out (newer than its last id).
   */
  public Page since(long after, String projectId, int max) {
    long last = lastId();
    boolean gap = after < oldestId() - 1 || after > last;
    long from = Math.max(after + 1, oldestId());
    if (after > last) {
      from = last + 1;
    }
    List<JsonObject> out = new ArrayList<>();
    long id = from;
    for (; id <= last && out.size() < max; id++) {
      JsonObject e = ring[(int) ((head + (id - oldestId())) % ring.length)];
      if (projectId == null || projectId.equals(e.getString("project_id"))) {
        out.add(e);
      }
    }
    return new Page(gap, out, id <= last, id - 1, last);
  }
}
