package org.vertstack.objectstore.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Account and container databases in PostgreSQL (schema objectstore): metadata, per-container
 * counters kept in the same statement as each listing change, and keyset-paginated listings.
 */
public final class ContainerDb {

  private static final DateTimeFormatter LISTING_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

  private final Pool pool;

  public ContainerDb(Pool pool) {
    this.pool = pool;
  }

  // ---- accounts

  public Future<JsonObject> account(String account) {
    return pool.preparedQuery("SELECT a.meta, a.created_at, (SELECT count(*) FROM objectstore.containers c WHERE c.account = $1) AS containers,"
        + " (SELECT coalesce(sum(object_count), 0) FROM objectstore.containers c WHERE c.account = $1)"
        + "   + (SELECT coalesce(sum(objects), 0) FROM objectstore.container_deltas x WHERE x.account = $1) AS objects,"
        + " (SELECT coalesce(sum(bytes_used), 0) FROM objectstore.containers c WHERE c.account = $1)"
        + "   + (SELECT coalesce(sum(bytes), 0) FROM objectstore.container_deltas x WHERE x.account = $1) AS bytes"
        + " FROM (SELECT $1::text AS account) k LEFT JOIN objectstore.accounts a ON a.account = k.account")
      .execute(Tuple.of(account)).map(rows -> {
        Row r = rows.iterator().next();
        JsonObject meta = r.getJsonObject("meta");
        OffsetDateTime created = r.getOffsetDateTime("created_at");
        return new JsonObject().put("meta", meta == null ? new JsonObject() : meta)
          .put("created", created == null ? System.currentTimeMillis() : created.toInstant().toEpochMilli())
          .put("containers", r.getLong("containers")).put("objects", ((Number) r.getValue("objects")).longValue())
          .put("bytes", ((Number) r.getValue("bytes")).longValue());
      });
  }

  /** Merges metadata changes (a null/empty value removes the key). */
  public Future<Void> updateAccountMeta(String account, JsonObject changes) {
    return pool.preparedQuery("INSERT INTO objectstore.accounts (account, meta) VALUES ($1, jsonb_strip_nulls($2::jsonb))"
        + " ON CONFLICT (account) DO UPDATE SET meta = jsonb_strip_nulls(objectstore.accounts.meta || $2::jsonb)")
      .execute(Tuple.of(account, nullsForEmpty(changes))).mapEmpty();
  }

  // ---- containers

