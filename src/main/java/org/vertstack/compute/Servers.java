package org.vertstack.compute;

import org.vertstack.common.policy.Target;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.image.ImageCatalog;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.vertstack.compute.ComputeRules.check;
import static org.vertstack.compute.ComputeRules.may;

/**
 * Servers: the API's requests become rows and state transitions here; the build path
 * (schedule, claim, agent build, retry elsewhere, ERROR with a fault) runs after the 202.
 * Every transition is one conditional UPDATE (so two requests never both start an operation on
 * one instance) followed by a resource event {@code compute.server}.
 */
final class Servers {

  static final String RESOURCE = "compute.server";
  private static final Logger LOG = LoggerFactory.getLogger(Servers.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private final Vertx vertx;
  private final Pool db;
  private final Flavors flavors;
  private final Keypairs keypairs;
  private final ComputeQuota quota;
  private final Scheduler scheduler;
  private final ImageCatalog images;
  private final int maxAttempts;
  final ServerView view;
  /** Snapshot, rebuild, resize, shelve and restore. */
  final ServerOperations operations;
  /** Server metadata and tags. */
  final ServerMetadata metadata;
  private final ServerGroups groups;

  Servers(Vertx vertx, Pool db, Flavors flavors, Keypairs keypairs, ComputeQuota quota, Scheduler scheduler,
          ServerGroups groups, String publicUrl, int maxAttempts) {
    this.vertx = vertx;
    this.groups = groups;
    this.db = db;
    this.flavors = flavors;
    this.keypairs = keypairs;
    this.quota = quota;
    this.scheduler = scheduler;
    this.images = ImageCatalog.createProxy(vertx);
    this.maxAttempts = maxAttempts;
    this.view = new ServerView(publicUrl);
    this.operations = new ServerOperations(vertx, db, this, flavors, quota, scheduler, new ImageRecords(vertx, publicUrl));
    this.metadata = new ServerMetadata(db, this);
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(TIME);
  }

  // ---- create --------------------------------------------------------------------------------

  /** A validated create request. */
  private record Request(String name, String imageRef, String flavorRef, String keyName, String userData,
                         JsonObject metadata, String zone, int minCount, int maxCount, boolean returnReservation,
                         String description, String group, String adminPass, boolean configDrive,
                         String accessIpV4, String accessIpV6, BlockDeviceMappings.Parsed blockDevices) {

    /** The instance's local disks if block_device_mapping_v2 asks for some (a 400 if the flavor does not allow them), else null. */
    JsonObject localDisks(JsonObject flavor) {
      return blockDevices == null ? null : BlockDeviceMappings.localDisks(blockDevices, flavor);
    }
  }

  /**
   * The token is the caller's: the agent fetches the image's bytes with it, as Nova does (a private
   * image too). The request id is the HTTP answer's: the create action is logged under it.
   */
  Future<JsonObject> create(AuthContext caller, JsonObject body, Microversion mv, String token, String requestId) {
    check(caller.requireProjectScope(), "servers:create", Target.project(caller.projectId(), null));
    JsonObject s = Json.object(body, "server");
    Request req = parse(s, mv, groupHint(body));
    return validateNetworks(caller, s.getValue("networks"), mv)
      .compose(v -> validateBlockDevices(caller, s, req.blockDevices()))
      .compose(v -> resolveFlavor(caller, req.flavorRef()))
      .map(flavor -> {
        req.localDisks(flavor); // checked before the image, the quota and the rest, as Nova checks it
        return flavor;
      })
      .compose(flavor -> resolveImage(caller, req.imageRef(), flavor).compose(image -> resolveKey(caller, req.keyName())
        .compose(key -> req.group() == null ? Future.<ServerGroups.Membership>succeededFuture() : groups.forBoot(caller, req.group(), req.minCount())
          .recover(err -> err instanceof ServiceException se && se.failureCode() == 404
            ? Future.failedFuture(Errors.badRequest("Invalid server group: group " + req.group() + " could not be found."))
            : Future.failedFuture(err)))
        .compose(group -> checkZone(req.zone())
        .compose(zone -> reserveQuota(caller.projectId(), flavor, req.minCount(), req.maxCount())
          .compose(count -> insert(caller, req, flavor, image, zone, count, token, requestId, group))))));
  }

  private static final java.util.regex.Pattern UUID_FORMAT =
    java.util.regex.Pattern.compile("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");

  /** The server group named in {@code os:scheduler_hints} (or its old name {@code OS-SCH-HNT:scheduler_hints}), or null. */
  private static String groupHint(JsonObject body) {
    Object hints = body.containsKey("os:scheduler_hints") ? body.getValue("os:scheduler_hints") : body.getValue("OS-SCH-HNT:scheduler_hints");
    if (hints == null) {
      return null;
    }
    if (!(hints instanceof JsonObject h)) {
      throw Errors.badRequest("Invalid input for field/attribute os:scheduler_hints: it must be an object.");
    }
    Object group = h.getValue("group");
    if (group == null) {
      return null;
    }
    if (!(group instanceof String g) || !UUID_FORMAT.matcher(g).matches()) {
      throw Errors.badRequest("Invalid input for field/attribute group. Value: " + group + ". '" + group + "' is not a 'uuid'");
    }
    return g;
  }

  private Request parse(JsonObject s, Microversion mv, String group) {
    String name = Json.string(s, "name");
    if (name.isBlank()) {
      throw Errors.badRequest("Invalid input for field/attribute name: it must not be blank.");
    }
    Object image = s.getValue("imageRef");
    if (image != null && !(image instanceof String)) {
      throw Errors.badRequest("Invalid input for field/attribute imageRef: it must be a string.");
    }
    String imageRef = (String) image;
    JsonArray mappings = Json.optArray(s, "block_device_mapping_v2");
    BlockDeviceMappings.Parsed blockDevices = mappings == null || mappings.isEmpty() ? null
      : BlockDeviceMappings.parse(mappings, s.containsKey("imageRef"));
    if ((imageRef == null || imageRef.isBlank()) && blockDevices != null && blockDevices.rootImage() != null) {
      imageRef = blockDevices.rootImage(); // the root disk's image entry stands for an empty imageRef, as in Nova
    }
    if (imageRef == null || imageRef.isBlank()) {
      throw Errors.badRequest("Booting from a volume needs a volume service; 'imageRef' is required.");
    }
    imageRef = imageRef.substring(imageRef.lastIndexOf('/') + 1);
    Object flavor = s.getValue("flavorRef");
    if (flavor == null) {
      throw Errors.badRequest("'flavorRef' is a required property.");
    }
    if (!(flavor instanceof String) && !(flavor instanceof Number)) {
      throw Errors.badRequest("Invalid input for field/attribute flavorRef: it must be a string or an integer.");
    }
    String flavorRef = String.valueOf(flavor);
    flavorRef = flavorRef.substring(flavorRef.lastIndexOf('/') + 1);
    String userData = Json.optString(s, "user_data", 65535);
    if (userData != null) {
      try {
        Base64.getDecoder().decode(userData.replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw Errors.badRequest("Invalid input for field/attribute user_data: it is not valid base64.");
      }
    }
    JsonObject metadata = Json.optObject(s, "metadata");
    if (metadata == null) {
      metadata = new JsonObject();
    }
    checkMetadata(metadata);
    int min = count(s, "min_count");
    int max = count(s, "max_count");
    if (!s.containsKey("max_count")) {
      max = Math.max(min, 1);
    }
    if (min > max) {
      throw Errors.badRequest("min_count must be <= max_count.");
    }
    String description = mv.atLeast(2, 19) ? Json.optString(s, "description", 255) : null;
    Boolean rr = s.getValue("return_reservation_id") instanceof Boolean b ? b : null;
    String accessIpV4 = checkAccessIp(s, "accessIPv4", false);
    String accessIpV6 = checkAccessIp(s, "accessIPv6", true);
    checkSecurityGroups(s);
    // Nova answers the password it was given (this cloud cannot set it in the guest: no agent)
    String adminPass = Json.optString(s, "adminPass", 255);
    return new Request(name.trim(), imageRef, flavorRef, Json.optString(s, "key_name"), userData, metadata,
      Json.optString(s, "availability_zone"), min, max, Boolean.TRUE.equals(rr), description, group, adminPass,
      configDrive(s.getValue("config_drive")), accessIpV4, accessIpV6, blockDevices);
  }

  /** Nova's boolean parameter type: true, false, or one of their spellings. */
  private static boolean configDrive(Object v) {
    if (v == null || v instanceof Boolean) {
      return Boolean.TRUE.equals(v);
    }
    String text = v instanceof String str ? str.toLowerCase(java.util.Locale.ROOT) : "";
    if (Set.of("true", "1", "on", "yes").contains(text)) {
      return true;
    }
    if (Set.of("false", "0", "off", "no").contains(text)) {
      return false;
    }
    throw Errors.badRequest("Invalid input for field/attribute config_drive. Value: " + v + ". It is not a boolean.");
  }

  private static final java.util.regex.Pattern IPV4 =
    java.util.regex.Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /**
   * accessIPv4/accessIPv6 must be addresses of their family (Nova's schema). Answers the address to
   * keep as given ("" clears it, as in Nova), or null when the key is absent.
   */
  static String checkAccessIp(JsonObject s, String key, boolean v6) {
    if (!s.containsKey(key)) {
      return null;
    }
    Object v = s.getValue(key);
    if (v == null || "".equals(v)) {
      return "";
    }
    String text = v instanceof String a ? (v6 ? ipv6Text(a) : IPV4.matcher(a).matches() ? a : null) : null;
    if (text == null) {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": '" + v + "' is not a valid IPv" + (v6 ? 6 : 4) + " address.");
    }
    return text;
  }

  /** SQL setting the access addresses from four parameters from ${@code first}: (set v4?, v4, set v6?, v6). */
  static String accessIpsSet(int first) {
    return "access_ip_v4 = CASE WHEN $" + first + " THEN $" + (first + 1) + " ELSE access_ip_v4 END, "
      + "access_ip_v6 = CASE WHEN $" + (first + 2) + " THEN $" + (first + 3) + " ELSE access_ip_v6 END";
  }

  static String emptyAsNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * An IPv6 literal in the canonical text Nova keeps (netaddr's): lower-case groups without leading
   * zeros, the first longest run of two or more zero groups as "::", an IPv4-mapped address as
   * ::ffff:a.b.c.d. Null when it is not an IPv6 literal (never a name to resolve).
   */
  static String ipv6Text(String a) {
    if (!a.contains(":") || !a.matches("[0-9A-Fa-f:.]+")) {
      return null;
    }
    java.net.InetAddress parsed;
    try {
      parsed = java.net.InetAddress.getByName(a);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
    if (parsed instanceof java.net.Inet4Address) { // Java reads ::ffff:a.b.c.d as the IPv4 address
      return "::ffff:" + parsed.getHostAddress();
    }
    byte[] b = parsed.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }


  /** No network service runs, so no security group exists but the implicit "default". */
  private static void checkSecurityGroups(JsonObject s) {
    JsonArray groups = Json.optArray(s, "security_groups");
    if (groups == null) {
      return;
    }
    for (Object g : groups) {
      Object name = g instanceof JsonObject o ? o.getValue("name") : null;
      if (!"default".equals(name)) {
        throw Errors.badRequest("Unable to find security_group with name or id '" + name + "'.");
      }
    }
  }

  static void checkMetadata(JsonObject metadata) {
    if (metadata.size() > ComputeQuota.DEFAULTS.get("metadata_items")) {
      throw Errors.forbidden("Quota exceeded for metadata_items: at most 128 metadata items.");
    }
    metadata.forEach(e -> {
      if (e.getKey().isEmpty() || e.getKey().length() > 255 || !(e.getValue() instanceof String v) || v.length() > 255) {
        throw Errors.badRequest("Invalid input for field/attribute metadata: keys and values must be strings of 1-255 characters.");
      }
    });
  }

  private static int count(JsonObject s, String key) {
    Object v = s.getValue(key);
    if (v == null) {
      return 1;
    }
    long n;
    if (v instanceof String str && str.matches("\\d{1,9}")) {
      n = Long.parseLong(str);
    } else if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      n = num.longValue();
    } else {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": it must be an integer.");
    }
    if (n < 1 || n > 1000) {
      throw Errors.badRequest("Invalid input for field/attribute " + key + ": " + n + " is out of range 1-1000.");
    }
    return (int) n;
  }

  /** "none" boots without network; anything else needs a network service, which does not run yet. */
  private Future<Void> validateNetworks(AuthContext caller, Object networks, Microversion mv) {
    if (networks == null) {
      if (mv.atLeast(2, 37)) {
        throw Errors.badRequest("'networks' is a required property.");
      }
      return Future.succeededFuture(); // before 2.37: Nova's default, which without a network service is none
    }
    if ("none".equals(networks)) {
      return Future.succeededFuture();
    }
    JsonArray requested;
    if ("auto".equals(networks)) {
      requested = new JsonArray().add("auto");
    } else if (networks instanceof JsonArray a) {
      if (a.isEmpty()) {
        return Future.succeededFuture();
      }
      requested = a;
    } else {
      throw Errors.badRequest("Invalid input for field/attribute networks: it must be 'auto', 'none' or a list.");
    }
    return PortBinding.createProxy(vertx).validate(caller, requested).recover(err -> noService(err,
      "Networks were requested but no network service runs in this cloud: boot with networks 'none'."));
  }

  /** Entries naming volumes go to the block-storage service (a 400 while none runs); local ones are checked with the flavor. */
  private Future<Void> validateBlockDevices(AuthContext caller, JsonObject s, BlockDeviceMappings.Parsed parsed) {
    if (parsed == null || !parsed.needsVolumes()) {
      return Future.succeededFuture();
    }
    return BlockDevices.createProxy(vertx).validate(caller, s.getJsonArray("block_device_mapping_v2")).recover(err -> noService(err,
      "Volumes were requested but no block storage service runs in this cloud."));
  }

  private static Future<Void> noService(Throwable err, String message) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return Future.failedFuture(Errors.badRequest(message));
    }
    return Future.failedFuture(err);
  }

  private Future<JsonObject> resolveFlavor(AuthContext caller, String ref) {
    return flavors.get(caller, ref).recover(err -> Future.failedFuture(Errors.badRequest("Flavor " + ref + " could not be found.")));
  }

  Future<JsonObject> resolveImage(AuthContext caller, String ref, JsonObject flavor) {
    return images.getImage(caller, ref).recover(err -> {
      if (err instanceof ServiceException se && se.failureCode() == 404 || err instanceof ReplyException re && re.failureCode() == 404) {
        return Future.failedFuture(Errors.badRequest("Image " + ref + " could not be found."));
      }
      if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
        return Future.failedFuture(Errors.badRequest("No image service runs in this cloud: image " + ref + " cannot be used."));
      }
      return Future.failedFuture(err);
    }).map(image -> {
      if (!"active".equals(image.getString("status"))) {
        throw Errors.badRequest("Image " + ref + " is not active.");
      }
      long size = image.getLong("virtual_size") != null ? image.getLong("virtual_size") : image.getLong("size", 0L);
      int disk = flavor.getInteger("disk");
      if (disk > 0 && size > ((long) disk << 30)) {
        throw Errors.badRequest("Flavor's disk is too small for requested image. Flavor disk is " + ((long) disk << 30)
          + " bytes, image is " + size + " bytes.");
      }
      if (image.getInteger("min_ram", 0) > flavor.getInteger("ram")) {
        throw Errors.badRequest("Flavor's memory is too small for requested image.");
      }
      if (disk > 0 && image.getInteger("min_disk", 0) > disk) {
        throw Errors.badRequest("Flavor's disk is too small for requested image.");
      }
      return image;
    });
  }

  private Future<String> resolveKey(AuthContext caller, String keyName) {
    if (keyName == null) {
      return Future.succeededFuture(null);
    }
    return keypairs.find(caller.userId(), keyName).map(r -> r.getString("public_key"))
      .recover(err -> Future.failedFuture(Errors.badRequest("Invalid key_name provided.")));
  }

  private Future<String> checkZone(String zone) {
    if (zone == null || zone.isBlank()) {
      return Future.succeededFuture(null);
    }
    String az = zone.split(":")[0];
    return db.preparedQuery("SELECT 1 FROM hosts WHERE availability_zone = $1 LIMIT 1").execute(Tuple.of(az)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.badRequest("The requested availability zone is not available.");
      }
      return az;
    });
  }

  static Map<String, Long> amounts(JsonObject flavor, int count) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("instances", (long) count);
    m.put("cores", (long) count * flavor.getInteger("vcpus"));
    m.put("ram", (long) count * flavor.getInteger("ram"));
    return m;
  }

  /** Reserves max_count instances' worth, else min_count's; answers how many were reserved. */
  private Future<Integer> reserveQuota(String project, JsonObject flavor, int min, int max) {
    return quota.reserve(project, amounts(flavor, max)).map(max).recover(err -> min < max
      ? quota.reserve(project, amounts(flavor, min)).map(min) : Future.failedFuture(err));
  }

  private Future<JsonObject> insert(AuthContext caller, Request req, JsonObject flavor, JsonObject image, String zone, int count,
                                    String token, String requestId, ServerGroups.Membership group) {
    String reservation = "r-" + UUID.randomUUID().toString().substring(0, 8);
    return resolveKeyData(caller, req.keyName()).compose(keyData -> {
      List<Tuple> rows = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = count > 1 ? req.name() + "-" + (i + 1) : req.name();
        rows.add(Tuple.from(new Object[] {UUID.randomUUID().toString(), caller.projectId(), caller.userId(), name,
          req.description(), image.getString("id"), flavor, req.keyName(), keyData, req.userData(), req.metadata(), zone,
          reservation, i, image.getString("disk_format"), requestId != null ? requestId : "req-" + UUID.randomUUID(), req.group(),
          req.configDrive(), emptyAsNull(req.accessIpV4()), emptyAsNull(req.accessIpV6()), req.localDisks(flavor)}));
      }
      // the instance and its create action in one statement (the action log entry exists before the build can finish it)
      String insert = """
          WITH ins AS (
            INSERT INTO instances (id, project_id, user_id, name, description, image_ref, flavor, key_name, key_data, user_data,
                                   metadata, requested_az, reservation_id, launch_index, image_format, vm_state, task_state,
                                   config_drive, access_ip_v4, access_ip_v6, local_disks)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'building', 'scheduling', $18, $19, $20,
                    $21)
            RETURNING *),
          action AS (INSERT INTO instance_actions (instance_id, action, request_id, user_id, project_id)
            SELECT id, 'create', $16, user_id, project_id FROM ins),
          member AS (INSERT INTO server_group_members (instance_id, group_id) SELECT id, $17 FROM ins WHERE $17::text IS NOT NULL)
          SELECT * FROM ins""";
      // joining a group with a members limit takes its place in the same transaction (ServerGroups.admit)
      if (group != null && group.memberLimit() >= 0) {
        return db.withTransaction(tx -> ServerGroups.admit(tx, group, count).compose(v -> tx.preparedQuery(insert).executeBatch(rows)));
      }
      return db.preparedQuery(insert).executeBatch(rows);
    }).recover(err -> quota.release(caller.projectId(), amounts(flavor, count)).compose(v -> Future.failedFuture(err)))
      .map(result -> {
        List<JsonObject> created = new ArrayList<>();
        for (RowSet<Row> rs = result; rs != null; rs = rs.next()) {
          rs.forEach(r -> created.add(ServerView.row(r)));
        }
        for (JsonObject inst : created) {
          publish(inst, "created");
          build(inst, image, new ArrayList<>(), token);
        }
        if (req.returnReservation()) {
          return new JsonObject().put("reservation_id", reservation);
        }
        JsonObject first = created.get(0);
        return new JsonObject().put("server", new JsonObject().put("id", first.getString("id"))
          .put("links", view.links(first.getString("id"))).put("OS-DCF:diskConfig", "MANUAL")
          .put("adminPass", req.adminPass() != null ? req.adminPass() : UUID.randomUUID().toString().replace("-", "").substring(0, 12)));
      });
  }

  private Future<String> resolveKeyData(AuthContext caller, String keyName) {
    return keyName == null ? Future.succeededFuture(null) : resolveKey(caller, keyName);
  }

  // ---- the build path ---------------------------------------------------------------------

  private void build(JsonObject inst, JsonObject image, List<String> triedHosts, String token) {
    String id = inst.getString("id");
    JsonObject flavor = inst.getJsonObject("flavor");
    scheduler.schedule(id, flavor, inst.getString("requested_az"), triedHosts).onComplete(claimed -> {
      if (claimed.failed()) {
        if (!(claimed.cause() instanceof Scheduler.InstanceGone)) {
          fail(id, "Scheduling failed: " + claimed.cause().getMessage());
        }
        return;
      }
      Scheduler.Claim claim = claimed.result();
      if (claim == null) {
        fail(id, triedHosts.isEmpty() ? "No valid host was found. There are not enough hosts available."
          : "No valid host was found. Exceeded max scheduling attempts " + triedHosts.size() + " for instance " + id + ".");
        return;
      }
      triedHosts.add(claim.hostId());
      publishState(claim.instance());
      JsonObject request = ServerOperations.buildRequest(claim.instance(), image).put("token", token);
      ComputeAgent.createProxy(vertx, claim.hostname()).build(request).onComplete(built -> {
        if (built.succeeded()) {
          // the instance and its create action finish in one statement (one round trip per boot saved)
          db.preparedQuery("""
              WITH done AS (
                UPDATE instances SET vm_state = 'active', task_state = NULL, power_state = $2, launched_at = now(),
                  availability_zone = (SELECT availability_zone FROM hosts WHERE id = host_id), updated_at = now(),
                  config_drive = config_drive OR $4
                WHERE id = $1 AND NOT deleted AND vm_state = 'building' AND task_state = 'spawning' AND host_id = $3 RETURNING *),
              action AS (
                UPDATE instance_actions SET finish_time = now(), result = 'Success' WHERE id =
                  (SELECT max(id) FROM instance_actions WHERE instance_id = $1 AND action = 'create' AND finish_time IS NULL)
                  AND EXISTS (SELECT 1 FROM done))
              SELECT * FROM done""")
            .execute(Tuple.of(id, built.result().getInteger("power_state"), claim.hostId(),
              built.result().getBoolean("config_drive", false)))
            .onSuccess(rows -> {
              if (rows.size() == 0) {
                // deleted while it was being built, or taken back from this host: the domain must go too
                ComputeAgent.createProxy(vertx, claim.hostname()).destroy(id);
              } else {
                publishState(ServerView.row(rows.iterator().next()));
              }
            })
            .onFailure(err -> LOG.error("saving the build of {}", id, err));
          return;
        }
        String reason = built.cause().getMessage();
        LOG.warn("build of {} on {} failed: {}", id, claim.hostname(), reason);
        ComputeAgent.createProxy(vertx, claim.hostname()).destroy(id); // whatever was half made
        retryElsewhere(id, claim.hostId(), image, triedHosts, reason, token);
      });
    });
  }

  /**
   * Takes a build back from a host (it failed there, or the host went down) and schedules it
   * again elsewhere, up to the attempt limit. Conditional on the instance still being built on
   * that host, so a late answer from the host and the watchdog cannot both retry it.
   */
  private Future<Boolean> retryElsewhere(String id, String hostId, JsonObject image, List<String> triedHosts, String reason,
      String token) {
    return db.withTransaction(tx -> tx.preparedQuery("UPDATE instances SET host_id = NULL, host = NULL, attempts = attempts + 1, "
          + "task_state = 'scheduling', updated_at = now() WHERE id = $1 AND NOT deleted AND vm_state = 'building' AND host_id = $2 "
          + "RETURNING *").execute(Tuple.of(id, hostId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(rows) : Scheduler.release(tx, id).map(rows)))
      .map(rows -> {
        if (rows.size() == 0) {
          return false;
        }
        JsonObject again = ServerView.row(rows.iterator().next());
        if (again.getInteger("attempts") >= maxAttempts) {
          fail(id, "Build of instance " + id + " failed after " + maxAttempts + " attempts; last error: " + reason);
        } else {
          publishState(again);
          build(again, image, triedHosts, token);
        }
        return true;
      })
      .onFailure(err -> LOG.error("taking the build of {} back from host {}", id, hostId, err));
  }

  /** The watchdog's entry: the build of {@code id} was on a host that went down. */
  void takeBack(String id, String hostId, String reason) {
    reload(id).compose(inst -> {
      if (inst == null || !hostId.equals(inst.getString("host_id"))) {
        return Future.succeededFuture(false);
      }
      JsonObject image = new JsonObject().put("id", inst.getString("image_ref")).put("disk_format", inst.getString("image_format"));
      List<String> tried = new ArrayList<>(List.of(hostId));
      return retryElsewhere(id, hostId, image, tried, reason, null); // the image is fetched with the service's token
    }).onSuccess(taken -> {
      if (taken) {
        LOG.warn("build of {} taken back: {}", id, reason);
      }
    });
  }

  /** Ends a build in ERROR with a fault; the allocation is given back (nothing runs). */
  private void fail(String id, String message) {
    JsonObject fault = new JsonObject().put("code", 500).put("message", message).put("created", time(OffsetDateTime.now()));
    db.withTransaction(tx -> Scheduler.release(tx, id).compose(v -> tx.preparedQuery(
        "UPDATE instances SET vm_state = 'error', task_state = NULL, fault = $2, updated_at = now() "
          + "WHERE id = $1 AND NOT deleted RETURNING *").execute(Tuple.of(id, fault))))
      .onSuccess(rows -> rows.forEach(r -> publishState(ServerView.row(r))))
      .onSuccess(v -> finishAction(id, "create", message))
      .onFailure(err -> LOG.error("marking {} as failed", id, err));
  }

  // ---- read -----------------------------------------------------------------------------

  Future<JsonObject> load(AuthContext caller, String id) {
    return load(caller, id, "servers:show");
  }

  /** The server if {@code rule} (a read rule of the compute table) allows the caller; 404 otherwise, as in Nova. */
  Future<JsonObject> load(AuthContext caller, String id, String rule) {
    return reload(id).map(inst -> {
      if (inst == null || inst.getBoolean("deleted") || !may(caller, rule, Target.project(inst.getString("project_id"), null))) {
        throw Errors.notFound("Instance " + id + " could not be found.");
      }
      return inst;
    });
  }

  Future<JsonObject> reload(String id) {
    return db.preparedQuery("SELECT * FROM instances WHERE id = $1").execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? null : ServerView.row(rows.iterator().next()));
  }

  Future<JsonObject> get(AuthContext caller, String id, Microversion mv) {
    return load(caller, id).compose(inst -> hostStatus(inst))
      .compose(inst -> withGroups(view.render(inst, mv, caller, true), id, mv))
      .map(server -> new JsonObject().put("server", server));
  }

  /** From 2.71 a server's show, update and rebuild answers name its server groups (zero or one). */
  Future<JsonObject> withGroups(JsonObject server, String id, Microversion mv) {
    return mv.atLeast(2, 71) ? groups.groupsOf(id).map(g -> server.put("server_groups", g)) : Future.succeededFuture(server);
  }

  private Future<JsonObject> hostStatus(JsonObject inst) {
    if (inst.getString("host_id") == null) {
      return Future.succeededFuture(inst);
    }
    return db.preparedQuery("SELECT enabled, forced_down, last_heartbeat > now() - make_interval(secs => $2) AS up FROM hosts WHERE id = $1")
      .execute(Tuple.of(inst.getString("host_id"), scheduler.downAfterSeconds())).map(rows -> {
        if (rows.size() == 1) {
          Row r = rows.iterator().next();
          inst.put("host_status", !r.getBoolean("up") || r.getBoolean("forced_down") ? "DOWN"
            : r.getBoolean("enabled") ? "UP" : "MAINTENANCE");
        }
        return inst;
      });
  }

  Future<JsonObject> list(AuthContext caller, MultiMap q, Microversion mv, boolean detail) {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    String rule = detail ? "servers:detail" : "servers:index";
    boolean allTenants = q.contains("all_tenants") && !"0".equals(q.get("all_tenants")) && !"false".equalsIgnoreCase(q.get("all_tenants"));
    if (allTenants) {
      check(caller, "servers:index:get_all_tenants", Target.none());
    }
    // as in Nova, a project filter counts only with all_tenants (else one lists one's own project)
    String project = !allTenants ? null : q.get("project_id") != null ? q.get("project_id") : q.get("tenant_id");
    if (!allTenants || project != null) {
      // the project listed: the caller's own, or another one the table lets it list (an admin)
      String listed = project != null ? project : caller.requireProjectScope().projectId();
      check(caller, rule, Target.project(listed, null));
      args.add(listed);
      where.add("project_id = $" + args.size());
    } else {
      check(caller, rule, Target.none());
    }
    boolean allFilters = may(caller, "servers:allow_all_filters", Target.none());
    String changesSince = q.get("changes-since");
    if (changesSince != null) {
      args.add(parseTime(changesSince, "changes-since"));
      where.add("updated_at >= $" + args.size());
    } else if (!(allFilters && "true".equalsIgnoreCase(q.get("deleted")))) {
      where.add("NOT deleted");
    }
    if (q.get("name") != null) {
      args.add(q.get("name"));
      where.add("name ~ $" + args.size());
    }
    if (q.get("status") != null) {
      Set<String> states = InstanceStates.vmStatesOf(q.get("status"));
      if (states == null) {
        return Future.succeededFuture(new JsonObject().put("servers", new JsonArray()));
      }
      args.add(states.toArray(String[]::new));
      where.add("vm_state = ANY($" + args.size() + ")");
    }
    if (q.get("image") != null) {
      String image = q.get("image");
      args.add(image.substring(image.lastIndexOf('/') + 1));
      where.add("image_ref = $" + args.size());
    }
    if (q.get("flavor") != null) {
      String flavor = q.get("flavor");
      args.add(flavor.substring(flavor.lastIndexOf('/') + 1));
      where.add("flavor->>'id' = $" + args.size());
    }
    if (q.get("host") != null && allFilters) {
      args.add(q.get("host"));
      where.add("host = $" + args.size());
    }
    // tag filters (2.26): all of, any of, and their negations; comma-separated
    for (String[] f : new String[][] {{"tags", "tags @> $"}, {"tags-any", "tags && $"}, {"not-tags", "NOT (tags @> $"},
        {"not-tags-any", "NOT (tags && $"}}) {
      if (q.get(f[0]) != null && mv.atLeast(2, 26)) {
        args.add(q.get(f[0]).split(","));
        where.add(f[1] + args.size() + (f[1].startsWith("NOT") ? ")" : ""));
      }
    }
    if (q.get("reservation_id") != null) {
      args.add(q.get("reservation_id"));
      where.add("reservation_id = $" + args.size());
    }
    int limit = 1000;
    if (q.get("limit") != null) {
      try {
        limit = Integer.parseInt(q.get("limit"));
      } catch (NumberFormatException e) {
        throw Errors.badRequest("limit must be an integer.");
      }
      if (limit < 0) {
        throw Errors.badRequest("limit must be >= 0.");
      }
      limit = Math.min(limit, 1000);
    }
    int pageSize = limit;
    String marker = q.get("marker");
    Future<Void> markerClause = Future.succeededFuture();
    if (marker != null) {
      markerClause = db.preparedQuery("SELECT created_at, id FROM instances WHERE id = $1").execute(Tuple.of(marker)).map(rows -> {
        if (rows.size() == 0) {
          throw Errors.badRequest("marker [" + marker + "] not found");
        }
        Row r = rows.iterator().next();
        args.add(r.getOffsetDateTime("created_at"));
        args.add(marker);
        where.add("(created_at, id) < ($" + (args.size() - 1) + ", $" + args.size() + ")");
        return null;
      });
    }
    return markerClause.compose(v -> {
      args.add(pageSize);
      String sql = "SELECT * FROM instances" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY created_at DESC, id DESC LIMIT $" + args.size();
      return db.preparedQuery(sql).execute(Tuple.from(args));
    }).recover(err -> err instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("2201")
        ? Future.failedFuture(Errors.badRequest("Invalid regular expression in the name filter."))
        : Future.failedFuture(err))
      .map(rows -> {
        JsonArray servers = new JsonArray();
        String last = null;
        for (Row r : rows) {
          JsonObject inst = ServerView.row(r);
          servers.add(detail ? view.render(inst, mv, caller, false) : view.brief(inst));
          last = inst.getString("id");
        }
        JsonObject out = new JsonObject().put("servers", servers);
        if (pageSize > 0 && servers.size() == pageSize) {
          out.put("servers_links", new JsonArray().add(new JsonObject().put("rel", "next")
            .put("href", view.base() + "/v2.1/servers" + (detail ? "/detail" : "") + "?limit=" + pageSize + "&marker=" + last)));
        }
        return out;
      });
  }

  static OffsetDateTime parseTime(String raw, String what) {
    try {
      return OffsetDateTime.parse(raw);
    } catch (RuntimeException e) {
      try {
        return java.time.LocalDateTime.parse(raw).atOffset(ZoneOffset.UTC);
      } catch (RuntimeException e2) {
        throw Errors.badRequest("Invalid " + what + " value '" + raw + "'.");
      }
    }
  }

  // ---- update and delete ---------------------------------------------------------------------

  Future<JsonObject> update(AuthContext caller, String id, JsonObject body, Microversion mv) {
    JsonObject s = Json.object(body, "server");
    String name = Json.optString(s, "name");
    if (name != null && name.isBlank()) {
      throw Errors.badRequest("Invalid input for field/attribute name: it must not be blank.");
    }
    String description = mv.atLeast(2, 19) ? Json.optString(s, "description", 255) : null;
    boolean setDescription = mv.atLeast(2, 19) && s.containsKey("description");
    String accessIpV4 = checkAccessIp(s, "accessIPv4", false);
    String accessIpV6 = checkAccessIp(s, "accessIPv6", true);
    return load(caller, id).compose(inst -> {
      requireWriter(caller, inst, "servers:update");
      return db.preparedQuery("UPDATE instances SET name = coalesce($2, name), description = CASE WHEN $3 THEN $4 ELSE description END, "
          + accessIpsSet(5) + ", updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *")
        .execute(Tuple.from(new Object[] {id, name == null ? null : name.trim(), setDescription, description,
          accessIpV4 != null, emptyAsNull(accessIpV4), accessIpV6 != null, emptyAsNull(accessIpV6)}));
    }).map(rows -> {
      JsonObject inst = ServerView.row(rows.iterator().next());
      publish(inst, "updated");
      return view.renderChanged(inst, mv, caller, false);
    }).compose(server -> withGroups(server, id, mv)).map(server -> new JsonObject().put("server", server));
  }

  static void requireWriter(AuthContext caller, JsonObject inst, String rule) {
    if (!may(caller, rule, Target.project(inst.getString("project_id"), null))) {
      throw Errors.forbidden("You are not authorized to change this server: a member role is required.");
    }
  }

  static void requireUnlocked(AuthContext caller, JsonObject inst) {
    if (inst.getBoolean("locked") && !may(caller, "os-lock-server:unlock:unlock_override", Target.project(inst.getString("project_id"), null))) {
      throw Errors.conflict("Instance " + inst.getString("id") + " is locked");
    }
  }

  Future<Void> delete(AuthContext caller, String id, boolean force) {
    return load(caller, id).compose(inst -> {
      requireWriter(caller, inst, "servers:delete");
      requireUnlocked(caller, inst);
      if (force && !may(caller, "os-deferred-delete:force", Target.project(inst.getString("project_id"), null))) {
        throw Errors.forbidden("Policy doesn't allow os_compute_api:os-deferred-delete:force to be performed.");
      }
      return db.preparedQuery("UPDATE instances SET task_state = 'deleting', updated_at = now() "
          + "WHERE id = $1 AND NOT deleted AND coalesce(task_state, '') <> 'deleting' RETURNING *").execute(Tuple.of(id));
    }).map(rows -> {
      if (rows.size() == 1) {
        JsonObject inst = ServerView.row(rows.iterator().next());
        publishState(inst);
        recordAction(inst, "delete", caller);
        String host = inst.getString("host");
        Future<Void> destroyed = host == null ? Future.succeededFuture()
          : ComputeAgent.createProxy(vertx, host).destroy(id).recover(err -> {
            LOG.warn("destroying {} on {}: {} (the record is deleted anyway)", id, host, err.getMessage());
            return Future.succeededFuture();
          });
        destroyed.compose(v -> finishDelete(inst)).onFailure(err -> LOG.error("deleting {}", id, err));
      }
      return null;
    });
  }

  private Future<Void> finishDelete(JsonObject inst) {
    String id = inst.getString("id");
    JsonObject[] resize = {null};
    return db.withTransaction(tx -> ServerOperations.abandonResize(tx, id).compose(m -> {
        resize[0] = m;
        return Scheduler.release(tx, id);
      }).compose(v -> tx.preparedQuery(
        "UPDATE instances SET deleted = true, vm_state = 'deleted', task_state = NULL, power_state = 0, terminated_at = now(), "
          + "updated_at = now() WHERE id = $1 AND NOT deleted RETURNING *").execute(Tuple.of(id))))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture();
        }
        JsonObject gone = ServerView.row(rows.iterator().next());
        publish(gone, "deleted");
        finishAction(id, "delete", null);
        Map<String, Long> held = amounts(gone.getJsonObject("flavor"), 1);
        if (resize[0] != null) {
          // a resize under way or unconfirmed holds the larger of both flavors' quota
          ServerOperations.quotaHeldBeyond(gone.getJsonObject("flavor"), resize[0]).forEach((k, v) -> held.merge(k, v, Long::sum));
        }
        return quota.release(gone.getString("project_id"), held);
      });
  }

  // ---- actions ------------------------------------------------------------------------------

  Future<JsonObject> action(AuthContext caller, String id, JsonObject body, Microversion mv) {
    if (body.size() != 1) {
      throw Errors.badRequest("An action body names exactly one action.");
    }
    String name = body.fieldNames().iterator().next();
    Object arg = body.getValue(name);
    return switch (name) {
      case "os-stop", "os-start", "pause", "unpause", "suspend", "resume" -> transition(caller, id, name).map(v -> null);
      case "reboot" -> {
        JsonObject r = arg instanceof JsonObject o ? o : null;
        String type = r == null ? null : Json.optString(r, "type");
        if (type == null || !Set.of("SOFT", "HARD").contains(type.toUpperCase())) {
          throw Errors.badRequest("Invalid input for field/attribute type: it must be SOFT or HARD.");
        }
        yield transition(caller, id, "reboot-" + type.toLowerCase()).map(v -> null);
      }
      case "lock" -> lock(caller, id, arg, true, mv).map(v -> null);
      case "unlock" -> lock(caller, id, arg, false, mv).map(v -> null);
      case "os-getConsoleOutput" -> consoleOutput(caller, id, arg);
      case "forceDelete" -> delete(caller, id, true).map(v -> null);
      // a server one cannot see is a 404 first, as in Nova, whatever the action
      default -> load(caller, id).map(inst -> {
        throw Errors.badRequest("The action " + name + " is not supported by this cloud (yet).");
      });
    };
  }

  private Future<Void> transition(AuthContext caller, String id, String key) {
    InstanceStates.Action a = InstanceStates.ACTIONS.get(key);
    return load(caller, id).compose(inst -> {
      requireWriter(caller, inst, "servers:action");
      requireUnlocked(caller, inst);
      // a hard reboot may interrupt a soft one, as in Nova
      String taskClause = "reboot-hard".equals(key) ? "coalesce(task_state, 'rebooting') = 'rebooting'" : "task_state IS NULL";
      return db.preparedQuery("UPDATE instances SET task_state = $3, updated_at = now() WHERE id = $1 AND NOT deleted "
          + "AND vm_state = ANY($2) AND host IS NOT NULL AND " + taskClause + " RETURNING *")
        .execute(Tuple.of(id, a.from().toArray(String[]::new), a.task()))
        .map(rows -> {
          if (rows.size() == 0) {
            String state = inst.getString("task_state") != null ? "task_state " + inst.getString("task_state")
              : "vm_state " + inst.getString("vm_state");
            throw Errors.conflict("Cannot '" + a.name() + "' instance " + id + " while it is in " + state);
          }
          return ServerView.row(rows.iterator().next());
        });
    }).map(inst -> {
      publishState(inst);
      recordAction(inst, a.name(), caller);
      ComputeAgent.createProxy(vertx, inst.getString("host")).act(id, a.agentOp()).onComplete(done -> {
        String vmState = done.succeeded() ? a.to() : inst.getString("vm_state");
        Integer power = done.succeeded() ? done.result().getInteger("power_state") : null;
        db.preparedQuery("UPDATE instances SET vm_state = $2, task_state = NULL, power_state = coalesce($3, power_state), "
            + "updated_at = now() WHERE id = $1 AND NOT deleted AND task_state = $4 RETURNING *")
          .execute(Tuple.of(id, vmState, power, a.task()))
          .onSuccess(rows -> rows.forEach(r -> publishState(ServerView.row(r))));
        finishAction(id, a.name(), done.succeeded() ? null : done.cause().getMessage());
      });
      return null;
    });
  }

  private Future<Void> lock(AuthContext caller, String id, Object arg, boolean lock, Microversion mv) {
    String reason = lock && mv.atLeast(2, 73) && arg instanceof JsonObject o ? Json.optString(o, "locked_reason") : null;
    return load(caller, id).compose(inst -> {
      requireWriter(caller, inst, "servers:action");
      boolean override = may(caller, "os-lock-server:unlock:unlock_override", Target.project(inst.getString("project_id"), null));
      if (!lock && inst.getBoolean("locked") && "admin".equals(inst.getString("locked_by")) && !override) {
        throw Errors.forbidden("The server was locked by an administrator and only an administrator can unlock it.");
      }
      String by = override && !inst.getString("project_id").equals(caller.projectId()) ? "admin" : "owner";
      return db.preparedQuery("UPDATE instances SET locked = $2, locked_by = $3, locked_reason = $4, updated_at = now() "
          + "WHERE id = $1 AND NOT deleted RETURNING *")
        .execute(Tuple.of(id, lock, lock ? by : null, lock ? reason : null));
    }).map(rows -> {
      rows.forEach(r -> {
        JsonObject inst = ServerView.row(r);
        publish(inst, "updated");
        recordAction(inst, lock ? "lock" : "unlock", caller);
        finishAction(id, lock ? "lock" : "unlock", null);
      });
      return null;
    });
  }

  private Future<JsonObject> consoleOutput(AuthContext caller, String id, Object arg) {
    int lines = -1;
    if (arg instanceof JsonObject o && o.getValue("length") != null) {
      Object len = o.getValue("length");
      try {
        lines = len instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(len));
      } catch (NumberFormatException e) {
        throw Errors.badRequest("Invalid input for field/attribute length: it must be an integer.");
      }
      if (lines < -1) {
        throw Errors.badRequest("Invalid input for field/attribute length: it must be -1 or more.");
      }
    }
    int n = lines;
    return load(caller, id).compose(inst -> {
      requireWriter(caller, inst, "servers:action");
      if (inst.getString("host") == null) {
        throw Errors.conflict("Instance " + id + " is not ready (it has no host yet).");
      }
      return ComputeAgent.createProxy(vertx, inst.getString("host")).consoleOutput(id, n);
    }).map(text -> new JsonObject().put("output", text));
  }

  // ---- instance actions log ------------------------------------------------------------------

  void recordAction(JsonObject inst, String action, AuthContext caller) {
    db.preparedQuery("INSERT INTO instance_actions (instance_id, action, request_id, user_id, project_id) VALUES ($1, $2, $3, $4, $5)")
      .execute(Tuple.of(inst.getString("id"), action, "req-" + UUID.randomUUID(), caller.userId(), inst.getString("project_id")))
      .onFailure(err -> LOG.warn("recording action {} of {}: {}", action, inst.getString("id"), err.getMessage()));
  }

  void finishAction(String id, String action, String error) {
    db.preparedQuery("UPDATE instance_actions SET finish_time = now(), result = $3, message = $4 WHERE id = "
        + "(SELECT max(id) FROM instance_actions WHERE instance_id = $1 AND action = $2 AND finish_time IS NULL)")
      .execute(Tuple.of(id, action, error == null ? "Success" : "Error", error))
      .onFailure(err -> LOG.warn("finishing action {} of {}: {}", action, id, err.getMessage()));
  }

  Future<JsonObject> actions(AuthContext caller, String id, Microversion mv) {
    return loadEvenDeleted(caller, id, "os-instance-actions:list").compose(inst -> db.preparedQuery(
        "SELECT * FROM instance_actions WHERE instance_id = $1 ORDER BY start_time DESC, id DESC").execute(Tuple.of(id)))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(action(r, mv)));
        return new JsonObject().put("instanceActions", out);
      });
  }

  Future<JsonObject> action(AuthContext caller, String id, String requestId, Microversion mv) {
    return loadEvenDeleted(caller, id, "os-instance-actions:show").compose(inst -> db.preparedQuery(
        "SELECT * FROM instance_actions WHERE instance_id = $1 AND request_id = $2").execute(Tuple.of(id, requestId)))
      .map(rows -> {
        if (rows.size() == 0) {
          throw Errors.notFound("Action " + requestId + " not found.");
        }
        Row r = rows.iterator().next();
        JsonObject a = action(r, mv);
        JsonArray events = new JsonArray();
        if (r.getOffsetDateTime("finish_time") != null) {
          events.add(new JsonObject().put("event", "compute_" + r.getString("action")).put("start_time", a.getString("start_time"))
            .put("finish_time", time(r.getOffsetDateTime("finish_time"))).put("result", r.getString("result"))
            .put("traceback", may(caller, "os-instance-actions:events:details", Target.none()) ? r.getString("message") : null));
        }
        return new JsonObject().put("instanceAction", a.put("events", events));
      });
  }

  private Future<JsonObject> loadEvenDeleted(AuthContext caller, String id, String rule) {
    return reload(id).map(inst -> {
      if (inst == null || !may(caller, rule, Target.project(inst.getString("project_id"), null))) {
        throw Errors.notFound("Instance " + id + " could not be found.");
      }
      return inst;
    });
  }

  private static JsonObject action(Row r, Microversion mv) {
    JsonObject a = new JsonObject().put("action", r.getString("action")).put("instance_uuid", r.getString("instance_id"))
      .put("request_id", r.getString("request_id")).put("user_id", r.getString("user_id"))
      .put("project_id", r.getString("project_id")).put("start_time", time(r.getOffsetDateTime("start_time")))
      .put("message", "Error".equals(r.getString("result")) ? r.getString("message") : null);
    if (mv.atLeast(2, 58)) { // Nova shows updated_at from 2.58
      a.put("updated_at", time(r.getOffsetDateTime("finish_time") != null ? r.getOffsetDateTime("finish_time") : r.getOffsetDateTime("start_time")));
    }
    return a;
  }

  // ---- power-state sync -----------------------------------------------------------------------

  /**
   * Reconciles the instances of a host with the domains its agent reports (at agent start): a
   * build or operation interrupted by a crash ends ACTIVE if its domain runs, else ERROR; a
   * settled instance takes the power state found.
   */
  Future<Void> reconcile(String hostId, JsonObject powerStates) {
    return db.preparedQuery("SELECT * FROM instances WHERE host_id = $1 AND NOT deleted").execute(Tuple.of(hostId)).compose(rows -> {
      List<Future<?>> updates = new ArrayList<>();
      for (Row r : rows) {
        JsonObject inst = ServerView.row(r);
        String id = inst.getString("id");
        Integer power = powerStates.getInteger(id);
        String vm = inst.getString("vm_state");
        String task = inst.getString("task_state");
        String newVm;
        JsonObject fault = null;
        if ("deleting".equals(task)) {
          continue; // the delete under way finishes it
        }
        if (power == null) {
          newVm = InstanceStates.ERROR;
          fault = new JsonObject().put("code", 500).put("created", time(OffsetDateTime.now()))
            .put("message", InstanceStates.BUILDING.equals(vm)
              ? "The build was interrupted: the compute agent restarted and the instance has no domain."
              : "The instance's domain was not found on its host when the compute agent started.");
        } else if (InstanceStates.BUILDING.equals(vm) || task != null) {
          newVm = power == 1 ? InstanceStates.ACTIVE : InstanceStates.fromPower(power, vm);
        } else {
          newVm = InstanceStates.fromPower(power, vm);
        }
        int p = power == null ? 0 : power;
        if (newVm.equals(vm) && task == null && p == inst.getInteger("power_state")) {
          continue;
        }
        JsonObject f = fault;
        updates.add(db.preparedQuery("UPDATE instances SET vm_state = $2, task_state = NULL, power_state = $3, "
            + "fault = coalesce($4, fault), launched_at = coalesce(launched_at, now()), updated_at = now() "
            + "WHERE id = $1 AND NOT deleted RETURNING *")
          .execute(Tuple.of(id, newVm, p, f))
          .onSuccess(u -> u.forEach(x -> publishState(ServerView.row(x)))));
      }
      return Future.join(updates).mapEmpty();
    });
  }

  /** At controller start: builds that never reached a host (the controller stopped) end in ERROR. */
  Future<Void> failOrphans() {
    return db.preparedQuery("SELECT id FROM instances WHERE NOT deleted AND vm_state = 'building' AND host_id IS NULL "
        + "AND updated_at < now() - interval '5 seconds'").execute()
      .map(rows -> {
        rows.forEach(r -> fail(r.getString("id"), "The build was interrupted before a host was chosen (the controller restarted)."));
        return null;
      });
  }

  // ---- events -------------------------------------------------------------------------------

  void publishState(JsonObject inst) {
    publish(inst, inst.getBoolean("deleted") ? "deleted" : InstanceStates.status(inst.getString("vm_state"), inst.getString("task_state")).toLowerCase());
  }

  void publish(JsonObject inst, String action) {
    ResourceEvents.publish(vertx, inst.getString("project_id"), RESOURCE, inst.getString("id"), action, view.event(inst));
  }
}
