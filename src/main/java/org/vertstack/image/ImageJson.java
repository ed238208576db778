package org.vertstack.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** How Glance v2 shows images and members; and the JSON schemas it publishes for them. */
final class ImageJson {

  static final Set<String> DISK_FORMATS = Set.of("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop");
  static final Set<String> CONTAINER_FORMATS = Set.of("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed");
  static final Set<String> VISIBILITIES = Set.of("public", "private", "shared", "community");

  /** Properties the server computes; a client that sets them gets a 403 as from Glance. */
  static final Set<String> READ_ONLY = Set.of("id", "status", "checksum", "os_hash_algo", "os_hash_value", "size",
    "virtual_size", "created_at", "updated_at", "file", "self", "schema", "stores", "direct_url", "owner_id");
  static final Set<String> RESERVED = Set.of("location", "locations", "deleted", "deleted_at", "os_glance_import_task");

  /** Columns that are first-class attributes (everything else is a free-form property). */
  static final Set<String> CORE = Set.of("name", "visibility", "protected", "os_hidden", "disk_format",
    "container_format", "min_disk", "min_ram", "tags", "owner");

  static final String COLUMNS = "id, name, owner, status, visibility, protected, os_hidden, disk_format, container_format, "
    + "min_disk, min_ram, size, virtual_size, checksum, os_hash_algo, os_hash_value, tags, properties, upload_id, staged, "
    + "stores, staging_store, created_at, updated_at";

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private ImageJson() {
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
  }

  /** The stores holding an image's bytes, sorted (Glance joins them with commas in {@code stores}). */
  static java.util.List<String> stores(Row r) {
    String[] held = r.getArrayOfStrings("stores");
    return held == null ? java.util.List.of() : java.util.Arrays.stream(held).sorted().distinct().toList();
  }

