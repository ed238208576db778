package org.vertstack.objectstore;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The object store's security boundaries, through the front door with real tokens: what a
 * TempURL grants, who sees TempURL keys, which ACLs are accepted, large objects and copies
 * that reach into other containers or accounts, the byte quota with and without a length,
 * the headers that keep user content from running as the dashboard's origin, and who may
 * read the bytes on disk.
 */
class SwiftSecurityTest {

  private static TestCloud cloud;
  private static JsonObject alice;
  private static JsonObject bob;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    alice = cloud.projectWithUser("member").await();
    bob = cloud.projectWithUser("member").await();
  }

  // ---- helpers

  static String account(JsonObject who) {
    return "/object-store/v1/AUTH_" + who.getString("project_id");
  }

  static HttpResponse<Buffer> call(JsonObject who, HttpMethod method, String path, Map<String, String> headers, Buffer body) {
    var req = cloud.http().requestAbs(method, cloud.baseUrl() + path);
    if (who != null) {
      req.putHeader("X-Auth-Token", who.getString("token"));
    }
    headers.forEach(req::putHeader);
    return (body == null ? req.send() : req.sendBuffer(body)).await();
  }

  static HttpResponse<Buffer> call(JsonObject who, HttpMethod method, String path) {
    return call(who, method, path, Map.of(), null);
  }

  static String container(JsonObject who, Map<String, String> headers) {
    String c = TestCloud.unique("sec");
    assertThat(call(who, HttpMethod.PUT, account(who) + "/" + c, headers, null).statusCode()).isEqualTo(201);
    return c;
  }

  static void put(JsonObject who, String path, String body) {
    assertThat(call(who, HttpMethod.PUT, path, Map.of(), Buffer.buffer(body)).statusCode()).isEqualTo(201);
  }

  static String hmac(String key, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The URL of a TempURL for {@code method} on the object at {@code path} (/object-store/v1/AUTH_x/c/o). */
  static String tempUrl(String key, String method, String path, long expires) throws Exception {
    String signed = "/v1" + path.substring("/object-store/v1".length());
    return path + "?temp_url_sig=" + hmac(key, method + "\n" + expires + "\n" + signed) + "&temp_url_expires=" + expires;
  }

  static long inAMinute() {
    return System.currentTimeMillis() / 1000 + 60;
  }

  /** Another user of {@code who}'s project with {@code role}, logged in. */
  static JsonObject colleague(JsonObject who, String role) {
    String admin = cloud.adminToken().await();
    String name = TestCloud.unique("user");
    String password = "pw-" + name;
    String userId = cloud.call(admin, HttpMethod.POST, "/identity/v3/users",
        new JsonObject().put("user", new JsonObject().put("name", name).put("password", password))).await()
      .bodyAsJsonObject().getJsonObject("user").getString("id");
    String roleId = cloud.call(admin, HttpMethod.GET, "/identity/v3/roles?name=" + role, null).await()
      .bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(cloud.call(admin, HttpMethod.PUT, "/identity/v3/projects/" + who.getString("project_id") + "/users/" + userId
      + "/roles/" + roleId, null).await().statusCode()).isEqualTo(204);
    String token = cloud.login(name, password, who.getString("project")).await().getString("token");
    return new JsonObject().put("project_id", who.getString("project_id")).put("user_id", userId).put("token", token);
  }

  // ---- TempURL scope

  @Test
  void aTempUrlPutCannotCopyFromAnotherAccount() throws Exception {
    String secret = container(alice, Map.of());
    put(alice, account(alice) + "/" + secret + "/s.txt", "alice's secret");
    call(bob, HttpMethod.POST, account(bob), Map.of("X-Account-Meta-Temp-URL-Key", "bobkey"), null);
    String mine = container(bob, Map.of());
    String target = account(bob) + "/" + mine + "/loot";

    HttpResponse<Buffer> stolen = call(null, HttpMethod.PUT, tempUrl("bobkey", "PUT", target, inAMinute()),
      Map.of("X-Copy-From-Account", "AUTH_" + alice.getString("project_id"), "X-Copy-From", "/" + secret + "/s.txt"),
      Buffer.buffer(""));
    assertThat(stolen.statusCode()).isEqualTo(400);
    // not even within its own account: the signature covers this one object, not a copy source
    put(bob, account(bob) + "/" + mine + "/other", "bob's other");
    assertThat(call(null, HttpMethod.PUT, tempUrl("bobkey", "PUT", target, inAMinute()),
      Map.of("X-Copy-From", "/" + mine + "/other"), Buffer.buffer("")).statusCode()).isEqualTo(400);
    assertThat(call(bob, HttpMethod.GET, target).statusCode()).isEqualTo(404);
    // nor may it store a manifest pointing elsewhere
    assertThat(call(null, HttpMethod.PUT, tempUrl("bobkey", "PUT", target, inAMinute()),
      Map.of("X-Object-Manifest", mine + "/"), Buffer.buffer("")).statusCode()).isEqualTo(400);
    String slo = tempUrl("bobkey", "PUT", target, inAMinute()) + "&multipart-manifest=put";
    assertThat(call(null, HttpMethod.PUT, slo, Map.of(),
      new JsonArray().add(new JsonObject().put("path", "/" + mine + "/other")).toBuffer()).statusCode()).isEqualTo(400);
    assertThat(call(bob, HttpMethod.GET, target).statusCode()).isEqualTo(404);
    // the same URL with a plain body works: that is what it signs
    assertThat(call(null, HttpMethod.PUT, tempUrl("bobkey", "PUT", target, inAMinute()), Map.of(), Buffer.buffer("mine"))
      .statusCode()).isEqualTo(201);
    assertThat(call(bob, HttpMethod.GET, target).bodyAsString()).isEqualTo("mine");
  }

  @Test
  void aTempUrlCopyCannotOverwriteAnotherAccount() throws Exception {
    String secret = container(alice, Map.of());
    String victim = account(alice) + "/" + secret + "/s.txt";
    put(alice, victim, "alice's original");
    call(bob, HttpMethod.POST, account(bob), Map.of("X-Account-Meta-Temp-URL-Key", "bobkey2"), null);
    String mine = container(bob, Map.of());
    String source = account(bob) + "/" + mine + "/payload";
    put(bob, source, "bob's payload");

    HttpResponse<Buffer> copy = call(null, HttpMethod.valueOf("COPY"), tempUrl("bobkey2", "COPY", source, inAMinute()),
      Map.of("Destination-Account", "AUTH_" + alice.getString("project_id"), "Destination", "/" + secret + "/s.txt"), null);
    assertThat(copy.statusCode()).isEqualTo(401);
    assertThat(call(alice, HttpMethod.GET, victim).bodyAsString()).isEqualTo("alice's original");
  }

  @Test
  void aTempUrlGrantsItsMethodOnItsPathUntilItExpires() throws Exception {
    String a = account(alice);
    String c = container(alice, Map.of());
    String o = a + "/" + c + "/doc";
    put(alice, o, "the doc");
    put(alice, a + "/" + c + "/other", "another doc");
    call(alice, HttpMethod.POST, a, Map.of("X-Account-Meta-Temp-URL-Key", "alicekey"), null);
    long expires = inAMinute();

    String get = tempUrl("alicekey", "GET", o, expires);
    assertThat(call(null, HttpMethod.GET, get).bodyAsString()).isEqualTo("the doc");
    assertThat(call(null, HttpMethod.HEAD, get).statusCode()).isEqualTo(200);
    // another method with the same signature
    assertThat(call(null, HttpMethod.PUT, get, Map.of(), Buffer.buffer("overwritten")).statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.DELETE, get).statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.POST, get, Map.of("X-Object-Meta-X", "y"), null).statusCode()).isEqualTo(401);
    // another object, the container, the account with the same signature
    String sig = get.substring(get.indexOf('?'));
    assertThat(call(null, HttpMethod.GET, a + "/" + c + "/other" + sig).statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.GET, a + "/" + c + sig).statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.GET, a + sig).statusCode()).isEqualTo(401);
    // a HEAD signature does not read the bytes
    assertThat(call(null, HttpMethod.GET, tempUrl("alicekey", "HEAD", o, expires)).statusCode()).isEqualTo(401);
    // the same path signed with another account's key
    call(bob, HttpMethod.POST, account(bob), Map.of("X-Account-Meta-Temp-URL-Key", "bobkey3"), null);
    assertThat(call(null, HttpMethod.GET, tempUrl("bobkey3", "GET", o, expires)).statusCode()).isEqualTo(401);
    // expired, or its expiry changed
    assertThat(call(null, HttpMethod.GET, tempUrl("alicekey", "GET", o, System.currentTimeMillis() / 1000 - 1)).statusCode())
      .isEqualTo(401);
    assertThat(call(null, HttpMethod.GET, get.replace("temp_url_expires=" + expires, "temp_url_expires=" + (expires + 60)))
      .statusCode()).isEqualTo(401);
    // a DELETE signature deletes that object and nothing else
    assertThat(call(null, HttpMethod.DELETE, tempUrl("alicekey", "DELETE", o, expires)).statusCode()).isEqualTo(204);
    assertThat(call(alice, HttpMethod.GET, o).statusCode()).isEqualTo(404);
    assertThat(call(alice, HttpMethod.GET, a + "/" + c + "/other").bodyAsString()).isEqualTo("another doc");
  }

  @Test
  void aPrefixTempUrlCoversTheObjectsUnderItsPrefixOnly() throws Exception {
    String a = account(alice);
    String c = container(alice, Map.of());
    put(alice, a + "/" + c + "/pub/one", "public one");
    put(alice, a + "/" + c + "/private", "not shared");
    call(alice, HttpMethod.POST, a, Map.of("X-Account-Meta-Temp-URL-Key", "prefixkey"), null);
    long expires = inAMinute();
    String signed = "prefix:/v1/AUTH_" + alice.getString("project_id") + "/" + c + "/pub/";
    String q = "?temp_url_sig=" + hmac("prefixkey", "GET\n" + expires + "\n" + signed) + "&temp_url_expires=" + expires
      + "&temp_url_prefix=pub/";
    assertThat(call(null, HttpMethod.GET, a + "/" + c + "/pub/one" + q).bodyAsString()).isEqualTo("public one");
    assertThat(call(null, HttpMethod.GET, a + "/" + c + "/private" + q).statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.GET, a + "/" + c + "/private" + q.replace("temp_url_prefix=pub/", "temp_url_prefix="))
      .statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.PUT, a + "/" + c + "/pub/new" + q, Map.of(), Buffer.buffer("x")).statusCode()).isEqualTo(401);
  }

  @Test
  void aContainerKeyTempUrlReadsLargeObjectSegmentsInItsContainerOnly() throws Exception {
    String a = account(alice);
    String keyed = container(alice, Map.of("X-Container-Meta-Temp-URL-Key", "conkey"));
    String other = container(alice, Map.of());
    put(alice, a + "/" + keyed + "/seg/1", "in ");
    put(alice, a + "/" + keyed + "/seg/2", "the container");
    put(alice, a + "/" + other + "/s", "elsewhere");
    call(alice, HttpMethod.PUT, a + "/" + keyed + "/inside", Map.of("X-Object-Manifest", keyed + "/seg/"), Buffer.buffer(""));
    call(alice, HttpMethod.PUT, a + "/" + keyed + "/outside", Map.of("X-Object-Manifest", other + "/"), Buffer.buffer(""));
    assertThat(call(null, HttpMethod.GET, tempUrl("conkey", "GET", a + "/" + keyed + "/inside", inAMinute())).bodyAsString())
      .isEqualTo("in the container");
    HttpResponse<Buffer> outside = call(null, HttpMethod.GET, tempUrl("conkey", "GET", a + "/" + keyed + "/outside", inAMinute()));
    assertThat(outside.statusCode()).isIn(401, 403);
    assertThat(outside.bodyAsString()).doesNotContain("elsewhere");
    // and the key opens no object of another container
    assertThat(call(null, HttpMethod.GET, tempUrl("conkey", "GET", a + "/" + other + "/s", inAMinute())).statusCode()).isEqualTo(401);
  }

  // ---- who sees TempURL keys

  @Test
  void tempUrlKeysAreShownOnlyToWhoMayWrite() {
    String a = account(alice);
    call(alice, HttpMethod.POST, a, Map.of("X-Account-Meta-Temp-URL-Key", "acct-one", "X-Account-Meta-Temp-URL-Key-2", "acct-two",
      "X-Account-Meta-Color", "green"), null);
    String c = container(alice, Map.of("X-Container-Meta-Temp-URL-Key", "cont-one", "X-Container-Meta-Temp-URL-Key-2", "cont-two",
      "X-Container-Read", ".r:*,.rlistings," + bob.getString("project_id") + ":*",
      "X-Container-Write", bob.getString("project_id") + ":*"));
    JsonObject reader = colleague(alice, "reader");

    HttpResponse<Buffer> owner = call(alice, HttpMethod.HEAD, a);
    assertThat(owner.getHeader("X-Account-Meta-Temp-Url-Key")).isEqualTo("acct-one");
    assertThat(owner.getHeader("X-Account-Meta-Temp-Url-Key-2")).isEqualTo("acct-two");
    HttpResponse<Buffer> ownerC = call(alice, HttpMethod.HEAD, a + "/" + c);
    assertThat(ownerC.getHeader("X-Container-Meta-Temp-Url-Key")).isEqualTo("cont-one");
    assertThat(ownerC.getHeader("X-Container-Meta-Temp-Url-Key-2")).isEqualTo("cont-two");

    // a reader of the project sees the account and the container, not the keys
    HttpResponse<Buffer> readerA = call(reader, HttpMethod.HEAD, a);
    assertThat(readerA.statusCode()).isEqualTo(204);
    assertThat(readerA.getHeader("X-Account-Meta-Color")).isEqualTo("green");
    assertThat(readerA.getHeader("X-Account-Meta-Temp-Url-Key")).isNull();
    assertThat(readerA.getHeader("X-Account-Meta-Temp-Url-Key-2")).isNull();
    assertThat(call(reader, HttpMethod.GET, a + "?format=json").getHeader("X-Account-Meta-Temp-Url-Key")).isNull();
    HttpResponse<Buffer> readerC = call(reader, HttpMethod.HEAD, a + "/" + c);
    assertThat(readerC.statusCode()).isEqualTo(204);
    assertThat(readerC.getHeader("X-Container-Meta-Temp-Url-Key")).isNull();
    assertThat(readerC.getHeader("X-Container-Meta-Temp-Url-Key-2")).isNull();

    // an ACL holder of another project (read and write) and anyone on .r:*
    for (JsonObject who : new JsonObject[] {bob, null}) {
      for (HttpMethod m : List.of(HttpMethod.HEAD, HttpMethod.GET)) {
        HttpResponse<Buffer> r = call(who, m, a + "/" + c);
        assertThat(r.statusCode()).as(who + " " + m).isIn(200, 204);
        assertThat(r.getHeader("X-Container-Meta-Temp-Url-Key")).isNull();
        assertThat(r.getHeader("X-Container-Meta-Temp-Url-Key-2")).isNull();
      }
    }
    assertThat(call(bob, HttpMethod.HEAD, a).getHeader("X-Account-Meta-Temp-Url-Key")).isNull();
  }

  // ---- ACL forms

  @Test
  void writeAclsRefuseReferrersAndReadAclsTakeThem() {
    String a = account(alice);
    String c = container(alice, Map.of());
    for (String bad : new String[] {".r:*", ".rlistings", ".r:example.com", bob.getString("project_id") + ":*,.r:*", ".referrer:*"}) {
      HttpResponse<Buffer> r = call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Write", bad), null);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.bodyAsString()).contains("Referrers not allowed in write ACL");
      assertThat(call(alice, HttpMethod.PUT, a + "/" + TestCloud.unique("acl"), Map.of("X-Container-Write", bad), null).statusCode())
        .as(bad).isEqualTo(400);
    }
    assertThat(call(alice, HttpMethod.HEAD, a + "/" + c).getHeader("X-Container-Write")).isNull();
    assertThat(call(null, HttpMethod.PUT, a + "/" + c + "/anon", Map.of(), Buffer.buffer("x")).statusCode()).isEqualTo(401);
    assertThat(call(null, HttpMethod.DELETE, a + "/" + c + "/anon").statusCode()).isEqualTo(401);

    // valid forms
    assertThat(call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Read", ".r:*,.rlistings"), null).statusCode()).isEqualTo(204);
    assertThat(call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Write", bob.getString("project_id") + ":"
      + bob.getString("user_id")), null).statusCode()).isEqualTo(204);
    assertThat(call(bob, HttpMethod.PUT, a + "/" + c + "/by-bob", Map.of(), Buffer.buffer("bob")).statusCode()).isEqualTo(201);
    assertThat(call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Write", bob.getString("project_id")), null).statusCode())
      .isEqualTo(204);
    assertThat(call(bob, HttpMethod.DELETE, a + "/" + c + "/by-bob").statusCode()).isEqualTo(204);
    // public read does not make anyone a writer
    assertThat(call(null, HttpMethod.PUT, a + "/" + c + "/anon", Map.of(), Buffer.buffer("x")).statusCode()).isEqualTo(401);
  }

  // ---- large objects

  @Test
  void largeObjectSegmentsAreReadWithTheCallersRights() {
    String a = account(alice);
    String secret = container(alice, Map.of());
    put(alice, a + "/" + secret + "/s.txt", "TOP-SECRET");
    String shared = container(alice, Map.of("X-Container-Read", bob.getString("project_id") + ":*",
      "X-Container-Write", bob.getString("project_id") + ":*"));
    put(alice, a + "/" + shared + "/part1", "shared ");
    put(alice, a + "/" + shared + "/part2", "bytes");

    // DLO written by the ACL holder, pointing at the private container
    assertThat(call(bob, HttpMethod.PUT, a + "/" + shared + "/dlo", Map.of("X-Object-Manifest", secret + "/"), Buffer.buffer(""))
      .statusCode()).isEqualTo(201);
    for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
      HttpResponse<Buffer> r = call(bob, m, a + "/" + shared + "/dlo");
      assertThat(r.statusCode()).as(m.name()).isEqualTo(403);
      assertThat(r.bodyAsString() == null ? "" : r.bodyAsString()).doesNotContain("TOP-SECRET");
    }
    assertThat(call(alice, HttpMethod.GET, a + "/" + shared + "/dlo").bodyAsString()).isEqualTo("TOP-SECRET");
    // a DLO over segments the ACL holder may read works
    call(bob, HttpMethod.PUT, a + "/" + shared + "/dlo-ok", Map.of("X-Object-Manifest", shared + "/part"), Buffer.buffer(""));
    assertThat(call(bob, HttpMethod.GET, a + "/" + shared + "/dlo-ok").bodyAsString()).isEqualTo("shared bytes");

    // SLO upload by the ACL holder: refused, and without telling whether the object exists or its size
    HttpResponse<Buffer> slo = call(bob, HttpMethod.PUT, a + "/" + shared + "/slo?multipart-manifest=put", Map.of(),
      new JsonArray().add(new JsonObject().put("path", "/" + secret + "/s.txt").put("size_bytes", 1)).toBuffer());
    assertThat(slo.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> missing = call(bob, HttpMethod.PUT, a + "/" + shared + "/slo?multipart-manifest=put", Map.of(),
      new JsonArray().add(new JsonObject().put("path", "/" + secret + "/nothing-here").put("size_bytes", 1)).toBuffer());
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(slo.bodyAsString()).contains("403 Forbidden").doesNotContain("Size Mismatch")
      .isEqualTo(missing.bodyAsString().replace("nothing-here", "s.txt"));
    assertThat(call(bob, HttpMethod.GET, a + "/" + shared + "/slo").statusCode()).isEqualTo(404);

    // SLO written by the owner in the shared container: its private segment is not the ACL holder's to read
    assertThat(call(alice, HttpMethod.PUT, a + "/" + shared + "/owners-slo?multipart-manifest=put", Map.of(),
      new JsonArray().add(new JsonObject().put("path", "/" + shared + "/part1")).add(new JsonObject().put("path", "/" + secret + "/s.txt"))
        .toBuffer()).statusCode()).isEqualTo(201);
    assertThat(call(alice, HttpMethod.GET, a + "/" + shared + "/owners-slo").bodyAsString()).isEqualTo("shared TOP-SECRET");
    HttpResponse<Buffer> viaSlo = call(bob, HttpMethod.GET, a + "/" + shared + "/owners-slo");
    assertThat(viaSlo.statusCode()).isEqualTo(403);
    assertThat(viaSlo.bodyAsString()).doesNotContain("TOP-SECRET");
    assertThat(call(bob, HttpMethod.GET, a + "/" + shared + "/owners-slo", Map.of("Range", "bytes=7-9"), null).statusCode()).isEqualTo(403);
    // deleting it with its segments leaves the segment the ACL holder could not delete
    assertThat(call(bob, HttpMethod.DELETE, a + "/" + shared + "/owners-slo?multipart-manifest=delete").statusCode()).isIn(200, 204);
    assertThat(call(alice, HttpMethod.GET, a + "/" + secret + "/s.txt").bodyAsString()).isEqualTo("TOP-SECRET");
    assertThat(call(alice, HttpMethod.GET, a + "/" + shared + "/part1").statusCode()).isEqualTo(404);

    // an SLO over segments the ACL holder may read works
    assertThat(call(bob, HttpMethod.PUT, a + "/" + shared + "/slo-ok?multipart-manifest=put", Map.of(),
      new JsonArray().add(new JsonObject().put("path", "/" + shared + "/part2")).toBuffer()).statusCode()).isEqualTo(201);
    assertThat(call(bob, HttpMethod.GET, a + "/" + shared + "/slo-ok").bodyAsString()).isEqualTo("bytes");
  }

  // ---- copies across accounts

  @Test
  void copiesAcrossAccountsNeedRightsOnBothSides() {
    String a = account(alice);
    String secret = container(alice, Map.of());
    put(alice, a + "/" + secret + "/s.txt", "alice's bytes");
    String mine = container(bob, Map.of());
    Map<String, String> copyFrom = Map.of("X-Copy-From-Account", "AUTH_" + alice.getString("project_id"),
      "X-Copy-From", "/" + secret + "/s.txt");
    assertThat(call(bob, HttpMethod.PUT, account(bob) + "/" + mine + "/copy", copyFrom, Buffer.buffer("")).statusCode()).isEqualTo(403);
    assertThat(call(bob, HttpMethod.GET, account(bob) + "/" + mine + "/copy").statusCode()).isEqualTo(404);
    call(alice, HttpMethod.POST, a + "/" + secret, Map.of("X-Container-Read", bob.getString("project_id") + ":*"), null);
    assertThat(call(bob, HttpMethod.PUT, account(bob) + "/" + mine + "/copy", copyFrom, Buffer.buffer("")).statusCode()).isEqualTo(201);
    assertThat(call(bob, HttpMethod.GET, account(bob) + "/" + mine + "/copy").bodyAsString()).isEqualTo("alice's bytes");

    // COPY into another account needs a write right there
    put(bob, account(bob) + "/" + mine + "/payload", "bob's payload");
    Map<String, String> dest = Map.of("Destination-Account", "AUTH_" + alice.getString("project_id"),
      "Destination", "/" + secret + "/s.txt");
    assertThat(call(bob, HttpMethod.valueOf("COPY"), account(bob) + "/" + mine + "/payload", dest, null).statusCode()).isEqualTo(403);
    assertThat(call(alice, HttpMethod.GET, a + "/" + secret + "/s.txt").bodyAsString()).isEqualTo("alice's bytes");
    call(alice, HttpMethod.POST, a + "/" + secret, Map.of("X-Container-Write", bob.getString("project_id") + ":*"), null);
    assertThat(call(bob, HttpMethod.valueOf("COPY"), account(bob) + "/" + mine + "/payload", dest, null).statusCode()).isEqualTo(201);
    assertThat(call(alice, HttpMethod.GET, a + "/" + secret + "/s.txt").bodyAsString()).isEqualTo("bob's payload");
  }

  @Test
  void malformedAccountNamesInCopyHeadersAre400() {
    String c = container(alice, Map.of());
    String o = account(alice) + "/" + c + "/o";
    put(alice, o, "x");
    for (String bad : new String[] {"ab", "AUTH", "AUTH_", "abc", "AUTH_x/y"}) {
      HttpResponse<Buffer> copy = call(alice, HttpMethod.valueOf("COPY"), o, Map.of("Destination-Account", bad, "Destination", "/" + c + "/p"),
        null);
      assertThat(copy.statusCode()).as(bad).isEqualTo(400);
      assertThat(copy.getHeader("Content-Type")).startsWith("text/html");
      assertThat(copy.bodyAsString()).contains("Destination-Account");
      HttpResponse<Buffer> from = call(alice, HttpMethod.PUT, account(alice) + "/" + c + "/p",
        Map.of("X-Copy-From-Account", bad, "X-Copy-From", "/" + c + "/o"), Buffer.buffer(""));
      assertThat(from.statusCode()).as(bad).isEqualTo(400);
      assertThat(from.bodyAsString()).contains("X-Copy-From-Account");
    }
  }

  // ---- quota with and without a length

  @Test
  void theByteQuotaHoldsForChunkedUploads() throws Exception {
    JsonObject carol = cloud.projectWithUser("member").await();
    String admin = cloud.adminToken().await();
    String serviceId = cloud.call(admin, HttpMethod.GET, "/identity/v3/services?type=object-store", null).await()
      .bodyAsJsonObject().getJsonArray("services").getJsonObject(0).getString("id");
    JsonArray defaults = new JsonArray()
      .add(new JsonObject().put("service_id", serviceId).put("resource_name", "objects").put("default_limit", -1))
      .add(new JsonObject().put("service_id", serviceId).put("resource_name", "bytes").put("default_limit", -1));
    assertThat(cloud.call(admin, HttpMethod.POST, "/identity/v3/registered_limits", new JsonObject().put("registered_limits", defaults))
      .await().statusCode()).isIn(201, 409);
    JsonArray limits = new JsonArray().add(new JsonObject().put("project_id", carol.getString("project_id")).put("service_id", serviceId)
      .put("resource_name", "bytes").put("resource_limit", 1_000_000));
    assertThat(cloud.call(admin, HttpMethod.POST, "/identity/v3/limits", new JsonObject().put("limits", limits)).await().statusCode())
      .isEqualTo(201);
    String c = account(carol) + "/" + container(carol, Map.of());

    assertThat(call(carol, HttpMethod.PUT, c + "/base", Map.of(), Buffer.buffer(new byte[900_000])).statusCode()).isEqualTo(201);
    // with a length: refused up front
    assertThat(call(carol, HttpMethod.PUT, c + "/known", Map.of(), Buffer.buffer(new byte[300_000])).statusCode()).isEqualTo(413);
    // without one: refused as the bytes cross the limit, and nothing of it is kept
    assertThat(chunked(carol, c + "/chunked", 300_000).statusCode()).isEqualTo(413);
    assertThat(call(carol, HttpMethod.GET, c + "/chunked").statusCode()).isEqualTo(404);
    assertThat(call(carol, HttpMethod.GET, c + "?format=json").bodyAsJsonArray()).hasSize(1);
    // what fits still fits, with a length or without
    assertThat(chunked(carol, c + "/small", 60_000).statusCode()).isEqualTo(201);
    assertThat(call(carol, HttpMethod.GET, c + "/small").body().length()).isEqualTo(60_000);
    assertThat(call(carol, HttpMethod.PUT, c + "/known-small", Map.of(), Buffer.buffer(new byte[30_000])).statusCode()).isEqualTo(201);
    // the limit is now reached: another chunked upload past it is refused too
    assertThat(chunked(carol, c + "/over", 20_000).statusCode()).isEqualTo(413);
    assertThat(call(carol, HttpMethod.GET, c + "/over").statusCode()).isEqualTo(404);
    // and freeing room makes room
    assertThat(call(carol, HttpMethod.DELETE, c + "/base").statusCode()).isEqualTo(204);
    assertThat(chunked(carol, c + "/after", 300_000).statusCode()).isEqualTo(201);
  }

  /** A PUT whose body is sent with Transfer-Encoding: chunked, {@code size} zero bytes. */
  static HttpResponse<Buffer> chunked(JsonObject who, String path, int size) throws Exception {
    Path file = Files.createTempFile("chunked-", ".bin");
    try {
      Files.write(file, new byte[size]);
      var body = cloud.node().vertx().fileSystem().open(file.toString(), new io.vertx.core.file.OpenOptions().setRead(true)).await();
      return cloud.http().requestAbs(HttpMethod.PUT, cloud.baseUrl() + path).putHeader("X-Auth-Token", who.getString("token"))
        .sendStream(body).await();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  // ---- user content never runs as the dashboard's origin

  @Test
  void objectsAreServedSandboxedAndNotSniffed() throws Exception {
    String a = account(alice);
    String c = container(alice, Map.of("X-Container-Read", ".r:*"));
    String page = "<html><script>fetch('/x?'+sessionStorage.getItem('token'))</script></html>";
    String o = a + "/" + c + "/page.html";
    assertThat(call(alice, HttpMethod.PUT, o, Map.of("Content-Type", "text/html"), Buffer.buffer(page)).statusCode()).isEqualTo(201);
    byte[] big = new byte[200 * 1024];
    call(alice, HttpMethod.PUT, a + "/" + c + "/big.html", Map.of("Content-Type", "text/html"), Buffer.buffer(big));
    call(alice, HttpMethod.PUT, a + "/" + c + "/dlo.html", Map.of("Content-Type", "text/html", "X-Object-Manifest", c + "/page"),
      Buffer.buffer(""));
    call(alice, HttpMethod.POST, a, Map.of("X-Account-Meta-Temp-URL-Key", "csp-key"), null);

    Map<String, HttpResponse<Buffer>> answers = new HashMap<>();
    answers.put("GET", call(alice, HttpMethod.GET, o));
    answers.put("HEAD", call(alice, HttpMethod.HEAD, o));
    answers.put("range", call(alice, HttpMethod.GET, o, Map.of("Range", "bytes=0-5"), null));
    answers.put("ranges", call(alice, HttpMethod.GET, o, Map.of("Range", "bytes=0-1,3-4"), null));
    answers.put("conditional", call(alice, HttpMethod.GET, o, Map.of("If-None-Match", "\"other\""), null));
    answers.put("from a file", call(alice, HttpMethod.GET, a + "/" + c + "/big.html"));
    answers.put("large object", call(alice, HttpMethod.GET, a + "/" + c + "/dlo.html"));
    answers.put("public", call(null, HttpMethod.GET, o));
    answers.put("tempurl", call(null, HttpMethod.GET, tempUrl("csp-key", "GET", o, inAMinute())));
    answers.put("missing", call(alice, HttpMethod.GET, a + "/" + c + "/nothing"));
    answers.forEach((what, r) -> {
      assertThat(r.statusCode()).as(what).isIn(200, 206, 404);
      assertThat(r.getHeader("Content-Security-Policy")).as(what).isEqualTo("sandbox");
      assertThat(r.getHeader("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
    });
    assertThat(answers.get("public").bodyAsString()).isEqualTo(page);
    assertThat(answers.get("large object").bodyAsString()).isEqualTo(page);

    // the dashboard keeps its own strict policy
    HttpResponse<Buffer> dashboard = call(null, HttpMethod.GET, "/");
    assertThat(dashboard.getHeader("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("sandbox");
  }

  // ---- the bytes on disk

  @Test
  void replicaFilesAreReadableByTheServiceUserOnly() throws Exception {
    String c = account(alice) + "/" + container(alice, Map.of());
    put(alice, c + "/small", "a small object");
    assertThat(call(alice, HttpMethod.PUT, c + "/large", Map.of(), Buffer.buffer(new byte[700 * 1024])).statusCode()).isEqualTo(201);
    assertThat(chunked(alice, c + "/chunked", 300_000).statusCode()).isEqualTo(201);
    Path objects = cloud.stateDir().resolve("objects");
    assertThat(perms(objects)).isEqualTo("rwx------");
    List<String> open = new java.util.ArrayList<>();
    int[] files = {0};
    try (Stream<Path> devices = Files.list(objects)) {
      for (Path dev : devices.filter(Files::isDirectory).toList()) {
        // other tests' writes may come and go meanwhile: what vanishes is skipped
        Files.walkFileTree(dev, new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
            check(dir, "rwx------");
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
            check(file, "rw-------");
            files[0]++;
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException exc) {
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          private void check(Path p, String expected) {
            try {
              if (!perms(p).equals(expected)) {
                open.add(p + " " + perms(p));
              }
            } catch (java.io.IOException gone) {
              // removed meanwhile
            }
          }
        });
      }
    }
    assertThat(open).isEmpty();
    assertThat(files[0]).isGreaterThan(9);
  }

  static String perms(Path p) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
