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

  private final Pool db;

  QuotaServiceImpl(Pool db) {
    this.db = db;
  }

  @Override
  public Future<JsonObject> reserve(String projectId, String serviceType, String resource, long amount) {
    if (amount < 0) {
      return Future.failedFuture(Errors.badRequest("A reservation cannot be negative."));
    }
    Tuple key = Tuple.of(projectId, serviceType, resource);
    return db.preparedQuery(EFFECTIVE_LIMIT).execute(key).compose(rows -> {
      long limit = rows.iterator().next().getLong("limit_value");
      return db.preparedQuery("INSERT INTO quota_usage (project_id, service_type, resource_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .execute(key)
        .compose(v -> db.preparedQuery("""
            UPDATE quota_usage SET in_use = in_use + $4
            WHERE project_id = $1 AND service_type = $2 AND resource_name = $3 AND ($5::bigint < 0 OR in_use + $4::bigint <= $5::bigint)
            RETURNING in_use""")
          .execute(Tuple.of(projectId, serviceType, resource, amount, limit)))
        .compose(updated -> {
          if (updated.size() == 0) {
            return Future.failedFuture(Errors.overQuota("Quota exceeded for " + resource + " of " + serviceType
              + ": the limit is " + limit + "."));
          }
          return Future.succeededFuture(new JsonObject().put("in_use", updated.iterator().next().getLong("in_use")).put("limit", limit));
        });
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