  /** An image row as Glance shows it, with the stores holding its data. */
  static JsonObject image(Row r) {
    String id = r.getString("id");
    JsonObject props = (JsonObject) r.getValue("properties");
    JsonObject out = new JsonObject();
    if (props != null) {
      props.forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    out.put("id", id)
      .put("name", r.getString("name"))
      .put("status", r.getString("status"))
      .put("visibility", r.getString("visibility"))
      .put("protected", r.getBoolean("protected"))
      .put("os_hidden", r.getBoolean("os_hidden"))
      .put("checksum", r.getString("checksum"))
      .put("os_hash_algo", r.getString("os_hash_algo"))
      .put("os_hash_value", r.getString("os_hash_value"))
      .put("owner", r.getString("owner"))
      .put("size", r.getLong("size"))
      .put("virtual_size", r.getLong("virtual_size"))
      .put("min_ram", r.getInteger("min_ram"))
      .put("min_disk", r.getInteger("min_disk"))
      .put("disk_format", r.getString("disk_format"))
      .put("container_format", r.getString("container_format"))
      .put("created_at", time(r.getOffsetDateTime("created_at")))
      .put("updated_at", time(r.getOffsetDateTime("updated_at")))
      .put("tags", new JsonArray(java.util.Arrays.asList(r.getArrayOfStrings("tags"))))
      .put("self", "/v2/images/" + id)
      .put("file", "/v2/images/" + id + "/file")
      .put("schema", "/v2/schemas/image");
    java.util.List<String> stores = stores(r);
    if (!stores.isEmpty()) {
      out.put("stores", String.join(",", stores));
    }
    return out;
  }

  static JsonObject member(Row r) {
    return new JsonObject()
      .put("image_id", r.getString("image_id"))
      .put("member_id", r.getString("member"))
      .put("status", r.getString("status"))
      .put("created_at", time(r.getOffsetDateTime("created_at")))
      .put("updated_at", time(r.getOffsetDateTime("updated_at")))
      .put("schema", "/v2/schemas/member");
  }

  // ---- schemas (what glanceclient validates its models against) ----

  private static JsonObject type(Object t) {
    return new JsonObject().put("type", t);
  }

  private static JsonObject ro(JsonObject prop) {
    return prop.put("readOnly", true);
  }

  static JsonObject imageSchema() {
    JsonArray nullableString = new JsonArray().add("null").add("string");
    JsonObject p = new JsonObject()
      .put("id", ro(type("string").put("pattern", "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$")
        .put("description", "An identifier for the image")))
      .put("name", type(nullableString).put("maxLength", 255).put("description", "Descriptive name for the image"))
      .put("status", ro(type("string").put("enum", new JsonArray().add("queued").add("saving").add("active").add("killed")
        .add("deleted").add("uploading").add("importing").add("pending_delete").add("deactivated"))
        .put("description", "Status of the image")))
      .put("visibility", type("string").put("enum", new JsonArray().add("community").add("public").add("private").add("shared"))
        .put("description", "Scope of image accessibility"))
      .put("protected", type("boolean").put("description", "If true, image will not be deletable."))
      .put("os_hidden", type("boolean").put("description", "If true, image will not appear in default image list response."))
      .put("checksum", ro(type(nullableString).put("maxLength", 32).put("description", "md5 hash of image contents.")))
      .put("os_hash_algo", ro(type(nullableString).put("maxLength", 64).put("description", "Algorithm to calculate the os_hash_value")))
      .put("os_hash_value", ro(type(nullableString).put("maxLength", 128).put("description", "Hexdigest of the image contents")))
      .put("owner", type(nullableString).put("maxLength", 255).put("description", "Owner of the image"))
      .put("size", ro(type(new JsonArray().add("null").add("integer")).put("description", "Size of image file in bytes")))
      .put("virtual_size", ro(type(new JsonArray().add("null").add("integer")).put("description", "Virtual size of image in bytes")))
      .put("container_format", type(new JsonArray().add("null").add("string")).put("enum", new JsonArray().addNull()
        .add("ami").add("ari").add("aki").add("bare").add("ovf").add("ova").add("docker").add("compressed"))
        .put("description", "Format of the container"))
      .put("disk_format", type(new JsonArray().add("null").add("string")).put("enum", new JsonArray().addNull()
        .add("ami").add("ari").add("aki").add("vhd").add("vhdx").add("vmdk").add("raw").add("qcow2").add("vdi").add("iso").add("ploop"))
        .put("description", "Format of the disk"))
      .put("created_at", ro(type("string").put("description", "Date and time of image registration")))
      .put("updated_at", ro(type("string").put("description", "Date and time of the last image modification")))
      .put("tags", type("array").put("items", type("string").put("maxLength", 255)).put("description", "List of strings related to the image"))
      .put("direct_url", ro(type("string").put("description", "URL to access the image file kept in external store")))
      .put("min_ram", type("integer").put("description", "Amount of ram (in MB) required to boot image."))
      .put("min_disk", type("integer").put("description", "Amount of disk space (in GB) required to boot image."))
      .put("self", ro(type("string").put("description", "An image self url")))
      .put("file", ro(type("string").put("description", "An image file url")))
      .put("stores", ro(type("string").put("description", "Store in which image data resides.")))
      .put("schema", ro(type("string").put("description", "An image schema url")))
      .put("locations", type("array").put("items", type("object")).put("description", "A set of URLs to access the image file kept in external store"))
      .put("kernel_id", type(nullableString).put("description", "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image."))
      .put("ramdisk_id", type(nullableString).put("description", "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image."))
      .put("instance_uuid", type("string").put("description", "Metadata which can be used to record which instance this image is associated with."))
      .put("architecture", type("string").put("description", "Operating system architecture"))
      .put("os_distro", type("string").put("description", "Common name of operating system distribution"))
      .put("os_version", type("string").put("description", "Operating system version as specified by the distributor"));
    return new JsonObject()
      .put("name", "image")
      .put("properties", p)
      .put("additionalProperties", type("string"))
      .put("links", new JsonArray()
        .add(new JsonObject().put("rel", "self").put("href", "{self}"))
        .add(new JsonObject().put("rel", "enclosure").put("href", "{file}"))
        .add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
  }

  static JsonObject imagesSchema() {
    return new JsonObject()
      .put("name", "images")
      .put("properties", new JsonObject()
        .put("images", type("array").put("items", imageSchema()))
        .put("schema", type("string"))
        .put("first", type("string"))
        .put("next", type("string")))
      .put("links", new JsonArray()
        .add(new JsonObject().put("rel", "first").put("href", "{first}"))
        .add(new JsonObject().put("rel", "next").put("href", "{next}"))
        .add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
  }

  static JsonObject memberSchema() {
    return new JsonObject()
      .put("name", "member")
      .put("properties", new JsonObject()
        .put("created_at", type("string").put("description", "Date and time of image member creation"))
        .put("image_id", type("string").put("description", "An identifier for the image"))
        .put("member_id", type("string").put("description", "An identifier for the image member (tenantId)"))
        .put("schema", ro(type("string")))
        .put("status", type("string").put("enum", new JsonArray().add("pending").add("accepted").add("rejected"))
          .put("description", "The status of this image member"))
        .put("updated_at", type("string").put("description", "Date and time of last modification of image member")));
  }

  static JsonObject membersSchema() {
    return new JsonObject()
      .put("name", "members")
      .put("properties", new JsonObject()
        .put("members", type("array").put("items", memberSchema()))
        .put("schema", type("string")))
      .put("links", new JsonArray().add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
  }
}
