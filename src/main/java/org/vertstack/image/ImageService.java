package org.vertstack.image;

import org.vertstack.common.quota.QuotaClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.ImagePolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.image.store.ImageStores;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Image metadata: create, read, list, JSON-patch, delete, tags, members and (de)activation, with
 * Glance's visibility rules. Bytes are handled by {@link ImageData}; this class never sees them.
 */
public final class ImageService {

  static final String EVENT_TYPE = "image.image";
  static final int MAX_TAGS = 128;

  private final Vertx vertx;
  private final Pool pool;
  /** The quota engine's names for image limits (Glance's unified limits). */
  static final String QUOTA_SERVICE = "image";
  static final String QUOTA_COUNT = "image_count_total";
  static final String QUOTA_SIZE = "image_size_total";

  private final QuotaClient quota;
  private final Garbage garbage;
  private final ImageStores stores;

  ImageService(Vertx vertx, Pool pool, QuotaClient quota, Garbage garbage, ImageStores stores) {
    this.vertx = vertx;
    this.pool = pool;
    this.quota = quota;
    this.garbage = garbage;
    this.stores = stores;
  }

  /** An image row as the API shows it. */
  JsonObject render(Row r) {
    return ImageJson.image(r);
  }

  /**
   * An image row as {@code auth} sees it: callers allowed get_image_location (admins) also see
   * where the bytes are, one location per store ({@code metadata.store}), as Glance shows them
   * with show_multiple_locations.
   */
  JsonObject view(AuthContext auth, Row r) {
    JsonObject image = render(r);
    if (POLICY.allowed(auth, "get_image_location", Target.project(r.getString("owner"), null))) {
      JsonArray locations = new JsonArray();
      for (String store : ImageJson.stores(r)) {
        String url = stores.has(store) ? stores.get(store).location(ImageData.objectName(r.getString("id"))) : store + "://";
        locations.add(new JsonObject().put("url", url).put("metadata", new JsonObject().put("store", store)));
      }
      image.put("locations", locations);
    }
    return image;
  }

  Pool pool() {
    return pool;
  }

  QuotaClient quota() {
    return quota;
  }

  void publish(JsonObject image, String action) {
    ResourceEvents.publish(vertx, image.getString("owner"), EVENT_TYPE, image.getString("id"), action, image);
  }

  // ---------------------------------------------------------------- create

  public Future<JsonObject> create(AuthContext auth, JsonObject body) {
    POLICY.check(auth.requireProjectScope(), "add_image", Target.project(auth.projectId(), null));
    for (String key : body.fieldNames()) {
      if (!key.equals("id")) {
        checkWritable(key);
      }
    }
    String id = body.getValue("id") == null ? UUID.randomUUID().toString() : uuid(body.getValue("id"));
    String owner = auth.projectId();
    if (body.getValue("owner") != null) {
      String wanted = string(body, "owner");
      if (!wanted.equals(owner) && !POLICY.allowed(auth, "set_image_owner", Target.none())) {
        throw Errors.forbidden("You are not permitted to create images owned by '" + wanted + "'.");
      }
      owner = wanted;
    }
    String visibility = body.getValue("visibility") == null ? "shared" : visibility(auth, body.getValue("visibility"));
    JsonObject props = new JsonObject();
    for (String key : body.fieldNames()) {
      if (!ImageJson.CORE.contains(key) && !key.equals("id")) {
        props.put(key, propertyValue(key, body.getValue(key)));
      }
    }
    Tuple t = Tuple.tuple()
      .addString(id)
      .addString(nullableString(body, "name"))
      .addString(owner)
      .addString(visibility)
      .addBoolean(bool(body, "protected", false))
      .addBoolean(bool(body, "os_hidden", false))
      .addString(format(body.getValue("disk_format"), "disk_format", ImageJson.DISK_FORMATS))
      .addString(format(body.getValue("container_format"), "container_format", ImageJson.CONTAINER_FORMATS))
      .addInteger(nonNegative(body, "min_disk"))
      .addInteger(nonNegative(body, "min_ram"))
      .addArrayOfString(tags(body.getValue("tags")))
      .addValue(props);
    String project = owner;
    return quota.reserve(project, QUOTA_COUNT, 1)
      .compose(v -> pool.preparedQuery("INSERT INTO images (id, name, owner, status, visibility, protected, os_hidden, "
          + "disk_format, container_format, min_disk, min_ram, tags, properties) "
          + "VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING " + ImageJson.COLUMNS)
        .execute(t)
        .recover(err -> {
          quota.release(project, QUOTA_COUNT, 1);
          if (String.valueOf(err.getMessage()).contains("images_pkey")) {
            return Future.failedFuture(Errors.conflict("Image with identifier " + id + " already exists!"));
          }
          return Future.failedFuture(err);
        }))
      .map(rows -> {
        JsonObject image = render(rows.iterator().next());
        publish(image, "created");
        return image;
      });
  }

