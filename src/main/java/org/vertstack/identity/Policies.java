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

/** /v3/policies: opaque policy blobs with a MIME type, stored for other services (Keystone's policy API). */
final class Policies implements Extension {

  private final Pool db;
  private final String baseUrl;

  Policies(Pool db, String baseUrl) {
    this.db = db;
    this.baseUrl = baseUrl;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    IdentityPolicy.RULES.check(caller, "identity:" + action + ("list".equals(action) ? "_policies" : "_policy"), Target.none());
    String id = req.param("id");
    return switch (action) {
      case "create" -> {
        JsonObject p = req.member("policy");
        String type = Json.optString(p, "type", 255);
        String blob = Json.optString(p, "blob", 65535);
        if (type == null || blob == null) {
          throw Errors.badRequest("'type' and 'blob' are required properties.");
        }
        yield db.preparedQuery("INSERT INTO policies (id, type, blob, extra) VALUES ($1, $2, $3, $4) RETURNING *")
          .execute(Tuple.of(Catalog.newId(), type, blob, extra(p))).map(rows -> Extension.created(wrap(rows.iterator().next())));
      }
      case "list" -> db.preparedQuery("SELECT * FROM policies WHERE ($1::text IS NULL OR type = $1) ORDER BY id")
        .execute(Tuple.of(req.query().getString("type"))).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(render(r)));
          return Extension.ok(new JsonObject().put("policies", out).put("links", (Object) null));
        });
      case "get" -> one(id).map(r -> Extension.ok(wrap(r)));
      case "update" -> {
        JsonObject p = req.member("policy");
        String type = Json.optString(p, "type", 255);
        String blob = Json.optString(p, "blob", 65535);
        yield db.preparedQuery("UPDATE policies SET type = coalesce($2, type), blob = coalesce($3, blob), extra = extra || $4 "
            + "WHERE id = $1 RETURNING *").execute(Tuple.of(id, type, blob, extra(p)))
          .map(rows -> Extension.ok(wrap(found(rows, id))));
      }
      case "delete" -> db.preparedQuery("DELETE FROM policies WHERE id = $1 RETURNING id").execute(Tuple.of(id))
        .map(rows -> {
          found(rows, id);
          return Extension.noContent();
        });
      default -> throw Extension.unknownAction(action);
    };
  }

  private static JsonObject extra(JsonObject p) {
    JsonObject extra = p.copy();
    for (String known : new String[] {"id", "type", "blob", "links", "endpoint_id"}) {
      extra.remove(known);
    }
    return extra;
  }

  private Future<Row> one(String id) {
    return db.preparedQuery("SELECT * FROM policies WHERE id = $1").execute(Tuple.of(id)).map(rows -> found(rows, id));
  }

  private static Row found(io.vertx.sqlclient.RowSet<Row> rows, String id) {
    if (rows.size() == 0) {
      throw Errors.notFound("Could not find policy: " + id + ".");
    }
    return rows.iterator().next();
  }

  private JsonObject wrap(Row r) {
    return new JsonObject().put("policy", render(r));
  }

  private JsonObject render(Row r) {
    JsonObject out = ((JsonObject) r.getValue("extra")).copy();
    return out.put("id", r.getString("id")).put("type", r.getString("type")).put("blob", r.getString("blob"))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/policies/" + r.getString("id")));
  }
}
