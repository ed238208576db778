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

/** /v3/OS-OAUTH1/consumers: the secret is shown once, at creation, and kept only as a hash. */
final class OAuthConsumers implements Extension {

  private final Pool db;
  private final Passwords passwords;
  private final String baseUrl;

  OAuthConsumers(Pool db, Passwords passwords, String baseUrl) {
    this.db = db;
    this.passwords = passwords;
    this.baseUrl = baseUrl;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    IdentityPolicy.RULES.check(caller, "identity:" + action + ("list".equals(action) ? "_consumers" : "_consumer"), Target.none());
    String id = req.param("id");
    return switch (action) {
      case "create" -> {
        JsonObject c = req.body() == null ? new JsonObject() : Json.optObject(req.body(), "consumer");
        String description = c == null ? null : Json.optString(c, "description", 65535);
        String secret = Passwords.randomSecret() + Passwords.randomSecret();
        yield passwords.hash(secret)
          .compose(hash -> db.preparedQuery("INSERT INTO oauth_consumers (id, description, secret_hash) VALUES ($1, $2, $3) RETURNING *")
            .execute(Tuple.of(Catalog.newId(), description, hash)))
          .map(rows -> Extension.created(new JsonObject().put("consumer", render(rows.iterator().next()).put("secret", secret))));
      }
      case "list" -> db.query("SELECT * FROM oauth_consumers ORDER BY id").execute().map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(render(r)));
        return Extension.ok(new JsonObject().put("consumers", out).put("links", (Object) null));
      });
      case "get" -> db.preparedQuery("SELECT * FROM oauth_consumers WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Extension.ok(new JsonObject().put("consumer", render(found(rows, id)))));
      case "update" -> {
        JsonObject c = req.member("consumer");
        if (c.containsKey("secret")) {
          throw Errors.badRequest("The secret of a consumer cannot be changed.");
        }
        String description = Json.optString(c, "description", 65535);
        yield db.preparedQuery("UPDATE oauth_consumers SET description = CASE WHEN $3 THEN $2 ELSE description END WHERE id = $1 RETURNING *")
          .execute(Tuple.of(id, description, c.containsKey("description")))
          .map(rows -> Extension.ok(new JsonObject().put("consumer", render(found(rows, id)))));
      }
      case "delete" -> db.preparedQuery("DELETE FROM oauth_consumers WHERE id = $1 RETURNING id").execute(Tuple.of(id))
        .map(rows -> {
          found(rows, id);
          return Extension.noContent();
        });
      default -> throw Extension.unknownAction(action);
    };
  }

  private static Row found(io.vertx.sqlclient.RowSet<Row> rows, String id) {
    if (rows.size() == 0) {
      throw Errors.notFound("Could not find consumer: " + id + ".");
    }
    return rows.iterator().next();
  }

  private JsonObject render(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("description", r.getString("description"))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/OS-OAUTH1/consumers/" + r.getString("id")));
  }
}
