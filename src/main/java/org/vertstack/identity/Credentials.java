package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * /v3/credentials and the EC2 view of them (/v3/users/{id}/credentials/OS-EC2). Blobs are stored
 * AES-256-GCM encrypted with the identity key secret (the credential id as associated data);
 * an ec2 credential's id is the SHA-256 of its access key, as in Keystone.
 */
final class Credentials implements Extension {

  private static final Policy POLICY = IdentityPolicy.RULES;

  private final Pool db;
  private final KeyEncryption encryption;
  private final Assignments assignments;
  private final String baseUrl;

  Credentials(Pool db, KeyEncryption encryption, Assignments assignments, String baseUrl) {
    this.db = db;
    this.encryption = encryption;
    this.assignments = assignments;
    this.baseUrl = baseUrl;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    return switch (action) {
      case "create" -> create(caller, req.member("credential"));
      case "list" -> list(caller, req.query());
      case "get" -> load(req.param("id")).map(row -> {
        POLICY.check(caller, "identity:get_credential", owner(row));
        return Extension.ok(new JsonObject().put("credential", render(row)));
      });
      case "update" -> update(caller, req.param("id"), req.member("credential"));
      case "delete" -> load(req.param("id")).compose(row -> {
        POLICY.check(caller, "identity:delete_credential", owner(row));
        return delete(row.getString("id"));
      });
      case "ec2_create" -> ec2Create(caller, req.param("user"), req.body() == null ? new JsonObject() : req.body());
      case "ec2_list" -> {
        POLICY.check(caller, "identity:ec2_list_credentials", Target.user(req.param("user"), null));
        yield db.preparedQuery("SELECT * FROM credentials WHERE user_id = $1 AND type = 'ec2' ORDER BY created_at, id")
          .execute(Tuple.of(req.param("user"))).map(rows -> {
            JsonArray out = new JsonArray();
            rows.forEach(r -> out.add(ec2(r)));
            return Extension.ok(new JsonObject().put("credentials", out).put("links", (Object) null));
          });
      }
      case "ec2_get" -> {
        POLICY.check(caller, "identity:ec2_get_credential", Target.user(req.param("user"), null));
        yield ec2Row(req.param("user"), req.param("access")).map(r -> Extension.ok(new JsonObject().put("credential", ec2(r))));
      }
      case "ec2_delete" -> {
        POLICY.check(caller, "identity:ec2_delete_credential", Target.user(req.param("user"), null));
        yield ec2Row(req.param("user"), req.param("access")).compose(r -> delete(r.getString("id")));
      }
      default -> throw Extension.unknownAction(action);
    };
  }

  private static Target owner(Row row) {
    return Target.user(row.getString("user_id"), null);
  }

  private Future<JsonObject> create(AuthContext caller, JsonObject c) {
    String userId = Json.string(c, "user_id");
    String type = Json.string(c, "type");
    String blob = Json.string(c, "blob");
    String projectId = Json.optString(c, "project_id");
    POLICY.check(caller, "identity:create_credential", Target.user(userId, null));
    String id = type.equals("ec2") ? ec2Id(blob, projectId) : Catalog.newId();
    Future<Void> onProject = projectId == null || POLICY.allowed(caller, "identity:create_credential", Target.none())
      ? Future.succeededFuture()
      : assignments.effectiveRoles(userId, "project", projectId).compose(roles -> roles.isEmpty()
        ? Future.failedFuture(Errors.forbidden("The user has no role on project " + projectId + "."))
        : Future.succeededFuture());
    return onProject.compose(v -> insert(id, userId, projectId, type, blob))
      .map(row -> Extension.created(new JsonObject().put("credential", render(row))));
  }

  /** The SHA-256 of an ec2 blob's access key (JSON with an access key); the credential needs a project. */
  private static String ec2Id(String blob, String projectId) {
    JsonObject parsed;
    try {
      parsed = new JsonObject(blob);
    } catch (DecodeException | ClassCastException e) {
      throw Errors.badRequest("The blob of an ec2 credential must be a JSON object.");
    }
    if (!(parsed.getValue("access") instanceof String access) || access.isEmpty()) {
      throw Errors.badRequest("The blob of an ec2 credential needs an 'access' key.");
    }
    if (projectId == null) {
      throw Errors.badRequest("An ec2 credential needs a project_id.");
    }
    return sha256(access);
  }

