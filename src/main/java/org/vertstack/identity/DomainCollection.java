package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;

import java.util.Map;

/** /v3/domains: a domain is deleted only when disabled, and takes its contents with it. */
final class DomainCollection extends IdentityCollection {

  DomainCollection(IdentityBackend backend) {
    super(Tables.DOMAINS, backend);
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    return Future.succeededFuture(named(values, body));
  }

  @Override
  Future<Target> targetOf(JsonObject found) {
    return Future.succeededFuture(Target.domain(found.getString("id")));
  }

  @Override
  String domainCondition() {
    return "id = $1";
  }

  @Override
  void checkNotOwn(AuthContext caller, String id, String verb) {
    if (id.equals(caller.userDomainId())) {
      throw Errors.forbidden("You cannot " + verb + " the domain of your own user.");
    }
  }

  @Override
  void checkDeletable(JsonObject found) {
    if (Bootstrap.DEFAULT_DOMAIN.equals(found.getString("id"))) {
      throw Errors.forbidden("The default domain cannot be deleted.");
    }
    if (found.getBoolean("enabled")) {
      throw Errors.forbidden("Cannot delete a domain that is enabled, please disable it first.");
    }
  }

  @Override
  Future<Void> deleteRow(SqlConnection tx, JsonObject found) {
    String id = found.getString("id");
    return deleteContents(tx, id).compose(v -> table.delete(tx, id));
  }

  @Override
  Future<Void> revokeTokens(String id) {
    return backend.revoker().domain(id);
  }

  @Override
  JsonObject render(JsonObject row) {
    return row.put("options", new JsonObject());
  }

  /** As in Keystone, a (disabled) domain goes with its projects, users, groups, roles and their grants. */
  static Future<Void> deleteContents(SqlConnection tx, String domainId) {
    Tuple d = Tuple.of(domainId);
    return tx.preparedQuery("""
        DELETE FROM assignments WHERE (target_type = 'domain' AND target_id = $1)
          OR (target_type = 'project' AND target_id IN (SELECT id FROM projects WHERE domain_id = $1))
          OR (actor_type = 'user' AND actor_id IN (SELECT id FROM users WHERE domain_id = $1))
          OR (actor_type = 'group' AND actor_id IN (SELECT id FROM groups WHERE domain_id = $1))""").execute(d)
      .compose(v -> tx.preparedQuery("DELETE FROM projects WHERE domain_id = $1").execute(d))
      .compose(v -> tx.preparedQuery("DELETE FROM users WHERE domain_id = $1").execute(d))
      .compose(v -> tx.preparedQuery("DELETE FROM groups WHERE domain_id = $1").execute(d))
      .compose(v -> tx.preparedQuery("DELETE FROM roles WHERE domain_id = $1").execute(d))
      .mapEmpty();
  }
}
