package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import static org.vertstack.compute.ComputeRules.check;

/**
 * os-instance_usage_audit_log: the state of the per-host instance usage audit for the last
 * completed audit period (Nova's default period, a calendar month). No host runs that audit here,
 * as in Nova with its default {@code instance_usage_audit = False}: every compute host is listed
 * as not run, with no log entries.
 */
final class UsageAuditLog {

  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter BEFORE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

  private final Pool db;

  UsageAuditLog(Pool db) {
    this.db = db;
  }

  /** The audit of the period last completed now. */
  Future<JsonObject> list(AuthContext caller) {
    check(caller, "os-instance-usage-audit-log:list", Target.none());
    return log(LocalDateTime.now(ZoneOffset.UTC)).map(l -> new JsonObject().put("instance_usage_audit_logs", l));
  }

  /** The audit of the period last completed before {@code before} ("YYYY-MM-DD hh:mm:ss[.ffffff]", UTC). */
  Future<JsonObject> show(AuthContext caller, String before) {
    check(caller, "os-instance-usage-audit-log:show", Target.none());
    LocalDateTime at;
    try {
      at = LocalDateTime.parse(before, BEFORE);
    } catch (DateTimeParseException e) {
      throw Errors.badRequest("Invalid timestamp for date " + before);
    }
    return log(at).map(l -> new JsonObject().put("instance_usage_audit_log", l));
  }

  private Future<JsonObject> log(LocalDateTime before) {
    LocalDateTime[] period = lastCompletedMonth(before);
    return db.query("SELECT hostname FROM hosts ORDER BY hostname").execute().map(rows -> {
      JsonArray notRun = new JsonArray();
      rows.forEach(r -> notRun.add(r.getString("hostname")));
      int hosts = notRun.size();
      return new JsonObject()
        .put("period_beginning", SHOWN.format(period[0])).put("period_ending", SHOWN.format(period[1]))
        .put("num_hosts", hosts).put("num_hosts_done", 0).put("num_hosts_running", 0)
        .put("num_hosts_not_run", hosts).put("hosts_not_run", notRun)
        .put("total_instances", 0).put("total_errors", 0)
        .put("overall_status", (hosts == 0 ? "ALL" : "0 of " + hosts) + " hosts done. 0 errors.")
        .put("log", new JsonObject());
    });
  }

  /** Nova's last_completed_audit_period for unit "month": [the month before's first, the first] before {@code before}. */
  static LocalDateTime[] lastCompletedMonth(LocalDateTime before) {
    LocalDateTime end = before.toLocalDate().withDayOfMonth(1).atStartOfDay();
    if (!end.isBefore(before)) {
      end = end.minusMonths(1);
    }
    return new LocalDateTime[] {end.minusMonths(1), end};
  }
}
