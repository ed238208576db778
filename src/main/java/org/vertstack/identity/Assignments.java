package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;

import java.util.ArrayList;
import java.util.List;

/** Role assignments: grants, and the effective roles a user holds on a scope. */
final class Assignments {

  /**
   * Roles of a user on a project: direct grants to the user or its groups, grants inherited from
   * parent projects or the project's domain, then every role those imply.
   */
  private static final String PROJECT_ROLES = """
    WITH RECURSIVE ancestors AS (
        SELECT id, parent_id, 0 AS depth FROM projects WHERE id = $2
        UNION ALL
        SELECT p.id, p.parent_id, a.depth + 1 FROM projects p JOIN ancestors a ON p.id = a.parent_id),
      actors AS (
        SELECT 'user'::text AS kind, $1::text AS id
        UNION ALL SELECT 'group', group_id FROM group_members WHERE user_id = $1),
      granted AS (
        SELECT a.role_id FROM assignments a JOIN actors ac ON a.actor_type = ac.kind AND a.actor_id = ac.id
        WHERE (a.target_type = 'project' AND a.target_id = $2 AND NOT a.inherited)
           OR (a.target_type = 'project' AND a.inherited AND a.target_id IN (SELECT id FROM ancestors WHERE depth > 0))
           OR (a.target_type = 'domain' AND a.inherited AND a.target_id = (SELECT domain_id FROM projects WHERE id = $2))),
      effective AS (
        SELECT role_id FROM granted
        UNION SELECT ir.implied_role_id FROM implied_roles ir JOIN effective e ON ir.prior_role_id = e.role_id)
    SELECT r.id, r.name FROM roles r WHERE r.id IN (SELECT role_id FROM effective) AND r.domain_id IS NULL ORDER BY r.name
    """;

  /** Roles of a user on a domain or the system: direct grants to the user or its groups, implied roles added. */
  private static final String TARGET_ROLES = """
    WITH RECURSIVE actors AS (
        SELECT 'user'::text AS kind, $1::text AS id
        UNION ALL SELECT 'group', group_id FROM group_members WHERE user_id = $1),
      granted AS (
        SELECT a.role_id FROM assignments a JOIN actors ac ON a.actor_type = ac.kind AND a.actor_id = ac.id
        WHERE a.target_type = $3 AND a.target_id = $2 AND NOT a.inherited),
      effective AS (
        SELECT role_id FROM granted
        UNION SELECT ir.implied_role_id FROM implied_roles ir JOIN effective e ON ir.prior_role_id = e.role_id)
    SELECT r.id, r.name FROM roles r WHERE r.id IN (SELECT role_id FROM effective) AND r.domain_id IS NULL ORDER BY r.name
    """;

  private final Pool db;

  Assignments(Pool db) {
    this.db = db;
  }

