package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.Target;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Server metadata ({@code /servers/{id}/metadata}) and tags ({@code /servers/{id}/tags}, 2.26+),
 * with Nova's limits: 128 metadata items (a 403 naming the quota), keys and values of 1-255
 * characters; 50 tags of 1-60 characters without '/' or ','. Writes are conditional UPDATEs on
 * the states Nova allows (409 otherwise) and publish {@code compute.server} "updated".
 *
 * <p>Authorisation is one call per route, {@link #authorize}, naming Nova's policy rule.
 */
final class ServerMetadata {

  static final int MAX_TAGS = 50;
  private static final int MAX_METADATA = ComputeQuota.DEFAULTS.get("metadata_items").intValue();

  // nova/compute/api.py: metadata changes need a settled, running-or-stopped instance
  static final Set<String> METADATA_STATES = Set.of(InstanceStates.ACTIVE, InstanceStates.PAUSED, InstanceStates.SUSPENDED,
    InstanceStates.STOPPED);
  // nova/api/openstack/compute/server_tags.py: tags may change on shelved servers too
  static final Set<String> TAG_STATES = Set.of(InstanceStates.ACTIVE, InstanceStates.PAUSED, InstanceStates.SUSPENDED,
    InstanceStates.STOPPED, InstanceStates.SHELVED, InstanceStates.SHELVED_OFFLOADED);

  private final Pool db;
  private final Servers servers;

  ServerMetadata(Pool db, Servers servers) {
    this.db = db;
    this.servers = servers;
  }

  /** Loads the server as {@code rule} (of the compute policy table) lets the caller see or change it. */
  private Future<JsonObject> authorize(AuthContext caller, String id, String rule, boolean write) {
    String name = rule.substring("os_compute_api:".length());
    if (!write) {
      return servers.load(caller, id, name); // a server the rule does not let the caller read is not found
    }
    return servers.load(caller, id).map(inst -> {
      ComputeRules.check(caller, name, Target.project(inst.getString("project_id"), null));
      return inst;
    });
  }

  // ---- metadata --------------------------------------------------------------------------------

  Future<JsonObject> metadata(AuthContext caller, String id) {
    return authorize(caller, id, "os_compute_api:server-metadata:index", false)
      .map(inst -> new JsonObject().put("metadata", inst.getJsonObject("metadata")));
  }

  Future<JsonObject> item(AuthContext caller, String id, String key) {
    return authorize(caller, id, "os_compute_api:server-metadata:show", false).map(inst -> {
      Object v = inst.getJsonObject("metadata").getValue(key);
      if (v == null) {
        throw Errors.notFound("Metadata item was not found");
      }
      return new JsonObject().put("meta", new JsonObject().put(key, v));
    });
  }

  /** POST merges the items into the server's metadata; PUT replaces it. Answers all of it. */
  Future<JsonObject> setMetadata(AuthContext caller, String id, JsonObject body, boolean replace) {
    JsonObject items = Json.object(body, "metadata");
    Servers.checkMetadata(items);
    String rule = replace ? "os_compute_api:server-metadata:update_all" : "os_compute_api:server-metadata:create";
    return authorize(caller, id, rule, true)
      .compose(inst -> writeMetadata(caller, inst, replace ? items : inst.getJsonObject("metadata").copy().mergeIn(items)))
      .map(inst -> new JsonObject().put("metadata", inst.getJsonObject("metadata")));
  }

  Future<JsonObject> setItem(AuthContext caller, String id, String key, JsonObject body) {
    JsonObject meta = Json.object(body, "meta");
    if (meta.size() != 1) {
      throw Errors.badRequest("Request body contains too many items");
    }
    if (!meta.containsKey(key)) {
      throw Errors.badRequest("Request body and URI mismatch");
    }
    Servers.checkMetadata(meta);
    return authorize(caller, id, "os_compute_api:server-metadata:update", true)
      .compose(inst -> writeMetadata(caller, inst, inst.getJsonObject("metadata").copy().mergeIn(meta)))
      .map(inst -> new JsonObject().put("meta", meta));
  }

  Future<Void> deleteItem(AuthContext caller, String id, String key) {
    return authorize(caller, id, "os_compute_api:server-metadata:delete", true).compose(inst -> {
      if (!inst.getJsonObject("metadata").containsKey(key)) {
        throw Errors.notFound("Metadata item was not found");
      }
      JsonObject rest = inst.getJsonObject("metadata").copy();
      rest.remove(key);
      return writeMetadata(caller, inst, rest).mapEmpty();
    });
  }

  private Future<JsonObject> writeMetadata(AuthContext caller, JsonObject inst, JsonObject metadata) {
    Servers.requireUnlocked(caller, inst);
    if (metadata.size() > MAX_METADATA) {
      throw Errors.forbidden("Quota exceeded for metadata_items: at most " + MAX_METADATA + " metadata items.");
    }
    return db.preparedQuery("UPDATE instances SET metadata = $2, updated_at = now() WHERE id = $1 AND NOT deleted "
        + "AND vm_state = ANY($3) AND task_state IS NULL RETURNING *")
      .execute(Tuple.of(inst.getString("id"), metadata, METADATA_STATES.toArray(String[]::new)))
      .map(rows -> {
        if (rows.size() == 0) {
          throw ServerOperations.conflict("update metadata", inst);
        }
        JsonObject updated = ServerView.row(rows.iterator().next());
        servers.publish(updated, "updated");
        return updated;
      });
  }

  // ---- tags ------------------------------------------------------------------------------------

  static String checkTag(String tag) {
    if (tag == null || tag.isEmpty() || tag.length() > 60 || tag.contains("/") || tag.contains(",")) {
      throw Errors.badRequest("Invalid tag: a tag is 1-60 characters without '/' or ','.");
    }
    return tag;
  }

  Future<JsonObject> tags(AuthContext caller, String id) {
    return authorize(caller, id, "os_compute_api:os-server-tags:index", false)
      .map(inst -> new JsonObject().put("tags", inst.getJsonArray("tags")));
  }

  /** 204 when the server has the tag, else 404. */
  Future<Void> hasTag(AuthContext caller, String id, String tag) {
    return authorize(caller, id, "os_compute_api:os-server-tags:show", false).map(inst -> {
      if (!inst.getJsonArray("tags").contains(tag)) {
        throw Errors.notFound("Tag " + tag + " does not exist on server " + id + ".");
      }
      return null;
    });
  }

  /** PUT /tags: the server's tags become exactly these (duplicates folded). */
  Future<JsonObject> replaceTags(AuthContext caller, String id, JsonObject body) {
    JsonArray raw = Json.optArray(body, "tags");
    if (raw == null) {
      throw Errors.badRequest("'tags' is a required property.");
    }
    Set<String> tags = new LinkedHashSet<>();
    for (Object t : raw) {
      if (!(t instanceof String s)) {
        throw Errors.badRequest("Invalid tag: tags are strings.");
      }
      tags.add(checkTag(s));
    }
    if (tags.size() > MAX_TAGS) {
      throw Errors.badRequest("The number of tags exceeded the per-server limit " + MAX_TAGS + ".");
    }
    return authorize(caller, id, "os_compute_api:os-server-tags:update_all", true)
      .compose(inst -> writeTags(inst, "tags = $2", new ArrayList<>(tags), "true"))
      .map(inst -> new JsonObject().put("tags", inst.getJsonArray("tags")));
  }

  /** PUT /tags/{tag}: answers true when the tag was added (201), false when it was there (204). */
  Future<Boolean> addTag(AuthContext caller, String id, String tag) {
    checkTag(tag);
    return authorize(caller, id, "os_compute_api:os-server-tags:update", true).compose(inst -> {
      JsonArray tags = inst.getJsonArray("tags");
      if (tags.contains(tag)) {
        return Future.succeededFuture(false);
      }
      if (tags.size() >= MAX_TAGS) {
        throw Errors.badRequest("The number of tags exceeded the per-server limit " + MAX_TAGS + ".");
      }
      return writeTags(inst, "tags = CASE WHEN $2 = ANY(tags) THEN tags ELSE array_append(tags, $2) END", tag,
        "($2 = ANY(tags) OR cardinality(tags) < " + MAX_TAGS + ")").map(true);
    });
  }

  Future<Void> deleteTag(AuthContext caller, String id, String tag) {
    return authorize(caller, id, "os_compute_api:os-server-tags:delete", true).compose(inst -> {
      if (!inst.getJsonArray("tags").contains(tag)) {
        throw Errors.notFound("Tag " + tag + " does not exist on server " + id + ".");
      }
      return writeTags(inst, "tags = array_remove(tags, $2)", tag, "true").mapEmpty();
    });
  }

  Future<Void> deleteTags(AuthContext caller, String id) {
    return authorize(caller, id, "os_compute_api:os-server-tags:delete_all", true)
      .compose(inst -> writeTags(inst, "tags = $2", List.<String>of(), "true")).mapEmpty();
  }

  @SuppressWarnings("unchecked")
  /** One conditional UPDATE: the assignment, if the state allows tag changes and the guard holds (409 otherwise). */
  private Future<JsonObject> writeTags(JsonObject inst, String assignment, Object value, String guard) {
    Object param = value instanceof List<?> list ? ((List<String>) list).toArray(String[]::new) : value;
    return db.preparedQuery("UPDATE instances SET " + assignment + ", updated_at = now() WHERE id = $1 AND NOT deleted "
        + "AND vm_state = ANY($3) AND " + guard + " RETURNING *")
      .execute(Tuple.of(inst.getString("id"), param, TAG_STATES.toArray(String[]::new)))
      .map(rows -> {
        if (rows.size() == 0) {
          throw ServerOperations.conflict("update tags", inst);
        }
        JsonObject updated = ServerView.row(rows.iterator().next());
        servers.publish(updated, "updated");
        return updated;
      });
  }
}
