package org.vertstack.common.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's event log in PostgreSQL (schema events): written in batches by the sequencer,
 * pruned to the configured size, read only to replay events a controller no longer holds in
 * memory (or never saw, having started later).
 */
final class EventLogTable {

  static final String SCHEMA = "events";

  private final Pool db;
  private final int capacity;
  private List<JsonObject> pending = new ArrayList<>();
  private Future<Void> flushing;

  EventLogTable(Pool db, int capacity) {
    this.db = db;
    this.capacity = capacity;
  }

  /** The newest stored id, or 0. */
  Future<Long> maxId() {
    return db.query("SELECT coalesce(max(id), 0) AS m FROM event_log").execute()
      .map(rows -> rows.iterator().next().getLong("m"));
  }

  void add(JsonObject numbered) {
    pending.add(numbered);
  }

  /**
   * Writes the events numbered since the last flush, in one statement. One write at a time, so
   * batches land in id order; a batch that failed goes back in front of the next one: a replay
   * must not find a hole that was only a passing database error.
   */
  Future<Void> flush() {
    if (flushing != null) {
      return flushing;
    }
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<JsonObject> batch = pending;
    pending = new ArrayList<>();
    Long[] ids = batch.stream().map(e -> e.getLong("id")).toArray(Long[]::new);
    String[] projects = batch.stream().map(e -> e.getString("project_id")).toArray(String[]::new);
    String[] events = batch.stream().map(JsonObject::encode).toArray(String[]::new);
    Future<Void> write = db.preparedQuery("INSERT INTO event_log (id, project_id, event) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) "
        + "ON CONFLICT (id) DO NOTHING")
      .execute(Tuple.of(ids, projects, events)).mapEmpty();
    flushing = write;
    write.onComplete(done -> {
      flushing = null;
      if (done.failed()) {
        batch.addAll(pending);
        // the table keeps no more than its capacity anyway
        pending = batch.size() > capacity ? new ArrayList<>(batch.subList(batch.size() - capacity, batch.size())) : batch;
      }
    });
    return write;
  }

  Future<Void> prune() {
    return db.preparedQuery("DELETE FROM event_log WHERE id <= (SELECT max(id) FROM event_log) - $1")
      .execute(Tuple.of((long) capacity)).mapEmpty();
  }

  /**
   * A page read from the table. {@code complete} is false when ids inside the page's range are
   * missing from the table: numbered but not written yet (the sequencer writes in batches, so a
   * controller's memory runs ahead of the table), or never written (a sequencer that died with
   * events unwritten). Such a page must not be served as if it missed nothing.
   */
  record Read(EventLog.Page page, boolean complete) {
  }

  /**
   * A replay page from the table: events after {@code after} and before {@code before} (where the
   * caller's memory takes over), of one project or all. {@code lastId} is the newest id known.
   */
  Future<Read> since(long after, long before, String projectId, int max, long lastId) {
    String sql = "SELECT id, event FROM event_log WHERE id > $1 AND id < $2"
      + (projectId == null ? "" : " AND project_id = $4") + " ORDER BY id LIMIT $3";
    Tuple args = projectId == null ? Tuple.of(after, before, max) : Tuple.of(after, before, max, projectId);
    return db.preparedQuery(sql).execute(args).compose(rows -> {
      List<JsonObject> events = new ArrayList<>();
      for (Row r : rows) {
        events.add(new JsonObject(r.getString("event")));
      }
      long scanned = events.size() == max ? events.get(events.size() - 1).getLong("id") : before - 1;
      // The oldest id is read after the page: pruning only deletes from the bottom, so if the
      // cursor is still covered now, the page above missed nothing that was written. Ids are
      // contiguous, so counting every project's rows of the range tells whether all were written.
      return db.preparedQuery("SELECT (SELECT coalesce(min(id), 0) FROM event_log) AS oldest, "
          + "(SELECT count(*) FROM event_log WHERE id > $1 AND id <= $2) AS held")
        .execute(Tuple.of(after, scanned)).map(checkRows -> {
          Row check = checkRows.iterator().next();
          long oldest = check.getLong("oldest");
          // an empty table is not a gap by itself: it may not have been written yet (not complete)
          boolean gap = after > lastId || (oldest > 0 && after < oldest - 1);
          boolean complete = check.getLong("held") >= scanned - after;
          return new Read(new EventLog.Page(gap, events, scanned < lastId, Math.max(scanned, after), lastId), complete);
        });
    });
  }
}
