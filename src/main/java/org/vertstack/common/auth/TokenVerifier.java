package org.vertstack.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.vertstack.common.http.Errors;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks tokens on this node without a round trip: the signature against the identity
 * service's public key, expiry, and the revocation events. One per Vert.x instance, shared by
 * every HTTP verticle. Verified tokens are cached (bounded) so a busy client costs one map
 * lookup, not one RSA verification, per request; expiry and revocation are re-checked each time.
 */
public final class TokenVerifier {

  private static final Map<Vertx, Future<TokenVerifier>> INSTANCES = new ConcurrentHashMap<>();
  private static final int CACHE_LIMIT = 20_000;

  private final JWTAuth jwt;
  private final Revocations revocations = new Revocations();
  private final Map<String, AuthContext> cache = new ConcurrentHashMap<>();

  private TokenVerifier(JWTAuth jwt) {
    this.jwt = jwt;
  }

  /** The node's verifier, created on first use from the identity service's key. */
  public static Future<TokenVerifier> get(Vertx vertx) {
    return INSTANCES.computeIfAbsent(vertx, TokenVerifier::create);
  }

  private static Future<TokenVerifier> create(Vertx vertx) {
    TokenAuthority authority = TokenAuthority.createProxy(vertx);
    return authority.verificationKey().compose(key -> {
      JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.getString("algorithm")).setBuffer(key.getString("public_key")))
        .setJWTOptions(new JWTOptions().setIssuer(key.getString("issuer")).setLeeway(0)));
      TokenVerifier verifier = new TokenVerifier(auth);
      vertx.eventBus().<JsonObject>consumer(TokenAuthority.REVOCATIONS, msg -> verifier.revoke(msg.body()));
      vertx.setPeriodic(60_000, id -> verifier.revocations.prune(Instant.now()));
      return authority.revocations().map(list -> {
        list.forEach(e -> verifier.revocations.add((JsonObject) e));
        return verifier;
      });
    }).onFailure(err -> INSTANCES.remove(vertx));
  }

  /** Forgets this node's verifier (for a Vert.x instance that is closing). */
  public static void forget(Vertx vertx) {
    INSTANCES.remove(vertx);
  }

  void revoke(JsonObject event) {
    revocations.add(event);
    cache.values().removeIf(revocations::isRevoked);
  }

  /** Succeeds with the token's context, or fails with a 401 that says no more than it must. */
  public Future<AuthContext> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(Errors.unauthorized("The request you have made requires authentication."));
    }
    AuthContext cached = cache.get(token);
    if (cached != null) {
      return check(cached);
    }
    return jwt.authenticate(new TokenCredentials(token))
      .recover(err -> Future.failedFuture(Errors.unauthorized("The request you have made requires authentication.")))
      .compose(user -> {
        JsonObject claims = user.principal().getJsonObject("ctx");
        if (claims == null) {
          return Future.failedFuture(Errors.unauthorized("The request you have made requires authentication."));
        }
        AuthContext ctx = new AuthContext(claims);
        if (cache.size() >= CACHE_LIMIT) {
          cache.clear();
        }
        cache.put(token, ctx);
        return check(ctx);
      });
  }

  private Future<AuthContext> check(AuthContext ctx) {
    if (!ctx.expiresAt().isAfter(Instant.now())) {
      return Future.failedFuture(Errors.unauthorized("The request you have made requires authentication."));
    }
    if (revocations.isRevoked(ctx)) {
      return Future.failedFuture(Errors.unauthorized("The request you have made requires authentication."));
    }
    return Future.succeededFuture(ctx);
  }
}
