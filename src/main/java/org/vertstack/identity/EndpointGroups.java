package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Target;

import java.util.Set;

/** /v3/OS-EP-FILTER/endpoint_groups: named endpoint filters (service_id, region_id, interface). */
final class EndpointGroups implements Extension {

  private static final Set<String> FILTERS = Set.of("service_id", "region_id", "interface");

  private final Pool db;
  private final String baseUrl;

  EndpointGroups(Pool db, String baseUrl) {
    this.db = db;
    this.baseUrl = baseUrl;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    IdentityPolicy.RULES.check(caller, "identity:" + action + ("list".equals(action) ? "_endpoint_groups" : "_endpoint_group"), Target.none());
    String id = req.param("id");
    return switch (action) {
      case "create" -> {
        JsonObject g = req.member("endpoint_group");
        String name = Json.optString(g, "name", 255);
        JsonObject filters = filters(g);
        if (name == null || filters == null) {
          throw Errors.badRequest("'name' and 'filters' are required properties.");
        }
        yield db.preparedQuery("INSERT INTO endpoint_groups (id, name, description, filters) VALUES ($1, $2, $3, $4) RETURNING *")
          .execute(Tuple.of(Catalog.newId(), name, Json.optString(g, "description", 65535), filters))
          .map(rows -> Extension.created(wrap(rows.iterator().next())));
      }
      case "list" -> db.preparedQuery("SELECT * FROM endpoint_groups WHERE ($1::text IS NULL OR name = $1) ORDER BY id")
        .execute(Tuple.of(req.query().getString("name"))).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(render(r)));
          return Extension.ok(new JsonObject().put("endpoint_groups", out).put("links", (Object) null));
        });
      case "get" -> db.preparedQuery("SELECT * FROM endpoint_groups WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Extension.ok(wrap(found(rows, id))));
      case "update" -> {
        JsonObject g = req.member("endpoint_group");
        JsonObject filters = filters(g);
        yield db.preparedQuery("UPDATE endpoint_groups SET name = coalesce($2, name), description = CASE WHEN $5 THEN $3 ELSE description END, "
            + "filters = coalesce($4, filters) WHERE id = $1 RETURNING *")
          .execute(Tuple.of(id, Json.optString(g, "name", 255), Json.optString(g, "description", 65535), filters, g.containsKey("description")))
          .map(rows -> Extension.ok(wrap(found(rows, id))));
      }
      case "delete" -> db.preparedQuery("DELETE FROM endpoint_groups WHERE id = $1 RETURNING id").execute(Tuple.of(id))
        .map(rows -> {
          found(rows, id);
          return Extension.noContent();
        });
      default -> throw Extension.unknownAction(action);
    };
  }

  private static JsonObject filters(JsonObject g) {
    JsonObject filters = Json.optObject(g, "filters");
    if (filters == null) {
      return null;
    }
    for (String key : filters.fieldNames()) {
      if (!FILTERS.contains(key) || !(filters.getValue(key) instanceof String)) {
        throw Errors.badRequest("Endpoint group filters are strings among service_id, region_id and interface.");
      }
    }
    return filters;
  }

  private static Row found(io.vertx.sqlclient.RowSet<Row> rows, String id) {
    if (rows.size() == 0) {
      throw Errors.notFound("Could not find endpoint group: " + id + ".");
    }
    return rows.iterator().next();
  }

  private JsonObject wrap(Row r) {
    return new JsonObject().put("endpoint_group", render(r));
  }

  private JsonObject render(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
      .put("description", r.getString("description")).put("filters", r.getValue("filters"))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/OS-EP-FILTER/endpoint_groups/" + r.getString("id")));
  }
}
