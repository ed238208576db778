package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.TokenAuthority;

/** Hands every node the public keys (all that verify) and the revocations in force. */
final class TokenAuthorityImpl implements TokenAuthority {

  private final SigningKeys keys;
  private final Revoker revoker;

  TokenAuthorityImpl(SigningKeys keys, Revoker revoker) {
    this.keys = keys;
    this.revoker = revoker;
  }

  @Override
  public Future<JsonObject> verificationKey() {
    return Future.succeededFuture(keys.verificationKeys());
  }

  @Override
  public Future<JsonArray> revocations() {
    return revoker.inForce();
  }
}
