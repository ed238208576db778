package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.policy.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** /v3/groups: a deleted group's members lose what it granted (their tokens end). */
final class GroupCollection extends IdentityCollection {

  GroupCollection(IdentityBackend backend) {
    super(Tables.GROUPS, backend);
  }

  @Override
  boolean domainOwned() {
    return true;
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    return Future.succeededFuture(named(values, body));
  }

  @Override
  Future<Target> targetOf(JsonObject found) {
    return backend.guards().actorFacts("group", found.getString("id")).map(facts -> Target.domain(found.getString("domain_id"))
      .flag("cloud_user", facts.getBoolean("cloud")));
  }

  @Override
  Future<List<String>> usersLosingAccess(String groupId) {
    return backend.db().preparedQuery("SELECT user_id FROM group_members WHERE group_id = $1").execute(Tuple.of(groupId)).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString("user_id")));
      return ids;
    });
  }

  @Override
  Future<Void> deleteRow(SqlConnection tx, JsonObject found) {
    String id = found.getString("id");
    return deleteAssignments(tx, "actor", "group", id).compose(v -> table.delete(tx, id));
  }

  @Override
  Future<Void> revokeAfterDelete(String id, List<String> members) {
    Future<Void> chain = Future.succeededFuture();
    for (String userId : members) {
      chain = chain.compose(v -> backend.revoker().user(userId));
    }
    return chain;
  }
}