  // ---------------------------------------------------------------- read

  /** The image's row if the caller may see it (get_image); 404 otherwise (never reveals it exists). */
  Future<Row> row(AuthContext auth, String id) {
    return row(auth, id, "get_image");
  }

  /** The image's row if {@code rule} (one of the table's "may see" rules) allows; 404 otherwise. */
  Future<Row> row(AuthContext auth, String id, String rule) {
    if (!isUuid(id)) {
      return Future.failedFuture(notFound(id));
    }
    return pool.preparedQuery("SELECT " + ImageJson.COLUMNS + ", EXISTS (SELECT 1 FROM members m WHERE m.image_id = i.id "
        + "AND m.member = $2) AS is_member FROM images i WHERE id = $1")
      .execute(Tuple.of(id, auth.projectId()))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(notFound(id));
        }
        Row r = rows.iterator().next();
        if (!POLICY.allowed(auth, rule, target(auth, r))) {
          return Future.failedFuture(notFound(id));
        }
        return Future.succeededFuture(r);
      });
  }

  static final Policy POLICY = ImagePolicy.RULES;

  /** What the image policy decides on: the owner project and the facts of its visibility. */
  static Target target(AuthContext auth, Row r) {
    String v = r.getString("visibility");
    return Target.project(r.getString("owner"), null).flag("public", "public".equals(v)).flag("community", "community".equals(v))
      .flag("member", "shared".equals(v) && Boolean.TRUE.equals(r.getBoolean("is_member")));
  }

  /** The row if the caller may change the image (modify_image): 404 if invisible, 403 if only visible. */
  Future<Row> writableRow(AuthContext auth, String id) {
    return writableRow(auth, id, "modify_image");
  }

  /** The row if {@code rule} lets the caller change the image: 404 if invisible, 403 if only visible. */
  Future<Row> writableRow(AuthContext auth, String id, String rule) {
    auth.requireProjectScope();
    return row(auth, id).compose(r -> POLICY.allowed(auth, rule, target(auth, r))
      ? Future.succeededFuture(r)
      : Future.failedFuture(Errors.forbidden("You are not authorized to modify image " + id + ".")));
  }

  public Future<JsonObject> get(AuthContext auth, String id) {
    return row(auth, id).map(r -> view(auth, r));
  }

  public Future<JsonObject> list(AuthContext auth, MultiMap params) {
    POLICY.check(auth, "get_images", Target.none());
    ImageQuery q = ImageQuery.parse(auth, params);
    Future<Row> marker = q.marker == null ? Future.succeededFuture(null)
      : pool.preparedQuery("SELECT " + q.sortColumns() + " FROM images WHERE id = $1").execute(Tuple.of(q.marker))
        .compose(rows -> rows.size() == 0
          ? Future.failedFuture(Errors.badRequest("Invalid marker. Image " + q.marker + " could not be found."))
          : Future.succeededFuture(rows.iterator().next()));
    return marker.compose(m -> {
      ImageQuery.Sql sql = q.select(m);
      return pool.preparedQuery(sql.text()).execute(sql.args());
    }).map(rows -> {
      JsonArray images = new JsonArray();
      String last = null;
      for (Row r : rows) {
        images.add(view(auth, r));
        last = r.getString("id");
      }
      JsonObject out = new JsonObject().put("images", images).put("first", q.link(null)).put("schema", "/v2/schemas/images");
      if (images.size() == q.limit && last != null) {
        out.put("next", q.link(last));
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- update

  public Future<JsonObject> patch(AuthContext auth, String id, List<ImagePatch.Op> ops) {
    return writableRow(auth, id).compose(r -> {
      JsonObject image = render(r);
      JsonObject changed = ImagePatch.apply(image, ops);
      return update(auth, r, changed);
    });
  }

  /** Validates the patched document and writes what changed. */
  private Future<JsonObject> update(AuthContext auth, Row current, JsonObject doc) {
    String id = current.getString("id");
    String status = current.getString("status");
    JsonObject before = render(current);
    for (String key : doc.fieldNames()) {
      Object now = doc.getValue(key);
      Object was = before.getValue(key);
      if (java.util.Objects.equals(now, was)) {
        continue;
      }
      checkWritable(key);
    }
    for (String key : before.fieldNames()) {
      if (!doc.containsKey(key)) {
        checkWritable(key);
        if (ImageJson.CORE.contains(key)) {
          throw Errors.forbidden("Attribute '" + key + "' can not be removed.");
        }
      }
    }
    String visibility = doc.getValue("visibility") == null ? null : String.valueOf(doc.getValue("visibility"));
    if (!java.util.Objects.equals(visibility, before.getString("visibility"))) {
      visibility = visibility(auth, doc.getValue("visibility"));
    }
    String owner = before.getString("owner");
    if (!java.util.Objects.equals(doc.getValue("owner"), owner)) {
      if (!POLICY.allowed(auth, "set_image_owner", Target.none())) {
        throw Errors.forbidden("Attribute 'owner' can only be changed by an admin.");
      }
      owner = string(doc, "owner");
    }
    String disk = format(doc.getValue("disk_format"), "disk_format", ImageJson.DISK_FORMATS);
    String container = format(doc.getValue("container_format"), "container_format", ImageJson.CONTAINER_FORMATS);
    if ((!java.util.Objects.equals(disk, before.getString("disk_format"))
      || !java.util.Objects.equals(container, before.getString("container_format"))) && !"queued".equals(status)) {
      throw Errors.forbidden("Attributes disk_format and container_format can only be changed while the image is queued.");
    }
    JsonObject props = new JsonObject();
    for (String key : doc.fieldNames()) {
      if (!ImageJson.CORE.contains(key) && !ImageJson.READ_ONLY.contains(key)) {
        props.put(key, propertyValue(key, doc.getValue(key)));
      }
    }
    Tuple t = Tuple.tuple()
      .addString(id)
      .addString(nullableString(doc, "name"))
      .addString(owner)
      .addString(visibility)
      .addBoolean(bool(doc, "protected", false))
      .addBoolean(bool(doc, "os_hidden", false))
      .addString(disk)
      .addString(container)
      .addInteger(nonNegative(doc, "min_disk"))
      .addInteger(nonNegative(doc, "min_ram"))
      .addArrayOfString(tags(doc.getValue("tags")))
      .addValue(props);
    return pool.preparedQuery("UPDATE images SET name = $2, owner = $3, visibility = $4, protected = $5, os_hidden = $6, "
        + "disk_format = $7, container_format = $8, min_disk = $9, min_ram = $10, tags = $11, properties = $12, "
        + "updated_at = date_trunc('second', now()) WHERE id = $1 RETURNING " + ImageJson.COLUMNS)
      .execute(t)
      .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound(id)) : Future.succeededFuture(render(rows.iterator().next())))
      .onSuccess(image -> publish(image, "updated"));
  }

  public Future<Void> addTag(AuthContext auth, String id, String tag) {
    if (tag.isEmpty() || tag.length() > 255) {
      return Future.failedFuture(Errors.badRequest("Tag must be 1 to 255 characters."));
    }
    return writableRow(auth, id).compose(r -> {
      List<String> tags = new ArrayList<>(List.of(r.getArrayOfStrings("tags")));
      if (tags.contains(tag)) {
        return Future.succeededFuture();
      }
      if (tags.size() >= MAX_TAGS) {
        return Future.failedFuture(Errors.overQuota("Maximum number of tags (" + MAX_TAGS + ") exceeded."));
      }
      return setTags(id, tags, tag, true);
    });
  }

  public Future<Void> removeTag(AuthContext auth, String id, String tag) {
    return writableRow(auth, id).compose(r -> {
      if (!List.of(r.getArrayOfStrings("tags")).contains(tag)) {
        return Future.failedFuture(Errors.notFound("Tag " + tag + " not found on image " + id + "."));
      }
      return setTags(id, List.of(r.getArrayOfStrings("tags")), tag, false);
    });
  }

  private Future<Void> setTags(String id, List<String> tags, String tag, boolean add) {
    String sql = add ? "array_append(tags, $2)" : "array_remove(tags, $2)";
    return pool.preparedQuery("UPDATE images SET tags = " + sql + ", updated_at = date_trunc('second', now()) WHERE id = $1 "
        + (add ? "AND NOT ($2 = ANY(tags)) " : "") + "RETURNING " + ImageJson.COLUMNS)
      .execute(Tuple.of(id, tag))
      .onSuccess(rows -> rows.forEach(r -> publish(render(r), "updated")))
      .mapEmpty();
  }

  // ---------------------------------------------------------------- delete

  public Future<Void> delete(AuthContext auth, String id) {
    return writableRow(auth, id, "delete_image").compose(r -> {
      if (r.getBoolean("protected")) {
        return Future.failedFuture(Errors.forbidden("Image " + id + " is protected and cannot be deleted."));
      }
      return pool.preparedQuery("DELETE FROM images WHERE id = $1 RETURNING " + ImageJson.COLUMNS).execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(notFound(id));
          }
          Row gone = rows.iterator().next();
          String owner = gone.getString("owner");
          Long size = gone.getLong("size");
          JsonObject image = render(gone).put("status", "deleted");
          publish(image, "deleted");
          // bytes of a finished or in-flight upload: removed now, or retried later by the collector
          return Future.all(quota.release(owner, QUOTA_COUNT, 1),
              quota.release(owner, QUOTA_SIZE, size == null ? 0 : size),
              garbage.discardEverywhere(ImageData.objectName(id)))
            .<Void>mapEmpty();
        });
    });
  }

  // ---------------------------------------------------------------- actions

  public Future<Void> deactivate(AuthContext auth, String id) {
    return statusAction(auth, id, "deactivated", "active", "deactivate");
  }

  public Future<Void> reactivate(AuthContext auth, String id) {
    return statusAction(auth, id, "active", "deactivated", "reactivate");
  }

  /** Glance's default policy: the image's own project members (and admins) may (de)activate it. */
  private Future<Void> statusAction(AuthContext auth, String id, String to, String from, String rule) {
    return writableRow(auth, id, rule).compose(r -> {
      String status = r.getString("status");
      if (status.equals(to)) {
        return Future.succeededFuture();
      }
      if (!status.equals(from)) {
        return Future.failedFuture(Errors.forbidden("Not allowed to " + (to.equals("active") ? "reactivate" : "deactivate")
          + " image in status '" + status + "'"));
      }
      return pool.preparedQuery("UPDATE images SET status = $2, updated_at = date_trunc('second', now()) WHERE id = $1 AND status = $3 "
          + "RETURNING " + ImageJson.COLUMNS)
        .execute(Tuple.of(id, to, from))
        .onSuccess(rows -> rows.forEach(x -> publish(render(x), to)))
        .mapEmpty();
    });
  }

  // ---------------------------------------------------------------- members

  public Future<JsonObject> listMembers(AuthContext auth, String id) {
    return sharedRow(auth, id, "get_members").compose(r -> {
      boolean owner = POLICY.allowed(auth, "get_all_members", target(auth, r));
      String sql = "SELECT * FROM members WHERE image_id = $1" + (owner ? "" : " AND member = $2") + " ORDER BY created_at, member";
      Tuple t = owner ? Tuple.of(id) : Tuple.of(id, auth.projectId());
      return pool.preparedQuery(sql).execute(t);
    }).map(rows -> {
      JsonArray members = new JsonArray();
      rows.forEach(m -> members.add(ImageJson.member(m)));
      return new JsonObject().put("members", members).put("schema", "/v2/schemas/members");
    });
  }

  public Future<JsonObject> getMember(AuthContext auth, String id, String member) {
    return sharedRow(auth, id, "get_member").compose(r -> {
      if (!POLICY.allowed(auth, "get_all_members", target(auth, r)) && !member.equals(auth.projectId())) {
        return Future.failedFuture(Errors.notFound("Member " + member + " not found for image " + id + "."));
      }
      return memberRow(id, member);
    }).map(ImageJson::member);
  }

  public Future<JsonObject> addMember(AuthContext auth, String id, JsonObject body) {
    String member = body.getValue("member") instanceof String s && !s.isBlank() ? s : null;
    if (member == null) {
      return Future.failedFuture(Errors.badRequest("Member to be added not specified"));
    }
    return writableRow(auth, id, "add_member").compose(r -> {
      if (!"shared".equals(r.getString("visibility"))) {
        return Future.failedFuture(Errors.forbidden("Only shared images have members."));
      }
      return pool.preparedQuery("INSERT INTO members (image_id, member) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING *")
        .execute(Tuple.of(id, member))
        .compose(rows -> rows.size() == 0
          ? Future.failedFuture(Errors.conflict("Member " + member + " already exists for image " + id + "."))
          : Future.succeededFuture(ImageJson.member(rows.iterator().next())));
    }).onSuccess(m -> ResourceEvents.publish(vertx, auth.projectId(), "image.member", id + ":" + member, "created", m));
  }

  public Future<JsonObject> updateMember(AuthContext auth, String id, String member, JsonObject body) {
    Object status = body.getValue("status");
    if (!(status instanceof String s) || !Set.of("pending", "accepted", "rejected").contains(s)) {
      return Future.failedFuture(Errors.badRequest("Status must be one of pending, accepted, rejected."));
    }
    auth.requireProjectScope();
    return sharedRow(auth, id, "get_member").compose(r -> {
      if (!POLICY.allowed(auth, "modify_member", target(auth, r).flag("invited", member.equals(auth.projectId())))) {
        // only the invited project decides; the owner sees 403 as in Glance
        return Future.failedFuture(POLICY.allowed(auth, "get_all_members", target(auth, r))
          ? Errors.forbidden("You are not permitted to modify 'status' on this image member.")
          : Errors.notFound("Member " + member + " not found for image " + id + "."));
      }
      return pool.preparedQuery("UPDATE members SET status = $3, updated_at = date_trunc('second', now()) "
          + "WHERE image_id = $1 AND member = $2 RETURNING *")
        .execute(Tuple.of(id, member, s))
        .compose(rows -> rows.size() == 0
          ? Future.failedFuture(Errors.notFound("Member " + member + " not found for image " + id + "."))
          : Future.succeededFuture(ImageJson.member(rows.iterator().next())));
    }).onSuccess(m -> ResourceEvents.publish(vertx, member, "image.member", id + ":" + member, s, m));
  }

  public Future<Void> removeMember(AuthContext auth, String id, String member) {
    return writableRow(auth, id, "delete_member").compose(r -> pool.preparedQuery("DELETE FROM members WHERE image_id = $1 AND member = $2")
      .execute(Tuple.of(id, member))
      .compose(rows -> rows.rowCount() == 0
        ? Future.failedFuture(Errors.notFound("Member " + member + " not found for image " + id + "."))
        : Future.<Void>succeededFuture()))
      .onSuccess(v -> ResourceEvents.publish(vertx, auth.projectId(), "image.member", id + ":" + member, "deleted", new JsonObject()));
  }

  private Future<Row> sharedRow(AuthContext auth, String id, String rule) {
    return row(auth, id, rule).compose(r -> "shared".equals(r.getString("visibility"))
      ? Future.succeededFuture(r)
      : Future.failedFuture(Errors.forbidden("Only shared images have members.")));
  }

  private Future<Row> memberRow(String id, String member) {
    return pool.preparedQuery("SELECT * FROM members WHERE image_id = $1 AND member = $2").execute(Tuple.of(id, member))
      .compose(rows -> rows.size() == 0
        ? Future.failedFuture(Errors.notFound("Member " + member + " not found for image " + id + "."))
        : Future.succeededFuture(rows.iterator().next()));
  }

  // ---------------------------------------------------------------- usage

  public Future<JsonObject> usage(AuthContext auth) {
    POLICY.check(auth.requireProjectScope(), "get_usage", Target.project(auth.projectId(), null));
    String project = auth.projectId();
    Future<Row> used = pool.preparedQuery("SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes, "
        + "count(*) FILTER (WHERE status IN ('saving', 'uploading', 'importing')) AS uploading, "
        + "coalesce(sum(size) FILTER (WHERE staged AND status = 'uploading'), 0) AS staged FROM images WHERE owner = $1")
      .execute(Tuple.of(project)).map(rows -> rows.iterator().next());
    return Future.all(used, quota.limits(project)).map(all -> {
      Row r = all.resultAt(0);
      JsonObject limits = all.resultAt(1);
      long countLimit = limits.getLong(QUOTA_COUNT, -1L);
      long sizeLimit = limits.getLong(QUOTA_SIZE, -1L);
      return new JsonObject().put("usage", new JsonObject()
        .put("image_size_total", new JsonObject().put("limit", sizeLimit).put("usage", r.getLong("bytes")))
        .put("image_stage_total", new JsonObject().put("limit", -1).put("usage", r.getLong("staged")))
        .put("image_count_total", new JsonObject().put("limit", countLimit).put("usage", r.getLong("n")))
        .put("image_count_uploading", new JsonObject().put("limit", -1).put("usage", r.getLong("uploading"))));
    });
  }

  // ---------------------------------------------------------------- validation helpers

  static void checkWritable(String key) {
    if (ImageJson.READ_ONLY.contains(key)) {
      throw Errors.forbidden("Attribute '" + key + "' is read-only.");
    }
    if (ImageJson.RESERVED.contains(key) || key.startsWith("os_glance")) {
      throw Errors.forbidden("Attribute '" + key + "' is reserved.");
    }
  }

  static String visibility(AuthContext auth, Object raw) {
    if (!(raw instanceof String v) || !ImageJson.VISIBILITIES.contains(v)) {
      throw Errors.badRequest("Invalid visibility value: " + raw);
    }
    if ("public".equals(v) && !POLICY.allowed(auth, "publicize_image", Target.none())) {
      throw Errors.forbidden("You are not authorized to complete publicize_image action.");
    }
    return v;
  }

  static String format(Object raw, String key, Set<String> allowed) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s) || !allowed.contains(s)) {
      throw Errors.badRequest("Invalid value '" + raw + "' for " + key + ". Valid values are: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ".");
    }
    return s;
  }

  static Object propertyValue(String key, Object value) {
    if (key.isEmpty() || key.length() > 255) {
      throw Errors.badRequest("Property names must be 1 to 255 characters.");
    }
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw Errors.badRequest("Provided object does not match schema 'image': " + value + " is not of type 'string' "
        + "(property '" + key + "').");
    }
    if (s.length() > 65535) {
      throw Errors.badRequest("Property '" + key + "' is too long.");
    }
    return s;
  }

  static String nullableString(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.length() > 255) {
      throw Errors.badRequest("'" + key + "' must be a string of at most 255 characters.");
    }
    return s;
  }

  static String string(JsonObject o, String key) {
    String s = nullableString(o, key);
    if (s == null) {
      throw Errors.badRequest("'" + key + "' must be a string.");
    }
    return s;
  }

  static boolean bool(JsonObject o, String key, boolean dflt) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw Errors.badRequest("'" + key + "' must be a boolean.");
    }
    return b;
  }

  static int nonNegative(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) {
      return 0;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
      throw Errors.badRequest("'" + key + "' must be a non-negative integer.");
    }
    return n.intValue();
  }

  static String[] tags(Object raw) {
    if (raw == null) {
      return new String[0];
    }
    if (!(raw instanceof JsonArray a)) {
      throw Errors.badRequest("'tags' must be an array of strings.");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object t : a) {
      if (!(t instanceof String s) || s.isEmpty() || s.length() > 255) {
        throw Errors.badRequest("Each tag must be a string of 1 to 255 characters.");
      }
      out.add(s);
    }
    if (out.size() > MAX_TAGS) {
      throw Errors.overQuota("Maximum number of tags (" + MAX_TAGS + ") exceeded.");
    }
    return out.toArray(new String[0]);
  }

  static String uuid(Object raw) {
    if (!(raw instanceof String s) || !isUuid(s)) {
      throw Errors.badRequest("Invalid image id: " + raw + " is not a UUID.");
    }
    return s.toLowerCase();
  }

  static boolean isUuid(String s) {
    return s != null && s.matches("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  }

  static RuntimeException notFound(String id) {
    return Errors.notFound("No image found with ID " + id);
  }
}
