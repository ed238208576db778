package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.Target;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.image.ImageCatalog;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The server actions that move disks, images or claims: createImage (snapshot), rebuild, resize
 * with confirmResize/revertResize, shelve/shelveOffload/unshelve, and restore. Each one starts with
 * one conditional UPDATE that sets its task_state only from the vm_states Nova allows (a 409
 * otherwise, and two requests can never both start), answers, and finishes in the background
 * through the host's compute agent; every transition is saved and published.
 *
 * <p>Authorisation is one call per action, {@link #authorize}, naming Nova's policy rule.
 */
final class ServerOperations {

  private static final Logger LOG = LoggerFactory.getLogger(ServerOperations.class);

  /** The actions handled here (POST /servers/{id}/action). */
  static final Set<String> NAMES = Set.of("createImage", "createBackup", "rebuild", "resize", "confirmResize", "revertResize",
    "shelve", "shelveOffload", "unshelve", "restore", "os-resetState");

  // Nova's allowed vm_states (nova/compute/api.py check_instance_state), task_state always None
  static final Set<String> SNAPSHOT_FROM = Set.of(InstanceStates.ACTIVE, InstanceStates.STOPPED, InstanceStates.PAUSED,
    InstanceStates.SUSPENDED);
  static final Set<String> REBUILD_FROM = Set.of(InstanceStates.ACTIVE, InstanceStates.STOPPED, InstanceStates.ERROR);
  static final Set<String> RESIZE_FROM = Set.of(InstanceStates.ACTIVE, InstanceStates.STOPPED);
  static final Set<String> SHELVE_FROM = SNAPSHOT_FROM;
  static final Set<String> UNSHELVE_FROM = Set.of(InstanceStates.SHELVED, InstanceStates.SHELVED_OFFLOADED);

  /** What an action answers: its status, an optional body and an optional Location. */
  record Reply(int status, JsonObject body, String location) {
    static Reply accepted() {
      return new Reply(202, null, null);
    }
  }

  private final Vertx vertx;
  private final Pool db;
  private final Servers servers;
  private final Flavors flavors;
  private final ComputeQuota quota;
  private final Scheduler scheduler;
  private final ImageRecords imageRecords;
  private final ImageCatalog catalog;

  ServerOperations(Vertx vertx, Pool db, Servers servers, Flavors flavors, ComputeQuota quota, Scheduler scheduler,
                   ImageRecords imageRecords) {
    this.vertx = vertx;
    this.db = db;
    this.servers = servers;
    this.flavors = flavors;
    this.quota = quota;
    this.scheduler = scheduler;
    this.imageRecords = imageRecords;
    this.catalog = ImageCatalog.createProxy(vertx);
  }

  Future<Reply> run(AuthContext caller, String id, String action, Object arg, Microversion mv, String token) {
    return switch (action) {
      case "createImage" -> createImage(caller, id, arg, mv, token);
      case "createBackup" -> createBackup(caller, id, arg, mv, token);
      case "rebuild" -> rebuild(caller, id, arg, mv, token);
      case "resize" -> resize(caller, id, arg);
      case "confirmResize" -> confirmResize(caller, id);
      case "revertResize" -> revertResize(caller, id);
      case "shelve" -> shelve(caller, id, token);
      case "shelveOffload" -> shelveOffload(caller, id);
      case "unshelve" -> unshelve(caller, id, arg, mv, token);
      case "restore" -> restore(caller, id);
      case "os-resetState" -> resetState(caller, id, arg);
      default -> throw Errors.badRequest("The action " + action + " is not supported by this cloud (yet).");
    };
  }

  // ---- authorisation: one place per action ---------------------------------------------------

  /**
   * Loads the server and checks the action's policy rule: a member of the server's project, or an
   * admin (Nova's default for every rule named here). A locked server refuses non-admins (409).
   */
  private Future<JsonObject> authorize(AuthContext caller, String id, String rule, boolean lockMatters) {
    return servers.load(caller, id).map(inst -> {
      ComputeRules.check(caller, rule.substring("os_compute_api:".length()), Target.project(inst.getString("project_id"), null));
      if (lockMatters) {
        Servers.requireUnlocked(caller, inst);
      }
      return inst;
    });
  }

  // ---- createImage -----------------------------------------------------------------------------

  private Future<Reply> createImage(AuthContext caller, String id, Object arg, Microversion mv, String token) {
    JsonObject a = argument(arg, "createImage");
    String name = Json.string(a, "name");
    if (name.isBlank()) {
      throw Errors.badRequest("Invalid input for field/attribute name: it must not be blank.");
    }
    JsonObject metadata = Json.optObject(a, "metadata");
    if (metadata != null) {
      Servers.checkMetadata(metadata);
    }
    String task = "image_snapshot";
    // Nova does not check the lock for a snapshot: a locked server may still be imaged
    return authorize(caller, id, "os_compute_api:servers:create_image", false)
      .compose(inst -> begin(caller, inst, SNAPSHOT_FROM, task, "createImage"))
      .compose(inst -> newImage(caller, inst, name, metadata, new JsonObject().put("image_type", "snapshot"), token)
        .recover(err -> clearTask(inst, task).compose(v -> Future.failedFuture(err)))
        .map(image -> {
          String imageId = image.getString("id");
          servers.recordAction(inst, "createImage", caller);
          capture(inst, image, token).onComplete(done -> settle(inst, task, null, done.succeeded() ? done.result() : null)
            .onComplete(x -> finish(inst, "createImage", imageId, token, done.cause())));
          String location = imageUrl(imageId);
          return mv.atLeast(2, 45) ? new Reply(202, new JsonObject().put("image_id", imageId), null)
            : new Reply(202, null, location);
        }));
  }

  // ---- createBackup ----------------------------------------------------------------------------

  /**
   * A snapshot marked as a backup of a type ("daily", "weekly"...): once it is uploaded, the
   * server's backups of that type beyond the newest {@code rotation} are deleted (Nova's rotation).
   */
  private Future<Reply> createBackup(AuthContext caller, String id, Object arg, Microversion mv, String token) {
    JsonObject a = argument(arg, "createBackup");
    String name = Json.string(a, "name");
    if (name.isBlank()) {
      throw Errors.badRequest("Invalid input for field/attribute name: it must not be blank.");
    }
    String backupType = Json.string(a, "backup_type");
    Object r = a.getValue("rotation");
    long rotation;
    try {
      rotation = r instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue()
        : r instanceof String str ? Long.parseLong(str.trim()) : -1;
    } catch (NumberFormatException e) {
      rotation = -1;
    }
    if (rotation < 0) {
      throw Errors.badRequest("Invalid input for field/attribute rotation: it must be an integer of 0 or more.");
    }
    JsonObject metadata = Json.optObject(a, "metadata");
    if (metadata != null) {
      Servers.checkMetadata(metadata);
    }
    long keep = rotation;
    String task = "image_backup";
    // as a snapshot: Nova does not check the lock
    return authorize(caller, id, "os_compute_api:os-create-backup", false)
      .compose(inst -> begin(caller, inst, SNAPSHOT_FROM, task, "createBackup"))
      .compose(inst -> newImage(caller, inst, name, metadata,
          new JsonObject().put("image_type", "backup").put("backup_type", backupType), token)
        .recover(err -> clearTask(inst, task).compose(v -> Future.failedFuture(err)))
        .map(image -> {
          String imageId = image.getString("id");
          servers.recordAction(inst, "createBackup", caller);
          capture(inst, image, token).onComplete(done -> settle(inst, task, null, done.succeeded() ? done.result() : null)
            .compose(x -> done.succeeded() ? rotateBackups(caller, id, imageId, backupType, keep, token) : Future.succeededFuture())
            .onComplete(x -> finish(inst, "createBackup", imageId, token, done.cause())));
          return mv.atLeast(2, 45) ? new Reply(202, new JsonObject().put("image_id", imageId), null)
            : new Reply(202, null, imageUrl(imageId));
        }));
  }

  /**
   * Deletes the server's active backups of the type beyond the newest {@code keep}, the one just
   * made counting as the newest: backups made within one second tie on created_at (whole seconds),
   * and a tie must never cost the new backup its place.
   */
  private Future<Void> rotateBackups(AuthContext caller, String id, String newest, String backupType, long keep, String token) {
    JsonObject query = new JsonObject().put("instance_uuid", id).put("image_type", "backup").put("backup_type", backupType)
      .put("status", "active").put("sort_key", "created_at").put("sort_dir", "desc").put("limit", "1000");
    return catalog.listImages(caller, query).compose(list -> {
      List<String> ordered = new ArrayList<>();
      ordered.add(newest);
      list.getJsonArray("images", new JsonArray()).forEach(o -> {
        String image = ((JsonObject) o).getString("id");
        if (!newest.equals(image)) {
          ordered.add(image);
        }
      });
      Future<Void> chain = Future.succeededFuture();
      for (String old : ordered.subList((int) Math.min(keep, ordered.size()), ordered.size())) {
        chain = chain.compose(v -> imageRecords.delete(token, old));
      }
      return chain;
    }).recover(err -> {
      LOG.warn("rotating the {} backups of {}: {}", backupType, id, err.getMessage());
      return Future.succeededFuture();
    });
  }

  private String imageUrl(String imageId) {
    return servers.view.base().replaceFirst("/compute$", "") + "/image/v2/images/" + imageId;
  }

  /** After a snapshot: a failed one takes its image record with it. */
  private void finish(JsonObject inst, String action, String imageId, String token, Throwable failure) {
    if (failure != null) {
      LOG.warn("{} of {} failed: {}", action, inst.getString("id"), failure.getMessage());
      imageRecords.delete(token, imageId).onFailure(err -> LOG.warn("removing the failed snapshot {}: {}", imageId, err.getMessage()));
    }
    servers.finishAction(inst.getString("id"), action, failure == null ? null : failure.getMessage());
  }

  /**
   * The snapshot's image record, made with the user's token: the base image's formats and its
   * own properties carried over (as Nova does), then the snapshot's facts and the request's metadata.
   */
  private Future<JsonObject> newImage(AuthContext caller, JsonObject inst, String name, JsonObject metadata, JsonObject kind,
                                      String token) {
    String baseRef = inst.getString("image_ref");
    return catalog.getImage(caller, baseRef).otherwise(new JsonObject()).compose(base -> {
      JsonObject image = new JsonObject();
      base.forEach(e -> {
        if (e.getValue() instanceof String v && !NOT_INHERITED.contains(e.getKey()) && !e.getKey().startsWith("os_glance")) {
          image.put(e.getKey(), v);
        }
      });
      int flavorDisk = inst.getJsonObject("flavor").getInteger("disk", 0);
      image.put("name", name)
        .put("disk_format", "raw".equals(base.getString("disk_format")) ? "raw" : "qcow2")
        .put("container_format", "bare").put("visibility", "private")
        .put("min_ram", base.getInteger("min_ram", 0))
        .put("min_disk", Math.max(flavorDisk, base.getInteger("min_disk", 0)))
        .put("instance_uuid", inst.getString("id")).put("base_image_ref", baseRef)
        .put("user_id", caller.userId()).mergeIn(kind);
      if (metadata != null) {
        metadata.forEach(e -> image.put(e.getKey(), e.getValue()));
      }
      return imageRecords.create(token, image);
    });
  }

  /** Image fields that are the image's own (or the image service's), never copied to a snapshot. */
  private static final Set<String> NOT_INHERITED = Set.of("id", "name", "status", "visibility", "protected", "os_hidden",
    "checksum", "os_hash_algo", "os_hash_value", "size", "virtual_size", "created_at", "updated_at", "owner", "file",
    "schema", "self", "tags", "direct_url", "locations", "disk_format", "container_format", "min_ram", "min_disk",
    "instance_uuid", "base_image_ref", "image_type", "user_id", "image_location", "image_state", "owner_id", "stores",
    "deleted", "deleted_at", "location");

  /** Asks the instance's agent to capture its root disk into the image. */
  private Future<JsonObject> capture(JsonObject inst, JsonObject image, String token) {
    JsonObject request = new JsonObject().put("instance_id", inst.getString("id")).put("image_id", image.getString("id"))
      .put("base_image_id", inst.getString("image_ref")).put("disk_format", image.getString("disk_format")).put("token", token);
    return ComputeAgent.createProxy(vertx, inst.getString("host")).snapshot(request);
  }

  // ---- rebuild -------------------------------------------------------------------------------

  private Future<Reply> rebuild(AuthContext caller, String id, Object arg, Microversion mv, String token) {
    JsonObject a = argument(arg, "rebuild");
    String ref = Json.string(a, "imageRef");
    String imageRef = ref.substring(ref.lastIndexOf('/') + 1);
    String name = Json.optString(a, "name");
    if (name != null && name.isBlank()) {
      throw Errors.badRequest("Invalid input for field/attribute name: it must not be blank.");
    }
    JsonObject metadata = Json.optObject(a, "metadata");
    if (metadata != null) {
      Servers.checkMetadata(metadata);
    }
    boolean setDescription = mv.atLeast(2, 19) && a.containsKey("description");
    String description = setDescription ? Json.optString(a, "description", 255) : null;
    String accessIpV4 = Servers.checkAccessIp(a, "accessIPv4", false);
    String accessIpV6 = Servers.checkAccessIp(a, "accessIPv6", true);
    String task = "rebuilding";
    return authorize(caller, id, "os_compute_api:servers:rebuild", true).compose(inst -> servers
        .resolveImage(caller, imageRef, requireState(inst, REBUILD_FROM, "rebuild").getJsonObject("flavor"))
        .compose(image -> db.preparedQuery("UPDATE instances SET task_state = $3, image_ref = $4, name = coalesce($5, name), "
              + "metadata = coalesce($6, metadata), description = CASE WHEN $7 THEN $8 ELSE description END, "
              + Servers.accessIpsSet(9) + ", updated_at = now() "
              + "WHERE id = $1 AND NOT deleted AND vm_state = ANY($2) AND task_state IS NULL AND host IS NOT NULL RETURNING *")
          .execute(Tuple.from(new Object[] {id, REBUILD_FROM.toArray(String[]::new), task, imageRef,
            name == null ? null : name.trim(), metadata, setDescription, description,
            accessIpV4 != null, Servers.emptyAsNull(accessIpV4), accessIpV6 != null, Servers.emptyAsNull(accessIpV6)}))
          .map(rows -> {
            JsonObject started = started(rows, inst, "rebuild");
            servers.publishState(started);
            servers.recordAction(started, "rebuild", caller);
            boolean stopped = InstanceStates.STOPPED.equals(inst.getString("vm_state"));
            JsonObject request = buildRequest(started, image).put("stopped", stopped).put("token", token);
            ComputeAgent.createProxy(vertx, started.getString("host")).rebuild(request).onComplete(done -> {
              String vm = done.succeeded() ? (stopped ? InstanceStates.STOPPED : InstanceStates.ACTIVE) : InstanceStates.ERROR;
              settleFull(id, task, vm, done.succeeded() ? done.result().getInteger("power_state") : null,
                done.succeeded() ? null : fault(done.cause()));
              servers.finishAction(id, "rebuild", done.succeeded() ? null : done.cause().getMessage());
            });
            JsonObject server = servers.view.renderChanged(started, mv, caller, true)
              .put("adminPass", UUID.randomUUID().toString().replace("-", "").substring(0, 12));
            return new Reply(202, new JsonObject().put("server", server), null);
          })
          .compose(reply -> servers.withGroups(reply.body().getJsonObject("server"), id, mv).map(reply))));
  }

  /**
   * What the agent needs to build the instance: the flavor's disks and extra specs, the image, and
   * what a config drive tells the guest (the agent never reads the database).
   */
  static JsonObject buildRequest(JsonObject inst, JsonObject image) {
    JsonObject flavor = inst.getJsonObject("flavor");
    String zone = inst.getString("availability_zone") != null ? inst.getString("availability_zone") : inst.getString("requested_az");
    return spec(inst, flavor).put("image_id", image.getString("id"))
      .put("disk_format", image.getString("disk_format")).put("image_size", image.getLong("size"))
      .put("config_drive", inst.getBoolean("config_drive", false))
      .put("hostname", ServerView.hostname(inst.getString("name")) + ".novalocal") // Nova's default dhcp_domain
      .put("project_id", inst.getString("project_id")).put("availability_zone", zone != null ? zone : "nova")
      .put("launch_index", inst.getInteger("launch_index", 0)).put("reservation_id", inst.getString("reservation_id"))
      .put("flavor_name", flavor.getString("name")).put("key_name", inst.getString("key_name"))
      .put("key_data", inst.getString("key_data")).put("metadata", inst.getJsonObject("metadata", new JsonObject()))
      .put("user_data", inst.getString("user_data"));
  }

  // ---- resize --------------------------------------------------------------------------------

  /** What a flavor holds on its host, as the scheduler claims it: vCPUs, RAM (MiB), disk (GiB). */
  static long[] hostAmounts(JsonObject flavor) {
    return new long[] {flavor.getInteger("vcpus"), flavor.getInteger("ram"),
      flavor.getInteger("disk") + flavor.getInteger("ephemeral", 0) + (flavor.getInteger("swap", 0) + 1023) / 1024};
  }

  /** Quota amounts by which {@code to} exceeds {@code from} (only the positive parts). */
  private static Map<String, Long> growth(JsonObject from, JsonObject to) {
    Map<String, Long> out = new LinkedHashMap<>();
    Servers.amounts(to, 1).forEach((k, v) -> {
      long d = v - Servers.amounts(from, 1).get(k);
      if (d > 0) {
        out.put(k, d);
      }
    });
    return out;
  }

  private Future<Void> reserve(String project, Map<String, Long> amounts) {
    return amounts.isEmpty() ? Future.succeededFuture() : quota.reserve(project, amounts);
  }

  private Future<Void> release(String project, Map<String, Long> amounts) {
    return amounts.isEmpty() ? Future.succeededFuture() : quota.release(project, amounts)
      .onFailure(err -> LOG.warn("releasing quota {} of {}: {}", amounts, project, err.getMessage()));
  }

  private Future<Reply> resize(AuthContext caller, String id, Object arg) {
    JsonObject a = argument(arg, "resize");
    Object ref = a.getValue("flavorRef");
    if (!(ref instanceof String) && !(ref instanceof Number)) {
      throw Errors.badRequest("'flavorRef' is a required property (a string or an integer).");
    }
    String flavorRef = String.valueOf(ref);
    String flavorId = flavorRef.substring(flavorRef.lastIndexOf('/') + 1);
    return authorize(caller, id, "os_compute_api:servers:resize", true)
      .map(inst -> requireState(inst, RESIZE_FROM, "resize"))
      .compose(inst -> flavors.get(caller, flavorId)
      .recover(err -> Future.failedFuture(Errors.badRequest("Unable to find flavor " + flavorId + ".")))
      .compose(newFlavor -> {
        JsonObject oldFlavor = inst.getJsonObject("flavor");
        if (oldFlavor.getString("id").equals(newFlavor.getString("id"))) {
          throw Errors.badRequest("When resizing, instances must change flavor!");
        }
        if (newFlavor.getInteger("disk") < oldFlavor.getInteger("disk")) {
          throw Errors.badRequest("Resize to a smaller disk flavor is not allowed.");
        }
        if (newFlavor.getInteger("ephemeral", 0) < oldFlavor.getInteger("ephemeral", 0)) {
          // Nova's libvirt driver refuses it too ("Unable to resize disk down"): the disk holds the guest's data
          throw Errors.badRequest("Resize to a smaller ephemeral disk is not allowed.");
        }
        Map<String, Long> more = growth(oldFlavor, newFlavor);
        return reserve(inst.getString("project_id"), more)
          .compose(v -> db.withTransaction(tx -> startResize(tx, inst, oldFlavor, newFlavor))
            .recover(err -> release(inst.getString("project_id"), more).compose(x -> Future.failedFuture(err))))
          .map(started -> {
            servers.publishState(started);
            servers.recordAction(started, "resize", caller);
            JsonObject request = spec(started, newFlavor).put("revert", false);
            ComputeAgent.createProxy(vertx, started.getString("host")).resize(request).onComplete(done -> {
              if (done.succeeded()) {
                db.withTransaction(tx -> tx.preparedQuery("UPDATE instances SET vm_state = 'resized', task_state = NULL, flavor = $2, "
                      + "power_state = $3, updated_at = now() WHERE id = $1 AND task_state = 'resize_prep' RETURNING *")
                    .execute(Tuple.of(id, newFlavor, done.result().getInteger("power_state")))
                    .compose(rows -> tx.preparedQuery("UPDATE migrations SET status = 'finished', updated_at = now() "
                      + "WHERE instance_id = $1 AND status = 'migrating'").execute(Tuple.of(id)).map(rows)))
                  .onSuccess(rows -> rows.forEach(r -> servers.publishState(ServerView.row(r))))
                  .onFailure(err -> LOG.error("saving the resize of {}", id, err));
                servers.finishAction(id, "resize", null);
              } else {
                LOG.warn("resize of {} failed: {}", id, done.cause().getMessage());
                db.withTransaction(tx -> undoResizeClaim(tx, id, "error")
                    .compose(v -> tx.preparedQuery("UPDATE instances SET task_state = NULL, updated_at = now() "
                      + "WHERE id = $1 AND task_state = 'resize_prep' RETURNING *").execute(Tuple.of(id))))
                  .onSuccess(rows -> rows.forEach(r -> servers.publishState(ServerView.row(r))))
                  .onFailure(err -> LOG.error("undoing the resize of {}", id, err));
                release(inst.getString("project_id"), more);
                servers.finishAction(id, "resize", done.cause().getMessage());
              }
            });
            return Reply.accepted();
          });
      }));
  }

  /**
   * One transaction: the task (only from ACTIVE/SHUTOFF, nothing under way), the new flavor's
   * claim on the same host (refused when it does not fit), the old allocation moved to a migration
   * that holds it until confirm or revert, and the instance's allocation now the new flavor's.
   */
  private Future<JsonObject> startResize(SqlClient tx, JsonObject inst, JsonObject oldFlavor, JsonObject newFlavor) {
    String id = inst.getString("id");
    long[] n = hostAmounts(newFlavor);
    return tx.preparedQuery("UPDATE instances SET task_state = 'resize_prep', updated_at = now() WHERE id = $1 AND NOT deleted "
        + "AND vm_state = ANY($2) AND task_state IS NULL AND host_id IS NOT NULL RETURNING *")
      .execute(Tuple.of(id, (Object) RESIZE_FROM.toArray(String[]::new)))
      .map(rows -> started(rows, inst, "resize"))
      .compose(started -> tx.preparedQuery("SELECT vcpus, memory_mb, disk_gb FROM allocations WHERE instance_id = $1 FOR UPDATE")
        .execute(Tuple.of(id)).compose(alloc -> {
          if (alloc.size() == 0) {
            throw Errors.conflict("Instance " + id + " holds no allocation on its host.");
          }
          Row old = alloc.iterator().next();
          return tx.preparedQuery("""
              UPDATE hosts SET vcpus_used = vcpus_used + $2, memory_mb_used = memory_mb_used + $3, disk_gb_used = disk_gb_used + $4
              WHERE id = $1 AND vcpus_used + $2 <= floor(vcpus * cpu_ratio)
                AND memory_mb_used + $3 <= floor(memory_mb * ram_ratio) AND disk_gb_used + $4 <= floor(disk_gb * disk_ratio)
              RETURNING id""").execute(Tuple.of(started.getString("host_id"), (int) n[0], n[1], n[2]))
            .compose(claimed -> {
              if (claimed.size() == 0) {
                throw Errors.badRequest("No valid host was found: host " + started.getString("host")
                  + " has no room for flavor " + newFlavor.getString("name") + ".");
              }
              return tx.preparedQuery("INSERT INTO migrations (instance_id, host_id, old_flavor, new_flavor, old_vcpus, old_memory_mb, "
                  + "old_disk_gb, prior_vm_state, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'migrating')")
                .execute(Tuple.from(new Object[] {id, started.getString("host_id"), oldFlavor, newFlavor, old.getInteger("vcpus"),
                  old.getLong("memory_mb"), old.getLong("disk_gb"), inst.getString("vm_state")}));
            })
            .compose(v -> tx.preparedQuery("UPDATE allocations SET vcpus = $2, memory_mb = $3, disk_gb = $4 WHERE instance_id = $1")
              .execute(Tuple.of(id, (int) n[0], n[1], n[2])))
            .map(started);
        }));
  }

  /**
   * Gives back the resize's new claim: the host loses what the instance's allocation holds now,
   * the allocation takes the migration's old amounts again, and the migration ends in {@code status}.
   * Answers the migration (null when there was none open).
   */
  private static Future<Row> undoResizeClaim(SqlClient tx, String id, String status) {
    return tx.preparedQuery("UPDATE migrations SET status = $2, updated_at = now() WHERE instance_id = $1 "
        + "AND status IN ('migrating', 'finished') RETURNING *").execute(Tuple.of(id, status)).compose(ms -> {
      if (ms.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row m = ms.iterator().next();
      return tx.preparedQuery("""
          WITH now_held AS (SELECT host_id, vcpus, memory_mb, disk_gb FROM allocations WHERE instance_id = $1)
          UPDATE hosts h SET vcpus_used = h.vcpus_used - a.vcpus, memory_mb_used = h.memory_mb_used - a.memory_mb,
            disk_gb_used = h.disk_gb_used - a.disk_gb FROM now_held a WHERE h.id = a.host_id""").execute(Tuple.of(id))
        .compose(v -> tx.preparedQuery("UPDATE allocations SET vcpus = $2, memory_mb = $3, disk_gb = $4 WHERE instance_id = $1")
          .execute(Tuple.of(id, m.getInteger("old_vcpus"), m.getLong("old_memory_mb"), m.getLong("old_disk_gb"))))
        .map(m);
    });
  }

  /**
   * For a deleted instance: ends an open resize and gives back what its migration held on the
   * host (the instance's own allocation is released by the caller). Answers the migration's
   * flavors ({old_flavor, new_flavor}), or null when none was open.
   */
  static Future<JsonObject> abandonResize(SqlClient tx, String id) {
    return tx.preparedQuery("UPDATE migrations SET status = 'abandoned', updated_at = now() WHERE instance_id = $1 "
        + "AND status IN ('migrating', 'finished') RETURNING *").execute(Tuple.of(id)).compose(ms -> {
      if (ms.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row m = ms.iterator().next();
      return tx.preparedQuery("UPDATE hosts SET vcpus_used = vcpus_used - $2, memory_mb_used = memory_mb_used - $3, "
          + "disk_gb_used = disk_gb_used - $4 WHERE id = $1")
        .execute(Tuple.of(m.getString("host_id"), m.getInteger("old_vcpus"), m.getLong("old_memory_mb"), m.getLong("old_disk_gb")))
        .map(v -> new JsonObject().put("old_flavor", new JsonObject(m.getValue("old_flavor").toString()))
          .put("new_flavor", new JsonObject(m.getValue("new_flavor").toString())));
    });
  }

  /** The quota an open resize holds beyond the instance's current flavor: the other flavor's excess. */
  static Map<String, Long> quotaHeldBeyond(JsonObject current, JsonObject migration) {
    JsonObject old = migration.getJsonObject("old_flavor");
    JsonObject other = old.getString("id").equals(current.getString("id")) ? migration.getJsonObject("new_flavor") : old;
    return growth(current, other);
  }

  /** The flavor as the agent builds it: vCPUs, RAM, the root, ephemeral and swap disks, and the extra specs. */
  /**
   * The instance's shape on its host. Its local disks are the flavor's, unless its
   * block_device_mapping_v2 asked for others ({@code local_disks}): those it keeps, a resize too.
   */
  private static JsonObject spec(JsonObject inst, JsonObject flavor) {
    JsonObject spec = new JsonObject().put("instance_id", inst.getString("id")).put("name", inst.getString("name"))
      .put("vcpus", flavor.getInteger("vcpus")).put("memory_mb", (long) flavor.getInteger("ram"))
      .put("disk_gb", (long) flavor.getInteger("disk")).put("ephemeral_gb", (long) flavor.getInteger("ephemeral", 0))
      .put("swap_mb", (long) flavor.getInteger("swap", 0)).put("extra_specs", flavor.getJsonObject("extra_specs", new JsonObject()));
    JsonObject asked = inst.getJsonObject("local_disks");
    if (asked != null) {
      spec.put("ephemerals", asked.getJsonArray("ephemerals")).put("swap_mb", asked.getLong("swap_mb"));
    }
    return spec;
  }

  private Future<Reply> confirmResize(AuthContext caller, String id) {
    return authorize(caller, id, "os_compute_api:servers:confirm_resize", true).compose(inst -> db.withTransaction(tx -> tx
        .preparedQuery("UPDATE migrations SET status = 'confirmed', updated_at = now() WHERE instance_id = $1 AND status = 'finished' "
          + "AND EXISTS (SELECT 1 FROM instances WHERE id = $1 AND vm_state = 'resized' AND task_state IS NULL) RETURNING *")
        .execute(Tuple.of(id)).compose(ms -> {
          if (ms.size() == 0) {
            throw conflict("confirmResize", inst);
          }
          Row m = ms.iterator().next();
          return tx.preparedQuery("UPDATE hosts SET vcpus_used = vcpus_used - $2, memory_mb_used = memory_mb_used - $3, "
              + "disk_gb_used = disk_gb_used - $4 WHERE id = $1")
            .execute(Tuple.of(m.getString("host_id"), m.getInteger("old_vcpus"), m.getLong("old_memory_mb"), m.getLong("old_disk_gb")))
            .compose(v -> tx.preparedQuery("UPDATE instances SET vm_state = $2, task_state = NULL, updated_at = now() "
              + "WHERE id = $1 AND vm_state = 'resized' AND task_state IS NULL RETURNING *").execute(Tuple.of(id, m.getString("prior_vm_state"))))
            .map(rows -> {
              JsonObject done = started(rows, inst, "confirmResize");
              // a downsize gives its quota back only now: until the confirm the old flavor could come back
              release(done.getString("project_id"), growth(new JsonObject(m.getValue("new_flavor").toString()),
                new JsonObject(m.getValue("old_flavor").toString())));
              return done;
            });
        }))
      .map(done -> {
        servers.publishState(done);
        servers.recordAction(done, "confirmResize", caller);
        servers.finishAction(id, "confirmResize", null);
        ComputeAgent.createProxy(vertx, done.getString("host")).act(id, "confirm-resize")
          .onFailure(err -> LOG.warn("dropping the pre-resize disk of {}: {}", id, err.getMessage()));
        return new Reply(204, null, null);
      }));
  }

  private Future<Reply> revertResize(AuthContext caller, String id) {
    String task = "resize_reverting";
    return authorize(caller, id, "os_compute_api:servers:revert_resize", true)
      .compose(inst -> begin(caller, inst, Set.of(InstanceStates.RESIZED), task, "revertResize"))
      .compose(inst -> db.preparedQuery("SELECT * FROM migrations WHERE instance_id = $1 AND status = 'finished'").execute(Tuple.of(id))
        .map(ms -> {
          servers.publishState(inst);
          servers.recordAction(inst, "revertResize", caller);
          if (ms.size() == 0) {
            clearTask(inst, task);
            servers.finishAction(id, "revertResize", "No resize to revert.");
            return Reply.accepted();
          }
          Row m = ms.iterator().next();
          JsonObject oldFlavor = new JsonObject(m.getValue("old_flavor").toString());
          JsonObject newFlavor = new JsonObject(m.getValue("new_flavor").toString());
          ComputeAgent.createProxy(vertx, inst.getString("host")).resize(spec(inst, oldFlavor).put("revert", true)).onComplete(done -> {
            if (done.failed()) {
              settleFull(id, task, InstanceStates.ERROR, null, fault(done.cause()));
              servers.finishAction(id, "revertResize", done.cause().getMessage());
              return;
            }
            db.withTransaction(tx -> undoResizeClaim(tx, id, "reverted").compose(x -> tx.preparedQuery(
                  "UPDATE instances SET vm_state = $2, task_state = NULL, flavor = $3, power_state = $4, updated_at = now() "
                    + "WHERE id = $1 AND task_state = $5 RETURNING *")
                .execute(Tuple.of(id, m.getString("prior_vm_state"), oldFlavor, done.result().getInteger("power_state"), task))))
              .onSuccess(rows -> rows.forEach(r -> servers.publishState(ServerView.row(r))))
              .onSuccess(rows -> release(inst.getString("project_id"), growth(oldFlavor, newFlavor)))
              .onFailure(err -> LOG.error("saving the revert of {}", id, err));
            servers.finishAction(id, "revertResize", null);
          });
          return Reply.accepted();
        }));
  }

  // ---- shelve ----------------------------------------------------------------------------------

  /**
   * Shelve snapshots the root disk to an image named {@code <name>-shelved}, then offloads at once
   * (Nova's default shelved_offload_time of 0): the domain and disks go and the host claim is
   * given back; the instance keeps its quota. Unshelve schedules it again and boots the snapshot.
   */
  private Future<Reply> shelve(AuthContext caller, String id, String token) {
    String task = "shelving";
    return authorize(caller, id, "os_compute_api:os-shelve:shelve", true)
      .compose(inst -> begin(caller, inst, SHELVE_FROM, task, "shelve"))
      .compose(inst -> newImage(caller, inst, inst.getString("name") + "-shelved", null,
        new JsonObject().put("image_type", "snapshot"), token)
        .recover(err -> clearTask(inst, task).compose(v -> Future.failedFuture(err)))
        .map(image -> {
          servers.recordAction(inst, "shelve", caller);
          String imageId = image.getString("id");
          capture(inst, image, token)
            .compose(power -> offload(inst, task, imageId))
            .onFailure(err -> {
              // back to where it was, whichever step failed
              settle(inst, task, null, null);
              settle(inst, "shelving_offloading", null, null);
            })
            .onComplete(done -> finish(inst, "shelve", imageId, token, done.cause()));
          return Reply.accepted();
        }));
  }

  /** Destroys the domain and disks and gives the host claim back: SHELVED_OFFLOADED. */
  private Future<Void> offload(JsonObject inst, String fromTask, String imageId) {
    String id = inst.getString("id");
    return db.preparedQuery("UPDATE instances SET task_state = 'shelving_offloading', updated_at = now() WHERE id = $1 "
        + "AND task_state = $2 RETURNING *").execute(Tuple.of(id, fromTask))
      .compose(rows -> {
        rows.forEach(r -> servers.publishState(ServerView.row(r)));
        return ComputeAgent.createProxy(vertx, inst.getString("host")).destroy(id);
      })
      .compose(v -> db.withTransaction(tx -> Scheduler.release(tx, id).compose(x -> tx.preparedQuery(
          "UPDATE instances SET vm_state = 'shelved_offloaded', task_state = NULL, power_state = 0, host = NULL, host_id = NULL, "
            + "shelved_image_id = coalesce($2, shelved_image_id), updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *")
        .execute(Tuple.of(id, imageId)))))
      .map(rows -> {
        rows.forEach(r -> servers.publishState(ServerView.row(r)));
        return null;
      });
  }

  private Future<Reply> shelveOffload(AuthContext caller, String id) {
    String task = "shelving_offloading";
    return authorize(caller, id, "os_compute_api:os-shelve:shelve_offload", false)
      .compose(inst -> begin(caller, inst, Set.of(InstanceStates.SHELVED), task, "shelveOffload"))
      .map(inst -> {
        servers.recordAction(inst, "shelveOffload", caller);
        offload(inst, task, null).onComplete(done -> servers.finishAction(id, "shelveOffload",
          done.failed() ? done.cause().getMessage() : null));
        return Reply.accepted();
      });
  }

  private Future<Reply> unshelve(AuthContext caller, String id, Object arg, Microversion mv, String token) {
    String zone = null;
    if (arg instanceof JsonObject o && !o.isEmpty()) {
      if (!mv.atLeast(2, 77)) {
        throw Errors.badRequest("Additional properties are not allowed in unshelve before microversion 2.77.");
      }
      zone = Json.optString(o, "availability_zone");
    } else if (arg != null && !(arg instanceof JsonObject)) {
      throw Errors.badRequest("Invalid input for field/attribute unshelve: it must be null or an object.");
    }
    String requestedZone = zone;
    String task = "unshelving";
    return authorize(caller, id, "os_compute_api:os-shelve:unshelve", true)
      .compose(inst -> begin(caller, inst, UNSHELVE_FROM, task, "unshelve"))
      .map(inst -> {
        servers.recordAction(inst, "unshelve", caller);
        String imageId = inst.getString("shelved_image_id");
        catalog.getImage(caller, imageId)
          .compose(image -> scheduler.schedule(id, inst.getJsonObject("flavor"),
              requestedZone != null ? requestedZone : inst.getString("requested_az"), new ArrayList<>())
            .compose(claim -> {
              if (claim == null) {
                return Future.failedFuture(new IllegalStateException("No valid host was found. There are not enough hosts available."));
              }
              servers.reload(id).onSuccess(servers::publishState);
              return ComputeAgent.createProxy(vertx, claim.hostname()).build(buildRequest(inst, image).put("token", token))
                .recover(err -> ComputeAgent.createProxy(vertx, claim.hostname()).destroy(id).otherwise((Void) null)
                  .compose(x -> Future.failedFuture(err)));
            }))
          .compose(power -> db.preparedQuery("UPDATE instances SET vm_state = 'active', task_state = NULL, power_state = $2, "
              + "shelved_image_id = NULL, launched_at = now(), "
              + "availability_zone = (SELECT availability_zone FROM hosts WHERE id = host_id), updated_at = now() "
              + "WHERE id = $1 AND NOT deleted RETURNING *").execute(Tuple.of(id, power.getInteger("power_state"))))
          .onSuccess(rows -> {
            rows.forEach(r -> servers.publishState(ServerView.row(r)));
            // the shelved snapshot has served its purpose, as in Nova
            imageRecords.delete(token, imageId).onFailure(err -> LOG.warn("deleting shelved image {}: {}", imageId, err.getMessage()));
            servers.finishAction(id, "unshelve", null);
          })
          .onFailure(err -> {
            LOG.warn("unshelve of {} failed: {}", id, err.getMessage());
            db.withTransaction(tx -> Scheduler.release(tx, id).compose(x -> tx.preparedQuery(
                "UPDATE instances SET vm_state = 'shelved_offloaded', task_state = NULL, host = NULL, host_id = NULL, updated_at = now() "
                  + "WHERE id = $1 AND NOT deleted RETURNING *").execute(Tuple.of(id))))
              .onSuccess(rows -> rows.forEach(r -> servers.publishState(ServerView.row(r))));
            servers.finishAction(id, "unshelve", err.getMessage());
          });
        return Reply.accepted();
      });
  }

  // ---- restore -------------------------------------------------------------------------------

  /** Deletes here are immediate (no reclaim_instance_interval): nothing is ever soft-deleted. */
  private Future<Reply> restore(AuthContext caller, String id) {
    return authorize(caller, id, "os_compute_api:os-deferred-delete:restore", false).map(inst -> {
      throw conflict("restore", inst);
    });
  }

  // ---- os-resetState (admin) -----------------------------------------------------------------

  /** An admin's repair: vm_state error or active, whatever is under way forgotten (Nova's os-admin-actions). */
  private Future<Reply> resetState(AuthContext caller, String id, Object arg) {
    String state = Json.string(argument(arg, "os-resetState"), "state");
    if (!Set.of("error", "active").contains(state)) {
      throw Errors.badRequest("Invalid input for field/attribute state: it must be 'active' or 'error'.");
    }
    ComputeRules.check(caller, "os-admin-actions:reset_state", Target.none());
    return servers.load(caller, id).compose(inst -> db.preparedQuery("UPDATE instances SET vm_state = $2, task_state = NULL, "
        + "updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *").execute(Tuple.of(id, state)))
      .map(rows -> {
        rows.forEach(r -> {
          JsonObject inst = ServerView.row(r);
          servers.publishState(inst);
          servers.recordAction(inst, "resetState", caller);
          servers.finishAction(id, "resetState", null);
        });
        return Reply.accepted();
      });
  }

  // ---- shared steps --------------------------------------------------------------------------

  private static JsonObject argument(Object arg, String action) {
    if (!(arg instanceof JsonObject o)) {
      throw Errors.badRequest("Invalid input for field/attribute " + action + ": it must be an object.");
    }
    return o;
  }

  /** Sets the task if the instance is in one of {@code from} with nothing under way; a 409 otherwise. */
  private Future<JsonObject> begin(AuthContext caller, JsonObject inst, Set<String> from, String task, String action) {
    return db.preparedQuery("UPDATE instances SET task_state = $3, updated_at = now() WHERE id = $1 AND NOT deleted "
        + "AND vm_state = ANY($2) AND task_state IS NULL RETURNING *")
      .execute(Tuple.of(inst.getString("id"), from.toArray(String[]::new), task))
      .map(rows -> {
        JsonObject started = started(rows, inst, action);
        servers.publishState(started);
        return started;
      });
  }

  /**
   * Nova checks the state before the request's content (a resize to the same flavor of a server
   * in VERIFY_RESIZE is a 409, not a 400); the conditional UPDATE that follows still decides races.
   */
  private static JsonObject requireState(JsonObject inst, Set<String> from, String action) {
    if (!from.contains(inst.getString("vm_state")) || inst.getString("task_state") != null) {
      throw conflict(action, inst);
    }
    return inst;
  }

  private static JsonObject started(io.vertx.sqlclient.RowSet<Row> rows, JsonObject inst, String action) {
    if (rows.size() == 0) {
      throw conflict(action, inst);
    }
    return ServerView.row(rows.iterator().next());
  }

  static RuntimeException conflict(String action, JsonObject inst) {
    String state = inst.getString("task_state") != null ? "task_state " + inst.getString("task_state")
      : "vm_state " + inst.getString("vm_state");
    return Errors.conflict("Cannot '" + action + "' instance " + inst.getString("id") + " while it is in " + state);
  }

  private Future<Void> clearTask(JsonObject inst, String task) {
    return settle(inst, task, null, null);
  }

  /** Ends a task: the vm_state stays (or becomes {@code vmState}); the power state as the agent found it. */
  private Future<Void> settle(JsonObject inst, String task, String vmState, JsonObject power) {
    return settleFull(inst.getString("id"), task, vmState, power == null ? null : power.getInteger("power_state"), null);
  }

  private Future<Void> settleFull(String id, String task, String vmState, Integer power, JsonObject fault) {
    return db.preparedQuery("UPDATE instances SET vm_state = coalesce($2, vm_state), task_state = NULL, "
        + "power_state = coalesce($3, power_state), fault = CASE WHEN $2 = 'error' THEN $5 ELSE fault END, updated_at = now() "
        + "WHERE id = $1 AND NOT deleted AND task_state = $4 RETURNING *")
      .execute(Tuple.of(id, vmState, power, task, fault))
      .map(rows -> {
        rows.forEach(r -> servers.publishState(ServerView.row(r)));
        return (Void) null;
      })
      .onFailure(err -> LOG.error("ending task {} of {}", task, id, err));
  }

  private static JsonObject fault(Throwable cause) {
    return new JsonObject().put("code", 500).put("message", String.valueOf(cause.getMessage()))
      .put("created", Servers.time(OffsetDateTime.now()));
  }
}
