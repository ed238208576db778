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

import io.vertx.core.Vertx;
import org.vertstack.common.events.ResourceEvents;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/**
 * Flavors: created and deleted by admins; defaults seeded at first start. A public flavor is
 * every project's; a private one ({@code os-flavor-access:is_public: false}) only the projects'
 * given access (os-flavor-access), and for any other project it does not exist (404). Extra
 * specs (os-flavor-extra-specs) are free-form key/values the admin sets.
 */
final class Flavors {

  static final String RESOURCE = "compute.flavor";
  /** A flavor with its extra specs; $2: the project whose access counts, null for one who sees every flavor. */
  private static final String SELECT = """
    SELECT f.*, (SELECT jsonb_object_agg(key, value) FROM flavor_extra_specs e WHERE e.flavor_id = f.id) AS extra_specs
    FROM flavors f""";
  private static final String VISIBLE = """
    (f.is_public OR $2::text IS NULL OR EXISTS (SELECT 1 FROM flavor_projects p WHERE p.flavor_id = f.id AND p.project_id = $2))""";

  private final Vertx vertx;
  private final Pool db;
  private final String base;

  Flavors(Vertx vertx, Pool db, String publicUrl) {
    this.vertx = vertx;
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

  /** Any flavor (the controller's own use). */
  Future<JsonObject> get(String id) {
    return find(id, null);
  }

  /** A flavor the caller may see: public, or private with its project given access, or any for the admin. */
  Future<JsonObject> get(AuthContext caller, String id) {
    return find(id, seesEveryFlavor(caller) ? null : caller.projectId() == null ? "" : caller.projectId());
  }

  private static boolean seesEveryFlavor(AuthContext caller) {
    return may(caller, "os-flavor-access:list_private", Target.none());
  }

  private Future<JsonObject> find(String id, String project) {
    return db.preparedQuery(SELECT + " WHERE f.id = $1 AND " + VISIBLE).execute(Tuple.of(id, project)).map(rows -> {
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
    // Nova: the admin chooses (public only by default, "none" for all); anyone else sees the public
    // flavors and the private ones its project was given access to
    boolean admin = seesEveryFlavor(caller);
    String publicFilter = admin ? query.get("is_public") : "true";
    Boolean isPublic = publicFilter == null ? Boolean.TRUE : "none".equalsIgnoreCase(publicFilter) ? null : isPublicFilter(publicFilter);
    String accessOf = admin ? null : caller.projectId() == null ? "" : caller.projectId();
    Future<Object[]> after = marker == null ? Future.succeededFuture(null)
      : get(caller, marker).recover(err -> Future.failedFuture(Errors.badRequest("marker [" + marker + "] not found")))
        .map(m -> new Object[] {m.getInteger("ram"), m.getString("id")});
    return after.compose(m -> db.preparedQuery(SELECT + """
         WHERE ram_mb >= $1 AND disk_gb >= $3 AND ($4::boolean IS NULL OR is_public = $4
            OR ($2::text IS NOT NULL AND EXISTS (SELECT 1 FROM flavor_projects p WHERE p.flavor_id = f.id AND p.project_id = $2)))
          AND ($5::int IS NULL OR (ram_mb, id) > ($5, $6))
        ORDER BY ram_mb, id LIMIT $7""")
      .execute(Tuple.from(new Object[] {minRam, accessOf, minDisk, isPublic, m == null ? null : m[0], m == null ? null : m[1], limit}))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(row(r)));
        return out;
      }));
  }

