package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;

import java.util.List;
import java.util.function.Supplier;

/**
 * Keystone v3 behind the event bus: each call goes to the part that owns it (a collection,
 * role grants, implied roles, group memberships, application credentials, service accounts).
 */
final class IdentityServiceImpl implements IdentityService {

  private final IdentityBackend backend;
  private final Authenticator authenticator;
  private final Assignments assignments;
  private final Catalog catalog;
  private final IdentityCollections collections;
  private final RoleGrants grants;
  private final ImpliedRoles impliedRoles;
  private final GroupMemberships memberships;
  private final ApplicationCredentials applicationCredentials;
  private final ServiceAccounts serviceAccounts;

  IdentityServiceImpl(Vertx vertx, Pool db, String identityUrl, Passwords passwords, Authenticator authenticator,
                      Assignments assignments, Catalog catalog, Revoker revoker, TokenIssuer issuer) {
    this.backend = new IdentityBackend(vertx, db, identityUrl, passwords, revoker, new CloudGuards(db));
    this.authenticator = authenticator;
    this.assignments = assignments;
    this.catalog = catalog;
    this.collections = new IdentityCollections(backend);
    this.grants = new RoleGrants(backend, assignments);
    this.impliedRoles = new ImpliedRoles(backend);
    this.memberships = new GroupMemberships(backend, collections);
    this.applicationCredentials = new ApplicationCredentials(backend, assignments);
    this.serviceAccounts = new ServiceAccounts(backend, authenticator, assignments, issuer);
  }

  /** Runs a body that may throw (bad input, policy) and turns the throw into a failed future. */
  private static <T> Future<T> guarded(Supplier<Future<T>> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<JsonObject> issueToken(JsonObject auth) {
    return guarded(() -> authenticator.issue(auth));
  }

  @Override
  public Future<JsonArray> catalog() {
    return catalog.load();
  }

  @Override
  public Future<Void> revokeToken(AuthContext caller, AuthContext subject) {
    return guarded(() -> {
      IdentityCollection.POLICY.check(caller, "identity:revoke_token", Target.user(subject.userId(), subject.userDomainId()));
      return backend.revoker().auditId(subject.auditId(), subject.expiresAt());
    });
  }

  @Override
  public Future<JsonArray> scopesOfUser(AuthContext caller, String kind) {
    boolean projects = "projects".equals(kind);
    return assignments.targetsOfUser(caller.userId(), projects ? "project" : "domain").compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(new JsonArray());
      }
      IdentityCollection c = projects ? collections.projects : collections.domains;
      return c.table.list(backend.db(), new JsonObject(), backend.baseUrl(), List.of("id = ANY($1)", "enabled"),
        List.<Object>of((Object) ids.toArray(String[]::new))).map(c::render);
    });
  }

  // ---- the collections ------------------------------------------------------------------

  @Override
  public Future<JsonObject> create(AuthContext caller, String collection, JsonObject body) {
    return guarded(() -> collections.named(collection).create(caller, body));
  }

  @Override
  public Future<JsonObject> get(AuthContext caller, String collection, String id) {
    return guarded(() -> collections.named(collection).get(caller, id));
  }

  @Override
  public Future<JsonArray> list(AuthContext caller, String collection, JsonObject query) {
    return guarded(() -> collections.named(collection).list(caller, query));
  }

  @Override
  public Future<JsonObject> update(AuthContext caller, String collection, String id, JsonObject body) {
    return guarded(() -> collections.named(collection).update(caller, id, body));
  }

  @Override
  public Future<Void> delete(AuthContext caller, String collection, String id) {
    return guarded(() -> collections.named(collection).delete(caller, id));
  }

  // ---- grants, roles and memberships ----------------------------------------------------

  @Override
  public Future<Void> grant(AuthContext caller, String action, JsonObject assignment) {
    return guarded(() -> grants.apply(caller, action, assignment));
  }

  @Override
  public Future<JsonArray> listGrants(AuthContext caller, JsonObject assignment) {
    return guarded(() -> grants.list(caller, assignment));
  }

  @Override
  public Future<JsonArray> roleAssignments(AuthContext caller, JsonObject query) {
    return guarded(() -> grants.roleAssignments(caller, query));
  }

  @Override
  public Future<JsonArray> roleInferences(AuthContext caller, String priorRoleId) {
    return guarded(() -> impliedRoles.list(caller, priorRoleId));
  }

  @Override
  public Future<JsonObject> impliedRole(AuthContext caller, String action, String priorRoleId, String impliedRoleId) {
    return guarded(() -> impliedRoles.apply(caller, action, priorRoleId, impliedRoleId));
  }

  @Override
  public Future<Void> groupMember(AuthContext caller, String action, String groupId, String userId) {
    return guarded(() -> memberships.apply(caller, action, groupId, userId));
  }

  @Override
  public Future<JsonArray> memberships(AuthContext caller, String kind, String id) {
    return guarded(() -> memberships.list(caller, kind, id));
  }

  @Override
  public Future<JsonArray> projectsOfUser(AuthContext caller, String userId) {
    return guarded(() -> Tables.USERS.get(backend.db(), userId, backend.baseUrl())
      .compose(u -> IdentityCollection.POLICY.authorize(caller, "identity:list_user_projects", Target.user(userId, u.getString("domain_id"))))
      .compose(u -> assignments.targetsOfUser(userId, "project"))
      .compose(ids -> Tables.PROJECTS.list(backend.db(), new JsonObject(), backend.baseUrl(), List.of("id = ANY($1)"),
        List.<Object>of((Object) ids.toArray(String[]::new))))
      .map(collections.projects::render));
  }

  @Override
  public Future<Void> changePassword(String userId, String originalPassword, String newPassword) {
    return guarded(() -> {
      if (originalPassword == null || newPassword == null) {
        throw Errors.badRequest("'original_password' and 'password' are required.");
      }
      if (newPassword.isEmpty() || newPassword.length() > Passwords.MAX_LENGTH) {
        throw Errors.badRequest("The new password must be 1 to " + Passwords.MAX_LENGTH + " characters.");
      }
      JsonObject check = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
        .put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("id", userId).put("password", originalPassword))))
        .put("scope", "unscoped"));
      return authenticator.issue(check)
        .compose(ok -> backend.passwords().hash(newPassword))
        .compose(hash -> backend.db().preparedQuery("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1")
          .execute(Tuple.of(userId, hash)))
        .compose(v -> backend.revoker().user(userId))
        .onSuccess(v -> ResourceEvents.publish(backend.vertx(), null, "identity.user", userId, "password_changed",
          new JsonObject().put("id", userId)));
    });
  }

  // ---- application credentials and service accounts -------------------------------------

  @Override
  public Future<JsonObject> createApplicationCredential(AuthContext caller, String userId, JsonObject body) {
    return guarded(() -> applicationCredentials.create(caller, userId, body));
  }

  @Override
  public Future<JsonArray> listApplicationCredentials(AuthContext caller, String userId, JsonObject query) {
    return guarded(() -> applicationCredentials.list(caller, userId, query));
  }

  @Override
  public Future<JsonObject> getApplicationCredential(AuthContext caller, String userId, String id) {
    return guarded(() -> applicationCredentials.get(caller, userId, id));
  }

  @Override
  public Future<Void> deleteApplicationCredential(AuthContext caller, String userId, String id) {
    return guarded(() -> applicationCredentials.delete(caller, userId, id));
  }

  @Override
  public Future<JsonObject> serviceToken(String serviceName) {
    return serviceAccounts.token(serviceName);
  }
}
