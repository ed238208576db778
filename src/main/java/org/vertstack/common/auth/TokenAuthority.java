package org.vertstack.common.auth;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What every node needs from the identity service to check tokens by itself: the public key
 * tokens are signed with, and the revocation events still in force. New revocations are
 * published on {@link #REVOCATIONS}. Implemented by the identity service.
 */
@VertxGen
@ProxyGen
public interface TokenAuthority {

  String ADDRESS = "identity.token-authority";
  String REVOCATIONS = "identity.revocations";
  /** Published (to every node) when the signing key set changed: verifiers fetch the keys again. */
  String KEYS_CHANGED = "identity.keys-changed";

  /**
   * {"algorithm": "RS256", "issuer": "...", "kid", "public_key": PEM of the signing key,
   * "keys": [{"kid", "public_key"}] every key that verifies}.
   */
  Future<JsonObject> verificationKey();

  /** Revocation events: {"audit_id"} or {"user_id"|"project_id"|"domain_id", "issued_before"}, with "expires_at". */
  Future<JsonArray> revocations();

  static TokenAuthority createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, TokenAuthority.class, ADDRESS, options -> new TokenAuthorityVertxEBProxy(vertx, ADDRESS, options));
  }
}
