package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import static org.vertstack.compute.ComputeRules.check;

/**
 * Host aggregates (os-aggregates, the operator's): named sets of compute hosts with metadata. An
 * aggregate's availability zone (also its metadata item "availability_zone", as in Nova) becomes
 * the zone of its hosts, which the scheduler and os-availability-zone read from the hosts table;
 * a host leaving its zoned aggregate gets back the zone it reports itself.
 */
final class Aggregates {

  private static final String RESOURCE = "compute.aggregate";
  private static final DateTimeFormatter NOVA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  private static final String SELECT = """
    SELECT a.*, coalesce((SELECT array_agg(hostname ORDER BY hostname) FROM aggregate_hosts ah WHERE ah.aggregate_id = a.id),
      '{}') AS hosts FROM aggregates a""";
  /** A host's zone: its zoned aggregate's, else the one it reports. */
  private static final String REZONE = """
    UPDATE hosts h SET availability_zone = coalesce((SELECT a.availability_zone FROM aggregates a
      JOIN aggregate_hosts ah ON ah.aggregate_id = a.id WHERE ah.hostname = h.hostname AND a.availability_zone IS NOT NULL
      ORDER BY a.id LIMIT 1), h.reported_zone) WHERE h.hostname = ANY($1)""";

  private final Vertx vertx;
  private final Pool db;

  Aggregates(Vertx vertx, Pool db) {
    this.vertx = vertx;
    this.db = db;
  }