  /** Effective roles {id, name} of a user on a target (project, domain or system "all"). */
  Future<JsonArray> effectiveRoles(String userId, String targetType, String targetId) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = "project".equals(targetType)
      ? db.preparedQuery(PROJECT_ROLES).execute(Tuple.of(userId, targetId))
      : db.preparedQuery(TARGET_ROLES).execute(Tuple.of(userId, targetId, targetType));
    return rows.map(rs -> {
      JsonArray roles = new JsonArray();
      rs.forEach(r -> roles.add(new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))));
      return roles;
    });
  }

  /** Projects (or domains) on which a user has any effective role. */
  Future<List<String>> targetsOfUser(String userId, String targetType) {
    String sql = "project".equals(targetType)
      ? """
        WITH actors AS (SELECT 'user'::text AS kind, $1::text AS id UNION ALL SELECT 'group', group_id FROM group_members WHERE user_id = $1),
          direct AS (SELECT a.target_type, a.target_id, a.inherited FROM assignments a JOIN actors ac ON a.actor_type = ac.kind AND a.actor_id = ac.id)
        SELECT p.id FROM projects p WHERE p.id IN (SELECT target_id FROM direct WHERE target_type = 'project' AND NOT inherited)
           OR p.domain_id IN (SELECT target_id FROM direct WHERE target_type = 'domain' AND inherited)
           OR p.parent_id IN (SELECT target_id FROM direct WHERE target_type = 'project' AND inherited)
        """
      : """
        WITH actors AS (SELECT 'user'::text AS kind, $1::text AS id UNION ALL SELECT 'group', group_id FROM group_members WHERE user_id = $1)
        SELECT DISTINCT a.target_id AS id FROM assignments a JOIN actors ac ON a.actor_type = ac.kind AND a.actor_id = ac.id
        WHERE a.target_type = 'domain' AND NOT a.inherited
        """;
    return db.preparedQuery(sql).execute(Tuple.of(userId)).map(rs -> {
      List<String> ids = new ArrayList<>();
      rs.forEach(r -> ids.add(r.getString("id")));
      return ids;
    });
  }

  /** Checks that actor, target and role exist, so a grant to a typo is a 404, not a dangling row. */
  Future<Void> checkExists(JsonObject a) {
    String actorTable = "user".equals(a.getString("actor_type")) ? "users" : "groups";
    String targetCheck = switch (a.getString("target_type")) {
      case "project" -> "(SELECT count(*) FROM projects WHERE id = $2)";
      case "domain" -> "(SELECT count(*) FROM domains WHERE id = $2)";
      default -> "(SELECT CASE WHEN $2 = 'all' THEN 1 ELSE 0 END)";
    };
    String sql = "SELECT (SELECT count(*) FROM " + actorTable + " WHERE id = $1) AS actor, " + targetCheck
      + " AS target, (SELECT count(*) FROM roles WHERE id = $3) AS role";
    return db.preparedQuery(sql).execute(Tuple.of(a.getString("actor_id"), a.getString("target_id"), a.getString("role_id")))
      .map(rs -> {
        Row r = rs.iterator().next();
        if (r.getLong("actor") == 0) {
          throw Errors.notFound("Could not find " + a.getString("actor_type") + ": " + a.getString("actor_id") + ".");
        }
        if (r.getLong("target") == 0) {
          throw Errors.notFound("Could not find " + a.getString("target_type") + ": " + a.getString("target_id") + ".");
        }
        if (r.getLong("role") == 0) {
          throw Errors.notFound("Could not find role: " + a.getString("role_id") + ".");
        }
        return null;
      });
  }

  static Tuple key(JsonObject a) {
    return Tuple.of(a.getString("actor_type"), a.getString("actor_id"), a.getString("target_type"),
      a.getString("target_id"), a.getString("role_id"), a.getBoolean("inherited", false));
  }

  Future<Void> grant(JsonObject a) {
    return checkExists(a).compose(v -> db.preparedQuery(
        "INSERT INTO assignments (actor_type, actor_id, target_type, target_id, role_id, inherited) "
          + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
      .execute(key(a))).mapEmpty();
  }

  Future<Boolean> revoke(io.vertx.sqlclient.SqlClient client, JsonObject a) {
    return client.preparedQuery("DELETE FROM assignments WHERE actor_type = $1 AND actor_id = $2 AND target_type = $3 "
        + "AND target_id = $4 AND role_id = $5 AND inherited = $6")
      .execute(key(a)).map(rs -> rs.rowCount() > 0);
  }

  Future<Boolean> exists(JsonObject a) {
    return db.preparedQuery("SELECT 1 FROM assignments WHERE actor_type = $1 AND actor_id = $2 AND target_type = $3 "
        + "AND target_id = $4 AND role_id = $5 AND inherited = $6")
      .execute(key(a)).map(rs -> rs.size() > 0);
  }

  /** Roles granted directly to an actor on a target (no inheritance or implication). */
  Future<JsonArray> granted(JsonObject a, String baseUrl) {
    return db.preparedQuery("SELECT r.id, r.name, r.domain_id, r.description FROM assignments a JOIN roles r ON r.id = a.role_id "
        + "WHERE a.actor_type = $1 AND a.actor_id = $2 AND a.target_type = $3 AND a.target_id = $4 AND a.inherited = $5 ORDER BY r.name")
      .execute(Tuple.of(a.getString("actor_type"), a.getString("actor_id"), a.getString("target_type"),
        a.getString("target_id"), a.getBoolean("inherited", false)))
      .map(rs -> {
        JsonArray out = new JsonArray();
        rs.forEach(r -> out.add(new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
          .put("domain_id", r.getString("domain_id")).put("description", r.getString("description"))
          .put("links", new JsonObject().put("self", baseUrl + "/v3/roles/" + r.getString("id")))));
        return out;
      });
  }

  /** For listing grants: the actor and target must exist (a 404 otherwise), the role is not named. */
  Future<Void> checkExistsTarget(JsonObject a) {
    JsonObject probe = a.copy().put("role_id", "");
    return checkExists(probe).recover(err -> err.getMessage() != null && err.getMessage().startsWith("Could not find role")
      ? Future.succeededFuture() : Future.failedFuture(err));
  }
}
