package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.Target;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unified limits: /v3/registered_limits (a service's default per resource) and /v3/limits (a
 * project's or domain's own, only where a registered limit exists). Project readers see their
 * project's limits.
 */
final class LimitCollection extends IdentityCollection {

  private final boolean registered;

  private LimitCollection(Table table, IdentityBackend backend, boolean registered) {
    super(table, backend);
    this.registered = registered;
  }

  static LimitCollection registeredLimits(IdentityBackend backend) {
    return new LimitCollection(Tables.REGISTERED_LIMITS, backend, true);
  }

  static LimitCollection limits(IdentityBackend backend) {
    return new LimitCollection(Tables.LIMITS, backend, false);
  }

  private String limitField() {
    return registered ? "default_limit" : "resource_limit";
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    String service = Json.string(body, "service_id");
    String resource = Json.string(body, "resource_name");
    Long limit = Json.optLong(body, limitField());
    if (limit == null || limit < -1) {
      throw Errors.badRequest("'" + limitField() + "' is required: an integer, -1 for unlimited.");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", values.get("id"));
    row.put("service_id", service);
    row.put("region_id", Json.optString(body, "region_id"));
    row.put("resource_name", resource);
    row.put(limitField(), limit);
    row.put("description", Json.optString(body, "description", 65535));
    if (registered) {
      return Future.succeededFuture(row);
    }
    String project = Json.optString(body, "project_id");
    String domain = Json.optString(body, "domain_id");
    if ((project == null) == (domain == null)) {
      throw Errors.badRequest("A limit needs exactly one of project_id and domain_id.");
    }
    row.put("project_id", project);
    row.put("domain_id", domain);
    return backend.db().preparedQuery("SELECT 1 FROM registered_limits WHERE service_id = $1 AND resource_name = $2")
      .execute(Tuple.of(service, resource)).map(rs -> {
        if (rs.size() == 0) {
          throw Errors.forbidden("No registered limit exists for service " + service + " and resource " + resource + ".");
        }
        return row;
      });
  }

  @Override
  Future<Target> targetOf(JsonObject found) {
    if (registered) {
      return super.targetOf(found);
    }
    String project = found.getString("project_id");
    return project == null
      ? Future.succeededFuture(Target.domain(found.getString("domain_id")))
      : Tables.PROJECTS.find(backend.db(), project, backend.baseUrl()).map(p -> Target.project(project, p == null ? null : p.getString("domain_id")));
  }

  @Override
  String domainCondition() {
    return registered ? super.domainCondition() : "(domain_id = $1 OR project_id IN (SELECT id FROM projects WHERE domain_id = $1))";
  }

  @Override
  String projectCondition() {
    return registered ? null : "project_id = $1";
  }

  @Override
  String eventProject(JsonObject resource) {
    return registered ? null : resource.getString("project_id");
  }
}
