package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/** SSH key pairs, owned by a user: imported, or generated here (RSA 2048, OpenSSH public key). */
final class Keypairs {

  private static final Set<String> KEY_TYPES = Set.of("ssh-rsa", "ssh-ed25519", "ssh-dss",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521");

  private final Vertx vertx;
  private final Pool db;

  Keypairs(Vertx vertx, Pool db) {
    this.vertx = vertx;
    this.db = db;
  }

  /** The user whose key pairs a request addresses: the caller, or (admin, 2.10+) ?user_id. */
  static String owner(AuthContext caller, String requested, Microversion mv) {
    if (requested == null || requested.equals(caller.userId())) {
      return caller.userId();
    }
    if (!mv.atLeast(2, 10) || !may(caller, "os-keypairs:other_user", Target.user(requested, null))) {
      throw Errors.forbidden("Policy doesn't allow os_compute_api:os-keypairs for another user to be performed.");
    }
    return requested;
  }

  Future<JsonObject> create(AuthContext caller, JsonObject body, Microversion mv) {
    check(caller, "os-keypairs:create", Target.user(caller.userId(), null));
    // the name's characters and the type were checked against schemas/keypair-create.json
    JsonObject k = body.getJsonObject("keypair");
    String name = k.getString("name");
    String type = mv.atLeast(2, 2) ? k.getString("type") : null;
    String user = owner(caller, mv.atLeast(2, 10) ? Json.optString(k, "user_id") : null, mv);
    String publicKey = Json.optString(k, "public_key", 65535);
    Future<JsonObject> material;
    if (publicKey == null) {
      if (mv.atLeast(2, 92)) {
        throw Errors.badRequest("'public_key' is a required property.");
      }
      material = vertx.executeBlocking(Keypairs::generate);
    } else {
      material = Future.succeededFuture(new JsonObject().put("public_key", publicKey.trim()).put("fingerprint", fingerprint(publicKey)));
    }
    return material.compose(m -> db.preparedQuery(
        "INSERT INTO keypairs (user_id, name, type, public_key, fingerprint) VALUES ($1, $2, $3, $4, $5) RETURNING *")
      .execute(Tuple.of(user, name, type == null ? "ssh" : type, m.getString("public_key"), m.getString("fingerprint")))
      .map(rows -> {
        JsonObject out = render(rows.iterator().next(), mv, false).put("user_id", user);
        if (m.getString("private_key") != null) {
          out.put("private_key", m.getString("private_key"));
        }
        return out;
      })
      .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? Future.failedFuture(Errors.conflict("Key pair '" + name + "' already exists."))
        : Future.failedFuture(err)));
  }

  Future<JsonObject> get(AuthContext caller, String userId, String name, Microversion mv) {
    check(caller, "os-keypairs:show", Target.user(userId, null));
    return find(userId, name).map(r -> render(r, mv, true));
  }

  /** The stored key of a user (servers take key_name from the caller's own key pairs). */
  Future<Row> find(String userId, String name) {
    return db.preparedQuery("SELECT * FROM keypairs WHERE user_id = $1 AND name = $2").execute(Tuple.of(userId, name))
      .map(rows -> {
        if (rows.size() == 0) {
          throw Errors.notFound("Keypair " + name + " not found for user " + userId + ".");
        }
        return rows.iterator().next();
      });
  }

  Future<JsonArray> list(AuthContext caller, String userId, Microversion mv) {
    check(caller, "os-keypairs:index", Target.user(userId, null));
    return db.preparedQuery("SELECT * FROM keypairs WHERE user_id = $1 ORDER BY name").execute(Tuple.of(userId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("keypair", render(r, mv, false))));
      return out;
    });
  }

  Future<Void> delete(AuthContext caller, String userId, String name) {
    check(caller, "os-keypairs:delete", Target.user(userId, null));
    return db.preparedQuery("DELETE FROM keypairs WHERE user_id = $1 AND name = $2").execute(Tuple.of(userId, name)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Errors.notFound("Keypair " + name + " not found for user " + userId + ".");
      }
      return null;
    });
  }

  private static JsonObject render(Row r, Microversion mv, boolean detail) {
    JsonObject out = new JsonObject().put("name", r.getString("name")).put("public_key", r.getString("public_key"))
      .put("fingerprint", r.getString("fingerprint"));
    if (mv.atLeast(2, 2)) {
      out.put("type", r.getString("type"));
    }
    // Nova: the owner in a show and a create, never in a list (not even at 2.10)
    if (detail) {
      out.put("user_id", r.getString("user_id")).put("created_at", Servers.time(r.getOffsetDateTime("created_at"))).put("updated_at", (Object) null)
        .put("deleted", false).put("deleted_at", (Object) null).put("id", Math.abs(r.getString("name").hashCode()));
    }
    return out;
  }

  /** Checks an OpenSSH public key line and returns its MD5 fingerprint (as Nova shows it). */
  static String fingerprint(String publicKey) {
    String[] parts = publicKey.trim().split("\\s+");
    if (parts.length < 2 || !KEY_TYPES.contains(parts[0])) {
      throw Errors.badRequest("Keypair data is invalid: the public key is not in OpenSSH format.");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
      ByteBuffer b = ByteBuffer.wrap(blob);
      int len = b.getInt();
      if (len <= 0 || len > blob.length - 4 || !new String(blob, 4, len, StandardCharsets.US_ASCII).equals(parts[0])) {
        throw new IllegalArgumentException();
      }
    } catch (RuntimeException e) {
      throw Errors.badRequest("Keypair data is invalid: the key's data does not match its type.");
    }
    return md5Colons(blob);
  }

  private static JsonObject generate() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
      writeString(out, pub.getPublicExponent().toByteArray());
      writeString(out, pub.getModulus().toByteArray());
    }
    byte[] blob = bytes.toByteArray();
    String publicKey = "ssh-rsa " + Base64.getEncoder().encodeToString(blob) + " Generated-by-VertStack";
    // PKCS#8 PEM, which OpenSSH reads as an unencrypted private key
    String privateKey = "-----BEGIN PRIVATE KEY-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
      + "\n-----END PRIVATE KEY-----\n";
    return new JsonObject().put("public_key", publicKey).put("private_key", privateKey).put("fingerprint", md5Colons(blob));
  }

  private static void writeString(DataOutputStream out, byte[] data) throws IOException {
    out.writeInt(data.length);
    out.write(data);
  }

  private static String md5Colons(byte[] blob) {
    try {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(blob));
      return String.join(":", hex.split("(?<=\\G..)"));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
