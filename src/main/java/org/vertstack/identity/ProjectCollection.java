package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.Target;

import java.util.Map;
import java.util.Set;

/**
 * /v3/projects, including projects acting as domains (is_domain): such a project is a domain
 * row and a project row under one id, so that both APIs list it, kept in step here.
 */
final class ProjectCollection extends IdentityCollection {

  private static final Set<String> KNOWN_FIELDS = Set.of("id", "name", "domain_id", "parent_id", "description", "enabled",
    "tags", "is_domain", "options", "links", "extra");

  ProjectCollection(IdentityBackend backend) {
    super(Tables.PROJECTS, backend);
  }

  @Override
  boolean domainOwned() {
    return true;
  }

  @Override
  Set<String> knownFields() {
    return KNOWN_FIELDS;
  }

  /** A project acting as a domain is its own domain's (set when it is stored). */
  @Override
  void putDomain(Map<String, Object> values, JsonObject body) {
    if (!Boolean.TRUE.equals(values.get("is_domain"))) {
      super.putDomain(values, body);
    }
  }

  @Override
  Future<Map<String, Object>> prepareCreate(Map<String, Object> values, JsonObject body) {
    if (Boolean.TRUE.equals(Json.optBoolean(body, "is_domain"))) {
      if (body.getValue("domain_id") != null || body.getValue("parent_id") != null) {
        throw Errors.badRequest("A project acting as a domain has neither a domain nor a parent.");
      }
      values.put("is_domain", true);
      named(values, body);
      return Future.succeededFuture(values);
    }
    named(values, body);
    String parent = Json.optString(body, "parent_id");
    if (parent == null) {
      return Future.succeededFuture(values);
    }
    values.put("parent_id", parent);
    return table.find(backend.db(), parent, backend.baseUrl()).map(p -> {
      if (p == null) {
        throw Errors.notFound("Could not find project: " + parent + ".");
      }
      if (body.getString("domain_id") == null) {
        values.put("domain_id", p.getString("domain_id"));
      } else if (!p.getString("domain_id").equals(body.getString("domain_id"))) {
        throw Errors.badRequest("A project must be in the same domain as its parent.");
      }
      return values;
    });
  }

  /** A project acting as a domain: its domain row and project row in one transaction. */
  @Override
  Future<JsonObject> insert(Map<String, Object> values) {
    if (!Boolean.TRUE.equals(values.get("is_domain"))) {
      return super.insert(values);
    }
    String id = (String) values.get("id");
    values.put("domain_id", id);
    values.remove("parent_id");
    Object description = values.getOrDefault("description", "") == null ? "" : values.getOrDefault("description", "");
    return backend.db().withTransaction(tx -> tx.preparedQuery("INSERT INTO domains (id, name, description, enabled) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(id, values.get("name"), description, values.getOrDefault("enabled", true)))
        .recover(Tables.DOMAINS::translate)
        .compose(v -> table.insert(tx, values, backend.baseUrl())));
  }

  /** A project acting as a domain keeps its domain's name, description and enabled flag in step. */
  @Override
  Future<Void> afterUpdate(JsonObject before, JsonObject project) {
    if (!Boolean.TRUE.equals(before.getBoolean("is_domain"))) {
      return Future.succeededFuture();
    }
    return backend.db().preparedQuery("UPDATE domains SET name = $2, description = $3, enabled = $4 WHERE id = $1")
      .execute(Tuple.of(project.getString("id"), project.getString("name"), project.getString("description"), project.getBoolean("enabled")))
      .recover(Tables.DOMAINS::translate).mapEmpty();
  }

  @Override
  Future<Target> targetOf(JsonObject found) {
    String id = found.getString("id");
    return Future.succeededFuture(Target.project(id, found.getString("domain_id")).flag("cloud_project", CloudGuards.cloudProject(id)));
  }

  @Override
  void renameFilters(JsonObject filters) {
    if (!filters.containsKey("is_domain")) {
      filters.put("is_domain", "false"); // as in Keystone: projects acting as domains only when asked for
    }
  }

  @Override
  void checkDeletable(JsonObject found) {
    if (CloudGuards.cloudProject(found.getString("id"))) {
      throw Errors.forbidden("The admin and service projects cannot be deleted.");
    }
    if (Boolean.TRUE.equals(found.getBoolean("is_domain")) && found.getBoolean("enabled")) {
      throw Errors.forbidden("Cannot delete a project acting as a domain while it is enabled, please disable it first.");
    }
  }

  @Override
  Future<Void> deleteRow(SqlConnection tx, JsonObject found) {
    String id = found.getString("id");
    if (Boolean.TRUE.equals(found.getBoolean("is_domain"))) {
      return DomainCollection.deleteContents(tx, id)
        .compose(v -> tx.preparedQuery("DELETE FROM domains WHERE id = $1").execute(Tuple.of(id))).mapEmpty();
    }
    return deleteAssignments(tx, "target", "project", id).compose(v -> table.delete(tx, id));
  }

  @Override
  Future<Void> revokeTokens(String id) {
    return backend.revoker().project(id);
  }

  /** Keystone shows a top-level project's domain as its parent. */
  @Override
  JsonObject render(JsonObject r) {
    boolean isDomain = Boolean.TRUE.equals(r.getBoolean("is_domain"));
    showExtras(r);
    r.put("is_domain", isDomain).put("options", new JsonObject())
      .put("parent_id", isDomain ? null : r.getString("parent_id") != null ? r.getString("parent_id") : r.getString("domain_id"));
    if (isDomain) {
      r.put("domain_id", (Object) null);
    }
    return r;
  }

  @Override
  String eventProject(JsonObject resource) {
    return resource.getString("id");
  }
}
