package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;

import java.util.ArrayList;
import java.util.List;

import static org.vertstack.compute.ComputeRules.check;

/**
 * os-migrations: the admin's list of the migrations servers went through. Here every migration
 * is a resize on the server's own host (no cold or live migration), so source and destination
 * are the same node; flavors are named by their id in the server, not by Nova's internal
 * integer, so {@code old_instance_type_id}/{@code new_instance_type_id} are null.
 */
final class Migrations {

  private static final String SELECT = """
    SELECT m.id, m.uuid, m.status, m.instance_id, m.created_at, m.updated_at, h.hostname, h.host_ip
    FROM migrations m JOIN hosts h ON h.id = m.host_id""";

  private final Pool db;

  Migrations(Pool db) {
    this.db = db;
  }

  /**
   * Filters as Nova's: status, instance_uuid, host (source or destination), source_compute,
   * migration_type; from 2.59 changes-since, newest first and paged by limit and marker (a
   * migration's uuid); from 2.66 changes-before.
   */
  Future<JsonObject> list(AuthContext caller, MultiMap q, Microversion mv) {
    check(caller, "os-migrations:index", Target.none());
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    filter(where, args, q.get("status"), "m.status = $");
    filter(where, args, q.get("instance_uuid"), "m.instance_id = $");
    filter(where, args, q.get("host"), "h.hostname = $");
    filter(where, args, q.get("source_compute"), "h.hostname = $");
    String type = q.get("migration_type");
    if (type != null && !"resize".equals(type)) {
      where.add("false"); // only resizes happen here
    }
    boolean paged = mv.atLeast(2, 59);
    if (paged && q.get("changes-since") != null) {
      args.add(Servers.parseTime(q.get("changes-since"), "changes-since"));
      where.add("m.updated_at >= $" + args.size());
    }
    if (mv.atLeast(2, 66) && q.get("changes-before") != null) {
      args.add(Servers.parseTime(q.get("changes-before"), "changes-before"));
      where.add("m.updated_at <= $" + args.size());
    }
    int limit = paged ? limit(q.get("limit")) : Integer.MAX_VALUE;
    String marker = paged ? q.get("marker") : null;
    Future<Void> markerClause = Future.succeededFuture();
    if (marker != null) {
      markerClause = db.preparedQuery("SELECT created_at, id FROM migrations WHERE uuid = $1").execute(Tuple.of(marker)).map(rows -> {
        if (rows.size() == 0) {
          throw Errors.badRequest("Marker " + marker + " could not be found.");
        }
        Row r = rows.iterator().next();
        args.add(r.getOffsetDateTime("created_at"));
        args.add(r.getLong("id"));
        where.add("(m.created_at, m.id) < ($" + (args.size() - 1) + ", $" + args.size() + ")");
        return null;
      });
    }
    return markerClause.compose(v -> {
      String sql = SELECT + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + (paged ? " ORDER BY m.created_at DESC, m.id DESC" : " ORDER BY m.id")
        + (limit == Integer.MAX_VALUE ? "" : " LIMIT " + limit);
      return db.preparedQuery(sql).execute(Tuple.from(args));
    }).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(render(r, mv)));
      return new JsonObject().put("migrations", out);
    });
  }

  private static void filter(List<String> where, List<Object> args, String value, String clause) {
    if (value != null) {
      args.add(value);
      where.add(clause + args.size());
    }
  }

  private static int limit(String raw) {
    if (raw == null) {
      return 1000;
    }
    try {
      int n = Integer.parseInt(raw);
      if (n < 0) {
        throw Errors.badRequest("Invalid input for query parameters limit: it must be 0 or more.");
      }
      return Math.min(n, 1000);
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid input for query parameters limit: it must be an integer.");
    }
  }

  private static JsonObject render(Row r, Microversion mv) {
    String host = r.getString("hostname");
    JsonObject m = new JsonObject().put("id", r.getLong("id")).put("status", r.getString("status"))
      .put("instance_uuid", r.getString("instance_id"))
      .put("source_node", host).put("source_compute", host).put("dest_node", host).put("dest_compute", host)
      .put("dest_host", r.getString("host_ip"))
      .putNull("old_instance_type_id").putNull("new_instance_type_id")
      .put("created_at", Servers.time(r.getOffsetDateTime("created_at")))
      .put("updated_at", Servers.time(r.getOffsetDateTime("updated_at")));
    if (mv.atLeast(2, 23)) {
      m.put("migration_type", "resize"); // links only for a live migration in progress: never here
    }
    if (mv.atLeast(2, 59)) {
      m.put("uuid", r.getString("uuid"));
    }
    return m;
  }
}
