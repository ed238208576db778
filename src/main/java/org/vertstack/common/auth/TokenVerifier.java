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

  /** Do not ask the identity service for keys more often than this when a token names an unknown kid. */
  private static final long KEY_REFRESH_MIN_NANOS = 2_000_000_000L;

  private final Vertx vertx;
  private final TokenAuthority authority;
  /** Every key of the cloud's key set that still verifies (several during a rotation). */
  private volatile JWTAuth jwt;
  private volatile java.util.Set<String> kids = java.util.Set.of();
  private volatile long keysFetchedAt;
  private final Revocations revocations = new Revocations();
  private final Map<String, AuthContext> cache = new ConcurrentHashMap<>();

  private TokenVerifier(Vertx vertx, TokenAuthority authority) {
    this.vertx = vertx;
    this.authority = authority;
  }

  /** The node's verifier, created on first use from the identity service's key. */
  public static Future<TokenVerifier> get(Vertx vertx) {
    return INSTANCES.computeIfAbsent(vertx, TokenVerifier::create);
  }

  private static Future<TokenVerifier> create(Vertx vertx) {
    TokenAuthority authority = TokenAuthority.createProxy(vertx);
    TokenVerifier verifier = new TokenVerifier(vertx, authority);
    return verifier.refreshKeys().compose(v -> {
      vertx.eventBus().<JsonObject>consumer(TokenAuthority.KEYS_CHANGED, msg -> verifier.refreshKeys());
      vertx.eventBus().<JsonObject>consumer(TokenAuthority.REVOCATIONS, msg -> verifier.revoke(msg.body()));
      vertx.setPeriodic(60_000, id -> verifier.revocations.prune(Instant.now()));
      return authority.revocations().map(list -> {
        list.forEach(e -> verifier.revocations.add((JsonObject) e));
        return verifier;
      });
    }).onFailure(err -> INSTANCES.remove(vertx));
  }

  /** Fetches the cloud's verification keys (at start, on a rotation, on a token with an unknown kid). */
  private Future<Void> refreshKeys() {
    keysFetchedAt = System.nanoTime();
    return authority.verificationKey().map(key -> {
      JWTAuthOptions options = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions().setIssuer(key.getString("issuer")).setLeeway(0));
      java.util.Set<String> ids = new java.util.HashSet<>();
      io.vertx.core.json.JsonArray list = key.getJsonArray("keys");
      if (list == null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.getString("algorithm")).setBuffer(key.getString("public_key")));
      } else {
        list.forEach(o -> {
          JsonObject k = (JsonObject) o;
          ids.add(k.getString("kid"));
          options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.getString("algorithm"))
            .setId(k.getString("kid")).setBuffer(k.getString("public_key")));
        });
      }
      jwt = JWTAuth.create(vertx, options);
      kids = java.util.Set.copyOf(ids);
      return null;
    });
  }

  /** The kid of a token's header, or null (a token from before key ids, or not a JWT). */
  private static String kidOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, dot)),
        java.nio.charset.StandardCharsets.UTF_8)).getString("kid");
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A token signed with a key this node has not seen yet (a rotation on another controller): fetch the keys once. */
  private Future<Void> keysFor(String token) {
    String kid = kidOf(token);
    if (kid == null || kids.contains(kid) || System.nanoTime() - keysFetchedAt < KEY_REFRESH_MIN_NANOS) {
      return Future.succeededFuture();
    }
    return refreshKeys().recover(err -> Future.succeededFuture());
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
    return keysFor(token).compose(v -> jwt.authenticate(new TokenCredentials(token)))
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
