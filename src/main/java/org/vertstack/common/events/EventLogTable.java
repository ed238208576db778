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

  /** Writes the events numbered since the last flush, in one statement. */
  Future<Void> flush() {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<JsonObject> batch = pending;
    pending = new ArrayList<>();
    Long[] ids = batch.stream().map(e -> e.getLong("id")).toArray(Long[]::new);
    String[] projects = batch.stream().map(e -> e.getString("project_id")).toArray(String[]::new);
    String[] events = batch.stream().map(JsonObject::encode).toArray(String[]::new);
    return db.preparedQuery("INSERT INTO event_log (id, project_id, event) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) "
        + "ON CONFLICT (id) DO NOTHING")
      .execute(Tuple.of(ids, projects, events)).mapEmpty();
  }

  Future<Void> prune() {
    return db.preparedQuery("DELETE FROM event_log WHERE id <= (SELECT max(id) FROM event_log) - $1")
      .execute(Tuple.of((long) capacity)).mapEmpty();
  }

  /**
   * A replay page from the table: events after {@code after} and before {@code before} (where the
   * caller's memory takes over), of one project or all. {@code lastId} is the newest id known.
   */
  Future<EventLog.Page> since(long after, long before, String projectId, int max, long lastId) {
    String sql = "SELECT id, event FROM event_log WHERE id > $1 AND id < $2"
      + (projectId == null ? "" : " AND project_id = $4") + " ORDER BY id LIMIT $3";
    Tuple args = projectId == null ? Tuple.of(after, before, max) : Tuple.of(after, before, max, projectId);
    return db.preparedQuery(sql).execute(args).compose(rows -> {
      List<JsonObject> events = new ArrayList<>();
      for (Row r : rows) {
        events.add(new JsonObject(r.getString("event")));
      }
      // The oldest id is read after the page: pruning only deletes from the bottom, so if the
      // cursor is still covered now, the page above missed nothing.
      return db.query("SELECT coalesce(min(id), 0) AS m FROM event_log").execute().map(minRows -> {
        long oldest = minRows.iterator().next().getLong("m");
        boolean gap = after > lastId || (oldest > 0 && after < oldest - 1) || (oldest == 0 && after < before - 1);
        long scanned = events.size() == max ? events.get(events.size() - 1).getLong("id") : before - 1;
        return new EventLog.Page(gap, events, scanned < lastId, Math.max(scanned, after), lastId);
      });
    });
  }
}
