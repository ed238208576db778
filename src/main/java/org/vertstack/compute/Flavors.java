package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.util.UUID;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/** Flavors: public to every project, created and deleted by admins; defaults seeded at first start. */
final class Flavors {

  private final Pool db;
  private final String base;

  Flavors(Pool db, String publicUrl) {
    this.db = db;
    this.base = publicUrl + "/compute";
  }

  /** Nova's classic sizes plus DevStack's m1.nano, so a tiny guest fits on a small machine. */
  Future<Void> seed() {
    return db.preparedQuery("INSERT INTO flavors (id, name, vcpus, ram_mb, disk_gb) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
      .executeBatch(java.util.List.of(
        Tuple.of("42", "m1.nano", 1, 128, 1),
        Tuple.of("1", "m1.tiny", 1, 512, 1),
        Tuple.of("2", "m1.small", 1, 2048, 20)))
      .mapEmpty();
  }

  Future<JsonObject> get(String id) {
    return db.preparedQuery("SELECT * FROM flavors WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Flavor " + id + " could not be found.");
      }
      return row(rows.iterator().next());
    });
  }

  Future<JsonArray> list(AuthContext caller, io.vertx.core.MultiMap query) {
    check(caller, "flavors:index", Target.none());
    long minRam = longParam(query, "minRam");
    long minDisk = longParam(query, "minDisk");
    int limit = (int) Math.min(longParam(query, "limit") > 0 ? longParam(query, "limit") : 1000, 1000);
    String marker = query.get("marker");
    String publicFilter = may(caller, "os-flavor-access:list_private", Target.none()) ? query.get("is_public") : "true";
    Boolean isPublic = publicFilter == null || "none".equalsIgnoreCase(publicFilter) ? null : Json.queryBoolean(publicFilter);
    Future<Object[]> after = marker == null ? Future.succeededFuture(null)
      : get(marker).recover(err -> Future.failedFuture(Errors.badRequest("marker [" + marker + "] not found")))
        .map(m -> new Object[] {m.getInteger("ram"), m.getString("id")});
    return after.compose(m -> db.preparedQuery("""
        SELECT * FROM flavors WHERE ram_mb >= $1 AND disk_gb >= $2 AND ($3::boolean IS NULL OR is_public = $3)
          AND ($4::int IS NULL OR (ram_mb, id) > ($4, $5))
        ORDER BY ram_mb, id LIMIT $6""")
      .execute(Tuple.of(minRam, minDisk, isPublic, m == null ? null : m[0], m == null ? null : m[1], limit))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(row(r)));
        return out;
      }));
  }

  Future<JsonObject> create(AuthContext caller, JsonObject body) {
    check(caller, "os-flavor-manage:create", Target.none());
    JsonObject f = Json.object(body, "flavor");
    String name = Json.string(f, "name").trim();
    if (name.isEmpty()) {
      throw Errors.badRequest("'name' must not be empty.");
    }
    Object rawId = f.getValue("id");
    String id = rawId == null || "auto".equals(rawId) ? UUID.randomUUID().toString() : String.valueOf(rawId);
    if (!id.matches("[A-Za-z0-9._ -]{1,255}")) {
      throw Errors.badRequest("Invalid flavor id.");
    }
    long vcpus = positive(f, "vcpus", 1);
    long ram = positive(f, "ram", 1);
    long disk = positive(f, "disk", 0);
    long ephemeral = f.containsKey("OS-FLV-EXT-DATA:ephemeral") ? positive(f, "OS-FLV-EXT-DATA:ephemeral", 0) : 0;
    long swap = f.getValue("swap") == null || "".equals(f.getValue("swap")) ? 0 : positive(f, "swap", 0);
    Object rx = f.getValue("rxtx_factor");
    if (rx != null && (!(rx instanceof Number n) || n.doubleValue() <= 0)) {
      throw Errors.badRequest("'rxtx_factor' must be a positive number.");
    }
    Boolean isPublic = novaBoolean(f, "os-flavor-access:is_public");
    String description = Json.optString(f, "description", 65535);
    return db.preparedQuery("""
        INSERT INTO flavors (id, name, vcpus, ram_mb, disk_gb, ephemeral_gb, swap_mb, rxtx_factor, is_public, description)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *""")
      .execute(Tuple.from(new Object[] {id, name, (int) vcpus, (int) ram, (int) disk, (int) ephemeral, (int) swap,
        rx == null ? 1.0 : ((Number) rx).doubleValue(), isPublic == null || isPublic, description}))
      .map(rows -> row(rows.iterator().next()))
      .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.failedFuture(Errors.conflict("Flavor with name or id " + name + "/" + id + " already exists."))
        : Future.failedFuture(err));
  }

  Future<Void> delete(AuthContext caller, String id) {
    check(caller, "os-flavor-manage:delete", Target.none());
    // instances keep a copy of their flavor, so deleting one never breaks a server
    return db.preparedQuery("DELETE FROM flavors WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Errors.notFound("Flavor " + id + " could not be found.");
      }
      return null;
    });
  }

  private static long positive(JsonObject f, String key, long min) {
    Object v = f.getValue(key);
    if (v instanceof String s) {
      try {
        v = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw Errors.badRequest("Invalid input for field/attribute " + key + ": '" + s + "' is not an integer.");
      }
    }
    if (v == null) {
      throw Errors.badRequest("'" + key + "' is a required property.");
    }
    Long n = Json.optLong(new JsonObject().put(key, v), key);
    if (n < min || n > Integer.MAX_VALUE) {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": " + n + " is out of range (" + min + " or more).");
    }
    return n;
  }

  private static long longParam(io.vertx.core.MultiMap q, String key) {
    String v = q.get(key);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid " + key + " '" + v + "'.");
    }
  }

  /** The stored form (also what an instance keeps of its flavor). */
  static JsonObject row(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
      .put("vcpus", r.getInteger("vcpus")).put("ram", r.getInteger("ram_mb")).put("disk", r.getInteger("disk_gb"))
      .put("ephemeral", r.getInteger("ephemeral_gb")).put("swap", r.getInteger("swap_mb"))
      .put("rxtx_factor", r.getDouble("rxtx_factor")).put("is_public", r.getBoolean("is_public"))
      .put("description", r.getString("description"));
  }

  /** A flavor as the API shows it at a microversion. */
  private static final java.util.Set<String> TRUE = java.util.Set.of("true", "1", "on", "yes");
  private static final java.util.Set<String> FALSE = java.util.Set.of("false", "0", "off", "no");

  /** Nova's parameter_types.boolean: a JSON boolean or one of its strings ("True", "1", "on", "yes" ...). */
  static Boolean novaBoolean(JsonObject parent, String key) {
    Object v = parent.getValue(key);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    String word = String.valueOf(v).toLowerCase(java.util.Locale.ROOT);
    if (v instanceof String && TRUE.contains(word)) {
      return true;
    }
    if (v instanceof String && FALSE.contains(word)) {
      return false;
    }
    throw Errors.badRequest("Invalid input for field/attribute " + key + ": " + v + " is not a boolean.");
  }

  JsonObject render(JsonObject f, Microversion mv, boolean detail) {
    JsonObject out = new JsonObject().put("id", f.getString("id")).put("name", f.getString("name"));
    out.put("links", new io.vertx.core.json.JsonArray()
      .add(new JsonObject().put("rel", "self").put("href", base + "/v2.1/flavors/" + f.getString("id")))
      .add(new JsonObject().put("rel", "bookmark").put("href", base + "/flavors/" + f.getString("id"))));
    if (mv.atLeast(2, 55)) {
      out.put("description", f.getString("description"));
    }
    if (!detail) {
      return out;
    }
    int swap = f.getInteger("swap");
    out.put("ram", f.getInteger("ram")).put("disk", f.getInteger("disk")).put("vcpus", f.getInteger("vcpus"))
      .put("swap", mv.atLeast(2, 75) ? (Object) swap : (swap == 0 ? "" : (Object) swap))
      .put("OS-FLV-EXT-DATA:ephemeral", f.getInteger("ephemeral"))
      .put("OS-FLV-DISABLED:disabled", false)
      .put("rxtx_factor", f.getDouble("rxtx_factor"))
      .put("os-flavor-access:is_public", f.getBoolean("is_public"));
    if (mv.atLeast(2, 61)) {
      out.put("extra_specs", new JsonObject());
    }
    return out;
  }
}