  /** The container's row as JSON, or null. */
  public Future<JsonObject> container(String account, String name) {
    return pool.preparedQuery("SELECT meta, object_count + coalesce(d.objects, 0) AS object_count, bytes_used + coalesce(d.bytes, 0) AS bytes_used,"
        + " created_at FROM objectstore.containers c LEFT JOIN LATERAL (SELECT sum(objects)::bigint AS objects, sum(bytes)::bigint AS bytes"
        + " FROM objectstore.container_deltas x WHERE x.account = c.account AND x.container = c.name) d ON true"
        + " WHERE c.account = $1 AND c.name = $2")
      .execute(Tuple.of(account, name)).map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new JsonObject().put("name", name).put("meta", r.getJsonObject("meta"))
          .put("objects", r.getLong("object_count")).put("bytes", r.getLong("bytes_used"))
          .put("created", r.getOffsetDateTime("created_at").toInstant().toEpochMilli());
      });
  }

  /** Creates the container or merges metadata into it; true when it was created. */
  public Future<Boolean> putContainer(String account, String name, JsonObject meta) {
    return pool.preparedQuery("INSERT INTO objectstore.containers (account, name, meta) VALUES ($1, $2, jsonb_strip_nulls($3::jsonb))"
        + " ON CONFLICT (account, name) DO UPDATE SET meta = jsonb_strip_nulls(objectstore.containers.meta || $3::jsonb)"
        + " RETURNING (xmax = 0) AS created")
      .execute(Tuple.of(account, name, nullsForEmpty(meta))).map(rows -> rows.iterator().next().getBoolean("created"));
  }

  /** Merges metadata; false when there is no such container. */
  public Future<Boolean> updateContainerMeta(String account, String name, JsonObject changes) {
    return pool.preparedQuery("UPDATE objectstore.containers SET meta = jsonb_strip_nulls(meta || $3::jsonb) WHERE account = $1 AND name = $2")
      .execute(Tuple.of(account, name, nullsForEmpty(changes))).map(rows -> rows.rowCount() > 0);
  }

  /** 204 deleted, 404 absent, 409 not empty. */
  public Future<Integer> deleteContainer(String account, String name) {
    return pool.preparedQuery("WITH target AS (SELECT 1 FROM objectstore.containers WHERE account = $1 AND name = $2),"
        + " busy AS (SELECT 1 FROM objectstore.objects WHERE account = $1 AND container = $2 LIMIT 1),"
        + " gone AS (DELETE FROM objectstore.containers WHERE account = $1 AND name = $2 AND NOT EXISTS (SELECT 1 FROM busy) RETURNING 1),"
        + " drop_deltas AS (DELETE FROM objectstore.container_deltas WHERE account = $1 AND container = $2 AND EXISTS (SELECT 1 FROM gone))"
        + " SELECT EXISTS (SELECT 1 FROM target) AS existed, EXISTS (SELECT 1 FROM gone) AS deleted")
      .execute(Tuple.of(account, name)).map(rows -> {
        Row r = rows.iterator().next();
        return !r.getBoolean("existed") ? 404 : r.getBoolean("deleted") ? 204 : 409;
      });
  }

  /** Folds pending counter deltas into the container rows (one atomic statement). */
  public Future<Integer> foldDeltas() {
    return pool.query("WITH moved AS (DELETE FROM objectstore.container_deltas RETURNING account, container, objects, bytes),"
        + " sums AS (SELECT account, container, sum(objects) AS objects, sum(bytes) AS bytes FROM moved GROUP BY account, container)"
        + " UPDATE objectstore.containers c SET object_count = c.object_count + s.objects, bytes_used = c.bytes_used + s.bytes"
        + " FROM sums s WHERE c.account = s.account AND c.name = s.container")
      .execute().map(rows -> rows.rowCount());
  }

  // ---- objects

  /**
   * Records an object version unless a newer one is recorded. Returns {applied, old_size (or
   * null when the name is new)} so quotas can be corrected.
   */
  public Future<JsonObject> putObject(String account, String container, String name, long size, String etag,
                                      String contentType, String ts, Long deleteAt) {
    OffsetDateTime modified = OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(Long.parseLong(ts) / 1000), ZoneOffset.UTC);
    return pool.preparedQuery("WITH old AS (SELECT size, ts FROM objectstore.objects WHERE account = $1 AND container = $2 AND name = $3),"
        + " up AS (INSERT INTO objectstore.objects (account, container, name, size, etag, content_type, ts, last_modified, delete_at)"
        + "   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (account, container, name) DO UPDATE SET"
        + "   size = EXCLUDED.size, etag = EXCLUDED.etag, content_type = EXCLUDED.content_type, ts = EXCLUDED.ts,"
        + "   last_modified = EXCLUDED.last_modified, delete_at = EXCLUDED.delete_at"
        + "   WHERE objectstore.objects.ts < EXCLUDED.ts RETURNING size),"
        + " stats AS (INSERT INTO objectstore.container_deltas (account, container, objects, bytes)"
        + "   SELECT $1, $2, CASE WHEN EXISTS (SELECT 1 FROM old) THEN 0 ELSE 1 END, $4 - coalesce((SELECT size FROM old), 0)"
        + "   WHERE EXISTS (SELECT 1 FROM up) RETURNING 1)"
        + " SELECT EXISTS (SELECT 1 FROM up) AS applied, (SELECT size FROM old) AS old_size, EXISTS (SELECT 1 FROM stats) AS counted")
      .execute(Tuple.of(account, container, name, size, etag, contentType).addString(ts).addOffsetDateTime(modified).addLong(deleteAt))
      .map(rows -> {
        Row r = rows.iterator().next();
        return new JsonObject().put("applied", r.getBoolean("applied")).put("old_size", r.getLong("old_size"));
      });
  }

  public Future<Boolean> objectExists(String account, String container, String name) {
    return pool.preparedQuery("SELECT 1 FROM objectstore.objects WHERE account = $1 AND container = $2 AND name = $3")
      .execute(Tuple.of(account, container, name)).map(rows -> rows.size() > 0);
  }

  /** Removes an object's listing entry if not newer than ts; the removed size, or null. */
  public Future<Long> deleteObject(String account, String container, String name, String ts) {
    return pool.preparedQuery("WITH del AS (DELETE FROM objectstore.objects WHERE account = $1 AND container = $2 AND name = $3 AND ts < $4 RETURNING size),"
        + " stats AS (INSERT INTO objectstore.container_deltas (account, container, objects, bytes)"
        + "   SELECT $1, $2, -1, -size FROM del RETURNING 1)"
        + " SELECT (SELECT size FROM del) AS size, EXISTS (SELECT 1 FROM stats) AS counted")
      .execute(Tuple.of(account, container, name, ts)).map(rows -> rows.iterator().next().getLong("size"));
  }

  /** Records a changed X-Delete-At (a POST) of the listed object; null removes it. */
  public Future<Void> setDeleteAt(String account, String container, String name, Long deleteAt) {
    return pool.preparedQuery("UPDATE objectstore.objects SET delete_at = $4 WHERE account = $1 AND container = $2 AND name = $3")
      .execute(Tuple.of(account, container, name).addLong(deleteAt)).mapEmpty();
  }

  /** Up to {@code limit} listed objects whose X-Delete-At is at or before {@code now}: [{account, container, name, delete_at}]. */
  public Future<List<JsonObject>> expired(long now, int limit) {
    return pool.preparedQuery("SELECT account, container, name, delete_at FROM objectstore.objects"
        + " WHERE delete_at IS NOT NULL AND delete_at <= $1 ORDER BY delete_at LIMIT $2")
      .execute(Tuple.of(now, limit)).map(rows -> {
        List<JsonObject> out = new ArrayList<>();
        for (Row r : rows) {
          out.add(new JsonObject().put("account", r.getString("account")).put("container", r.getString("container"))
            .put("name", r.getString("name")).put("delete_at", r.getLong("delete_at")));
        }
        return out;
      });
  }

  /**
   * Removes the listing of an expired object if it still expires at {@code deleteAt} and is
   * older than the tombstone {@code ts}; the removed size, or null.
   */
  public Future<Long> deleteExpired(String account, String container, String name, long deleteAt, String ts) {
    return pool.preparedQuery("WITH del AS (DELETE FROM objectstore.objects WHERE account = $1 AND container = $2 AND name = $3"
        + "   AND delete_at = $4 AND ts < $5 RETURNING size),"
        + " stats AS (INSERT INTO objectstore.container_deltas (account, container, objects, bytes)"
        + "   SELECT $1, $2, -1, -size FROM del RETURNING 1)"
        + " SELECT (SELECT size FROM del) AS size, EXISTS (SELECT 1 FROM stats) AS counted")
      .execute(Tuple.of(account, container, name, deleteAt, ts)).map(rows -> rows.iterator().next().getLong("size"));
  }

  // ---- listings

  /** Containers of an account: [{name, count, bytes, last_modified} | {subdir}]. */
  public Future<JsonArray> listContainers(String account, ListQuery q) {
    return list("SELECT name, object_count + coalesce((SELECT sum(objects) FROM objectstore.container_deltas x"
        + " WHERE x.account = c.account AND x.container = c.name), 0)::bigint AS object_count,"
        + " bytes_used + coalesce((SELECT sum(bytes) FROM objectstore.container_deltas x"
        + " WHERE x.account = c.account AND x.container = c.name), 0)::bigint AS bytes_used,"
        + " created_at FROM objectstore.containers c WHERE account = $1",
      Tuple.of(account), q, r -> new JsonObject().put("name", r.getString("name")).put("count", r.getLong("object_count"))
        .put("bytes", r.getLong("bytes_used")).put("last_modified", LISTING_TIME.format(r.getOffsetDateTime("created_at"))));
  }

  /** Objects of a container: [{name, hash, bytes, content_type, last_modified} | {subdir}]. */
  /** The containers that sync to another (X-Container-Sync-To set): [{account, name, meta}]. */
  public Future<List<JsonObject>> syncedContainers() {
    return pool.query("SELECT account, name, meta FROM objectstore.containers WHERE coalesce(meta->>'x-container-sync-to', '') <> ''"
        + " ORDER BY account, name").execute()
      .map(rows -> {
        List<JsonObject> out = new java.util.ArrayList<>();
        rows.forEach(r -> out.add(new JsonObject().put("account", r.getString("account")).put("name", r.getString("name"))
          .put("meta", r.getJsonObject("meta"))));
        return out;
      });
  }

  /** A page of a container's objects by name after {@code after}, with their timestamps: {name: ts}. */
  public Future<java.util.LinkedHashMap<String, String>> objectTimestamps(String account, String container, String after, int limit) {
    return pool.preparedQuery("SELECT name, ts FROM objectstore.objects WHERE account = $1 AND container = $2 AND name > $3"
        + " ORDER BY name LIMIT $4").execute(Tuple.of(account, container, after, limit))
      .map(rows -> {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        rows.forEach(r -> out.put(r.getString("name"), r.getString("ts")));
        return out;
      });
  }

  /** The timestamps of those of {@code names} a container has: {name: ts}. */
  public Future<java.util.Map<String, String>> objectTimestamps(String account, String container, List<String> names) {
    return pool.preparedQuery("SELECT name, ts FROM objectstore.objects WHERE account = $1 AND container = $2 AND name = ANY($3)")
      .execute(Tuple.of(account, container, names.toArray(new String[0])))
      .map(rows -> {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        rows.forEach(r -> out.put(r.getString("name"), r.getString("ts")));
        return out;
      });
  }

  public Future<JsonArray> listObjects(String account, String container, ListQuery q) {
    return list("SELECT name, size, etag, content_type, last_modified FROM objectstore.objects WHERE account = $1 AND container = $2",
      Tuple.of(account, container), q, ContainerDb::objectJson);
  }

  static JsonObject objectJson(Row r) {
    return new JsonObject().put("name", r.getString("name")).put("hash", r.getString("etag")).put("bytes", r.getLong("size"))
      .put("content_type", r.getString("content_type"))
      .put("last_modified", LISTING_TIME.format(r.getOffsetDateTime("last_modified").withOffsetSameInstant(ZoneOffset.UTC)));
  }

  private interface RowJson {
    JsonObject apply(Row r);
  }

  /**
   * Keyset listing: each round is one index range scan from the cursor; a delimiter rolls names
   * up into a subdir and the next round starts past every name under it.
   */
  private Future<JsonArray> list(String base, Tuple fixed, ListQuery q, RowJson render) {
    int limit = Math.max(0, Math.min(q.limit(), ListQuery.MAX_LIMIT));
    String prefixEnd = q.prefix().isEmpty() ? null : ListQuery.upperBound(q.prefix());
    // forward: lower bound (marker, exclusive / prefix, inclusive), upper bound end_marker / prefix end (exclusive)
    // reverse: marker is the upper bound, end_marker the lower one
    String lo;
    boolean loInclusive;
    String hi;
    if (!q.reverse()) {
      lo = q.marker();
      loInclusive = false;
      if (!q.prefix().isEmpty() && (lo == null || lo.compareTo(q.prefix()) < 0)) {
        lo = q.prefix();
        loInclusive = true;
      }
      hi = min(q.endMarker(), prefixEnd);
    } else {
      hi = min(q.marker(), prefixEnd);
      lo = q.endMarker();
      loInclusive = false;
      if (!q.prefix().isEmpty() && (lo == null || lo.compareTo(q.prefix()) < 0)) {
        lo = q.prefix();
        loInclusive = true;
      }
    }
    JsonArray out = new JsonArray();
    return round(base, fixed, q, render, limit, lo, loInclusive, hi, out).map(v -> out);
  }

  private Future<Void> round(String base, Tuple fixed, ListQuery q, RowJson render, int limit, String lo, boolean loInclusive,
                             String hi, JsonArray out) {
    int left = limit - out.size();
    if (left <= 0) {
      return Future.succeededFuture();
    }
    // with a delimiter a round usually ends at the first subdir: read small batches
    int want = q.delimiter() == null ? left : Math.min(left, 64);
    StringBuilder sql = new StringBuilder(base);
    Tuple args = Tuple.tuple();
    for (int i = 0; i < fixed.size(); i++) {
      args.addValue(fixed.getValue(i));
    }
    if (lo != null) {
      args.addString(lo);
      sql.append(" AND name ").append(loInclusive ? ">=" : ">").append(" $").append(args.size());
    }
    if (hi != null) {
      args.addString(hi);
      sql.append(" AND name < $").append(args.size());
    }
    sql.append(" ORDER BY name").append(q.reverse() ? " DESC" : "").append(" LIMIT ").append(want);
    return pool.preparedQuery(sql.toString()).execute(args).compose(rows -> {
      String last = null;
      for (Row r : rows) {
        String name = r.getString("name");
        if (q.delimiter() != null) {
          int at = name.indexOf(q.delimiter(), q.prefix().length());
          if (at >= 0) {
            String sub = name.substring(0, at + q.delimiter().length());
            out.add(new JsonObject().put("subdir", sub));
            if (!q.reverse()) {
              String next = ListQuery.upperBound(sub);
              return next == null ? Future.succeededFuture() : round(base, fixed, q, render, limit, next, true, hi, out);
            }
            return round(base, fixed, q, render, limit, lo, loInclusive, sub, out);
          }
        }
        out.add(render.apply(r));
        last = name;
      }
      if (rows.size() < want || last == null) {
        return Future.succeededFuture();
      }
      return q.reverse() ? round(base, fixed, q, render, limit, lo, loInclusive, last, out)
        : round(base, fixed, q, render, limit, last, false, hi, out);
    });
  }

  private static String min(String a, String b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** jsonb_strip_nulls drops keys whose new value is null: an empty header value removes metadata. */
  private static JsonObject nullsForEmpty(JsonObject changes) {
    JsonObject out = new JsonObject();
    changes.forEach(e -> out.put(e.getKey(), e.getValue() == null || "".equals(e.getValue()) ? null : e.getValue()));
    return out;
  }

  public static List<String> names(JsonArray listing) {
    List<String> out = new ArrayList<>();
    listing.forEach(o -> out.add(((JsonObject) o).getString("name")));
    return out;
  }
}
