package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.TokenAuthority;

/** Hands every node the public key and the revocations in force. */
final class TokenAuthorityImpl implements TokenAuthority {

  private final SigningKeys keys;
  private final Revoker revoker;

  TokenAuthorityImpl(SigningKeys keys, Revoker revoker) {
    this.keys = keys;
    this.revoker = revoker;
  }

  @Override
  public Future<JsonObject> verificationKey() {
    return Future.succeededFuture(new JsonObject()
      .put("algorithm", TokenIssuer.ALGORITHM)
      .put("issuer", TokenIssuer.ISSUER)
      .put("public_key", keys.publicPem()));
  }

  @Override
  public Future<JsonArray> revocations() {
    return revoker.inForce();
  }
}
