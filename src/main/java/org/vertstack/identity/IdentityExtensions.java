package org.vertstack.identity;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * Keystone's v3 extension APIs behind the event bus (trusts, credentials, OAuth1 consumers,
 * policies, domain configuration, endpoint groups, access rules, project tags). One call per
 * HTTP request: {"resource", "action", "params": path parameters, "query", "body"}; the answer is
 * {"status", "body"} (body absent for an empty response). Each resource lives in its own class.
 */
@VertxGen
@ProxyGen
public interface IdentityExtensions {

  String ADDRESS = "identity.extensions";

  Future<JsonObject> call(AuthContext caller, JsonObject request);

  static IdentityExtensions createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, IdentityExtensions.class, ADDRESS, options -> new IdentityExtensionsVertxEBProxy(vertx, ADDRESS, options));
  }
}
