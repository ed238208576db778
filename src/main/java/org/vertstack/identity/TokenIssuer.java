package org.vertstack.identity;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Signs tokens: a JWT (RS256) whose "ctx" claim is the Keystone token body without the catalog,
 * so any node can validate a token and answer GET /v3/auth/tokens from the token alone.
 */
final class TokenIssuer {

  static final String ISSUER = "vertstack-identity";
  static final String ALGORITHM = "RS256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final SigningKeys keys;
  private final long ttlSeconds;
  /** Keystone's default when no admin project is configured: any project's admin acts cloud-wide. */
  private final boolean anyProjectAdmin;
  /** The signer of the current signing key (replaced when the key set rotates). */
  private volatile Signer signer;

  private record Signer(String kid, JWTAuth auth) {
  }

  TokenIssuer(Vertx vertx, SigningKeys keys, long ttlSeconds) {
    this(vertx, keys, ttlSeconds, false);
  }

  TokenIssuer(Vertx vertx, SigningKeys keys, long ttlSeconds, boolean anyProjectAdmin) {
    this.vertx = vertx;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
    this.anyProjectAdmin = anyProjectAdmin;
  }

  /** Signs with the cloud's current key; its id goes into the JWT header as "kid". */
  private JWTAuth signer() {
    SigningKeys.Key active = keys.active();
    Signer s = signer;
    if (s == null || !s.kid().equals(active.kid())) {
      s = new Signer(active.kid(), JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(active.kid()).setBuffer(active.privatePem()))));
      signer = s;
    }
    return s.auth();
  }

  long ttlSeconds() {
    return ttlSeconds;
  }

  /**
   * @param scope      {"project": {...}} or {"domain": {...}} or {"system": {"all": true}} or empty
   * @param expiresAt  null for a fresh token; a re-scoped token keeps its parent's expiry
   * @param parentAudit the audit id of the token this one was re-scoped from, if any
   */
  JsonObject issue(JsonObject user, JsonArray methods, JsonObject scope, JsonArray roles,
                   Instant expiresAt, String parentAudit, JsonObject extra) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant expiry = expiresAt != null ? expiresAt : now.plusSeconds(ttlSeconds);
    JsonArray audits = new JsonArray().add(newAuditId());
    if (parentAudit != null) {
      audits.add(parentAudit);
    }
    JsonObject ctx = new JsonObject()
      .put("methods", methods)
      .put("user", user)
      .put("audit_ids", audits)
      .put("expires_at", format(expiry))
      .put("issued_at", format(now));
    scope.forEach(e -> ctx.put(e.getKey(), e.getValue()));
    if (!scope.isEmpty()) {
      ctx.put("roles", roles);
    }
    if (scope.containsKey("project")) {
      ctx.put("is_domain", false);
      // Keystone's is_admin_project: the admin role on this project administers the cloud.
      ctx.put("is_admin_project", anyProjectAdmin
        || CloudGuards.ADMIN_PROJECT_ID.equals(scope.getJsonObject("project").getString("id")));
    }
    if (extra != null) {
      extra.forEach(e -> ctx.put(e.getKey(), e.getValue()));
    }
    JsonObject claims = new JsonObject()
      .put("iss", ISSUER)
      .put("sub", user.getString("id"))
      .put("exp", expiry.getEpochSecond())
      .put("ctx", ctx);
    String token = signer().generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setIssuer(null));
    return new JsonObject().put("token", token).put("body", ctx);
  }

  static String format(Instant t) {
    return t.atOffset(ZoneOffset.UTC).format(Table.KEYSTONE_TIME);
  }

  /** Keystone audit ids: 16 random bytes, URL-safe base64 without padding (22 chars). */
  private static String newAuditId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
