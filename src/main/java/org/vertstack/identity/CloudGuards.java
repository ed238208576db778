package org.vertstack.identity;

import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;

import java.util.function.Function;

/**
 * Facts the identity policy needs beyond the caller's token: whether a user or group belongs to
 * the cloud itself (a system role, or a role on the admin or services' project), and the rule
 * that the cloud never loses its last enabled system admin.
 */
final class CloudGuards {

  static final String ADMIN_PROJECT_ID = Catalog.md5Id("project-admin");
  static final String SERVICE_PROJECT_ID = Catalog.md5Id("project-service");
  private static final List<String> CLOUD_PROJECTS = List.of(ADMIN_PROJECT_ID, SERVICE_PROJECT_ID);

  /** Grants of a user (directly and through its groups) or of a group. */
  private static final String ACTOR_FACTS = """
    WITH actors AS (
        SELECT $1::text AS kind, $2::text AS id
        UNION ALL SELECT 'group', group_id FROM group_members WHERE $1 = 'user' AND user_id = $2)
    SELECT count(*) FILTER (WHERE a.target_type = 'system' OR (a.target_type = 'project' AND a.target_id = ANY($3))) AS cloud,
           count(*) FILTER (WHERE a.target_type = 'project' AND a.target_id = $4) AS service
    FROM assignments a JOIN actors ac ON a.actor_type = ac.kind AND a.actor_id = ac.id
    """;

  /** Enabled users (in enabled domains) holding admin on the system or on the admin project. */
  private static final String CLOUD_ADMINS = """
    WITH grants AS (
        SELECT actor_type, actor_id FROM assignments
        WHERE role_id = md5('role-admin') AND NOT inherited
          AND (target_type = 'system' OR (target_type = 'project' AND target_id = md5('project-admin')))),
      admins AS (
        SELECT actor_id AS user_id FROM grants WHERE actor_type = 'user'
        UNION SELECT gm.user_id FROM grants g JOIN group_members gm ON g.actor_type = 'group' AND gm.group_id = g.actor_id)
    SELECT count(*) FROM users u JOIN domains d ON d.id = u.domain_id
    WHERE u.enabled AND d.enabled AND u.id IN (SELECT user_id FROM admins)
    """;

  private final Pool db;

  CloudGuards(Pool db) {
    this.db = db;
  }

  static boolean cloudProject(String projectId) {
    return ADMIN_PROJECT_ID.equals(projectId) || SERVICE_PROJECT_ID.equals(projectId);
  }

  /** {"cloud": holds a system role or a role on a cloud project, "service": holds a role on the services' project}. */
  Future<JsonObject> actorFacts(String actorType, String actorId) {
    return db.preparedQuery(ACTOR_FACTS).execute(Tuple.of(actorType, actorId, CLOUD_PROJECTS.toArray(String[]::new), SERVICE_PROJECT_ID)).map(rows -> {
      Row r = rows.iterator().next();
      return new JsonObject().put("cloud", r.getLong("cloud") > 0).put("service", r.getLong("service") > 0);
    });
  }

  /**
   * Runs a change in one transaction and rolls it back with a 409 if it would leave the cloud
   * without an enabled system admin (deleting or disabling the last one, revoking its role,
   * disabling its domain, emptying its group). Changes of this kind are serialised.
   */
  <T> Future<T> keepingASystemAdmin(Function<SqlConnection, Future<T>> change) {
    return db.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(4243)").execute()
      .compose(v -> change.apply(tx))
      .compose(result -> tx.query(CLOUD_ADMINS).execute().compose(rows -> rows.iterator().next().getLong(0) > 0
        ? Future.succeededFuture(result)
        : Future.failedFuture(Errors.conflict("This would leave the cloud without an enabled system admin: "
          + "make another user system admin first.")))));
  }
}
