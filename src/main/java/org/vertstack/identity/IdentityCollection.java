package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Keystone collection behind the generic calls (create, get, list, update, delete): the
 * flow is here (policy first, then the store, then one event per change), and each collection
 * overrides the steps where it differs. {@link IdentityCollections} picks the one for a URL name.
 */
abstract class IdentityCollection {

  static final Policy POLICY = IdentityPolicy.RULES;

  final Table table;
  final IdentityBackend backend;

  IdentityCollection(Table table, IdentityBackend backend) {
    this.table = table;
    this.backend = backend;
  }

  // ---- the steps a collection may change ------------------------------------------------

  /** Rows that belong to a domain (the domain admin's to manage): projects, users, groups. */
  boolean domainOwned() {
    return false;
  }

  /** Keystone's name lengths: 255 for users and roles, 64 for the rest. */
  int maxNameLength() {
    return 64;
  }

  /** Attributes Keystone knows on this collection; the others are kept as given ("extra"). Null: no extras. */
  Set<String> knownFields() {
    return null;
  }

  String newId(JsonObject body) {
    return Catalog.newId();
  }

  /** Checks a create body and completes the row's values. */
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    return Future.succeededFuture(values);
  }

  /** Changes to an update's values from its body alone, before the row is read. */
  void prepareUpdate(Map<String, Object> values, JsonObject body) {
  }

  /** A new password in an update body (users only). */
  String newPassword(JsonObject body) {
    return null;
  }

  /** Work after the policy check and before the row is written (create and update). */
  Future<Void> beforeWrite(Map<String, Object> values, JsonObject body) {
    return Future.succeededFuture();
  }

  Future<JsonObject> insert(Map<String, Object> values) {
    return table.insert(backend.db(), values, backend.baseUrl());
  }

  /** Work after an update was stored, with the row as it was before. */
  Future<Void> afterUpdate(JsonObject before, JsonObject updated) {
    return Future.succeededFuture();
  }

  /** The policy target of a stored row: its domain, project and user, and the cloud's own rows flagged. */
  Future<Target> targetOf(JsonObject found) {
    return Future.succeededFuture(Target.none());
  }

  /** The condition (on $1, the domain id) that limits a domain reader's list to its domain. */
  String domainCondition() {
    return "domain_id = $1";
  }

  /** The condition (on $1, the project id) that limits a project reader's list, or null when a project reader sees nothing. */
  String projectCondition() {
    return null;
  }

  /** Keystone's other names for list filters. */
  void renameFilters(JsonObject filters) {
  }

  /** Refuses to disable or delete one's own user or domain (that is how a cloud locks itself out). */
  void checkNotOwn(AuthContext caller, String id, String verb) {
  }

  /** Refuses deleting a row Keystone keeps (the default domain, the built-in roles, the cloud's projects). */
  void checkDeletable(JsonObject found) {
  }

  /** The users whose tokens a delete ends besides the row's own (a group's members). */
  Future<List<String>> usersLosingAccess(String id) {
    return Future.succeededFuture(List.of());
  }

  /** Deletes the row and what names it without a foreign key (assignments), inside the caller's transaction. */
  Future<Void> deleteRow(SqlConnection tx, JsonObject found) {
    return table.delete(tx, found.getString("id"));
  }

  /** Ends the tokens a change invalidates (a disabled or deleted user, project or domain). */
  Future<Void> revokeTokens(String id) {
    return Future.succeededFuture();
  }

  Future<Void> revokeAfterDelete(String id, List<String> users) {
    return revokeTokens(id);
  }

  /** Adds the fields Keystone always shows that are not columns here. */
  JsonObject render(JsonObject row) {
    return row;
  }

  /** The project an event about this row belongs to, if any. */
  String eventProject(JsonObject resource) {
    return null;
  }

  // ---- the flow -------------------------------------------------------------------------

  Future<JsonObject> create(AuthContext caller, JsonObject original) {
    String rule = "identity:create_" + table.member;
    if (!caller.isSystemAdmin() && caller.domainId() == null) {
      throw Policy.denied(rule); // every create rule needs a system admin or a domain admin
    }
    JsonObject body = original.copy();
    if (caller.domainId() != null && body.getValue("domain_id") == null && domainOwned()) {
      body.put("domain_id", caller.domainId()); // as in Keystone: a domain-scoped token creates in its domain
    }
    Map<String, Object> values = table.updatableValues(body);
    values.put("id", newId(body));
    Future<Map<String, Object>> prepared = prepareCreate(values, body);
    if (knownFields() != null) {
      values.put("extra", extras(body));
    }
    return prepared
      .compose(v -> POLICY.authorize(caller, rule, domainOwned() ? Target.domain((String) v.get("domain_id")) : Target.none()).map(v))
      .compose(v -> domainOwned() && !Boolean.TRUE.equals(v.get("is_domain"))
        ? Tables.DOMAINS.get(backend.db(), (String) v.get("domain_id"), backend.baseUrl()).map(v) : Future.succeededFuture(v))
      .compose(v -> beforeWrite(v, body).map(v))
      .compose(this::insert)
      .map(this::render)
      .onSuccess(created -> publish(created, "created"));
  }

  Future<JsonObject> get(AuthContext caller, String id) {
    return table.get(backend.db(), id, backend.baseUrl()).compose(found -> targetOf(found)
      .compose(target -> POLICY.authorize(caller, "identity:get_" + table.member, target))
      .map(v -> render(found)));
  }

  Future<JsonArray> list(AuthContext caller, JsonObject query) {
    String rule = "identity:list_" + table.collection;
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    if (!POLICY.allowed(caller, rule, Target.none())) {
      // Not a system reader: a domain reader sees its own domain, a project reader its project's rows (limits).
      if (caller.domainId() != null && POLICY.allowed(caller, rule, Target.domain(caller.domainId()))) {
        args.add(caller.domainId());
        where.add(domainCondition());
      } else if (projectCondition() != null && caller.projectId() != null
        && POLICY.allowed(caller, rule, Target.project(caller.projectId(), caller.projectDomainId()))) {
        args.add(caller.projectId());
        where.add(projectCondition());
      } else {
        throw Policy.denied(rule);
      }
    }
    JsonObject filters = query.copy();
    renameFilters(filters);
    return table.list(backend.db(), filters, backend.baseUrl(), where, args).map(this::render);
  }

  Future<JsonObject> update(AuthContext caller, String id, JsonObject body) {
    Map<String, Object> values = table.updatableValues(body);
    if (values.containsKey("name")) {
      checkedName(String.valueOf(values.get("name")));
    }
    JsonObject newExtras = extras(body);
    if (values.containsKey("tags")) {
      checkTags(values.get("tags"));
    }
    prepareUpdate(values, body);
    String password = newPassword(body);
    boolean disabling = Boolean.FALSE.equals(values.get("enabled"));
    JsonObject[] before = {null};
    return table.get(backend.db(), id, backend.baseUrl()).compose(found -> {
      if (!newExtras.isEmpty()) {
        values.put("extra", found.getJsonObject("extra", new JsonObject()).copy().mergeIn(newExtras));
      }
      before[0] = found;
      return targetOf(found);
    }).compose(target -> {
      POLICY.check(caller, "identity:update_" + table.member, target);
      if (disabling) {
        checkRemovable(caller, id, target, "disable");
      }
      return password == null ? Future.succeededFuture(values) : backend.passwords().hash(password).map(hash -> {
        values.put("password_hash", hash);
        values.put("password_changed_at", OffsetDateTime.now());
        return values;
      });
    }).compose(v -> beforeWrite(v, body).map(v))
      .compose(v -> disabling
        ? backend.guards().keepingASystemAdmin(tx -> table.update(tx, id, v, backend.baseUrl()))
        : table.update(backend.db(), id, v, backend.baseUrl()))
      .compose(updated -> (disabling || password != null ? revokeTokens(id) : Future.<Void>succeededFuture()).map(updated))
      .compose(updated -> afterUpdate(before[0], updated).map(updated))
      .map(this::render)
      .onSuccess(updated -> publish(updated, "updated"));
  }

  Future<Void> delete(AuthContext caller, String id) {
    return table.get(backend.db(), id, backend.baseUrl()).compose(found -> targetOf(found).compose(target -> {
      POLICY.check(caller, "identity:delete_" + table.member, target);
      checkRemovable(caller, id, target, "delete");
      checkDeletable(found);
      // listed before the rows go: a deleted group's members lose what it granted
      return usersLosingAccess(id)
        .compose(users -> backend.guards().keepingASystemAdmin(tx -> deleteRow(tx, found))
          .compose(v -> revokeAfterDelete(id, users)))
        .onSuccess(v -> publish(found, "deleted"));
    }));
  }

  // ---- shared by the collections --------------------------------------------------------

  /**
   * Disabling or deleting: never one's own user or domain, and the services' own users only
   * with a system-scoped token, an explicit operator action rather than a click with the admin
   * project's token.
   */
  private void checkRemovable(AuthContext caller, String id, Target target, String verb) {
    checkNotOwn(caller, id, verb);
    if (target.is("service_user")) {
      POLICY.check(caller, "identity:disable_service_user", target);
    }
  }

  String checkedName(String raw) {
    String name = raw.trim();
    if (name.isEmpty() || name.length() > maxNameLength()) {
      throw Errors.badRequest("'name' must be 1 to " + maxNameLength() + " characters.");
    }
    return name;
  }

  /** The row's name (and its domain, for the rows that have one), checked as Keystone does. */
  Map<String, Object> named(Map<String, Object> values, JsonObject body) {
    values.put("name", checkedName(Json.string(body, "name")));
    putDomain(values, body);
    if (values.containsKey("tags")) {
      checkTags(values.get("tags"));
    }
    return values;
  }

  /** A domain-owned row is in the default domain unless the body names one. */
  void putDomain(Map<String, Object> values, JsonObject body) {
    if (domainOwned()) {
      values.put("domain_id", body.getString("domain_id", Bootstrap.DEFAULT_DOMAIN));
    }
  }

  static void checkTags(Object tags) {
    if (tags == null) {
      return;
    }
    if (!(tags instanceof JsonArray a) || a.size() > 80 || a.stream().anyMatch(x -> !(x instanceof String s) || s.isEmpty()
      || s.length() > 255 || s.contains("/") || s.contains(","))) {
      throw Errors.badRequest("'tags' must be a list of at most 80 non-empty strings without '/' or ','.");
    }
  }

  private JsonObject extras(JsonObject body) {
    Set<String> known = knownFields();
    JsonObject extra = new JsonObject();
    if (known != null) {
      body.forEach(e -> {
        if (!known.contains(e.getKey())) {
          extra.put(e.getKey(), e.getValue());
        }
      });
    }
    return extra;
  }

  /** Shows the stored extra attributes next to the known ones (which they never override). */
  static JsonObject showExtras(JsonObject r) {
    Object extra = r.remove("extra");
    if (extra instanceof JsonObject e) {
      e.forEach(x -> {
        if (!r.containsKey(x.getKey())) {
          r.put(x.getKey(), x.getValue());
        }
      });
    }
    return r;
  }

  JsonArray render(JsonArray list) {
    list.forEach(o -> render((JsonObject) o));
    return list;
  }

  /** Deletes the grants that name an actor or target: assignments have no foreign keys. */
  static Future<Void> deleteAssignments(SqlConnection tx, String column, String type, String id) {
    return tx.preparedQuery("DELETE FROM assignments WHERE " + column + "_type = $1 AND " + column + "_id = $2")
      .execute(Tuple.of(type, id)).mapEmpty();
  }

  private void publish(JsonObject resource, String action) {
    ResourceEvents.publish(backend.vertx(), eventProject(resource), "identity." + table.member, resource.getString("id"), action, resource);
  }
}
