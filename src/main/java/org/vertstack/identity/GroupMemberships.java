package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.util.List;

/** Users in groups: add, remove (the user's tokens end), check, and the lists both ways. */
final class GroupMemberships {

  private static final Policy POLICY = IdentityCollection.POLICY;

  private final IdentityBackend backend;
  private final IdentityCollections collections;

  GroupMemberships(IdentityBackend backend, IdentityCollections collections) {
    this.backend = backend;
    this.collections = collections;
  }

  /** Adds, removes or checks a user's membership. */
  Future<Void> apply(AuthContext caller, String action, String groupId, String userId) {
    String rule = switch (action) {
      case "add" -> "identity:add_user_to_group";
      case "remove" -> "identity:remove_user_from_group";
      default -> "identity:check_user_in_group";
    };
    var db = backend.db();
    CloudGuards guards = backend.guards();
    Tuple key = Tuple.of(groupId, userId);
    return Tables.GROUPS.get(db, groupId, backend.baseUrl()).compose(g -> Tables.USERS.get(db, userId, backend.baseUrl())
        .compose(u -> guards.actorFacts("group", groupId).compose(groupFacts -> guards.actorFacts("user", userId)
          .compose(userFacts -> POLICY.authorize(caller, rule, Target.domain(g.getString("domain_id"))
            .with("actor_domain_id", u.getString("domain_id"))
            .flag("cloud_user", groupFacts.getBoolean("cloud") || userFacts.getBoolean("cloud")))))))
      .compose(u -> switch (action) {
        case "add" -> db.preparedQuery("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
          .execute(key).<Void>mapEmpty();
        case "remove" -> guards.keepingASystemAdmin(tx -> tx.preparedQuery("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .execute(key))
          .compose(rs -> rs.rowCount() == 0 ? Future.<Void>failedFuture(notMember(groupId, userId)) : backend.revoker().user(userId));
        default -> db.preparedQuery("SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2").execute(key)
          .compose(rs -> rs.size() > 0 ? Future.<Void>succeededFuture() : Future.failedFuture(notMember(groupId, userId)));
      });
  }

  private static RuntimeException notMember(String groupId, String userId) {
    return Errors.notFound("User " + userId + " is not in group " + groupId + ".");
  }

  /** Members of a group, or groups of a user (kind "group-users" or "user-groups"). */
  Future<JsonArray> list(AuthContext caller, String kind, String id) {
    boolean usersOfGroup = "group-users".equals(kind);
    Table parent = usersOfGroup ? Tables.GROUPS : Tables.USERS;
    IdentityCollection listed = usersOfGroup ? collections.users : collections.groups;
    String condition = usersOfGroup
      ? "id IN (SELECT user_id FROM group_members WHERE group_id = $1)"
      : "id IN (SELECT group_id FROM group_members WHERE user_id = $1)";
    return parent.get(backend.db(), id, backend.baseUrl())
      .compose(p -> POLICY.authorize(caller, usersOfGroup ? "identity:list_users_in_group" : "identity:list_groups_for_user",
        usersOfGroup ? Target.domain(p.getString("domain_id")) : Target.user(id, p.getString("domain_id"))))
      .compose(p -> listed.table.list(backend.db(), new JsonObject(), backend.baseUrl(), List.of(condition), List.of(id)))
      .map(listed::render);
  }
}
