package org.vertstack.identity;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.testing.TestCloud;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared signing key set: key ids, import of a pre-upgrade key file, rotation, the encryption secret. */
class SigningKeysTest {

  private static JsonObject header(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static int status(TestCloud cloud, String token) {
    return cloud.call(token, HttpMethod.GET, "/identity/v3/auth/projects", null).await().statusCode();
  }

  @Test
  void aKeyFileFromBeforeTheUpgradeBecomesTheFirstKeyAndItsTokensStayValid(@TempDir Path state) throws Exception {
    java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
      + Base64.getMimeEncoder().encodeToString(gen.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    Files.createDirectories(state.resolve("keys"));
    Files.writeString(state.resolve("keys/token-signing-key.pem"), pem);
    try (TestCloud cloud = TestCloud.start(state, new JsonObject()).await()) {
      String token = cloud.adminToken().await();
      assertThat(header(token).getString("kid")).isEqualTo(SigningKeys.kidOf(pem));
      // a token as the old version signed it: no kid in its header
      String old;
      Vertx vertx = Vertx.vertx();
      try {
        old = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)))
          .generateToken(payload(token), new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
      } finally {
        vertx.close();
      }
      assertThat(header(old).containsKey("kid")).isFalse();
      assertThat(status(cloud, old)).isEqualTo(200);
      assertThat(state.resolve("keys/token-signing-key.pem")).as("the plain-text key is gone once stored encrypted").doesNotExist();
    }
  }

  @Test
  void rotationSignsWithANewKeyAndKeepsEarlierTokensValid(@TempDir Path state) throws Exception {
    JsonObject fast = new JsonObject().put("identity", new JsonObject()
      .put("key-rotation-days", 2.0 / 86_400).put("key-rotation-check-seconds", 1));
    try (TestCloud cloud = TestCloud.start(state, fast).await()) {
      String first = cloud.adminToken().await();
      String kid = header(first).getString("kid");
      assertThat(kid).isNotBlank();
      String later = first;
      long deadline = System.currentTimeMillis() + 15_000;
      while (header(later).getString("kid").equals(kid) && System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
        later = cloud.adminToken().await();
      }
      assertThat(header(later).getString("kid")).as("a new key signs after the rotation period").isNotEqualTo(kid);
      assertThat(status(cloud, later)).isEqualTo(200);
      assertThat(status(cloud, first)).as("a token of the retired key is still valid").isEqualTo(200);
    }
  }

  @Test
  void aWrongEncryptionSecretIsRefusedWithAMessageThatSaysWhatToDo() throws Exception {
    byte[] sealed = KeyEncryption.of("one").encrypt("k1", "secret".getBytes());
    assertThat(new String(KeyEncryption.of("one").decrypt("k1", sealed))).isEqualTo("secret");
    assertThatThrownBy(() -> KeyEncryption.of("two").decrypt("k1", sealed)).hasMessageContaining("identity.key-secret");
    assertThatThrownBy(() -> KeyEncryption.of("one").decrypt("k2", sealed)).as("bound to its kid").isInstanceOf(IllegalStateException.class);
  }
}
