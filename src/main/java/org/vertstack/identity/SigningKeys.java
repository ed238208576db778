package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The cloud's token signing keys, stored once in the identity schema (table signing_keys) so
 * that every controller signs and verifies with the same set. The newest unretired key signs;
 * all keys still stored verify. Rotation adds a key and retires the others; a retired key is
 * deleted only when no token it signed can still be valid.
 *
 * <p>An existing state directory's key file ({@code keys/token-signing-key.pem}, from before
 * keys were shared) is imported at start (as the signing key when the database has none, else
 * for verification only), so tokens issued before the upgrade stay valid; the plain file is
 * then removed.
 */
final class SigningKeys {

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  static final String LEGACY_FILE = "token-signing-key.pem";

  /** One key: its id (the JWT header's kid), PEMs, and whether it still signs. */
  record Key(String kid, String privatePem, String publicPem, OffsetDateTime createdAt, OffsetDateTime retiredAt) {
  }

  private final Vertx vertx;
  private final Pool db;
  private final KeyEncryption encryption;
  private final long tokenTtlSeconds;
  private volatile List<Key> keys = List.of();

  SigningKeys(Vertx vertx, Pool db, KeyEncryption encryption, long tokenTtlSeconds) {
    this.vertx = vertx;
    this.db = db;
    this.encryption = encryption;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  /** The key that signs new tokens. */
  Key active() {
    List<Key> now = keys;
    return now.get(now.size() - 1);
  }

  /** Every key that verifies, oldest first. */
  List<Key> all() {
    return keys;
  }

  /** {"algorithm", "issuer", "kid", "public_key" (the signing key's), "keys": [{"kid", "public_key"}]}. */
  JsonObject verificationKeys() {
    JsonArray list = new JsonArray();
    keys.forEach(k -> list.add(new JsonObject().put("kid", k.kid()).put("public_key", k.publicPem())));
    Key active = active();
    return new JsonObject().put("algorithm", TokenIssuer.ALGORITHM).put("issuer", TokenIssuer.ISSUER)
      .put("kid", active.kid()).put("public_key", active.publicPem()).put("keys", list);
  }

  /** First start of this controller: imports a legacy key file, creates the first key if none, loads. */
  Future<SigningKeys> start(Path stateDir) {
    Path legacy = stateDir.resolve("keys").resolve(LEGACY_FILE);
    return vertx.executeBlocking(() -> Files.exists(legacy) ? Files.readString(legacy) : null)
      .compose(legacyPem -> db.withTransaction(conn ->
        lock(conn).compose(v -> conn.query("SELECT kid FROM signing_keys").execute()).compose(rows -> {
          List<String> kids = new ArrayList<>();
          rows.forEach(r -> kids.add(r.getString("kid")));
          Future<Void> step = Future.succeededFuture();
          if (legacyPem != null) {
            String kid = kidOf(legacyPem);
            if (!kids.contains(kid)) {
              // the only key so far signs; beside another controller's keys it only verifies
              step = insert(conn, kid, legacyPem, !kids.isEmpty());
              kids.add(kid);
              LOG.info("imported the token signing key of {} as {}", legacy, kid);
            }
          }
          if (kids.isEmpty()) {
            // RSA key generation takes up to seconds: only on the cloud's very first start
            step = step.compose(v -> vertx.executeBlocking(SigningKeys::generate))
              .compose(fresh -> insert(conn, kidOf(fresh), fresh, false));
          }
          return step;
        })))
      .compose(v -> legacyRemoved(legacy))
      .compose(v -> reload())
      .map(this);
  }

  /** The old plain-text key is in the database now; keeping a copy on disk would defeat the encryption. */
  private Future<Void> legacyRemoved(Path legacy) {
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(legacy);
      return null;
    });
  }

  /** Reads the stored keys again (after a rotation on any controller). */
  Future<Void> reload() {
    return db.query("SELECT kid, public_pem, private_key, created_at, retired_at FROM signing_keys ORDER BY created_at, kid")
      .execute()
      .compose(rows -> vertx.executeBlocking(() -> {
        List<Key> out = new ArrayList<>();
        for (Row r : rows) {
          String kid = r.getString("kid");
          String privatePem = new String(encryption.decrypt(kid, r.getBuffer("private_key").getBytes()), StandardCharsets.UTF_8);
          out.add(new Key(kid, privatePem, r.getString("public_pem"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("retired_at")));
        }
        // the signing key last: the newest one not retired
        List<Key> signing = out.stream().filter(k -> k.retiredAt() == null).toList();
        if (signing.isEmpty()) {
          throw new IllegalStateException("no token signing key in the database");
        }
        Key active = signing.get(signing.size() - 1);
        out.remove(active);
        out.add(active);
        keys = List.copyOf(out);
        return null;
      }));
  }

  /**
   * Adds a new signing key when the current one is older than {@code every}; deletes keys that
   * retired longer ago than a token lives. True when the key set changed (then the caller tells
   * every node). Safe to run on every controller at once: the table lock makes one of them win.
   */
  Future<Boolean> rotateIfDue(Duration every) {
    if (every.isZero() || every.isNegative()) {
      return Future.succeededFuture(false);
    }
    OffsetDateTime now = OffsetDateTime.now();
    if (active().createdAt().plus(every).isAfter(now)) {
      return prune();
    }
    return vertx.executeBlocking(SigningKeys::generate).compose(fresh -> db.withTransaction(conn -> lock(conn)
      .compose(v -> conn.query("SELECT max(created_at) AS newest FROM signing_keys WHERE retired_at IS NULL").execute())
      .compose(rows -> {
        OffsetDateTime newest = rows.iterator().next().getOffsetDateTime("newest");
        if (newest != null && newest.plus(every).isAfter(OffsetDateTime.now())) {
          return Future.succeededFuture(false); // another controller rotated first
        }
        return conn.query("UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL").execute()
          .compose(x -> insert(conn, kidOf(fresh), fresh, false))
          .map(x -> {
            LOG.info("token signing key rotated: {} signs now", kidOf(fresh));
            return true;
          });
      })))
      .compose(changed -> prune().map(pruned -> changed || pruned));
  }

  private Future<Boolean> prune() {
    return db.preparedQuery("DELETE FROM signing_keys WHERE retired_at < now() - make_interval(secs => $1)")
      .execute(Tuple.of((double) (tokenTtlSeconds + 300)))
      .map(rows -> rows.rowCount() > 0);
  }

  private static Future<Void> lock(SqlConnection conn) {
    return conn.query("LOCK TABLE signing_keys IN EXCLUSIVE MODE").execute().mapEmpty();
  }

  private Future<Void> insert(SqlConnection conn, String kid, String privatePem, boolean retired) {
    return vertx.executeBlocking(() -> encryption.encrypt(kid, privatePem.getBytes(StandardCharsets.UTF_8)))
      .compose(sealed -> conn.preparedQuery("INSERT INTO signing_keys (kid, public_pem, private_key, retired_at) "
          + "VALUES ($1, $2, $3, CASE WHEN $4 THEN now() ELSE NULL END)")
        .execute(Tuple.of(kid, publicPemOf(privatePem), Buffer.buffer(sealed), retired)))
      .mapEmpty();
  }

  private static String generate() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    return pem("PRIVATE KEY", gen.generateKeyPair().getPrivate().getEncoded());
  }

  /** The key id: the first 128 bits of the SHA-256 of the public key, base64url. */
  static String kidOf(String privatePem) {
    try {
      byte[] der = publicDerOf(privatePem);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String publicPemOf(String privatePem) {
    try {
      return pem("PUBLIC KEY", publicDerOf(privatePem));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] publicDerOf(String privatePem) throws Exception {
    String b64 = privatePem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    return rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