  Future<JsonObject> list(AuthContext caller, Microversion mv) {
    check(caller, "os-aggregates:index", Target.none());
    return db.query(SELECT + " ORDER BY a.id").execute().map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(render(r, mv, true)));
      return new JsonObject().put("aggregates", out);
    });
  }

  Future<JsonObject> get(AuthContext caller, String id, Microversion mv) {
    check(caller, "os-aggregates:show", Target.none());
    return load(db, id).map(r -> wrap(r, mv, true));
  }

  Future<JsonObject> create(AuthContext caller, JsonObject body, Microversion mv) {
    check(caller, "os-aggregates:create", Target.none());
    // the body matched schemas/aggregate-create.json
    JsonObject agg = body.getJsonObject("aggregate");
    String name = agg.getString("name");
    String zone = agg.getString("availability_zone");
    JsonObject metadata = zone == null ? new JsonObject() : new JsonObject().put("availability_zone", zone);
    return db.preparedQuery("INSERT INTO aggregates (uuid, name, availability_zone, metadata) VALUES ($1, $2, $3, $4) RETURNING id")
      .execute(Tuple.of(UUID.randomUUID().toString(), name, zone, metadata))
      .recover(err -> Future.failedFuture(duplicate(err, name)))
      .compose(rows -> load(db, String.valueOf(rows.iterator().next().getInteger("id"))))
      .map(r -> {
        publish(r, mv, "created");
        JsonObject out = render(r, mv, false);
        return new JsonObject().put("aggregate", out);
      });
  }

  Future<JsonObject> update(AuthContext caller, String id, JsonObject body, Microversion mv) {
    check(caller, "os-aggregates:update", Target.none());
    // the body matched schemas/aggregate-update.json: a name, a zone or both
    JsonObject agg = body.getJsonObject("aggregate");
    String name = agg.getString("name");
    boolean zoneGiven = agg.containsKey("availability_zone");
    String zone = agg.getString("availability_zone");
    return db.withTransaction(conn -> load(conn, id).compose(r -> {
      int key = r.getInteger("id");
      JsonObject metadata = (JsonObject) r.getJson("metadata");
      if (zoneGiven) {
        if (zone == null) {
          metadata.remove("availability_zone");
        } else {
          metadata.put("availability_zone", zone);
        }
      }
      return conn.preparedQuery("UPDATE aggregates SET name = coalesce($2, name), availability_zone = CASE WHEN $3 THEN $4 "
          + "ELSE availability_zone END, metadata = $5, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(key, name, zoneGiven, zone, metadata))
        .recover(err -> Future.failedFuture(duplicate(err, name)))
        .compose(x -> conn.preparedQuery(REZONE).execute(Tuple.of(hosts(r))))
        .compose(x -> load(conn, id));
    })).map(r -> {
      publish(r, mv, "updated");
      return wrap(r, mv, true);
    });
  }

  Future<Void> delete(AuthContext caller, String id) {
    check(caller, "os-aggregates:delete", Target.none());
    return db.withTransaction(conn -> load(conn, id).compose(r -> {
      if (hosts(r).length > 0) {
        throw Errors.badRequest("Cannot delete aggregate " + id + ": it still has hosts (remove them first).");
      }
      return conn.preparedQuery("DELETE FROM aggregates WHERE id = $1").execute(Tuple.of(r.getInteger("id"))).map(r);
    })).map(r -> {
      ResourceEvents.publish(vertx, null, RESOURCE, String.valueOf(r.getInteger("id")), "deleted",
        new JsonObject().put("id", r.getInteger("id")).put("name", r.getString("name")));
      return null;
    });
  }

  /** POST /os-aggregates/{id}/action: add_host, remove_host or set_metadata. */
  Future<JsonObject> action(AuthContext caller, String id, JsonObject body, Microversion mv) {
    String action = body.size() == 1 ? body.fieldNames().iterator().next() : null;
    boolean known = action != null && java.util.Set.of("add_host", "remove_host", "set_metadata").contains(action);
    check(caller, "os-aggregates:" + (known ? action : "add_host"), Target.none()); // a non-admin's 403 before any 400
    if (!known) {
      throw Errors.badRequest("Invalid aggregate action: one of add_host, remove_host, set_metadata.");
    }
    JsonObject args = body.getJsonObject(action); // as schemas/aggregate-action.json declares
    Future<Row> done = switch (action) {
      case "add_host" -> addHost(id, args.getString("host"));
      case "remove_host" -> removeHost(id, args.getString("host"));
      default -> setMetadata(id, args.getJsonObject("metadata"));
    };
    return done.map(r -> {
      publish(r, mv, "updated");
      return wrap(r, mv, true);
    });
  }

  private Future<Row> addHost(String id, String host) {
    return db.withTransaction(conn -> load(conn, id).compose(r -> conn.preparedQuery("SELECT 1 FROM hosts WHERE hostname = $1")
      .execute(Tuple.of(host)).compose(found -> {
        if (found.size() == 0) {
          throw Errors.notFound("Compute host " + host + " could not be found.");
        }
        if (java.util.List.of(hosts(r)).contains(host)) {
          throw Errors.conflict("Aggregate " + id + " already has host " + host + ".");
        }
        String zone = r.getString("availability_zone");
        // a host is in one zone: another aggregate of it with another zone refuses it, as in Nova
        return conn.preparedQuery("SELECT a.availability_zone FROM aggregates a JOIN aggregate_hosts ah ON ah.aggregate_id = a.id "
            + "WHERE ah.hostname = $1 AND a.availability_zone IS NOT NULL AND a.availability_zone <> $2")
          .execute(Tuple.of(host, zone == null ? "" : zone)).compose(other -> {
            if (zone != null && other.size() > 0) {
              throw Errors.conflict("Cannot add host " + host + " to aggregate " + id + ": the host is already in availability zone "
                + other.iterator().next().getString(0) + ".");
            }
            return conn.preparedQuery("INSERT INTO aggregate_hosts (aggregate_id, hostname) VALUES ($1, $2)")
              .execute(Tuple.of(r.getInteger("id"), host));
          });
      })
      .compose(x -> conn.preparedQuery(REZONE).execute(Tuple.of(new String[] {host})))
      .compose(x -> load(conn, id))));
  }

  private Future<Row> removeHost(String id, String host) {
    return db.withTransaction(conn -> load(conn, id).compose(r -> conn
      .preparedQuery("DELETE FROM aggregate_hosts WHERE aggregate_id = $1 AND hostname = $2").execute(Tuple.of(r.getInteger("id"), host))
      .map(rows -> {
        if (rows.rowCount() == 0) {
          throw Errors.notFound("Cannot remove host " + host + " from aggregate " + id + ": the host is not in it.");
        }
        return rows;
      }))
      .compose(x -> conn.preparedQuery(REZONE).execute(Tuple.of(new String[] {host})))
      .compose(x -> load(conn, id)));
  }

  /** Merges the items; a null value removes one. The item "availability_zone" is the aggregate's zone. */
  private Future<Row> setMetadata(String id, JsonObject items) {
    return db.withTransaction(conn -> load(conn, id).compose(r -> {
      JsonObject metadata = (JsonObject) r.getJson("metadata");
      items.forEach(e -> {
        if (e.getValue() == null) {
          metadata.remove(e.getKey());
        } else {
          metadata.put(e.getKey(), e.getValue());
        }
      });
      return conn.preparedQuery("UPDATE aggregates SET metadata = $2, availability_zone = $3, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(r.getInteger("id"), metadata, metadata.getString("availability_zone")))
        .compose(x -> conn.preparedQuery(REZONE).execute(Tuple.of(hosts(r))))
        .compose(x -> load(conn, id));
    }));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static Future<Row> load(io.vertx.sqlclient.SqlClient conn, String id) {
    int key;
    try {
      key = Integer.parseInt(id);
    } catch (NumberFormatException e) {
      return Future.failedFuture(Errors.notFound("Aggregate " + id + " could not be found."));
    }
    String lock = conn instanceof SqlConnection ? " FOR UPDATE OF a" : "";
    return conn.preparedQuery(SELECT + " WHERE a.id = $1" + lock).execute(Tuple.of(key)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Aggregate " + id + " could not be found.");
      }
      return rows.iterator().next();
    });
  }

  private static String[] hosts(Row r) {
    return r.getArrayOfStrings("hosts");
  }

  private static Throwable duplicate(Throwable err, String name) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState())
      ? Errors.conflict("Aggregate " + name + " already exists.") : err;
  }

  private void publish(Row r, Microversion mv, String action) {
    ResourceEvents.publish(vertx, null, RESOURCE, String.valueOf(r.getInteger("id")), action, render(r, mv, true));
  }

  private static JsonObject wrap(Row r, Microversion mv, boolean full) {
    return new JsonObject().put("aggregate", render(r, mv, full));
  }

  /** Nova's aggregate: hosts and metadata left out of a create's answer, as Nova does; the uuid from 2.41. */
  private static JsonObject render(Row r, Microversion mv, boolean full) {
    JsonObject out = new JsonObject()
      .put("id", r.getInteger("id"))
      .put("name", r.getString("name"))
      .put("availability_zone", r.getString("availability_zone"))
      .put("created_at", time(r.getOffsetDateTime("created_at")))
      .put("updated_at", time(r.getOffsetDateTime("updated_at")))
      .put("deleted", false)
      .put("deleted_at", (Object) null);
    if (full) {
      out.put("hosts", new JsonArray(java.util.List.of((Object[]) hosts(r))))
        .put("metadata", r.getJson("metadata"));
    }
    if (mv.atLeast(2, 41)) {
      out.put("uuid", r.getString("uuid"));
    }
    return out;
  }

  private static String time(java.time.OffsetDateTime t) {
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(NOVA_TIME);
  }
}
