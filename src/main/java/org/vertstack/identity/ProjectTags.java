package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.IdentityPolicy;
import org.vertstack.common.policy.Target;

/** /v3/projects/{id}/tags: the project's tags one by one or as a whole (Keystone's limits: 80 tags, 255 chars, no '/' or ','). */
final class ProjectTags implements Extension {

  private final Pool db;

  ProjectTags(Pool db) {
    this.db = db;
  }

  @Override
  public Future<JsonObject> handle(AuthContext caller, String action, Request req) {
    String projectId = req.param("project");
    String tag = req.param("tag");
    String rule = switch (action) {
      case "list" -> "identity:list_project_tags";
      case "check" -> "identity:get_project_tag";
      case "replace" -> "identity:update_project_tags";
      case "add" -> "identity:create_project_tag";
      case "remove" -> "identity:delete_project_tag";
      case "clear" -> "identity:delete_project_tags";
      default -> throw Extension.unknownAction(action);
    };
    if (tag != null) {
      checkTag(tag);
    }
    // One transaction with the row locked: two tags added at once both stay.
    return db.withTransaction(tx -> tx.preparedQuery("SELECT domain_id, tags FROM projects WHERE id = $1 FOR UPDATE")
      .execute(Tuple.of(projectId)).compose(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Could not find project: " + projectId + ".");
      }
      var row = rows.iterator().next();
      IdentityPolicy.RULES.check(caller, rule, Target.project(projectId, row.getString("domain_id"))
        .flag("cloud_project", CloudGuards.cloudProject(projectId)));
      JsonArray tags = ((JsonArray) row.getValue("tags")).copy();
      return switch (action) {
        case "list" -> Future.succeededFuture(Extension.ok(new JsonObject().put("tags", tags)));
        case "check" -> Future.succeededFuture(tags.contains(tag) ? Extension.noContent() : missing(tag));
        case "replace" -> {
          yield save(tx, projectId, checkedList(req.body())).map(saved -> Extension.ok(new JsonObject().put("tags", saved)));
        }
        case "add" -> {
          if (!tags.contains(tag)) {
            tags.add(tag);
          }
          if (tags.size() > 80) {
            throw Errors.badRequest("A project has at most 80 tags.");
          }
          yield save(tx, projectId, tags).map(saved -> Extension.reply(201, null)); // Keystone: 201, empty body
        }
        case "remove" -> {
          if (!tags.remove(tag)) {
            yield Future.succeededFuture(missing(tag));
          }
          yield save(tx, projectId, tags).map(saved -> Extension.noContent());
        }
        default -> save(tx, projectId, new JsonArray()).map(saved -> Extension.noContent());
      };
    }));
  }

  private static JsonObject missing(String tag) {
    throw Errors.notFound("Could not find tag: " + tag + ".");
  }

  private static Future<JsonArray> save(io.vertx.sqlclient.SqlClient tx, String projectId, JsonArray tags) {
    return tx.preparedQuery("UPDATE projects SET tags = $2 WHERE id = $1").execute(Tuple.of(projectId, tags)).map(tags);
  }

  private static JsonArray checkedList(JsonObject body) {
    if (body == null || !(body.getValue("tags") instanceof JsonArray tags)) {
      throw Errors.badRequest("'tags' is a required property: a list of strings.");
    }
    if (tags.size() > 80) {
      throw Errors.badRequest("A project has at most 80 tags.");
    }
    JsonArray out = new JsonArray();
    for (Object t : tags) {
      if (!(t instanceof String s)) {
        throw Errors.badRequest("Tags are strings.");
      }
      checkTag(s);
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static void checkTag(String tag) {
    if (tag.isEmpty() || tag.length() > 255 || tag.contains("/") || tag.contains(",")) {
      throw Errors.badRequest("A tag is 1 to 255 characters without '/' or ','.");
    }
  }
}
