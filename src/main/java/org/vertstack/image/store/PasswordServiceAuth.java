package org.vertstack.image.store;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.time.Instant;

/**
 * Gets the service token the way any OpenStack service does: Keystone v3 password auth as the
 * service user, scoped to the service project, through the front door.
 */
public final class PasswordServiceAuth implements ServiceAuth {

  private final WebClient client;
  private final String url;
  private final JsonObject body;
  private Future<ServiceToken> current;
  private Instant expires = Instant.EPOCH;

  public PasswordServiceAuth(WebClient client, String publicUrl, String user, String password, String project, String domain) {
    this.client = client;
    this.url = publicUrl + "/identity/v3/auth/tokens";
    JsonObject domainRef = new JsonObject().put("id", domain);
    this.body = new JsonObject().put("auth", new JsonObject()
      .put("identity", new JsonObject()
        .put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject()
          .put("name", user).put("domain", domainRef).put("password", password))))
      .put("scope", new JsonObject().put("project", new JsonObject().put("name", project).put("domain", domainRef))));
  }

  @Override
  public synchronized Future<ServiceToken> token() {
    if (current == null || Instant.now().isAfter(expires.minusSeconds(120))) {
      current = client.requestAbs(HttpMethod.POST, url).sendJsonObject(body).compose(resp -> {
        if (resp.statusCode() != 201) {
          return Future.failedFuture(new IllegalStateException("service token request answered " + resp.statusCode()));
        }
        JsonObject token = resp.bodyAsJsonObject().getJsonObject("token");
        synchronized (this) {
          expires = Instant.parse(token.getString("expires_at"));
        }
        return Future.succeededFuture(new ServiceToken(resp.getHeader("X-Subject-Token"),
          token.getJsonObject("project").getString("id")));
      });
      current.onFailure(err -> invalidate());
    }
    return current;
  }

  @Override
  public synchronized void invalidate() {
    current = null;
  }
}
