package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nova's image proxy ({@code /images}, up to microversion 2.35): the image service's images seen
 * through Nova's view (status ACTIVE/SAVING/..., minDisk, minRam, progress, metadata from the
 * image's own properties, the snapshotted server). Every read and write goes to the image
 * service's HTTP API with the caller's token, so the image service's policy decides who sees
 * and changes what (another project's private image is a 404, as in Nova).
 */
final class ComputeImages {

  /** Glance's base attributes: everything else on an image is a property, Nova's "metadata". */
  private static final Set<String> BASE = Set.of("id", "name", "status", "visibility", "protected", "os_hidden", "checksum",
    "os_hash_algo", "os_hash_value", "owner", "size", "virtual_size", "min_ram", "min_disk", "disk_format", "container_format",
    "created_at", "updated_at", "tags", "self", "file", "schema", "direct_url", "locations", "stores");
  private static final Map<String, String> STATUS = Map.of("active", "ACTIVE", "queued", "SAVING", "saving", "SAVING",
    "uploading", "SAVING", "importing", "SAVING", "deleted", "DELETED", "pending_delete", "DELETED", "killed", "ERROR");
  private static final Map<String, Integer> PROGRESS = Map.of("queued", 25, "saving", 50, "active", 100);
  private static final int MAX_METADATA = 128;
  private static final int PAGE = 1000;
  private static final DateTimeFormatter NOVA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private final HttpClient http;
  private final String imagesUrl;
  private final String base;

  ComputeImages(Vertx vertx, String publicUrl) {
    this.http = vertx.createHttpClient();
    this.imagesUrl = publicUrl + "/image/v2/images";
    this.base = publicUrl + "/compute";
  }

  // ---- images ---------------------------------------------------------------------------------

  /** GET /images[/detail] with Nova's filters (name, status, changes-since, server, type, minRam, minDisk) and paging. */
  Future<JsonObject> list(String token, MultiMap params, boolean detail) {
    StringBuilder query = new StringBuilder();
    add(query, "name", params.get("name"));
    String status = params.get("status");
    if (status != null) {
      add(query, "status", status.toLowerCase(java.util.Locale.ROOT));
    }
    String since = params.get("changes-since");
    if (since != null) {
      add(query, "updated_at", "gte:" + since);
    }
    String server = params.get("server");
    if (server != null) {
      add(query, "instance_uuid", server.substring(server.lastIndexOf('/') + 1));
    }
    add(query, "image_type", params.get("type"));
    Integer limit = number(params.get("limit"), "limit");
    Integer minRam = number(params.get("minRam"), "minRam");
    Integer minDisk = number(params.get("minDisk"), "minDisk");
    String marker = params.get("marker");
    List<JsonObject> found = new ArrayList<>();
    String first = imagesUrl + "?limit=" + PAGE + query + (marker == null ? "" : "&marker=" + encode(marker));
    return pages(token, first, found, limit == null ? Integer.MAX_VALUE : limit, minRam, minDisk).map(v -> {
      JsonArray out = new JsonArray();
      found.forEach(image -> out.add(detail ? detail(image) : brief(image)));
      JsonObject answer = new JsonObject().put("images", out);
      if (limit != null && found.size() == limit && limit > 0) {
        String next = base + "/v2.1/images" + (detail ? "/detail" : "") + "?limit=" + limit + "&marker="
          + found.get(found.size() - 1).getString("id");
        answer.put("images_links", new JsonArray().add(new JsonObject().put("rel", "next").put("href", next)));
      }
      return answer;
    });
  }

  private Future<Void> pages(String token, String url, List<JsonObject> found, int limit, Integer minRam, Integer minDisk) {
    return send(HttpMethod.GET, url, token, null, null).compose(resp -> {
      JsonObject page = expect(resp, 200);
      for (Object o : page.getJsonArray("images", new JsonArray())) {
        JsonObject image = (JsonObject) o;
        if (found.size() < limit && (minRam == null || image.getInteger("min_ram", 0) >= minRam)
          && (minDisk == null || image.getInteger("min_disk", 0) >= minDisk)) {
          found.add(image);
        }
      }
      String next = page.getString("next");
      if (found.size() >= limit || next == null) {
        return Future.succeededFuture();
      }
      String origin = imagesUrl.substring(0, imagesUrl.indexOf("/image/v2/images"));
      return pages(token, origin + "/image" + next, found, limit, minRam, minDisk);
    });
  }

  Future<JsonObject> get(String token, String id) {
    return image(token, id).map(image -> new JsonObject().put("image", detail(image)));
  }

  Future<Void> delete(String token, String id) {
    return checkId(id).compose(v -> send(HttpMethod.DELETE, imagesUrl + "/" + encode(id), token, null, null)).map(resp -> {
      expect(resp, 204);
      return null;
    });
  }

  // ---- metadata ---------------------------------------------------------------------------------

  Future<JsonObject> metadata(String token, String id) {
    return image(token, id).map(image -> new JsonObject().put("metadata", properties(image)));
  }

  Future<JsonObject> item(String token, String id, String key) {
    return image(token, id).map(image -> {
      JsonObject props = properties(image);
      if (!props.containsKey(key)) {
        throw Errors.notFound("Image " + id + " has no metadata item " + key + ".");
      }
      return new JsonObject().put("meta", new JsonObject().put(key, props.getValue(key)));
    });
  }

  /** POST merges the items into the image's metadata, PUT replaces it; answers all of it. */
  Future<JsonObject> setMetadata(String token, String id, JsonObject body, boolean replace) {
    JsonObject items = Json.object(body, "metadata");
    checkMetadata(items);
    return image(token, id).compose(image -> {
      JsonObject now = properties(image);
      JsonObject wanted = replace ? items : now.copy().mergeIn(items);
      return write(token, id, now, wanted).map(done -> new JsonObject().put("metadata", properties(done)));
    });
  }

  Future<JsonObject> setItem(String token, String id, String key, JsonObject body) {
    JsonObject meta = Json.object(body, "meta");
    if (meta.size() != 1) {
      throw Errors.badRequest("Request body contains too many items");
    }
    if (!meta.containsKey(key)) {
      throw Errors.badRequest("Request body and URI mismatch");
    }
    checkMetadata(meta);
    return image(token, id).compose(image -> {
      JsonObject now = properties(image);
      return write(token, id, now, now.copy().mergeIn(meta)).map(done -> new JsonObject().put("meta", meta));
    });
  }

  Future<Void> deleteItem(String token, String id, String key) {
    return image(token, id).compose(image -> {
      JsonObject now = properties(image);
      if (!now.containsKey(key)) {
        throw Errors.notFound("Image " + id + " has no metadata item " + key + ".");
      }
      JsonObject rest = now.copy();
      rest.remove(key);
      return write(token, id, now, rest).mapEmpty();
    });
  }

  private static void checkMetadata(JsonObject items) {
    items.forEach(e -> {
      if (e.getKey().isEmpty() || e.getKey().length() > 255 || !(e.getValue() instanceof String v) || v.length() > 255) {
        throw Errors.badRequest("Invalid input for field/attribute metadata: keys and values are strings of 1-255 characters.");
      }
    });
  }

  /** One JSON Patch taking the image's properties from {@code now} to {@code wanted}. */
  private Future<JsonObject> write(String token, String id, JsonObject now, JsonObject wanted) {
    if (wanted.size() > MAX_METADATA) {
      throw Errors.forbidden("Quota exceeded for metadata_items: at most " + MAX_METADATA + " image metadata items.");
    }
    JsonArray ops = new JsonArray();
    for (String key : now.fieldNames()) {
      if (!wanted.containsKey(key)) {
        ops.add(new JsonObject().put("op", "remove").put("path", "/" + pointer(key)));
      }
    }
    wanted.forEach(e -> {
      if (!e.getValue().equals(now.getValue(e.getKey()))) {
        ops.add(new JsonObject().put("op", now.containsKey(e.getKey()) ? "replace" : "add").put("path", "/" + pointer(e.getKey()))
          .put("value", e.getValue()));
      }
    });
    return send(HttpMethod.PATCH, imagesUrl + "/" + encode(id), token, Buffer.buffer(ops.encode()),
      "application/openstack-images-v2.1-json-patch").map(resp -> expect(resp, 200));
  }

  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  // ---- Nova's view ------------------------------------------------------------------------------

  private Future<JsonObject> image(String token, String id) {
    return checkId(id).compose(v -> send(HttpMethod.GET, imagesUrl + "/" + encode(id), token, null, null))
      .map(resp -> expect(resp, 200));
  }

  /** An id that cannot be an image's is not found, as in Nova (never the image service's 400). */
  private static Future<Void> checkId(String id) {
    return id.matches("[0-9a-fA-F-]{1,64}") ? Future.succeededFuture() : Future.failedFuture(Errors.notFound("Image not found."));
  }

  private static JsonObject properties(JsonObject image) {
    JsonObject props = new JsonObject();
    image.forEach(e -> {
      if (!BASE.contains(e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    });
    return props;
  }

  private JsonArray links(String collection, String id) {
    return new JsonArray()
      .add(new JsonObject().put("rel", "self").put("href", base + "/v2.1/" + collection + "/" + id))
      .add(new JsonObject().put("rel", "bookmark").put("href", base + "/" + collection + "/" + id));
  }

  private JsonObject brief(JsonObject image) {
    String id = image.getString("id");
    JsonArray links = links("images", id).add(new JsonObject().put("rel", "alternate")
      .put("type", "application/vnd.openstack.image").put("href", imagesUrl.replace("/v2/images", "/images/" + id)));
    return new JsonObject().put("id", id).put("name", image.getString("name")).put("links", links);
  }

  private JsonObject detail(JsonObject image) {
    String status = image.getString("status");
    JsonObject props = properties(image);
    JsonObject out = brief(image)
      .put("minRam", image.getInteger("min_ram", 0))
      .put("minDisk", image.getInteger("min_disk", 0))
      .put("metadata", props)
      .put("created", time(image.getString("created_at")))
      .put("updated", time(image.getString("updated_at")))
      .put("status", STATUS.getOrDefault(status, "UNKNOWN"))
      .put("progress", PROGRESS.getOrDefault(status, 0))
      .put("OS-EXT-IMG-SIZE:size", image.getValue("size"));
    if (props.getValue("instance_uuid") instanceof String server) {
      out.put("server", new JsonObject().put("id", server).put("links", links("servers", server)));
    }
    return out;
  }

  private static String time(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC).format(NOVA_TIME);
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
  }

  // ---- the image service's HTTP API ---------------------------------------------------------------

  private static Integer number(String raw, String name) {
    if (raw == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(raw.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid " + name + ": " + raw + " is not a non-negative integer.");
    }
  }

  private static void add(StringBuilder query, String key, String value) {
    if (value != null) {
      query.append('&').append(encode(key)).append('=').append(encode(value));
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private record Answer(int status, String body) {
  }

  /** The image service's answer as Nova gives it: its 404 is "Image not found.", its other refusals pass through. */
  private static JsonObject expect(Answer resp, int status) {
    if (resp.status() == status) {
      return resp.body().isEmpty() ? new JsonObject() : new JsonObject(resp.body());
    }
    if (resp.status() == 404) {
      throw Errors.notFound("Image not found.");
    }
    if (resp.status() >= 400 && resp.status() < 500) {
      throw Errors.of(resp.status() == 401 ? 403 : resp.status(), "The image service refused (" + resp.status() + "): "
        + message(resp.body()));
    }
    throw new IllegalStateException("The image service answered " + resp.status() + ": " + resp.body());
  }

  private static String message(String body) {
    try {
      JsonObject o = new JsonObject(body);
      Object err = o.getValue("error") instanceof JsonObject e ? e.getValue("message") : o.getValue("message");
      return err == null ? body : String.valueOf(err);
    } catch (RuntimeException e) {
      return body;
    }
  }

  private Future<Answer> send(HttpMethod method, String url, String token, Buffer body, String type) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).putHeader("X-Auth-Token", token);
    if (body != null) {
      options.putHeader("Content-Type", type);
    }
    return http.request(options)
      .compose(req -> body == null ? req.send() : req.send(body))
      .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString())));
  }
}
