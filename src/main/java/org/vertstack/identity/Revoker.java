package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.TokenAuthority;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Revocation events: stored (so a restarted or new node learns them) and published (so every
 * running node applies them at once). A user's or project's tokens are revoked by "issued
 * before now"; that entry is needed only as long as such a token could still be valid.
 */
final class Revoker {

  private final Vertx vertx;
  private final Pool db;
  private final long ttlSeconds;

  Revoker(Vertx vertx, Pool db, long ttlSeconds) {
    this.vertx = vertx;
    this.db = db;
    this.ttlSeconds = ttlSeconds;
  }

  Future<Void> auditId(String auditId, Instant tokenExpiry) {
    return store(new JsonObject().put("audit_id", auditId).put("expires_at", tokenExpiry.toString()));
  }

  Future<Void> user(String userId) {
    return store(new JsonObject().put("user_id", userId).put("issued_before", Instant.now().toString())
      .put("expires_at", Instant.now().plusSeconds(ttlSeconds + 60).toString()));
  }

  Future<Void> project(String projectId) {
    return store(new JsonObject().put("project_id", projectId).put("issued_before", Instant.now().toString())
      .put("expires_at", Instant.now().plusSeconds(ttlSeconds + 60).toString()));
  }

  /** The user's tokens on one scope: a project id, a domain id or "system" (a revoked grant). */
  Future<Void> userOnScope(String userId, String scopeId) {
    return store(new JsonObject().put("user_id", userId).put("scope_id", scopeId).put("issued_before", Instant.now().toString())
      .put("expires_at", Instant.now().plusSeconds(ttlSeconds + 60).toString()));
  }

  /** Every token issued with an application credential (it was deleted). */
  Future<Void> applicationCredential(String credentialId) {
    return store(new JsonObject().put("scope_id", "appcred:" + credentialId).put("issued_before", Instant.now().toString())
      .put("expires_at", Instant.now().plusSeconds(ttlSeconds + 60).toString()));
  }

  /** Every token issued under a trust (it was deleted). */
  Future<Void> trust(String trustId) {
    return store(new JsonObject().put("scope_id", "trust:" + trustId).put("issued_before", Instant.now().toString())
      .put("expires_at", Instant.now().plusSeconds(ttlSeconds + 60).toString()));
  }

  /** Every token of the domain's users, scoped to the domain, or scoped to one of its projects. */
  Future<Void> domain(String domainId) {
    return store(new JsonObject().put("domain_id", domainId).put("issued_before", Instant.now().toString())
      .put("expires_at", Instant.now().plusSeconds(ttlSeconds + 60).toString()));
  }

  private Future<Void> store(JsonObject event) {
    return db.preparedQuery("INSERT INTO revocations (audit_id, user_id, project_id, domain_id, issued_before, expires_at, scope_id) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7)")
      .execute(Tuple.of(event.getString("audit_id"), event.getString("user_id"), event.getString("project_id"),
        event.getString("domain_id"), time(event.getString("issued_before")), time(event.getString("expires_at")))
        .addString(event.getString("scope_id")))
      .map(rows -> {
        vertx.eventBus().publish(TokenAuthority.REVOCATIONS, event);
        return null;
      });
  }

  Future<JsonArray> inForce() {
    return db.query("DELETE FROM revocations WHERE expires_at < now()").execute()
      .compose(v -> db.query("SELECT audit_id, user_id, project_id, domain_id, issued_before, expires_at, scope_id FROM revocations").execute())
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> {
          JsonObject e = new JsonObject().put("expires_at", r.getOffsetDateTime("expires_at").toInstant().toString());
          if (r.getString("audit_id") != null) {
            e.put("audit_id", r.getString("audit_id"));
          }
          if (r.getOffsetDateTime("issued_before") != null) {
            e.put("issued_before", r.getOffsetDateTime("issued_before").toInstant().toString());
          }
          if (r.getString("user_id") != null) {
            e.put("user_id", r.getString("user_id"));
          }
          if (r.getString("project_id") != null) {
            e.put("project_id", r.getString("project_id"));
          }
          if (r.getString("domain_id") != null) {
            e.put("domain_id", r.getString("domain_id"));
          }
          if (r.getString("scope_id") != null) {
            e.put("scope_id", r.getString("scope_id"));
          }
          out.add(e);
        });
        return out;
      });
  }

  private static OffsetDateTime time(String iso) {
    return iso == null ? null : Instant.parse(iso).atOffset(ZoneOffset.UTC);
  }
}
