package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;
import org.vertstack.common.quota.QuotaService;

/**
 * The quota engine on Keystone's unified limits. A reservation is a single conditional UPDATE
 * on the usage row, which PostgreSQL serialises per row: N parallel reservations against a limit
 * of L succeed exactly min(N, L) times.
 */
final class QuotaServiceImpl implements QuotaService {

  /** The project's own limit, else the registered default, else -1 (unlimited). */
  private static final String EFFECTIVE_LIMIT = """
    SELECT coalesce(
      (SELECT l.resource_limit FROM limits l JOIN services s ON s.id = l.service_id
        WHERE l.project_id = $1 AND s.type = $2 AND l.resource_name = $3 ORDER BY l.region_id NULLS LAST LIMIT 1),
      (SELECT r.default_limit FROM registered_limits r JOIN services s ON s.id = r.service_id
        WHERE s.type = $2 AND r.resource_name = $3 ORDER BY r.region_id NULLS LAST LIMIT 1),
      -1) AS limit_value
    """;

  /** Reserves $4 of a resource if the project's usage stays within the effective limit (-1: none). */
  private static final String RESERVE = "WITH lim AS (" + EFFECTIVE_LIMIT + ")\n" + """
    INSERT INTO quota_usage AS u (project_id, service_type, resource_name, in_use)
    SELECT $1, $2, $3, $4::bigint FROM lim WHERE lim.limit_value < 0 OR $4::bigint <= lim.limit_value
    ON CONFLICT (project_id, service_type, resource_name) DO UPDATE SET in_use = u.in_use + EXCLUDED.in_use
      WHERE (SELECT limit_value FROM lim) < 0 OR u.in_use + EXCLUDED.in_use <= (SELECT limit_value FROM lim)
    RETURNING u.in_use, (SELECT limit_value FROM lim) AS limit_value""";

  private final Pool db;

  QuotaServiceImpl(Pool db) {
    this.db = db;
  }

  @Override
  public Future<JsonObject> reserve(String projectId, String serviceType, String resource, long amount) {
    if (amount < 0) {
      return Future.failedFuture(Errors.badRequest("A reservation cannot be negative."));
    }
    // one statement (a boot reserves three resources: 3 round trips, not 9): the row is created
    // or its conditional increment applied under its row lock, so parallel reservations still
    // never overshoot the limit; no row back means refused
    return db.preparedQuery(RESERVE).execute(Tuple.of(projectId, serviceType, resource, amount)).compose(rows -> {
      if (rows.size() == 1) {
        var r = rows.iterator().next();
        return Future.succeededFuture(new JsonObject().put("in_use", r.getLong("in_use")).put("limit", r.getLong("limit_value")));
      }
      return db.preparedQuery(EFFECTIVE_LIMIT).execute(Tuple.of(projectId, serviceType, resource))
        .compose(limit -> Future.failedFuture(Errors.overQuota("Quota exceeded for " + resource + " of " + serviceType
          + ": the limit is " + limit.iterator().next().getLong("limit_value") + ".")));
    });
  }

  @Override
  public Future<Void> release(String projectId, String serviceType, String resource, long amount) {
    return db.preparedQuery("UPDATE quota_usage SET in_use = greatest(in_use - $4, 0) "
        + "WHERE project_id = $1 AND service_type = $2 AND resource_name = $3")
      .execute(Tuple.of(projectId, serviceType, resource, amount)).mapEmpty();
  }

  @Override
  public Future<JsonArray> usage(String projectId) {
    return db.preparedQuery("""
        WITH keys AS (
          SELECT s.type AS service_type, r.resource_name FROM registered_limits r JOIN services s ON s.id = r.service_id
          UNION SELECT s.type, l.resource_name FROM limits l JOIN services s ON s.id = l.service_id WHERE l.project_id = $1
          UNION SELECT service_type, resource_name FROM quota_usage WHERE project_id = $1)
        SELECT k.service_type, k.resource_name,
          coalesce((SELECT in_use FROM quota_usage u WHERE u.project_id = $1 AND u.service_type = k.service_type
                    AND u.resource_name = k.resource_name), 0) AS in_use
        FROM keys k ORDER BY 1, 2""")
      .execute(Tuple.of(projectId))
      .compose(rows -> {
        JsonArray out = new JsonArray();
        Future<?> chain = Future.succeededFuture();
        for (var r : rows) {
          JsonObject item = new JsonObject().put("service_type", r.getString("service_type"))
            .put("resource_name", r.getString("resource_name")).put("in_use", r.getLong("in_use"));
          out.add(item);
          chain = chain.compose(v -> db.preparedQuery(EFFECTIVE_LIMIT)
            .execute(Tuple.of(projectId, item.getString("service_type"), item.getString("resource_name")))
            .map(l -> item.put("limit", l.iterator().next().getLong("limit_value"))));
        }
        return chain.map(v -> out);
      });
  }
}
