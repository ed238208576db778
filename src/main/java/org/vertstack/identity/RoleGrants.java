package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.util.function.Function;

/**
 * Role grants (actor, target, role) and the role-assignment query: the policy target of a grant,
 * an event per change, and the tokens a revoked grant ends.
 */
final class RoleGrants {

  private static final Policy POLICY = IdentityCollection.POLICY;

  private final IdentityBackend backend;
  private final Assignments assignments;
  private final RoleAssignmentQuery query;

  RoleGrants(IdentityBackend backend, Assignments assignments) {
    this.backend = backend;
    this.assignments = assignments;
    this.query = new RoleAssignmentQuery(backend.db());
  }

  /** Grants, revokes or checks one assignment. */
  Future<Void> apply(AuthContext caller, String action, JsonObject a) {
    String rule = switch (action) {
      case "grant" -> "identity:create_grant";
      case "revoke" -> "identity:revoke_grant";
      case "check" -> "identity:check_grant";
      default -> throw Errors.badRequest("Unknown action " + action + ".");
    };
    return targetOf(a).compose(target -> POLICY.authorize(caller, rule, target)).compose(allowed -> switch (action) {
      case "grant" -> assignments.grant(a).onSuccess(v -> publish(a, "created"));
      case "revoke" -> backend.guards().keepingASystemAdmin(tx -> assignments.revoke(tx, a)).compose(removed -> {
        if (!removed) {
          return Future.failedFuture(Errors.notFound("Could not find role assignment."));
        }
        publish(a, "deleted");
        return revokeActor(a.getString("actor_type"), a.getString("actor_id"), revokedScope(a));
      });
      default -> assignments.exists(a).compose(found -> found ? Future.<Void>succeededFuture()
        : Future.failedFuture(Errors.notFound("Could not find role assignment.")));
    });
  }

  /** The roles granted to an actor on a target. */
  Future<JsonArray> list(AuthContext caller, JsonObject a) {
    return targetOf(a).compose(target -> POLICY.authorize(caller, "identity:list_grants", target))
      .compose(v -> assignments.checkExistsTarget(a)).compose(v -> assignments.granted(a, backend.baseUrl()));
  }

  /** GET /v3/role_assignments: everything for a system reader or a user asking about itself, its domain for a domain reader. */
  Future<JsonArray> roleAssignments(AuthContext caller, JsonObject filters) {
    String rule = "identity:list_role_assignments";
    if (POLICY.allowed(caller, rule, Target.user(filters.getString("user.id"), null))) {
      return query.run(filters, backend.baseUrl(), null);
    }
    if (caller.domainId() != null && POLICY.allowed(caller, rule, Target.domain(caller.domainId()))) {
      return query.run(filters, backend.baseUrl(), caller.domainId());
    }
    throw Policy.denied(rule);
  }

  /**
   * The policy target of a grant: the target's domain (and project), the actor's domain, and
   * whether it touches the cloud itself (the system scope, the admin or services' project, an
   * actor that holds such roles). Unknown actors or targets give a target no domain admin
   * matches; a system admin then gets the 404.
   */
  private Future<Target> targetOf(JsonObject a) {
    String targetId = a.getString("target_id");
    Future<Target> target = switch (a.getString("target_type")) {
      case "project" -> Tables.PROJECTS.find(backend.db(), targetId, backend.baseUrl())
        .map(p -> Target.project(targetId, p == null ? null : p.getString("domain_id"))
          .flag("cloud_project", CloudGuards.cloudProject(targetId)));
      case "domain" -> Future.succeededFuture(Target.domain(targetId));
      default -> Future.succeededFuture(Target.none().flag("system_grant", true));
    };
    Table actorTable = "user".equals(a.getString("actor_type")) ? Tables.USERS : Tables.GROUPS;
    return target.compose(t -> actorTable.find(backend.db(), a.getString("actor_id"), backend.baseUrl())
      .compose(actor -> backend.guards().actorFacts(a.getString("actor_type"), a.getString("actor_id")).map(facts -> t
        .with("actor_domain_id", actor == null ? null : actor.getString("domain_id"))
        .flag("cloud_project", t.is("cloud_project") || facts.getBoolean("cloud")))));
  }

  private void publish(JsonObject a, String action) {
    String project = "project".equals(a.getString("target_type")) ? a.getString("target_id") : null;
    String id = a.getString("actor_id") + ":" + a.getString("target_id") + ":" + a.getString("role_id");
    ResourceEvents.publish(backend.vertx(), project, "identity.role_assignment", id, action, a);
  }

  /**
   * The one scope whose tokens carried a revoked grant (the project, the domain or "system"), or
   * null for an inherited grant, which reaches projects beyond it.
   */
  private static String revokedScope(JsonObject a) {
    if (a.getBoolean("inherited", false)) {
      return null;
    }
    return "system".equals(a.getString("target_type")) ? "system" : a.getString("target_id");
  }

  /**
   * Losing a role ends the tokens that carried it: the user's (or group members') tokens on the
   * grant's scope, as Keystone's validation would refuse them; every token of theirs when the
   * scope is null. Tokens on other scopes keep working.
   */
  private Future<Void> revokeActor(String actorType, String actorId, String scope) {
    Revoker revoker = backend.revoker();
    Function<String, Future<Void>> revoke = userId -> scope == null ? revoker.user(userId) : revoker.userOnScope(userId, scope);
    if ("user".equals(actorType)) {
      return revoke.apply(actorId);
    }
    return backend.db().preparedQuery("SELECT user_id FROM group_members WHERE group_id = $1").execute(Tuple.of(actorId))
      .compose(rows -> {
        Future<Void> chain = Future.succeededFuture();
        for (var r : rows) {
          chain = chain.compose(v -> revoke.apply(r.getString("user_id")));
        }
        return chain;
      });
  }
}
