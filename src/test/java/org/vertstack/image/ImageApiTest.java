package org.vertstack.image;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Glance v2 through the front door of a real node (identity + image, file-backed store). */
class ImageApiTest {

  @TempDir
  static Path dir;
  static ImageTestCloud cloud;
  static JsonObject alice;
  static JsonObject bob;

  @BeforeAll
  static void start() throws Exception {
    cloud = ImageTestCloud.start(dir);
    alice = cloud.project("member");
    bob = cloud.project("member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  static HttpResponse<Buffer> call(HttpMethod m, String path, JsonObject who, Object body) {
    return cloud.call(m, "/image" + path, who == null ? null : who.getString("token"), body);
  }

  static HttpResponse<Buffer> call(HttpMethod m, String path, JsonObject who, Object body, String header, String value) {
    assertThat(body).isNull();
    return cloud.call(m, "/image" + path, who == null ? null : who.getString("token"), header, value);
  }

  static JsonObject create(JsonObject who, JsonObject body) {
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/v2/images", who, body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  static boolean stored(String id) {
    return cloud.stored(id);
  }

  @Test
  void versionDiscovery() {
    HttpResponse<Buffer> r = cloud.call(HttpMethod.GET, "/image/", null, null);
    assertThat(r.statusCode()).isEqualTo(300);
    JsonArray versions = r.bodyAsJsonObject().getJsonArray("versions");
    assertThat(versions.getJsonObject(0).getString("status")).isEqualTo("CURRENT");
    assertThat(versions.getJsonObject(0).getJsonArray("links").getJsonObject(0).getString("href"))
      .isEqualTo(cloud.url + "/image/v2/");
    assertThat(cloud.call(HttpMethod.GET, "/image/versions", null, null).statusCode()).isEqualTo(200);
    assertThat(cloud.call(HttpMethod.GET, "/image/v2/images", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void theListsTypedQueryParametersAreCheckedAgainstTheirSchema() {
    for (String param : List.of("limit=x", "limit=-1", "sort_dir=sideways", "sort_key=colour", "visibility=everyone",
        "member_status=maybe")) {
      HttpResponse<Buffer> r = call(HttpMethod.GET, "/v2/images?" + param, alice, null);
      assertThat(r.statusCode()).as(param).isEqualTo(400);
      assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
      assertThat(r.bodyAsString()).as(param).contains("Invalid input for query parameters " + param.substring(0, param.indexOf('=')));
    }
    assertThat(call(HttpMethod.GET, "/v2/images?limit=3&sort_key=name,created_at&sort_dir=asc&visibility=all&member_status=all"
      + "&hw_disk_bus=virtio", alice, null).statusCode()).isEqualTo(200);
  }

  @Test
  void uploadShowDownloadWithHashesAndRanges() throws Exception {
    JsonObject image = create(alice, new JsonObject().put("name", "blob").put("disk_format", "raw")
      .put("container_format", "bare").put("os_distro", "debian").put("tags", new JsonArray().add("a")));
    assertThat(image.getString("status")).isEqualTo("queued");
    assertThat(image.getString("visibility")).isEqualTo("shared");
    assertThat(image.getString("owner")).isEqualTo(alice.getString("project_id"));
    assertThat(image.getString("os_distro")).isEqualTo("debian");
    String id = image.getString("id");
    byte[] bytes = random(3 * 1024 * 1024 + 17);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(bytes)).statusCode()).isEqualTo(204);

    JsonObject shown = call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject();
    assertThat(shown.getString("status")).isEqualTo("active");
    assertThat(shown.getLong("size")).isEqualTo(bytes.length);
    assertThat(shown.getLong("virtual_size")).isEqualTo(bytes.length);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    assertThat(shown.getString("checksum")).isEqualTo(md5);
    assertThat(shown.getString("os_hash_algo")).isEqualTo("sha512");
    assertThat(shown.getString("os_hash_value")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes)));

    HttpResponse<Buffer> file = call(HttpMethod.GET, "/v2/images/" + id + "/file", alice, null);
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.getHeader("Content-MD5")).isEqualTo(md5);
    // the uploader's bytes never run as the dashboard's origin, nor are they sniffed into a page
    assertThat(file.getHeader("Content-Security-Policy")).isEqualTo("sandbox");
    assertThat(file.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(file.body().getBytes()).isEqualTo(bytes);

    HttpResponse<Buffer> part = cloud.web.getAbs(cloud.url + "/image/v2/images/" + id + "/file")
      .putHeader("X-Auth-Token", alice.getString("token")).putHeader("Range", "bytes=100-199").send().await();
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 100-199/" + bytes.length);
    assertThat(part.getHeader("Content-Security-Policy")).isEqualTo("sandbox");
    assertThat(part.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(part.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 100, 200));

    // a second upload to an active image is a conflict
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(bytes)).statusCode()).isEqualTo(409);

    // protected images cannot be deleted
    JsonArray protect = new JsonArray().add(new JsonObject().put("op", "replace").put("path", "/protected").put("value", true));
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, alice, protect).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> refused = call(HttpMethod.DELETE, "/v2/images/" + id, alice, null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.getHeader("Content-Type")).startsWith("text/plain");
    protect.getJsonObject(0).put("value", false);
    call(HttpMethod.PATCH, "/v2/images/" + id, alice, protect);
    assertThat(stored(id)).isTrue();
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id, alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, alice, null).statusCode()).isEqualTo(404);
    assertThat(stored(id)).isFalse();
  }

  @Test
  void qcow2WithBackingFileIsRefusedAndLeavesNothing() throws Exception {
    String id = create(alice, new JsonObject().put("name", "evil").put("disk_format", "qcow2").put("container_format", "bare"))
      .getString("id");
    byte[] evil = new byte[200_000];
    System.arraycopy(FormatInspectorTest.qcow2Header(3, 512, 1 << 30, 0), 0, evil, 0, 4096);
    HttpResponse<Buffer> r = call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(evil));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("backing file");
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject().getString("status")).isEqualTo("queued");
    assertThat(stored(id)).isFalse();

    // raw bytes claiming to be qcow2: refused too; a real qcow2 header then goes through
    HttpResponse<Buffer> raw = call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(random(100_000)));
    assertThat(raw.statusCode()).isEqualTo(400);
    assertThat(raw.bodyAsString()).contains("does not match disk_format");
    byte[] good = FormatInspectorTest.qcow2Header(3, 0, 5L << 30, 0);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(good)).statusCode()).isEqualTo(204);
    JsonObject img = call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject();
    assertThat(img.getString("status")).isEqualTo("active");
    assertThat(img.getLong("virtual_size")).isEqualTo(5L << 30);
  }

  @Test
  void interruptedUploadLeavesNoActiveImageAndNoBytes() throws Exception {
    String id = create(alice, new JsonObject().put("name", "cut").put("disk_format", "raw").put("container_format", "bare"))
      .getString("id");
    java.net.URI u = java.net.URI.create(cloud.url);
    NetSocket socket = cloud.node.vertx().createNetClient().connect(u.getPort(), u.getHost()).await();
    String head = "PUT /image/v2/images/" + id + "/file HTTP/1.1\r\nHost: " + u.getHost() + "\r\n"
      + "X-Auth-Token: " + alice.getString("token") + "\r\nContent-Type: application/octet-stream\r\n"
      + "Content-Length: 10485760\r\n\r\n";
    socket.write(Buffer.buffer(head, "UTF-8")).await();
    socket.write(Buffer.buffer(random(1024 * 1024))).await();
    // wait until the server took the upload in (status saving), then cut the connection
    String status = null;
    for (int i = 0; i < 100 && !"saving".equals(status); i++) {
      Thread.sleep(50);
      status = call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject().getString("status");
    }
    assertThat(status).isEqualTo("saving");
    socket.close().await();
    for (int i = 0; i < 100 && "saving".equals(status); i++) {
      Thread.sleep(50);
      status = call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject().getString("status");
    }
    assertThat(status).isIn("queued", "killed");
    JsonObject img = call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject();
    assertThat(img.getValue("size")).isNull();
    assertThat(img.getValue("checksum")).isNull();
    assertThat(stored(id)).isFalse();
    if (Files.isDirectory(cloud.storeDir())) {
      try (Stream<Path> s = Files.list(cloud.storeDir())) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial"));
      }
    }
    // and the image can still be uploaded afterwards
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(random(1000))).statusCode()).isEqualTo(204);
  }

  @Test
  void privateImagesAreInvisibleToOtherProjectsAndSharingNeedsAcceptance() {
    String priv = create(alice, new JsonObject().put("name", "alice-private").put("visibility", "private")).getString("id");
    String shared = create(alice, new JsonObject().put("name", "alice-shared")).getString("id");
    assertThat(call(HttpMethod.GET, "/v2/images/" + priv, bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/v2/images/" + shared, bob, null).statusCode()).isEqualTo(404);
    assertThat(ids(call(HttpMethod.GET, "/v2/images?limit=1000", bob, null))).doesNotContain(priv, shared);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + priv, bob, null).statusCode()).isEqualTo(404);
    // public needs admin
    JsonArray publish = new JsonArray().add(new JsonObject().put("op", "replace").put("path", "/visibility").put("value", "public"));
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + priv, alice, publish).statusCode()).isEqualTo(403);
    // members: only shared images have them
    JsonObject member = new JsonObject().put("member", bob.getString("project_id"));
    assertThat(call(HttpMethod.POST, "/v2/images/" + priv + "/members", alice, member).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> added = call(HttpMethod.POST, "/v2/images/" + shared + "/members", alice, member);
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(200);
    assertThat(added.bodyAsJsonObject().getString("status")).isEqualTo("pending");
    // pending: bob can see it by id but it is not in his default list
    assertThat(call(HttpMethod.GET, "/v2/images/" + shared, bob, null).statusCode()).isEqualTo(200);
    assertThat(ids(call(HttpMethod.GET, "/v2/images", bob, null))).doesNotContain(shared);
    assertThat(ids(call(HttpMethod.GET, "/v2/images?member_status=pending&visibility=shared", bob, null))).contains(shared);
    // the owner cannot accept for bob; bob can, and then lists it, but cannot change it
    JsonObject accept = new JsonObject().put("status", "accepted");
    String memberPath = "/v2/images/" + shared + "/members/" + bob.getString("project_id");
    assertThat(call(HttpMethod.PUT, memberPath, alice, accept).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PUT, memberPath, bob, accept).statusCode()).isEqualTo(200);
    assertThat(ids(call(HttpMethod.GET, "/v2/images", bob, null))).contains(shared).doesNotContain(priv);
    JsonArray rename = new JsonArray().add(new JsonObject().put("op", "replace").put("path", "/name").put("value", "mine"));
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + shared, bob, rename).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/v2/images/" + shared + "/members", alice, null).bodyAsJsonObject()
      .getJsonArray("members").getJsonObject(0).getString("status")).isEqualTo("accepted");
    // admin sees everything
    assertThat(call(HttpMethod.GET, "/v2/images/" + priv, new JsonObject().put("token", cloud.adminToken), null).statusCode())
      .isEqualTo(200);
  }

  @Test
  void patchTagsFiltersAndDeactivation() {
    JsonObject img = create(alice, new JsonObject().put("name", "patchme").put("disk_format", "raw").put("container_format", "bare"));
    String id = img.getString("id");
    JsonArray ops = new JsonArray()
      .add(new JsonObject().put("op", "add").put("path", "/hw_disk_bus").put("value", "virtio"))
      .add(new JsonObject().put("op", "replace").put("path", "/min_ram").put("value", 128))
      .add(new JsonObject().put("op", "add").put("path", "/tags").put("value", new JsonArray().add("x").add("y")));
    HttpResponse<Buffer> r = call(HttpMethod.PATCH, "/v2/images/" + id, alice, ops);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("hw_disk_bus")).isEqualTo("virtio");
    assertThat(r.bodyAsJsonObject().getInteger("min_ram")).isEqualTo(128);
    // a client-chosen id is kept (and cannot be taken twice); read-only attributes are refused at create
    String chosen = java.util.UUID.randomUUID().toString();
    assertThat(create(alice, new JsonObject().put("id", chosen)).getString("id")).isEqualTo(chosen);
    assertThat(call(HttpMethod.POST, "/v2/images", alice, new JsonObject().put("id", chosen)).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.POST, "/v2/images", alice, new JsonObject().put("id", "nope")).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/v2/images", alice, new JsonObject().put("size", 5)).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/v2/images", alice, new JsonObject().put("disk_format", "exe")).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/v2/images", alice, new JsonObject().put("os_distro", 7)).statusCode()).isEqualTo(400);
    // read-only attributes, wrong media type, removing a missing property
    JsonArray ro = new JsonArray().add(new JsonObject().put("op", "replace").put("path", "/status").put("value", "active"));
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, alice, ro).statusCode()).isEqualTo(403);
    assertThat(cloud.web.patchAbs(cloud.url + "/image/v2/images/" + id).putHeader("X-Auth-Token", alice.getString("token"))
      .sendJson(ops).await().statusCode()).isEqualTo(415);
    JsonArray rm = new JsonArray().add(new JsonObject().put("op", "remove").put("path", "/nothing"));
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, alice, rm).statusCode()).isEqualTo(409);
    // tags
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/tags/z", alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id + "/tags/x", alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id + "/tags/x", alice, null).statusCode()).isEqualTo(404);
    assertThat(ids(call(HttpMethod.GET, "/v2/images?tag=y&tag=z", alice, null))).containsExactly(id);
    assertThat(ids(call(HttpMethod.GET, "/v2/images?hw_disk_bus=virtio&name=patchme", alice, null))).containsExactly(id);
    assertThat(call(HttpMethod.GET, "/v2/images?created_at=gt:2000-01-01T00:00:00Z&sort=name:asc,size:desc", alice, null)
      .statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/v2/images?sort_key=bogus", alice, null).statusCode()).isEqualTo(400);
    // deactivation is for the owner project's members and admins; a deactivated image's bytes only admins read
    call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(random(2048)));
    JsonObject admin = new JsonObject().put("token", cloud.adminToken);
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/actions/deactivate", bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/actions/deactivate", alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject().getString("status")).isEqualTo("deactivated");
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", alice, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", admin, null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/actions/reactivate", alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", alice, null).statusCode()).isEqualTo(200);
    // an empty or non-UUID id is simply not found (what Glance answers)
    assertThat(call(HttpMethod.GET, "/v2/images/", alice, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/v2/images/", alice, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/v2/images/null", alice, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/v2/images/null", alice, null).statusCode()).isEqualTo(404);
  }

  @Test
  void glanceDirectStageAndImport() throws Exception {
    HttpResponse<Buffer> info = call(HttpMethod.GET, "/v2/info/import", alice, null);
    assertThat(info.bodyAsJsonObject().getJsonObject("import-methods").getJsonArray("value")).contains("glance-direct");
    String id = create(alice, new JsonObject().put("name", "staged").put("disk_format", "raw").put("container_format", "bare"))
      .getString("id");
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/stage", alice, Buffer.buffer(random(5000))).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject().getString("status")).isEqualTo("uploading");
    JsonObject method = new JsonObject().put("method", new JsonObject().put("name", "glance-direct"));
    HttpResponse<Buffer> imported = call(HttpMethod.POST, "/v2/images/" + id + "/import", alice, method);
    assertThat(imported.statusCode()).isEqualTo(202);
    // the import is a task of the image, naming the request that asked for it
    String requestId = imported.getHeader("x-openstack-request-id");
    assertThat(requestId).startsWith("req-");
    JsonObject task = awaitTask(id, alice);
    assertThat(task.getString("status")).isEqualTo("success");
    assertThat(task.getString("request_id")).isEqualTo(requestId);
    assertThat(task.getJsonObject("input").getJsonObject("import_req").getJsonObject("method").getString("name"))
      .isEqualTo("glance-direct");
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/tasks", bob, null).statusCode()).isEqualTo(404);
    // a second import has nothing staged: refused, and no task for it
    assertThat(call(HttpMethod.POST, "/v2/images/" + id + "/import", alice, method).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/tasks", alice, null).bodyAsJsonObject().getJsonArray("tasks")).hasSize(1);
    JsonObject img = call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject();
    assertThat(img.getString("status")).isEqualTo("active");
    assertThat(img.getLong("size")).isEqualTo(5000);
    // exact-size and checksum filters (a property named "size" cannot exist: it is a core attribute)
    assertThat(ids(call(HttpMethod.GET, "/v2/images?size=5000&name=staged", alice, null))).contains(id);
    assertThat(ids(call(HttpMethod.GET, "/v2/images?size=5001&name=staged", alice, null))).doesNotContain(id);
    assertThat(ids(call(HttpMethod.GET, "/v2/images?checksum=" + img.getString("checksum"), alice, null))).containsExactly(id);
    assertThat(call(HttpMethod.GET, "/v2/images?size=big", alice, null).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/v2/info/stores", alice, null).bodyAsJsonObject().getJsonArray("stores")).hasSize(2);
    JsonObject usage = call(HttpMethod.GET, "/v2/info/usage", alice, null).bodyAsJsonObject().getJsonObject("usage");
    assertThat(usage.getJsonObject("image_count_total").getLong("usage")).isPositive();
  }

  @Test
  void glanceDownloadCopiesAnImageTheCallerMaySeeAndFailsCleanlyOtherwise() throws Exception {
    assertThat(call(HttpMethod.GET, "/v2/info/import", alice, null).bodyAsJsonObject().getJsonObject("import-methods")
      .getJsonArray("value")).contains("glance-direct", "glance-download");
    byte[] bytes = random(7000);
    String src = create(alice, new JsonObject().put("name", "gd-source").put("disk_format", "raw").put("container_format", "bare")
      .put("hw_cpu_cores", "5").put("os_distro", "rhel").put("speed", "88mph")).getString("id");
    assertThat(call(HttpMethod.PUT, "/v2/images/" + src + "/file", alice, Buffer.buffer(bytes)).statusCode()).isEqualTo(204);
    String dst = create(alice, new JsonObject().put("name", "gd-copy").put("disk_format", "iso").put("container_format", "ovf")
      .put("hw_cpu_cores", "1").put("os_distro", "windows")).getString("id");

    // an id that is no UUID is refused at once, and no task is started
    assertThat(call(HttpMethod.POST, "/v2/images/" + dst + "/import", alice, glanceDownload("foo", "RegionOne", "public"))
      .bodyAsString()).contains("image id does not look like a UUID");
    assertThat(tasks(dst, alice)).isEmpty();

    assertThat(call(HttpMethod.POST, "/v2/images/" + dst + "/import", alice, glanceDownload(src, "RegionOne", "public")).statusCode())
      .isEqualTo(202);
    assertThat(awaitTask(dst, alice).getString("status")).isEqualTo("success");
    JsonObject copy = call(HttpMethod.GET, "/v2/images/" + dst, alice, null).bodyAsJsonObject();
    JsonObject original = call(HttpMethod.GET, "/v2/images/" + src, alice, null).bodyAsJsonObject();
    assertThat(copy.getString("status")).isEqualTo("active");
    assertThat(copy.getString("disk_format")).isEqualTo("raw");
    assertThat(copy.getString("container_format")).isEqualTo("bare");
    assertThat(copy.getString("os_hash_value")).isEqualTo(original.getString("os_hash_value"));
    // Glance copies hw_*, trait:*, os_distro, os_secure_boot, os_type; nothing else
    assertThat(copy.getString("hw_cpu_cores")).isEqualTo("5");
    assertThat(copy.getString("os_distro")).isEqualTo("rhel");
    assertThat(copy.containsKey("speed")).isFalse();
    assertThat(call(HttpMethod.GET, "/v2/images/" + dst + "/file", alice, null).body().getBytes()).isEqualTo(bytes);

    // another project cannot copy alice's private image: the task fails, its image stays queued and unchanged
    String bobs = create(bob, new JsonObject().put("name", "gd-steal").put("disk_format", "raw").put("container_format", "bare")
      .put("os_distro", "windows")).getString("id");
    assertThat(call(HttpMethod.POST, "/v2/images/" + bobs + "/import", bob, glanceDownload(src, "RegionOne", "public")).statusCode())
      .isEqualTo(202);
    assertThat(awaitTask(bobs, bob).getString("status")).isEqualTo("failure");
    JsonObject stolen = call(HttpMethod.GET, "/v2/images/" + bobs, bob, null).bodyAsJsonObject();
    assertThat(stolen.getString("status")).isEqualTo("queued");
    assertThat(stolen.getString("os_distro")).isEqualTo("windows");
    assertThat(stored(bobs)).isFalse();

    // a region this cloud is not: failure, image still queued
    String other = create(alice, new JsonObject().put("name", "gd-region").put("disk_format", "raw").put("container_format", "bare"))
      .getString("id");
    assertThat(call(HttpMethod.POST, "/v2/images/" + other + "/import", alice, glanceDownload(src, "not a region", "public"))
      .statusCode()).isEqualTo(202);
    assertThat(awaitTask(other, alice).getString("status")).isEqualTo("failure");
    assertThat(call(HttpMethod.GET, "/v2/images/" + other, alice, null).bodyAsJsonObject().getString("status")).isEqualTo("queued");
  }

  @Test
  void imageCacheQueuesCachesServesAndForgets() throws Exception {
    JsonObject admin = new JsonObject().put("token", cloud.adminToken);
    assertThat(call(HttpMethod.GET, "/v2/cache", alice, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PUT, "/v2/cache/" + java.util.UUID.randomUUID(), admin, null).statusCode()).isEqualTo(404);
    String id = create(alice, new JsonObject().put("name", "cached").put("disk_format", "raw").put("container_format", "bare"))
      .getString("id");
    assertThat(call(HttpMethod.PUT, "/v2/cache/" + id, alice, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PUT, "/v2/cache/" + id, admin, null).statusCode()).isEqualTo(400);
    byte[] bytes = random(6000);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/file", alice, Buffer.buffer(bytes)).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.PUT, "/v2/cache/" + id, admin, null).statusCode()).isEqualTo(202);
    JsonObject entry = null;
    for (int i = 0; i < 200 && entry == null; i++) {
      entry = cachedEntry(admin, id);
      if (entry == null) {
        Thread.sleep(50);
      }
    }
    assertThat(entry).as("cached").isNotNull();
    assertThat(entry.getLong("size")).isEqualTo(6000);
    assertThat(entry.getLong("hits")).isZero();
    // a whole download is served from the cache and counted; the bytes are the image's
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", alice, null).body().getBytes()).isEqualTo(bytes);
    assertThat(cachedEntry(admin, id).getLong("hits")).isEqualTo(1);
    assertThat(call(HttpMethod.DELETE, "/v2/cache", admin, null, "x-image-cache-clear-target", "invalid").statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.DELETE, "/v2/cache/" + id, admin, null).statusCode()).isEqualTo(204);
    assertThat(cachedEntry(admin, id)).isNull();
    // cached again, then the image is deleted: its copy goes with it
    assertThat(call(HttpMethod.PUT, "/v2/cache/" + id, admin, null).statusCode()).isEqualTo(202);
    for (int i = 0; i < 200 && cachedEntry(admin, id) == null; i++) {
      Thread.sleep(50);
    }
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id, alice, null).statusCode()).isEqualTo(204);
    for (int i = 0; i < 200 && cachedEntry(admin, id) != null; i++) {
      Thread.sleep(50);
    }
    assertThat(cachedEntry(admin, id)).isNull();
    assertThat(call(HttpMethod.DELETE, "/v2/cache", admin, null).statusCode()).isEqualTo(204);
    JsonObject all = call(HttpMethod.GET, "/v2/cache", admin, null).bodyAsJsonObject();
    assertThat(all.getJsonArray("cached_images")).isEmpty();
    assertThat(all.getJsonArray("queued_images")).isEmpty();
  }

  static JsonObject cachedEntry(JsonObject admin, String id) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v2/cache", admin, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("cached_images").stream().map(o -> (JsonObject) o)
      .filter(o -> id.equals(o.getString("image_id"))).findFirst().orElse(null);
  }

  static JsonObject glanceDownload(String imageId, String region, String iface) {
    return new JsonObject().put("method", new JsonObject().put("name", "glance-download").put("glance_image_id", imageId)
      .put("glance_region", region).put("glance_service_interface", iface));
  }

  static JsonArray tasks(String id, JsonObject who) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/v2/images/" + id + "/tasks", who, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("tasks");
  }

  /** The image's one task once it ended (polled: the import goes on after the 202). */
  static JsonObject awaitTask(String id, JsonObject who) throws InterruptedException {
    JsonObject task = null;
    for (int i = 0; i < 200; i++) {
      JsonArray all = tasks(id, who);
      assertThat(all).hasSize(1);
      task = all.getJsonObject(0);
      if (!"processing".equals(task.getString("status"))) {
        return task;
      }
      Thread.sleep(50);
    }
    return task;
  }

  @Test
  void paginationOverAThousandImages() {
    JsonObject carol = cloud.project("member");
    org.vertstack.common.auth.AuthContext auth = new org.vertstack.common.auth.AuthContext(new JsonObject()
      .put("user", new JsonObject().put("id", "carol"))
      .put("project", new JsonObject().put("id", carol.getString("project_id")))
      .put("roles", new JsonArray().add(new JsonObject().put("name", "member")).add(new JsonObject().put("name", "reader"))));
    ImageService service = cloud.node.handle(ImageModule.Components.class).images();
    java.util.Set<String> created = new java.util.HashSet<>();
    for (int batch = 0; batch < 20; batch++) {
      java.util.List<io.vertx.core.Future<JsonObject>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = batch * 50 + i;
        // a few nameless images and many equal names make the sort keys collide: the id tie-break must hold
        JsonObject body = new JsonObject().put("min_disk", n % 7);
        if (n % 10 != 0) {
          body.put("name", "img-" + (n % 13));
        }
        futures.add(service.create(auth, body));
      }
      io.vertx.core.Future.all(futures).await();
      futures.forEach(f -> created.add(f.result().getString("id")));
    }
    assertThat(created).hasSize(1000);

    for (String query : java.util.List.of("limit=100", "limit=37&sort=name:asc,min_disk:desc", "sort_key=min_disk&sort_dir=asc&limit=250")) {
      java.util.List<String> seen = new java.util.ArrayList<>();
      String next = "/v2/images?" + query;
      int pages = 0;
      while (next != null && pages < 100) {
        HttpResponse<Buffer> r = call(HttpMethod.GET, next, carol, null);
        assertThat(r.statusCode()).as(next + ": " + r.bodyAsString()).isEqualTo(200);
        JsonObject page = r.bodyAsJsonObject();
        page.getJsonArray("images").forEach(o -> seen.add(((JsonObject) o).getString("id")));
        next = page.getString("next");
        pages++;
      }
      assertThat(seen).as(query).hasSize(1000).doesNotHaveDuplicates();
      assertThat(new java.util.HashSet<>(seen)).isEqualTo(created);
    }
    // the first page in name order really is ordered
    JsonArray first = call(HttpMethod.GET, "/v2/images?sort=name:asc&limit=200", carol, null).bodyAsJsonObject().getJsonArray("images");
    java.util.List<String> names = first.stream().map(o -> java.util.Objects.toString(((JsonObject) o).getString("name"), "")).toList();
    assertThat(names).isSortedAccordingTo(String::compareTo);
    assertThat(call(HttpMethod.GET, "/v2/images?marker=00000000-0000-0000-0000-000000000000", carol, null).statusCode()).isEqualTo(400);
  }

  @Test
  void quotasLimitCountAndBytes() {
    JsonObject dave = cloud.project("member");
    String project = dave.getString("project_id");
    HttpResponse<Buffer> services = cloud.call(HttpMethod.GET, "/identity/v3/services?type=image", cloud.adminToken, null);
    String serviceId = services.bodyAsJsonObject().getJsonArray("services").getJsonObject(0).getString("id");
    // Keystone wants a registered (default) limit before a project limit; these defaults are generous
    JsonArray defaults = new JsonArray()
      .add(new JsonObject().put("service_id", serviceId).put("resource_name", "image_count_total").put("default_limit", 100_000))
      .add(new JsonObject().put("service_id", serviceId).put("resource_name", "image_size_total").put("default_limit", 1L << 40));
    HttpResponse<Buffer> reg = cloud.call(HttpMethod.POST, "/identity/v3/registered_limits", cloud.adminToken,
      new JsonObject().put("registered_limits", defaults));
    assertThat(reg.statusCode()).as(reg.bodyAsString()).isEqualTo(201);
    JsonArray limits = new JsonArray()
      .add(new JsonObject().put("service_id", serviceId).put("project_id", project).put("resource_name", "image_count_total").put("resource_limit", 2))
      .add(new JsonObject().put("service_id", serviceId).put("project_id", project).put("resource_name", "image_size_total").put("resource_limit", 10_000));
    HttpResponse<Buffer> set = cloud.call(HttpMethod.POST, "/identity/v3/limits", cloud.adminToken, new JsonObject().put("limits", limits));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(201);

    JsonObject raw = new JsonObject().put("disk_format", "raw").put("container_format", "bare");
    String first = create(dave, raw.copy().put("name", "q1")).getString("id");
    String second = create(dave, raw.copy().put("name", "q2")).getString("id");
    assertThat(call(HttpMethod.POST, "/v2/images", dave, raw.copy().put("name", "q3")).statusCode()).isEqualTo(413);
    // 8,000 bytes fit, another 8,000 do not: refused before any byte is stored, the image stays queued
    assertThat(call(HttpMethod.PUT, "/v2/images/" + first + "/file", dave, Buffer.buffer(random(8000))).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + second + "/file", dave, Buffer.buffer(random(8000))).statusCode()).isEqualTo(413);
    assertThat(call(HttpMethod.GET, "/v2/images/" + second, dave, null).bodyAsJsonObject().getString("status")).isEqualTo("queued");
    assertThat(stored(second)).isFalse();
    JsonObject usage = call(HttpMethod.GET, "/v2/info/usage", dave, null).bodyAsJsonObject().getJsonObject("usage");
    assertThat(usage.getJsonObject("image_count_total").getLong("limit")).isEqualTo(2);
    assertThat(usage.getJsonObject("image_size_total").getLong("usage")).isEqualTo(8000);
    // deleting gives the count and the bytes back
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + first, dave, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + second + "/file", dave, Buffer.buffer(random(8000))).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.POST, "/v2/images", dave, raw.copy().put("name", "q3")).statusCode()).isEqualTo(201);
  }

  @Test
  void chunkedUploadAndResourceEvents() throws Exception {
    java.util.List<JsonObject> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    var consumer = cloud.node.vertx().eventBus().<JsonObject>consumer(org.vertstack.common.events.ResourceEvents.ADDRESS,
      m -> events.add(m.body()));
    consumer.completion().await();
    String id = create(alice, new JsonObject().put("name", "chunked").put("disk_format", "raw").put("container_format", "bare"))
      .getString("id");
    byte[] bytes = random(700_000);
    Path file = Files.write(dir.resolve("chunked.raw"), bytes);
    var stream = cloud.node.vertx().fileSystem().open(file.toString(), new io.vertx.core.file.OpenOptions().setRead(true)).await();
    // no Content-Length: the size is only known at the end, quota is reserved then
    HttpResponse<Buffer> r = cloud.web.putAbs(cloud.url + "/image/v2/images/" + id + "/file")
      .putHeader("X-Auth-Token", alice.getString("token")).putHeader("Content-Type", "application/octet-stream")
      .sendStream(stream).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, alice, null).bodyAsJsonObject().getLong("size")).isEqualTo(700_000);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id, alice, null).statusCode()).isEqualTo(204);
    for (int i = 0; i < 50 && events.stream().noneMatch(e -> id.equals(e.getString("resource_id")) && "deleted".equals(e.getString("action"))); i++) {
      Thread.sleep(20);
    }
    consumer.unregister().await();
    java.util.List<String> actions = events.stream()
      .filter(e -> id.equals(e.getString("resource_id")) && "image.image".equals(e.getString("resource_type")))
      .map(e -> e.getString("action")).toList();
    assertThat(actions).containsExactly("created", "saving", "active", "deleted");
    assertThat(events.stream().filter(e -> id.equals(e.getString("resource_id"))).map(e -> e.getString("project_id")))
      .allMatch(alice.getString("project_id")::equals);
  }

  static java.util.List<String> ids(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("images").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

}
