package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Json;

import java.util.ArrayList;
import java.util.List;

/** GET /v3/role_assignments: filters, the effective view and include_names, as Keystone gives them. */
final class RoleAssignmentQuery {

  private static final String DIRECT = """
    SELECT actor_type, actor_id, target_type, target_id, role_id, inherited, NULL::text AS via_group FROM assignments
    """;

  /**
   * Groups expanded into their users, inherited grants expanded onto the projects that inherit
   * them, implied roles added; domain-specific roles left out (as in Keystone, they only count
   * through the global roles they imply).
   */
  private static final String EFFECTIVE = """
    WITH RECURSIVE by_user AS (
        SELECT 'user'::text AS actor_type, actor_id, target_type, target_id, role_id, inherited, NULL::text AS via_group
          FROM assignments WHERE actor_type = 'user'
        UNION ALL
        SELECT 'user', gm.user_id, a.target_type, a.target_id, a.role_id, a.inherited, a.actor_id
          FROM assignments a JOIN group_members gm ON gm.group_id = a.actor_id WHERE a.actor_type = 'group'),
      subtree(root, id) AS (
        SELECT id, id FROM projects
        UNION ALL SELECT s.root, p.id FROM projects p JOIN subtree s ON p.parent_id = s.id),
      granted AS (
        SELECT actor_type, actor_id, target_type, target_id, role_id, false AS inherited, via_group FROM by_user WHERE NOT inherited
        UNION ALL
        SELECT e.actor_type, e.actor_id, 'project', p.id, e.role_id, false, e.via_group
          FROM by_user e JOIN projects p ON p.domain_id = e.target_id WHERE e.inherited AND e.target_type = 'domain'
        UNION ALL
        SELECT e.actor_type, e.actor_id, 'project', s.id, e.role_id, false, e.via_group
          FROM by_user e JOIN subtree s ON s.root = e.target_id AND s.id <> s.root WHERE e.inherited AND e.target_type = 'project'),
      implied AS (
        SELECT * FROM granted
        UNION
        SELECT i.actor_type, i.actor_id, i.target_type, i.target_id, ir.implied_role_id, i.inherited, i.via_group
          FROM implied i JOIN implied_roles ir ON ir.prior_role_id = i.role_id)
    SELECT i.* FROM implied i JOIN roles dr ON dr.id = i.role_id WHERE dr.domain_id IS NULL
    """;

  private static final String NAMES = """
    SELECT x.*, r.name AS role_name, r.domain_id AS role_domain_id,
      u.name AS user_name, u.domain_id AS user_domain_id, ud.name AS user_domain_name,
      g.name AS group_name, g.domain_id AS group_domain_id, gd.name AS group_domain_name,
      p.name AS project_name, p.domain_id AS project_domain_id, pd.name AS project_domain_name,
      d.name AS domain_name
    FROM (%s) x
      JOIN roles r ON r.id = x.role_id
      LEFT JOIN users u ON x.actor_type = 'user' AND u.id = x.actor_id
      LEFT JOIN domains ud ON ud.id = u.domain_id
      LEFT JOIN groups g ON x.actor_type = 'group' AND g.id = x.actor_id
      LEFT JOIN domains gd ON gd.id = g.domain_id
      LEFT JOIN projects p ON x.target_type = 'project' AND p.id = x.target_id
      LEFT JOIN domains pd ON pd.id = p.domain_id
      LEFT JOIN domains d ON x.target_type = 'domain' AND d.id = x.target_id
    """;

  private final Pool db;

  RoleAssignmentQuery(Pool db) {
    this.db = db;
  }

