package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.vertstack.compute.ComputeRules.check;

/**
 * os-quota-class-sets. Nova uses only the "default" class: its limits are the defaults every
 * project has until given its own. Here those are the identity service's registered limits (the
 * quota engine enforces them); the keys Nova still shows before 2.50 (network) and 2.57 (injected
 * files) and enforces no more are kept in compute's own table, as is every value of another class.
 */
final class QuotaClasses {

  static final String DEFAULT = "default";
  private static final List<String> NETWORK = List.of("floating_ips", "fixed_ips", "security_groups", "security_group_rules");
  private static final Map<String, Long> FILES = files();

  private static Map<String, Long> files() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("injected_files", 5L);
    m.put("injected_file_content_bytes", 10240L);
    m.put("injected_file_path_bytes", 255L);
    return java.util.Collections.unmodifiableMap(m); // kept in Nova's order
  }

  private final Pool db;
  private final ComputeQuota quota;

  QuotaClasses(Pool db, ComputeQuota quota) {
    this.db = db;
    this.quota = quota;
  }

  Future<JsonObject> show(AuthContext caller, String className, Microversion mv) {
    check(caller, "os-quota-class-sets:show", Target.none());
    return values(caller, className).map(v -> new JsonObject().put("quota_class_set", render(className, v, mv, true)));
  }

  Future<JsonObject> update(AuthContext caller, String className, JsonObject body, Microversion mv) {
    check(caller, "os-quota-class-sets:update", Target.none());
    if (className.isEmpty() || className.length() > 255) {
      throw Errors.badRequest("Invalid quota class name: it must be 1 to 255 characters.");
    }
    JsonObject set = Json.object(body, "quota_class_set");
    List<String> keys = keys(mv);
    Map<String, Long> enforced = new LinkedHashMap<>();
    Map<String, Long> kept = new LinkedHashMap<>();
    for (String key : set.fieldNames()) {
      if (!keys.contains(key)) {
        throw Errors.badRequest("Invalid input for field/attribute quota_class_set: additional property '" + key + "' is not allowed.");
      }
      long n = limit(set.getValue(key), key);
      (DEFAULT.equals(className) && ComputeQuota.DEFAULTS.containsKey(key) ? enforced : kept).put(key, n);
    }
    Future<Void> engine = enforced.isEmpty() ? Future.succeededFuture() : quota.setDefaultLimits(caller, enforced);
    return engine.compose(v -> keep(className, kept))
      .compose(v -> values(caller, className))
      // Nova's update answers without the id
      .map(v -> new JsonObject().put("quota_class_set", render(className, v, mv, false)));
  }

  /** Every key's value for the class: what is stored, else Nova's default. */
  private Future<Map<String, Long>> values(AuthContext caller, String className) {
    Future<Map<String, Long>> engine = DEFAULT.equals(className) ? quota.defaultLimits(caller) : Future.succeededFuture(Map.of());
    return engine.compose(registered -> db.preparedQuery("SELECT resource, hard_limit FROM quota_class_values WHERE class_name = $1")
      .execute(Tuple.of(className)).map(rows -> {
        Map<String, Long> out = new LinkedHashMap<>(ComputeQuota.DEFAULTS);
        NETWORK.forEach(k -> out.put(k, -1L));
        out.putAll(FILES);
        out.putAll(registered);
        rows.forEach(r -> out.put(r.getString("resource"), r.getLong("hard_limit")));
        return out;
      }));
  }

  private Future<Void> keep(String className, Map<String, Long> values) {
    if (values.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    values.forEach((k, v) -> rows.add(Tuple.of(className, k, v)));
    return db.preparedQuery("INSERT INTO quota_class_values (class_name, resource, hard_limit) VALUES ($1, $2, $3) "
      + "ON CONFLICT (class_name, resource) DO UPDATE SET hard_limit = EXCLUDED.hard_limit").executeBatch(rows).mapEmpty();
  }

  /** The keys of a quota class set at a microversion, as Nova's. */
  private static List<String> keys(Microversion mv) {
    List<String> keys = new ArrayList<>(List.of("instances", "cores", "ram", "key_pairs", "metadata_items"));
    if (mv.atLeast(2, 50)) {
      keys.addAll(List.of("server_groups", "server_group_members"));
    } else {
      keys.addAll(NETWORK);
    }
    if (!mv.atLeast(2, 57)) {
      keys.addAll(FILES.keySet());
    }
    return keys;
  }

  private static JsonObject render(String className, Map<String, Long> values, Microversion mv, boolean withId) {
    JsonObject out = withId ? new JsonObject().put("id", className) : new JsonObject();
    keys(mv).forEach(k -> out.put(k, values.get(k)));
    return out;
  }

  private static long limit(Object v, String key) {
    long n;
    try {
      n = v instanceof Number num && num.doubleValue() == num.longValue() ? num.longValue() : Long.parseLong(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": it must be an integer.");
    }
    if (n < -1) {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": it must be -1 or more.");
    }
    return n;
  }
}
