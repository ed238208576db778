package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/**
 * os-simple-tenant-usage: per project, the hours each instance existed within [start, end) and
 * its vCPU, RAM and disk hours, from launch (or creation) to termination (or now).
 */
final class Usage {

  private final Pool db;

  Usage(Pool db) {
    this.db = db;
  }

  Future<JsonObject> one(AuthContext caller, String project, MultiMap q) {
    OffsetDateTime[] range = range(q);
    return rows(project, range).map(rows -> {
      JsonObject u = aggregate(project, rows, range, true);
      return new JsonObject().put("tenant_usage", u == null ? new JsonObject() : u);
    });
  }

  Future<JsonObject> all(AuthContext caller, MultiMap q) {
    check(caller, "os-simple-tenant-usage:list", Target.none());
    OffsetDateTime[] range = range(q);
    boolean detailed = "1".equals(q.get("detailed"));
    return rows(null, range).map(rows -> {
      Map<String, java.util.List<Row>> byProject = new LinkedHashMap<>();
      rows.forEach(r -> byProject.computeIfAbsent(r.getString("project_id"), k -> new java.util.ArrayList<>()).add(r));
      JsonArray out = new JsonArray();
      byProject.forEach((p, list) -> out.add(aggregate(p, list, range, detailed)));
      return new JsonObject().put("tenant_usages", out);
    });
  }

  private Future<java.util.List<Row>> rows(String project, OffsetDateTime[] range) {
    return db.preparedQuery("SELECT * FROM instances WHERE ($1::text IS NULL OR project_id = $1) "
        + "AND coalesce(launched_at, created_at) < $3 AND (terminated_at IS NULL OR terminated_at >= $2) ORDER BY created_at")
      .execute(Tuple.of(project, range[0], range[1])).map(rs -> {
        java.util.List<Row> list = new java.util.ArrayList<>();
        rs.forEach(list::add);
        return list;
      });
  }

  private static JsonObject aggregate(String project, java.util.List<Row> rows, OffsetDateTime[] range, boolean detailed) {
    if (rows.isEmpty()) {
      return null;
    }
    double hours = 0;
    double vcpuHours = 0;
    double ramHours = 0;
    double diskHours = 0;
    JsonArray servers = new JsonArray();
    OffsetDateTime now = OffsetDateTime.now();
    for (Row r : rows) {
      JsonObject flavor = (JsonObject) r.getValue("flavor");
      OffsetDateTime from = max(range[0], r.getOffsetDateTime("launched_at") != null ? r.getOffsetDateTime("launched_at") : r.getOffsetDateTime("created_at"));
      OffsetDateTime to = min(range[1], r.getOffsetDateTime("terminated_at") != null ? r.getOffsetDateTime("terminated_at") : now);
      double h = Math.max(0, Duration.between(from, to).toMillis() / 3_600_000.0);
      hours += h;
      vcpuHours += h * flavor.getInteger("vcpus");
      ramHours += h * flavor.getInteger("ram");
      diskHours += h * flavor.getInteger("disk");
      servers.add(new JsonObject().put("instance_id", r.getString("id")).put("name", r.getString("name"))
        .put("hours", h).put("vcpus", flavor.getInteger("vcpus")).put("memory_mb", flavor.getInteger("ram"))
        .put("local_gb", flavor.getInteger("disk")).put("flavor", flavor.getString("name")).put("tenant_id", project)
        .put("started_at", Servers.time(from)).put("ended_at", r.getOffsetDateTime("terminated_at") == null ? null : Servers.time(to))
        .put("state", r.getBoolean("deleted") ? "terminated" : r.getString("vm_state")).put("uptime", (long) (h * 3600)));
    }
    JsonObject u = new JsonObject().put("tenant_id", project).put("total_hours", hours).put("total_vcpus_usage", vcpuHours)
      .put("total_memory_mb_usage", ramHours).put("total_local_gb_usage", diskHours)
      .put("start", range[0].toLocalDateTime().toString()).put("stop", range[1].toLocalDateTime().toString());
    if (detailed) {
      u.put("server_usages", servers);
    }
    return u;
  }

  private static OffsetDateTime[] range(MultiMap q) {
    OffsetDateTime end = q.get("end") == null ? OffsetDateTime.now(ZoneOffset.UTC) : parse(q.get("end"));
    OffsetDateTime start = q.get("start") == null ? end.minusDays(30) : parse(q.get("start"));
    if (!start.isBefore(end)) {
      throw Errors.badRequest("Invalid start time: it must be before the end time.");
    }
    return new OffsetDateTime[] {start, end};
  }

  private static OffsetDateTime parse(String raw) {
    try {
      return LocalDateTime.parse(raw.replace(" ", "T").replaceAll("Z$", "")).atOffset(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      throw Errors.badRequest("Invalid time '" + raw + "'.");
    }
  }

  private static OffsetDateTime max(OffsetDateTime a, OffsetDateTime b) {
    return a.isAfter(b) ? a : b;
  }

  private static OffsetDateTime min(OffsetDateTime a, OffsetDateTime b) {
    return a.isBefore(b) ? a : b;
  }
}