  /** @param domainId when not null, only assignments on this domain and its projects (a domain reader's view) */
  Future<JsonArray> run(JsonObject query, String baseUrl, String domainId) {
    boolean effective = query.containsKey("effective") && Boolean.TRUE.equals(Json.queryBoolean(query.getString("effective")));
    boolean names = query.containsKey("include_names") && Boolean.TRUE.equals(Json.queryBoolean(query.getString("include_names")));
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    filter(query, "user.id", "x.actor_type = 'user' AND x.actor_id = ", where, args);
    filter(query, "group.id", "x.actor_type = 'group' AND x.actor_id = ", where, args);
    filter(query, "role.id", "x.role_id = ", where, args);
    filter(query, "scope.project.id", "x.target_type = 'project' AND x.target_id = ", where, args);
    filter(query, "scope.domain.id", "x.target_type = 'domain' AND x.target_id = ", where, args);
    if (query.containsKey("scope.system")) {
      where.add("x.target_type = 'system'");
    }
    if (query.containsKey("scope.OS-INHERIT:inherited_to")) {
      where.add("x.inherited");
    }
    if (domainId != null) {
      args.add(domainId);
      where.add("((x.target_type = 'domain' AND x.target_id = $" + args.size() + ") OR (x.target_type = 'project' AND x.target_id IN "
        + "(SELECT id FROM projects WHERE domain_id = $" + args.size() + ")))");
    }
    String sql = String.format(NAMES, effective ? EFFECTIVE : DIRECT)
      + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
      + " ORDER BY x.target_type, x.target_id, x.actor_id, r.name";
    return db.preparedQuery(sql).execute(Tuple.from(args)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(render(r, names, baseUrl)));
      return out;
    });
  }

  private static void filter(JsonObject query, String key, String condition, List<String> where, List<Object> args) {
    String v = query.getString(key);
    if (v != null) {
      args.add(v);
      where.add(condition + "$" + args.size());
    }
  }

  private static JsonObject render(Row r, boolean names, String baseUrl) {
    String actorType = r.getString("actor_type");
    String targetType = r.getString("target_type");
    JsonObject role = new JsonObject().put("id", r.getString("role_id"));
    JsonObject actor = new JsonObject().put("id", r.getString("actor_id"));
    JsonObject scopeTarget = new JsonObject().put("id", r.getString("target_id"));
    if (names) {
      role.put("name", r.getString("role_name"));
      if (r.getString("role_domain_id") != null) {
        role.put("domain", new JsonObject().put("id", r.getString("role_domain_id")));
      }
      String prefix = actorType;
      actor.put("name", r.getString(prefix + "_name"))
        .put("domain", new JsonObject().put("id", r.getString(prefix + "_domain_id")).put("name", r.getString(prefix + "_domain_name")));
      if ("project".equals(targetType)) {
        scopeTarget.put("name", r.getString("project_name"))
          .put("domain", new JsonObject().put("id", r.getString("project_domain_id")).put("name", r.getString("project_domain_name")));
      } else if ("domain".equals(targetType)) {
        scopeTarget.put("name", r.getString("domain_name"));
      }
    }
    JsonObject scope = new JsonObject();
    if ("system".equals(targetType)) {
      scope.put("system", new JsonObject().put("all", true));
    } else {
      scope.put(targetType, scopeTarget);
    }
    String path = "system".equals(targetType) ? "/v3/system" : "/v3/" + targetType + "s/" + r.getString("target_id");
    String link = baseUrl + (r.getBoolean("inherited") ? "/v3/OS-INHERIT" : "") + path + "/" + actorType + "s/"
      + r.getString("actor_id") + "/roles/" + r.getString("role_id") + (r.getBoolean("inherited") ? "/inherited_to_projects" : "");
    JsonObject links = new JsonObject().put("assignment", link);
    if (r.getString("via_group") != null) {
      links.put("membership", baseUrl + "/v3/groups/" + r.getString("via_group") + "/users/" + r.getString("actor_id"));
    }
    if (r.getBoolean("inherited")) {
      scope.put("OS-INHERIT:inherited_to", "projects");
    }
    return new JsonObject().put("role", role).put(actorType, actor).put("scope", scope).put("links", links);
  }
}
