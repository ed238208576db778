package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * POST /v3/auth/tokens: checks the identity (password, token or application credential),
 * resolves the requested scope and the roles held on it, and has the token signed.
 * Every authentication failure is the same 401: it never says which part was wrong.
 */
final class Authenticator {

  private static final String USER_COLUMNS = "u.id, u.name, u.domain_id, u.password_hash, u.enabled, u.default_project_id, "
    + "u.failed_attempts, u.locked_until, d.name AS domain_name, d.enabled AS domain_enabled";

  private final Pool db;
  private final Passwords passwords;
  private final TokenIssuer issuer;
  private final Assignments assignments;
  private final TokenVerifier verifier;
  private final int lockoutAttempts;
  private final long lockoutSeconds;

  Authenticator(Pool db, Passwords passwords, TokenIssuer issuer, Assignments assignments, TokenVerifier verifier,
                int lockoutAttempts, long lockoutSeconds) {
    this.db = db;
    this.passwords = passwords;
    this.issuer = issuer;
    this.assignments = assignments;
    this.verifier = verifier;
    this.lockoutAttempts = lockoutAttempts;
    this.lockoutSeconds = lockoutSeconds;
  }

  static RuntimeException denied() {
    return Errors.unauthorized("The request you have made requires authentication.");
  }

  Future<JsonObject> issue(JsonObject request) {
    JsonObject auth = Json.object(request, "auth");
    JsonObject identity = Json.object(auth, "identity");
    JsonArray methods = Json.optArray(identity, "methods");
    if (methods == null || methods.isEmpty()) {
      throw Errors.badRequest("'methods' is a required property.");
    }
    Object scope = auth.getValue("scope");
    if (methods.contains("application_credential")) {
      return applicationCredential(Json.object(identity, "application_credential"), scope);
    }
    if (methods.contains("password")) {
      JsonObject password = Json.object(identity, "password");
      return password(Json.object(password, "user"))
        .compose(user -> scoped(user, new JsonArray().add("password"), scope, null, null));
    }
    if (methods.contains("token")) {
      String tokenId = Json.optString(Json.object(identity, "token"), "id", 16384);
      if (tokenId == null) {
        throw Errors.badRequest("'id' is a required property.");
      }
      return verifier.verify(tokenId).recover(err -> Future.failedFuture(denied())).compose(parent ->
        loadUser("u.id = $1", Tuple.of(parent.userId())).compose(user -> {
          if (user == null || !user.getBoolean("enabled") || !user.getBoolean("domain_enabled")) {
            return Future.failedFuture(denied());
          }
          JsonArray m = parent.toJson().getJsonArray("methods", new JsonArray()).copy();
          if (!m.contains("token")) {
            m.add("token");
          }
          if (parent.toJson().containsKey("application_credential")) {
            return Future.failedFuture(Errors.forbidden("Application credential tokens cannot be re-scoped."));
          }
          if (parent.toJson().containsKey("OS-TRUST:trust")) {
            return Future.failedFuture(Errors.forbidden("Trust-scoped tokens cannot be re-scoped."));
          }
          return scoped(user, m, scope, parent.expiresAt(), parent.auditId());
        }));
    }
    throw Errors.badRequest("Unsupported authentication method: " + methods.encode() + ".");
  }

