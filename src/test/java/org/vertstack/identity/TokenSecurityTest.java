package org.vertstack.identity;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Tampered, unsigned, foreign-signed, expired and revoked tokens are all refused with 401. */
@ExtendWith(VertxExtension.class)
class TokenSecurityTest {

  static TestCloud cloud;
  static JsonObject login;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    login = cloud.login("admin", TestCloud.ADMIN_PASSWORD, "admin").await();
  }

  private int statusWith(String token) {
    return cloud.http().getAbs(cloud.baseUrl() + "/identity/v3/auth/catalog").putHeader("X-Auth-Token", token).send().await().statusCode();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  void genuineTokenIsAccepted() {
    assertThat(statusWith(login.getString("token"))).isEqualTo(200);
  }

  @Test
  void tamperedPayloadIsRefused() {
    String[] parts = login.getString("token").split("\\.");
    JsonObject claims = payload(login.getString("token"));
    claims.getJsonObject("ctx").getJsonObject("user").put("name", "mallory");
    assertThat(statusWith(parts[0] + "." + b64(claims.encode()) + "." + parts[2])).isEqualTo(401);
  }

  @Test
  void unsignedAlgNoneTokenIsRefused() {
    String header = b64("{\"typ\":\"JWT\",\"alg\":\"none\"}");
    String body = b64(payload(login.getString("token")).encode());
    assertThat(statusWith(header + "." + body + ".")).isEqualTo(401);
    assertThat(statusWith(header + "." + body)).isEqualTo(401);
  }

  @Test
  void tokenSignedWithAnotherKeyIsRefused() throws Exception {
    java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
      + Base64.getMimeEncoder().encodeToString(gen.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    assertThat(statusWith(sign(pem, payload(login.getString("token"))))).isEqualTo(401);
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    String pem = signingKey(cloud);
    JsonObject claims = payload(login.getString("token"));
    Instant past = Instant.now().minusSeconds(60);
    claims.put("exp", past.getEpochSecond());
    claims.getJsonObject("ctx").put("expires_at", past.toString());
    assertThat(statusWith(sign(pem, claims))).isEqualTo(401);
    // The same key with a future expiry is accepted, so the refusal above is about expiry alone.
    JsonObject fresh = payload(login.getString("token"));
    assertThat(statusWith(sign(pem, fresh))).isEqualTo(200);
  }

  @Test
  void revokedTokenIsRefused() {
    String token = cloud.login("admin", TestCloud.ADMIN_PASSWORD, "admin").await().getString("token");
    assertThat(statusWith(token)).isEqualTo(200);
    int revoke = cloud.http().deleteAbs(cloud.baseUrl() + "/identity/v3/auth/tokens")
      .putHeader("X-Auth-Token", login.getString("token")).putHeader("X-Subject-Token", token).send().await().statusCode();
    assertThat(revoke).isEqualTo(204);
    assertThat(statusWith(token)).isEqualTo(401);
    assertThat(statusWith(login.getString("token"))).isEqualTo(200);
  }

  /** The cloud's current signing key, read from the database as a controller does. */
  static String signingKey(TestCloud cloud) throws Exception {
    Vertx vertx = cloud.node().vertx();
    SigningKeys keys = new SigningKeys(vertx, org.vertstack.common.db.Databases.pool(vertx, cloud.node().config(), "identity"),
      KeyEncryption.load(cloud.node().config().getJsonObject("identity").getString("key-secret"), cloud.stateDir()), 3600);
    keys.reload().await();
    return keys.active().privatePem();
  }

  private static String sign(String privatePem, JsonObject claims) {
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
      return auth.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    } finally {
      vertx.close();
    }
  }
}
