package org.vertstack.identity;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * The identity service's event-bus API (Keystone v3). Every call that acts for somebody takes
 * the caller's {@link AuthContext}; the service applies the policy. Collections that are plain
 * CRUD (domains, projects, users, groups, roles, regions, services, endpoints, limits,
 * registered_limits) share the generic calls, named by their URL collection name.
 */
@VertxGen
@ProxyGen
public interface IdentityService {

  String ADDRESS = "identity.service";

  /** Authenticates a POST /v3/auth/tokens body: {"token": signed token, "body": token body}. */
  Future<JsonObject> issueToken(JsonObject auth);

  /** The service catalog as raw entries {id, type, name, endpoints:[{id, interface, region_id, url}]}. */
  Future<JsonArray> catalog();

  /** Revokes a token by its audit id (the caller's own token, or any token for an admin). */
  Future<Void> revokeToken(AuthContext caller, AuthContext subject);

  /** Projects (or domains) the caller's user has a role on: /v3/auth/projects, /v3/auth/domains. */
  Future<JsonArray> scopesOfUser(AuthContext caller, String kind);

  Future<JsonObject> create(AuthContext caller, String collection, JsonObject body);

  Future<JsonObject> get(AuthContext caller, String collection, String id);

  Future<JsonArray> list(AuthContext caller, String collection, JsonObject query);

  Future<JsonObject> update(AuthContext caller, String collection, String id, JsonObject body);

  Future<Void> delete(AuthContext caller, String collection, String id);

  /**
   * Role grants: {"actor_type": user|group, "actor_id", "target_type": project|domain|system,
   * "target_id", "role_id", "inherited"}; action is grant, revoke or check.
   */
  Future<Void> grant(AuthContext caller, String action, JsonObject assignment);

  /** Roles granted to an actor on a target: GET /v3/projects/{p}/users/{u}/roles. */
  Future<JsonArray> listGrants(AuthContext caller, JsonObject assignment);

  /** GET /v3/role_assignments with its filters (user.id, scope.project.id, effective, include_names, ...). */
  Future<JsonArray> roleAssignments(AuthContext caller, JsonObject query);

  /** Implied roles: all inference rules, or those of one prior role (priorRoleId not null). */
  Future<JsonArray> roleInferences(AuthContext caller, String priorRoleId);

  /** Adds, removes or checks the rule "prior implies implied": action is add, remove or check. */
  Future<JsonObject> impliedRole(AuthContext caller, String action, String priorRoleId, String impliedRoleId);

  /** Group membership: action is add, remove or check. */
  Future<Void> groupMember(AuthContext caller, String action, String groupId, String userId);

  /** Members of a group, or groups of a user (kind "group-users" or "user-groups"). */
  Future<JsonArray> memberships(AuthContext caller, String kind, String id);

  /** Projects a user has roles on: GET /v3/users/{id}/projects. */
  Future<JsonArray> projectsOfUser(AuthContext caller, String userId);

  /** POST /v3/users/{id}/password with the original password. */
  Future<Void> changePassword(String userId, String originalPassword, String newPassword);

  /** Application credentials of a user: create returns the secret once. */
  Future<JsonObject> createApplicationCredential(AuthContext caller, String userId, JsonObject body);

  Future<JsonArray> listApplicationCredentials(AuthContext caller, String userId, JsonObject query);

  Future<JsonObject> getApplicationCredential(AuthContext caller, String userId, String id);

  Future<Void> deleteApplicationCredential(AuthContext caller, String userId, String id);

  /**
   * A token for a service's own user (created on first use, admin on the "service" project), so
   * that a service can keep data in an account of its own: {"token", "project_id", "expires_at"}.
   * Only reachable on the event bus, never over HTTP.
   */
  Future<JsonObject> serviceToken(String serviceName);

  static IdentityService createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, IdentityService.class, ADDRESS, options -> new IdentityServiceVertxEBProxy(vertx, ADDRESS, options));
  }
}