  private Future<Row> insert(String id, String userId, String projectId, String type, String blob) {
    String access = type.equals("ec2") ? ec2Id(blob, projectId) : null;
    return db.preparedQuery("INSERT INTO credentials (id, user_id, project_id, type, blob, access_sha256) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
      .execute(Tuple.of(id, userId, projectId, type, io.vertx.core.buffer.Buffer.buffer(seal(id, blob)), access))
      .recover(Tables.USERS::translate)
      .map(rows -> rows.iterator().next());
  }

  private Future<JsonObject> list(AuthContext caller, JsonObject query) {
    boolean all = POLICY.allowed(caller, "identity:list_credentials", Target.none());
    String userId = query.getString("user_id");
    if (!all) {
      POLICY.check(caller, "identity:list_credentials", Target.user(caller.userId(), null));
      userId = caller.userId(); // anyone else sees only their own credentials
    }
    return db.preparedQuery("SELECT * FROM credentials WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR type = $2) ORDER BY id")
      .execute(Tuple.of(userId, query.getString("type"))).map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(render(r)));
        return Extension.ok(new JsonObject().put("credentials", out).put("links", (Object) null));
      });
  }

  private Future<JsonObject> update(AuthContext caller, String id, JsonObject changes) {
    return load(id).compose(row -> {
      POLICY.check(caller, "identity:update_credential", owner(row));
      String userId = Json.optString(changes, "user_id");
      if (userId != null && !userId.equals(row.getString("user_id"))) {
        // Moving a credential to another user is the operator's alone (Keystone's OSSN-0091).
        POLICY.check(caller, "identity:update_credential", Target.none());
      }
      String type = changes.containsKey("type") ? Json.string(changes, "type") : row.getString("type");
      String blob = changes.containsKey("blob") ? Json.string(changes, "blob") : open(row);
      String projectId = changes.containsKey("project_id") ? Json.optString(changes, "project_id") : row.getString("project_id");
      String owner = userId != null ? userId : row.getString("user_id");
      String access = type.equals("ec2") ? ec2Id(blob, projectId) : null;
      // An ec2 credential acts on its project: its owner may move it only to a project it has a role on.
      boolean moved = projectId != null && !projectId.equals(row.getString("project_id"));
      Future<Void> allowed = !moved || POLICY.allowed(caller, "identity:update_credential", Target.none()) ? Future.succeededFuture()
        : assignments.effectiveRoles(owner, "project", projectId).compose(roles -> roles.isEmpty()
          ? Future.failedFuture(Errors.forbidden("The credential's user has no role on project " + projectId + "."))
          : Future.succeededFuture());
      return allowed.compose(v -> db.preparedQuery(
          "UPDATE credentials SET user_id = $2, project_id = $3, type = $4, blob = $5, access_sha256 = $6 WHERE id = $1 RETURNING *")
        .execute(Tuple.of(id, owner, projectId, type, io.vertx.core.buffer.Buffer.buffer(seal(id, blob)), access)))
        .recover(Tables.USERS::translate)
        .map(rows -> Extension.ok(new JsonObject().put("credential", render(rows.iterator().next()))));
    });
  }

  private Future<JsonObject> delete(String id) {
    return db.preparedQuery("DELETE FROM credentials WHERE id = $1").execute(Tuple.of(id)).map(v -> Extension.noContent());
  }

  private Future<Row> load(String id) {
    return db.preparedQuery("SELECT * FROM credentials WHERE id = $1").execute(Tuple.of(id)).map(rows -> found(rows, "credential", id));
  }

  private static Row found(RowSet<Row> rows, String what, String id) {
    if (rows.size() == 0) {
      throw Errors.notFound("Could not find " + what + ": " + id + ".");
    }
    return rows.iterator().next();
  }

  // ---- EC2 ----------------------------------------------------------------------------------

  /** A new access/secret pair for the user on a project it has a role on. */
  private Future<JsonObject> ec2Create(AuthContext caller, String userId, JsonObject body) {
    POLICY.check(caller, "identity:ec2_create_credential", Target.user(userId, null));
    String projectId = Json.string(body, "tenant_id");
    return Tables.PROJECTS.get(db, projectId, baseUrl)
      .compose(p -> assignments.effectiveRoles(userId, "project", projectId))
      .compose(roles -> {
        if (roles.isEmpty()) {
          return Future.failedFuture(Errors.forbidden("The user has no role on project " + projectId + "."));
        }
        String access = HexFormat.of().formatHex(randomBytes(16));
        String secret = HexFormat.of().formatHex(randomBytes(16));
        JsonObject blob = new JsonObject().put("access", access).put("secret", secret).put("trust_id", (Object) null);
        return insert(sha256(access), userId, projectId, "ec2", blob.encode());
      })
      .map(row -> Extension.created(new JsonObject().put("credential", ec2(row))));
  }

  private Future<Row> ec2Row(String userId, String access) {
    return db.preparedQuery("SELECT * FROM credentials WHERE access_sha256 = $1 AND user_id = $2 AND type = 'ec2'")
      .execute(Tuple.of(sha256(access), userId)).map(rows -> found(rows, "credential", access));
  }

  /** The ec2 credential of an access key, decrypted: {user_id, project_id, access, secret}; null when none. */
  Future<JsonObject> ec2ByAccess(String access) {
    return db.preparedQuery("SELECT * FROM credentials WHERE access_sha256 = $1 AND type = 'ec2'").execute(Tuple.of(sha256(access)))
      .map(rows -> rows.size() == 0 ? null : ec2(rows.iterator().next()));
  }

  private JsonObject ec2(Row r) {
    JsonObject blob = new JsonObject(open(r));
    String userId = r.getString("user_id");
    return new JsonObject().put("user_id", userId).put("tenant_id", r.getString("project_id"))
      .put("access", blob.getString("access")).put("secret", blob.getString("secret"))
      .put("trust_id", blob.getValue("trust_id"))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/users/" + userId + "/credentials/OS-EC2/" + blob.getString("access")));
  }

  // ---- rendering and sealing ------------------------------------------------------------------

  private JsonObject render(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("user_id", r.getString("user_id"))
      .put("project_id", r.getString("project_id")).put("type", r.getString("type")).put("blob", open(r))
      .put("links", new JsonObject().put("self", baseUrl + "/v3/credentials/" + r.getString("id")));
  }

  private byte[] seal(String id, String blob) {
    try {
      return encryption.encrypt("credential:" + id, blob.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException("cannot encrypt a credential", e);
    }
  }

  private String open(Row r) {
    try {
      return new String(encryption.decrypt("credential:" + r.getString("id"), r.getBuffer("blob").getBytes()), StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IllegalStateException("cannot decrypt credential " + r.getString("id") + ": " + e.getMessage(), e);
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