  Future<JsonObject> create(AuthContext caller, JsonObject body) {
    check(caller, "os-flavor-manage:create", Target.none());
    // the name (not blank) and the id's characters were checked against schemas/flavor-create.json
    JsonObject f = body.getJsonObject("flavor");
    String name = f.getString("name").trim();
    Object rawId = f.getValue("id");
    String id = rawId == null || "auto".equals(rawId) ? UUID.randomUUID().toString() : String.valueOf(rawId);
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
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *, NULL::jsonb AS extra_specs""")
      .execute(Tuple.from(new Object[] {id, name, (int) vcpus, (int) ram, (int) disk, (int) ephemeral, (int) swap,
        rx == null ? 1.0 : ((Number) rx).doubleValue(), isPublic == null || isPublic, description}))
      .map(rows -> {
        JsonObject created = row(rows.iterator().next());
        publish(created, "created");
        return created;
      })
      .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.failedFuture(Errors.conflict("Flavor with name or id " + name + "/" + id + " already exists."))
        : Future.failedFuture(err));
  }

  /** Nova's is_public filter: oslo's strict bool_from_string words, any case ("t", "y", "off"...). */
  private static boolean isPublicFilter(String raw) {
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "1", "t", "true", "on", "y", "yes" -> true;
      case "0", "f", "false", "off", "n", "no" -> false;
      default -> throw Errors.badRequest("Invalid is_public filter [" + raw + "]");
    };
  }

  /** PUT /flavors/{id} (2.55+): only the description changes (null clears it), as in Nova. */
  Future<JsonObject> update(AuthContext caller, String id, JsonObject body) {
    check(caller, "os-flavor-manage:update", Target.none());
    JsonObject f = Json.object(body, "flavor");
    if (!f.containsKey("description")) {
      throw Errors.badRequest("Invalid input for field/attribute flavor: 'description' is a required property.");
    }
    for (String key : f.fieldNames()) {
      if (!"description".equals(key)) {
        throw Errors.badRequest("Invalid input for field/attribute flavor: additional property '" + key + "' is not allowed.");
      }
    }
    String description = Json.optString(f, "description", 65535);
    return db.preparedQuery("UPDATE flavors SET description = $2 WHERE id = $1").execute(Tuple.of(id, description))
      .compose(rows -> {
        if (rows.rowCount() == 0) {
          throw Errors.notFound("Flavor " + id + " could not be found.");
        }
        return get(id);
      }).map(updated -> {
        publish(updated, "updated");
        return updated;
      });
  }

  Future<Void> delete(AuthContext caller, String id) {
    check(caller, "os-flavor-manage:delete", Target.none());
    // instances keep a copy of their flavor, so deleting one never breaks a server
    return db.preparedQuery("DELETE FROM flavors WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Errors.notFound("Flavor " + id + " could not be found.");
      }
      publish(new JsonObject().put("id", id), "deleted");
      return null;
    });
  }

  // ---- extra specs (os-flavor-extra-specs) ------------------------------------------------------

  Future<JsonObject> extraSpecs(AuthContext caller, String id) {
    check(caller, "os-flavor-extra-specs:index", Target.none());
    return get(caller, id).map(f -> new JsonObject().put("extra_specs", f.getJsonObject("extra_specs")));
  }

  Future<JsonObject> extraSpec(AuthContext caller, String id, String key) {
    check(caller, "os-flavor-extra-specs:show", Target.none());
    return get(caller, id).map(f -> {
      String value = f.getJsonObject("extra_specs").getString(key);
      if (value == null) {
        throw Errors.notFound("Flavor " + id + " has no extra specs with key " + key + ".");
      }
      return new JsonObject().put(key, value);
    });
  }

  /** POST (create or update several: {@code {"extra_specs": {...}}}) and PUT of one key ({@code {key: value}}). */
  Future<JsonObject> setExtraSpecs(AuthContext caller, String id, JsonObject body, String urlKey) {
    check(caller, urlKey == null ? "os-flavor-extra-specs:create" : "os-flavor-extra-specs:update", Target.none());
    JsonObject specs;
    if (urlKey == null) {
      specs = Json.object(body, "extra_specs");
    } else {
      specs = body;
      if (specs.size() > 1) {
        throw Errors.badRequest("Request body contains too many items");
      }
      if (!specs.containsKey(urlKey)) {
        throw Errors.badRequest("Request body and URI mismatch");
      }
    }
    List<Tuple> rows = new ArrayList<>();
    for (var e : specs) {
      Object v = e.getValue();
      if (v instanceof Boolean || v instanceof Number) {
        v = String.valueOf(v); // Nova accepts numbers and booleans and stores their text
      }
      if (!e.getKey().matches("[\\w.: -]{1,255}") || !(v instanceof String value) || value.length() > 255) {
        throw Errors.badRequest("Invalid input for field/attribute extra_specs: keys are 1-255 of letters, digits, '_', '-', '.', ':' "
          + "and spaces, values strings of at most 255 characters.");
      }
      // the keys that shape a guest here (CPU topology, cputune, iotune) must hold values libvirt takes
      String bad = org.vertstack.compute.hypervisor.GuestSpecs.check(e.getKey(), value);
      if (bad != null) {
        throw Errors.badRequest(bad);
      }
      rows.add(Tuple.of(id, e.getKey(), value));
    }
    JsonObject stored = new JsonObject();
    rows.forEach(t -> stored.put(t.getString(1), t.getString(2)));
    return get(caller, id).compose(f -> rows.isEmpty() ? Future.succeededFuture() : db.preparedQuery(
        "INSERT INTO flavor_extra_specs (flavor_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (flavor_id, key) DO UPDATE SET value = $3")
      .executeBatch(rows).mapEmpty())
      .map(v -> {
        publish(new JsonObject().put("id", id).put("extra_specs", stored), "updated");
        return urlKey == null ? new JsonObject().put("extra_specs", stored) : stored;
      });
  }

  Future<Void> deleteExtraSpec(AuthContext caller, String id, String key) {
    check(caller, "os-flavor-extra-specs:delete", Target.none());
    return get(caller, id).compose(f -> db.preparedQuery("DELETE FROM flavor_extra_specs WHERE flavor_id = $1 AND key = $2")
      .execute(Tuple.of(id, key))).map(rows -> {
        if (rows.rowCount() == 0) {
          throw Errors.notFound("Flavor " + id + " has no extra specs with key " + key + ".");
        }
        publish(new JsonObject().put("id", id).put("extra_spec", key), "updated");
        return null;
      });
  }

  // ---- private flavors' access (os-flavor-access) ------------------------------------------------

  Future<JsonObject> access(AuthContext caller, String id) {
    check(caller, "os-flavor-access", Target.none());
    return get(caller, id).compose(f -> {
      if (f.getBoolean("is_public")) {
        throw Errors.notFound("Access list not available for public flavors.");
      }
      return accessList(id);
    });
  }

  private Future<JsonObject> accessList(String id) {
    return db.preparedQuery("SELECT project_id FROM flavor_projects WHERE flavor_id = $1 ORDER BY project_id").execute(Tuple.of(id))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(new JsonObject().put("flavor_id", id).put("tenant_id", r.getString("project_id"))));
        return new JsonObject().put("flavor_access", out);
      });
  }

  /** addTenantAccess / removeTenantAccess (POST /flavors/{id}/action). */
  Future<JsonObject> action(AuthContext caller, String id, JsonObject body) {
    // the body names one of the two actions and its tenant (schemas/flavor-action.json)
    boolean add = body.containsKey("addTenantAccess");
    String action = add ? "addTenantAccess" : "removeTenantAccess";
    String project = body.getJsonObject(action).getString("tenant");
    check(caller, add ? "os-flavor-access:add_tenant_access" : "os-flavor-access:remove_tenant_access", Target.none());
    return get(caller, id).compose(f -> {
      if (f.getBoolean("is_public")) {
        throw Errors.conflict("Can not add access to a public flavor.");
      }
      return add
        ? db.preparedQuery("INSERT INTO flavor_projects (flavor_id, project_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
          .execute(Tuple.of(id, project)).map(rows -> {
            if (rows.rowCount() == 0) {
              throw Errors.conflict("Flavor access already exists for flavor " + id + " and project " + project + " combination.");
            }
            return null;
          })
        : db.preparedQuery("DELETE FROM flavor_projects WHERE flavor_id = $1 AND project_id = $2")
          .execute(Tuple.of(id, project)).map(rows -> {
            if (rows.rowCount() == 0) {
              throw Errors.notFound("Flavor access not found for " + id + " / " + project + " combination.");
            }
            return null;
          });
    }).compose(v -> accessList(id)).onSuccess(list -> publish(new JsonObject().put("id", id)
      .put("flavor_access", list.getJsonArray("flavor_access")), "updated"));
  }

  private void publish(JsonObject flavor, String action) {
    ResourceEvents.publish(vertx, null, RESOURCE, flavor.getString("id"), action, flavor);
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
      .put("description", r.getString("description"))
      .put("extra_specs", r.getValue("extra_specs") instanceof JsonObject specs ? specs : new JsonObject());
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
      out.put("extra_specs", f.getJsonObject("extra_specs", new JsonObject()));
    }
    return out;
  }
}