  /** Finds the user and checks the password, counting failures and locking the account. */
  private Future<JsonObject> password(JsonObject userRef) {
    String password = Json.optString(userRef, "password", 4096);
    if (password == null) {
      throw Errors.badRequest("'password' is a required property.");
    }
    Future<JsonObject> lookup;
    String id = Json.optString(userRef, "id");
    if (id != null) {
      lookup = loadUser("u.id = $1", Tuple.of(id));
    } else {
      String name = Json.string(userRef, "name");
      JsonObject domain = Json.optObject(userRef, "domain");
      if (domain == null) {
        throw Errors.badRequest("A user name needs its domain (id or name).");
      }
      lookup = domain.getString("id") != null
        ? loadUser("lower(u.name) = lower($1) AND u.domain_id = $2", Tuple.of(name, domain.getString("id")))
        : loadUser("lower(u.name) = lower($1) AND lower(d.name) = lower($2)", Tuple.of(name, Json.string(domain, "name")));
    }
    return lookup.compose(user -> passwords.verify(password, user == null ? null : user.getString("password_hash"))
      .compose(ok -> {
        if (user == null) {
          return Future.failedFuture(denied());
        }
        OffsetDateTime lockedUntil = (OffsetDateTime) user.getValue("locked_until");
        boolean locked = lockedUntil != null && lockedUntil.toInstant().isAfter(Instant.now());
        if (!ok || locked) {
          return ok ? Future.failedFuture(denied()) : recordFailure(user.getString("id")).compose(v -> Future.failedFuture(denied()));
        }
        if (!user.getBoolean("enabled") || !user.getBoolean("domain_enabled")) {
          return Future.failedFuture(denied());
        }
        Future<Void> reset = user.getInteger("failed_attempts") > 0
          ? db.preparedQuery("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
          .execute(Tuple.of(user.getString("id"))).mapEmpty()
          : Future.succeededFuture();
        return reset.map(v -> user);
      }));
  }

  private Future<Void> recordFailure(String userId) {
    if (lockoutAttempts <= 0) {
      return Future.succeededFuture();
    }
    // A lock that has run out starts the count again rather than locking on the next slip.
    return db.preparedQuery("""
        WITH next AS (SELECT id, CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1
                                      ELSE failed_attempts + 1 END AS attempts FROM users WHERE id = $1)
        UPDATE users u SET failed_attempts = next.attempts,
          locked_until = CASE WHEN next.attempts >= $2 THEN now() + make_interval(secs => $3)
                              WHEN u.locked_until <= now() THEN NULL ELSE u.locked_until END
        FROM next WHERE u.id = next.id
        """)
      .execute(Tuple.of(userId, lockoutAttempts, (double) lockoutSeconds)).mapEmpty();
  }

  Future<JsonObject> loadUser(String condition, Tuple args) {
    return db.preparedQuery("SELECT " + USER_COLUMNS + " FROM users u JOIN domains d ON d.id = u.domain_id WHERE " + condition)
      .execute(args).map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new JsonObject()
          .put("id", r.getString("id")).put("name", r.getString("name"))
          .put("domain_id", r.getString("domain_id")).put("domain_name", r.getString("domain_name"))
          .put("password_hash", r.getString("password_hash"))
          .put("enabled", r.getBoolean("enabled")).put("domain_enabled", r.getBoolean("domain_enabled"))
          .put("default_project_id", r.getString("default_project_id"))
          .put("failed_attempts", r.getInteger("failed_attempts"))
          .put("locked_until", r.getOffsetDateTime("locked_until"));
      });
  }

  private static JsonObject tokenUser(JsonObject user) {
    return new JsonObject()
      .put("id", user.getString("id"))
      .put("name", user.getString("name"))
      .put("domain", new JsonObject().put("id", user.getString("domain_id")).put("name", user.getString("domain_name")))
      .put("password_expires_at", (Object) null);
  }

  /** Resolves the scope asked for and issues the token with the roles held there. */
  private Future<JsonObject> scoped(JsonObject user, JsonArray methods, Object scopeRequest, Instant expiresAt, String parentAudit) {
    JsonObject tokenUser = tokenUser(user);
    if (scopeRequest == null) {
      String defaultProject = user.getString("default_project_id");
      if (defaultProject == null) {
        return Future.succeededFuture(issuer.issue(tokenUser, methods, new JsonObject(), null, expiresAt, parentAudit, null));
      }
      // A default project the user has no role on gives an unscoped token, as in Keystone.
      return projectScope(new JsonObject().put("id", defaultProject))
        .compose(scope -> assignments.effectiveRoles(user.getString("id"), "project", defaultProject)
          .map(roles -> roles.isEmpty()
            ? issuer.issue(tokenUser, methods, new JsonObject(), null, expiresAt, parentAudit, null)
            : issuer.issue(tokenUser, methods, scope, roles, expiresAt, parentAudit, null)))
        .recover(err -> Future.succeededFuture(issuer.issue(tokenUser, methods, new JsonObject(), null, expiresAt, parentAudit, null)));
    }
    if ("unscoped".equals(scopeRequest)) {
      return Future.succeededFuture(issuer.issue(tokenUser, methods, new JsonObject(), null, expiresAt, parentAudit, null));
    }
    if (!(scopeRequest instanceof JsonObject scope)) {
      throw Errors.badRequest("'scope' must be an object or \"unscoped\".");
    }
    if (scope.containsKey("OS-TRUST:trust")) {
      return trustScoped(user, methods, Json.object(scope, "OS-TRUST:trust"), expiresAt, parentAudit);
    }
    Future<JsonObject> target;
    String type;
    if (scope.containsKey("project")) {
      type = "project";
      target = projectScope(Json.object(scope, "project"));
    } else if (scope.containsKey("domain")) {
      type = "domain";
      target = domainScope(Json.object(scope, "domain"));
    } else if (scope.containsKey("system")) {
      type = "system";
      JsonObject system = Json.object(scope, "system");
      if (!Boolean.TRUE.equals(system.getValue("all"))) {
        throw Errors.badRequest("Only the system scope {\"all\": true} exists.");
      }
      target = Future.succeededFuture(new JsonObject().put("system", new JsonObject().put("all", true)));
    } else {
      throw Errors.badRequest("'scope' must name a project, a domain or the system.");
    }
    return target.compose(scopeBody -> {
      String targetId = switch (type) {
        case "project" -> scopeBody.getJsonObject("project").getString("id");
        case "domain" -> scopeBody.getJsonObject("domain").getString("id");
        default -> "all";
      };
      return assignments.effectiveRoles(user.getString("id"), type, targetId).compose(roles -> {
        if (roles.isEmpty()) {
          return Future.failedFuture(Errors.unauthorized("The request you have made requires authentication: "
            + "the user has no role on the requested scope."));
        }
        return Future.succeededFuture(issuer.issue(tokenUser, methods, scopeBody, roles, expiresAt, parentAudit, null));
      });
    });
  }

  /**
   * A trust-scoped token: only the trust's trustee gets one, on the trust's project with the
   * delegated roles the trustor still holds (403 when the trustor lost any), as the trustor when
   * the trust impersonates. A use is counted when the trust has a limited number; the token does
   * not outlive the trust.
   */
  private Future<JsonObject> trustScoped(JsonObject caller, JsonArray methods, JsonObject ref, Instant parentExpiry, String parentAudit) {
    String trustId = Json.string(ref, "id");
    String live = "(expires_at IS NULL OR expires_at > now()) AND (remaining_uses IS NULL OR remaining_uses > 0)";
    return db.preparedQuery("SELECT * FROM trusts WHERE id = $1 AND " + live).execute(Tuple.of(trustId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Errors.notFound("Could not find trust: " + trustId + "."));
      }
      Row trust = rows.iterator().next();
      if (!trust.getString("trustee_user_id").equals(caller.getString("id"))) {
        return Future.failedFuture(Errors.forbidden("Only the trustee of a trust can use it."));
      }
      String trustorId = trust.getString("trustor_user_id");
      String projectId = trust.getString("project_id");
      if (projectId == null) {
        return Future.failedFuture(Errors.forbidden("The trust delegates no project."));
      }
      return loadUser("u.id = $1", Tuple.of(trustorId)).compose(trustor -> {
        if (trustor == null || !trustor.getBoolean("enabled") || !trustor.getBoolean("domain_enabled")) {
          return Future.failedFuture(Errors.forbidden("The trustor is disabled."));
        }
        return projectScope(new JsonObject().put("id", projectId)).compose(scope ->
          assignments.effectiveRoles(trustorId, "project", projectId).compose(held -> {
            JsonArray roles = new JsonArray();
            for (Object o : (JsonArray) trust.getValue("roles")) {
              String roleId = ((JsonObject) o).getString("id");
              JsonObject still = held.stream().map(x -> (JsonObject) x).filter(r -> r.getString("id").equals(roleId)).findFirst().orElse(null);
              if (still == null) {
                return Future.failedFuture(Errors.forbidden("The trustor no longer holds a role the trust delegates."));
              }
              roles.add(still);
            }
            Future<Void> use = trust.getInteger("remaining_uses") == null ? Future.succeededFuture()
              : db.preparedQuery("UPDATE trusts SET remaining_uses = remaining_uses - 1 WHERE id = $1 AND remaining_uses > 0")
                .execute(Tuple.of(trustId)).compose(rs -> rs.rowCount() == 1 ? Future.<Void>succeededFuture()
                  : Future.failedFuture(Errors.notFound("Could not find trust: " + trustId + ".")));
            boolean impersonation = trust.getBoolean("impersonation");
            Instant expiry = parentExpiry;
            OffsetDateTime trustExpiry = trust.getOffsetDateTime("expires_at");
            Instant normal = Instant.now().plusSeconds(issuer.ttlSeconds());
            Instant base = expiry != null ? expiry : normal;
            Instant effective = trustExpiry != null && trustExpiry.toInstant().isBefore(base) ? trustExpiry.toInstant() : expiry;
            JsonObject extra = new JsonObject().put("OS-TRUST:trust", new JsonObject().put("id", trustId)
              .put("impersonation", impersonation)
              .put("trustor_user", new JsonObject().put("id", trustorId))
              .put("trustee_user", new JsonObject().put("id", caller.getString("id"))));
            return use.map(v -> issuer.issue(tokenUser(impersonation ? trustor : caller), methods, scope, roles, effective,
              parentAudit, extra));
          }));
      });
    });
  }

  /**
   * A project-scoped token for a user whose identity was proved some other way (an EC2
   * signature): the user and its domain enabled, a role on the enabled project, else 401.
   */
  Future<JsonObject> projectToken(String userId, String projectId, JsonArray methods) {
    return loadUser("u.id = $1", Tuple.of(userId)).compose(user -> {
      if (user == null || !user.getBoolean("enabled") || !user.getBoolean("domain_enabled")) {
        return Future.failedFuture(denied());
      }
      return projectScope(new JsonObject().put("id", projectId)).compose(scope ->
        assignments.effectiveRoles(userId, "project", projectId).compose(roles -> roles.isEmpty()
          ? Future.failedFuture(denied())
          : Future.succeededFuture(issuer.issue(tokenUser(user), methods, scope, roles, null, null, null))));
    });
  }

  /** {"project": {id, name, domain: {id, name}}} for an enabled project in an enabled domain, else 401. */
  private Future<JsonObject> projectScope(JsonObject ref) {
    String sql = "SELECT p.id, p.name, p.domain_id, d.name AS domain_name FROM projects p JOIN domains d ON d.id = p.domain_id "
      + "WHERE p.enabled AND d.enabled AND ";
    Future<io.vertx.sqlclient.RowSet<Row>> rows;
    String id = Json.optString(ref, "id");
    if (id != null) {
      rows = db.preparedQuery(sql + "p.id = $1").execute(Tuple.of(id));
    } else {
      String name = Json.string(ref, "name");
      JsonObject domain = Json.optObject(ref, "domain");
      if (domain == null) {
        throw Errors.badRequest("A project name needs its domain (id or name).");
      }
      rows = domain.getString("id") != null
        ? db.preparedQuery(sql + "lower(p.name) = lower($1) AND p.domain_id = $2").execute(Tuple.of(name, domain.getString("id")))
        : db.preparedQuery(sql + "lower(p.name) = lower($1) AND lower(d.name) = lower($2)").execute(Tuple.of(name, Json.string(domain, "name")));
    }
    return rows.compose(rs -> {
      if (rs.size() == 0) {
        return Future.failedFuture(denied());
      }
      Row r = rs.iterator().next();
      return Future.succeededFuture(new JsonObject().put("project", new JsonObject()
        .put("id", r.getString("id")).put("name", r.getString("name"))
        .put("domain", new JsonObject().put("id", r.getString("domain_id")).put("name", r.getString("domain_name")))));
    });
  }

  private Future<JsonObject> domainScope(JsonObject ref) {
    String id = Json.optString(ref, "id");
    Future<io.vertx.sqlclient.RowSet<Row>> rows = id != null
      ? db.preparedQuery("SELECT id, name FROM domains WHERE enabled AND id = $1").execute(Tuple.of(id))
      : db.preparedQuery("SELECT id, name FROM domains WHERE enabled AND lower(name) = lower($1)").execute(Tuple.of(Json.string(ref, "name")));
    return rows.compose(rs -> {
      if (rs.size() == 0) {
        return Future.failedFuture(denied());
      }
      Row r = rs.iterator().next();
      return Future.succeededFuture(new JsonObject().put("domain", new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))));
    });
  }

  /** Application credentials: the secret stands for the user, scoped to the credential's project and roles. */
  private Future<JsonObject> applicationCredential(JsonObject ref, Object scopeRequest) {
    String secret = Json.string(ref, "secret");
    String id = Json.optString(ref, "id");
    Future<io.vertx.sqlclient.RowSet<Row>> rows;
    String sql = "SELECT a.id, a.name, a.user_id, a.project_id, a.secret_hash, a.expires_at, a.unrestricted, a.roles, "
      + AccessRules.OF_CREDENTIAL + " FROM application_credentials a JOIN users u ON u.id = a.user_id JOIN domains d ON d.id = u.domain_id WHERE ";
    if (id != null) {
      rows = db.preparedQuery(sql + "a.id = $1").execute(Tuple.of(id));
    } else {
      String name = Json.string(ref, "name");
      JsonObject userRef = Json.object(ref, "user");
      if (userRef.getString("id") != null) {
        rows = db.preparedQuery(sql + "a.name = $1 AND u.id = $2").execute(Tuple.of(name, userRef.getString("id")));
      } else {
        JsonObject domain = Json.object(userRef, "domain");
        rows = domain.getString("id") != null
          ? db.preparedQuery(sql + "a.name = $1 AND lower(u.name) = lower($2) AND u.domain_id = $3")
          .execute(Tuple.of(name, Json.string(userRef, "name"), domain.getString("id")))
          : db.preparedQuery(sql + "a.name = $1 AND lower(u.name) = lower($2) AND lower(d.name) = lower($3)")
          .execute(Tuple.of(name, Json.string(userRef, "name"), Json.string(domain, "name")));
      }
    }
    return rows.compose(rs -> {
      Row cred = rs.size() == 0 ? null : rs.iterator().next();
      return passwords.verify(secret, cred == null ? null : cred.getString("secret_hash")).compose(ok -> {
        if (cred == null || !ok) {
          return Future.failedFuture(denied());
        }
        OffsetDateTime expires = cred.getOffsetDateTime("expires_at");
        if (expires != null && expires.toInstant().isBefore(Instant.now())) {
          return Future.failedFuture(denied());
        }
        if (scopeRequest instanceof JsonObject s && s.getJsonObject("project") != null
          && s.getJsonObject("project").getString("id") != null
          && !s.getJsonObject("project").getString("id").equals(cred.getString("project_id"))) {
          return Future.failedFuture(denied());
        }
        return loadUser("u.id = $1", Tuple.of(cred.getString("user_id"))).compose(user -> {
          if (user == null || !user.getBoolean("enabled") || !user.getBoolean("domain_enabled")) {
            return Future.failedFuture(denied());
          }
          String projectId = cred.getString("project_id");
          return projectScope(new JsonObject().put("id", projectId)).compose(scope ->
            assignments.effectiveRoles(user.getString("id"), "project", projectId).compose(held -> {
              // The credential keeps only the roles the user still holds on the project.
              JsonArray roles = new JsonArray();
              JsonArray wanted = (JsonArray) cred.getValue("roles");
              held.forEach(r -> {
                for (Object w : wanted) {
                  if (((JsonObject) w).getString("id").equals(((JsonObject) r).getString("id"))) {
                    roles.add(r);
                  }
                }
              });
              if (roles.isEmpty()) {
                return Future.failedFuture(denied());
              }
              JsonObject extra = new JsonObject().put("application_credential", new JsonObject()
                .put("id", cred.getString("id")).put("name", cred.getString("name"))
                .put("restricted", !cred.getBoolean("unrestricted"))
                .put("access_rules", cred.getValue("access_rules"))); // enforced by AuthHandler (AccessRuleCheck)
              return Future.succeededFuture(issuer.issue(tokenUser(user), new JsonArray().add("application_credential"),
                scope, roles, null, null, extra));
            }));
        });
      });
    });
  }
}
