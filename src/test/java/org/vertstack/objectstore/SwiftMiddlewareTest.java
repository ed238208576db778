package org.vertstack.objectstore;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Swift's middlewares as Tempest drives them: common headers, healthcheck and crossdomain,
 * account and container quotas, formpost, static websites, bulk archive extraction, container
 * sync and TempURL's precedence over a token.
 */
class SwiftMiddlewareTest {

  private static TestCloud cloud;
  private static JsonObject alice;
  private static JsonObject bob;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    alice = cloud.projectWithUser("member").await();
    bob = cloud.projectWithUser("member").await();
  }

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

  static String container(JsonObject who) {
    String c = TestCloud.unique("c");
    assertThat(call(who, HttpMethod.PUT, account(who) + "/" + c).statusCode()).isEqualTo(201);
    return c;
  }

  @Test
  void everyAnswerHasContentTypeDateAndSwiftTransId() {
    String c = container(alice);
    for (HttpResponse<Buffer> r : new HttpResponse[] {call(alice, HttpMethod.HEAD, account(alice)),
      call(alice, HttpMethod.HEAD, account(alice) + "/" + c), call(alice, HttpMethod.POST, account(alice) + "/" + c),
      call(alice, HttpMethod.DELETE, account(alice) + "/" + c)}) {
      assertThat(r.getHeader("Content-Type")).isNotBlank();
      assertThat(r.getHeader("Date")).isNotBlank();
      assertThat(r.getHeader("X-Trans-Id")).matches("tx[0-9a-f]{21}-[0-9a-f]{10}");
    }
  }

  @Test
  void healthcheckAndCrossdomainArePublic() {
    HttpResponse<Buffer> health = call(null, HttpMethod.GET, "/object-store/healthcheck");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsString()).isEqualTo("OK");
    HttpResponse<Buffer> xd = call(null, HttpMethod.GET, "/object-store/crossdomain.xml");
    assertThat(xd.statusCode()).isEqualTo(200);
    assertThat(xd.bodyAsString()).startsWith("<?xml version=\"1.0\"?>\n<!DOCTYPE cross-domain-policy").endsWith("</cross-domain-policy>");
    JsonObject info = call(null, HttpMethod.GET, "/info").bodyAsJsonObject();
    assertThat(info.fieldNames()).contains("bulk_upload", "bulk_delete", "formpost", "staticweb", "crossdomain", "container_sync",
      "tempurl", "account_quotas", "container_quotas", "versioned_writes");
  }

  @Test
  void onlyAResellerAdminSetsAnAccountQuotaWhichThenHolds() {
    String admin = cloud.adminToken().await();
    if (cloud.call(admin, HttpMethod.GET, "/identity/v3/roles?name=ResellerAdmin", null).await()
      .bodyAsJsonObject().getJsonArray("roles").isEmpty()) {
      cloud.call(admin, HttpMethod.POST, "/identity/v3/roles", new JsonObject().put("role", new JsonObject().put("name", "ResellerAdmin")))
        .await();
    }
    JsonObject reseller = cloud.projectWithUser("ResellerAdmin").await();
    JsonObject owner = cloud.projectWithUser("member").await();
    String a = account(owner);
    String c = container(owner);
    assertThat(call(owner, HttpMethod.POST, a, Map.of("X-Account-Meta-Quota-Bytes", "100"), null).statusCode()).isEqualTo(403);
    assertThat(call(reseller, HttpMethod.POST, a, Map.of("X-Account-Meta-Quota-Bytes", "ten"), null).statusCode()).isEqualTo(400);
    assertThat(call(reseller, HttpMethod.POST, a, Map.of("X-Account-Meta-Quota-Bytes", "10"), null).statusCode()).isEqualTo(204);
    assertThat(call(owner, HttpMethod.PUT, a + "/" + c + "/small", Map.of(), Buffer.buffer("12345")).statusCode()).isEqualTo(201);
    assertThat(call(owner, HttpMethod.PUT, a + "/" + c + "/big", Map.of(), Buffer.buffer("123456")).statusCode()).isEqualTo(413);
    assertThat(call(owner, HttpMethod.POST, a, Map.of("X-Remove-Account-Meta-Quota-Bytes", "x"), null).statusCode()).isEqualTo(403);
    assertThat(call(reseller, HttpMethod.POST, a, Map.of("X-Remove-Account-Meta-Quota-Bytes", "x"), null).statusCode()).isEqualTo(204);
    assertThat(call(owner, HttpMethod.PUT, a + "/" + c + "/big", Map.of(), Buffer.buffer("123456")).statusCode()).isEqualTo(201);
  }

  @Test
  void containerQuotasCapBytesAndCount() {
    String a = account(alice);
    String c = container(alice);
    assertThat(call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Meta-Quota-Count", "many"), null).statusCode())
      .isEqualTo(400);
    assertThat(call(alice, HttpMethod.POST, a + "/" + c,
      Map.of("X-Container-Meta-Quota-Bytes", "10", "X-Container-Meta-Quota-Count", "2"), null).statusCode()).isEqualTo(204);
    assertThat(call(alice, HttpMethod.PUT, a + "/" + c + "/big", Map.of(), Buffer.buffer("12345678901")).statusCode()).isEqualTo(413);
    assertThat(call(alice, HttpMethod.PUT, a + "/" + c + "/one", Map.of(), Buffer.buffer("1")).statusCode()).isEqualTo(201);
    assertThat(call(alice, HttpMethod.PUT, a + "/" + c + "/two", Map.of(), Buffer.buffer("2")).statusCode()).isEqualTo(201);
    assertThat(call(alice, HttpMethod.PUT, a + "/" + c + "/three", Map.of(), Buffer.buffer("3")).statusCode()).isEqualTo(413);
  }

  private static String formSignature(String key, String path, String redirect, long maxSize, int maxCount, long expires) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String body = path + "\n" + redirect + "\n" + maxSize + "\n" + maxCount + "\n" + expires;
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static Buffer form(Map<String, String> fields, Map<String, String> files) {
    StringBuilder b = new StringBuilder();
    fields.forEach((k, v) -> b.append("--BOUNDARY\r\nContent-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n")
      .append(v).append("\r\n"));
    int i = 0;
    for (Map.Entry<String, String> f : files.entrySet()) {
      b.append("--BOUNDARY\r\nContent-Disposition: form-data; name=\"file").append(i++).append("\"; filename=\"").append(f.getKey())
        .append("\"\r\nContent-Type: text/plain\r\n\r\n").append(f.getValue()).append("\r\n");
    }
    return Buffer.buffer(b.append("--BOUNDARY--\r\n").toString());
  }

  @Test
  void formPostStoresSignedFilesAndRefusesExpiredOrForgedForms() throws Exception {
    JsonObject owner = cloud.projectWithUser("member").await();
    String a = account(owner);
    String c = container(owner);
    call(owner, HttpMethod.POST, a, Map.of("X-Account-Meta-Temp-URL-Key", "formkey"), null);
    String path = a + "/" + c + "/up/";
    long expires = System.currentTimeMillis() / 1000 + 600;
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("redirect", "");
    fields.put("max_file_size", "100");
    fields.put("max_file_count", "2");
    fields.put("expires", String.valueOf(expires));
    fields.put("signature", formSignature("formkey", path, "", 100, 2, expires));
    Map<String, String> headers = Map.of("Content-Type", "multipart/form-data; boundary=BOUNDARY");

    HttpResponse<Buffer> ok = call(null, HttpMethod.POST, path, headers, form(fields, Map.of("a.txt", "hello world")));
    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(call(owner, HttpMethod.GET, a + "/" + c + "/up/a.txt").bodyAsString()).isEqualTo("hello world");

    HttpResponse<Buffer> tooBig = call(null, HttpMethod.POST, path, headers, form(fields, Map.of("big.txt", "x".repeat(101))));
    assertThat(tooBig.statusCode()).isEqualTo(400);
    assertThat(call(owner, HttpMethod.HEAD, a + "/" + c + "/up/big.txt").statusCode()).isEqualTo(404);

    Map<String, String> forged = new LinkedHashMap<>(fields);
    forged.put("signature", formSignature("guess", path, "", 100, 2, expires));
    HttpResponse<Buffer> bad = call(null, HttpMethod.POST, path, headers, form(forged, Map.of("b.txt", "x")));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.bodyAsString()).contains("FormPost: Invalid Signature");

    Map<String, String> expired = new LinkedHashMap<>(fields);
    long past = System.currentTimeMillis() / 1000 - 1;
    expired.put("expires", String.valueOf(past));
    expired.put("signature", formSignature("formkey", path, "", 100, 2, past));
    HttpResponse<Buffer> late = call(null, HttpMethod.POST, path, headers, form(expired, Map.of("c.txt", "x")));
    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(late.bodyAsString()).contains("FormPost: Form Expired");
    assertThat(call(owner, HttpMethod.HEAD, a + "/" + c + "/up/b.txt").statusCode()).isEqualTo(404);
  }

  @Test
  void staticWebServesIndexAndListingsToAnonymousReaders() {
    String a = account(alice);
    String c = container(alice);
    call(alice, HttpMethod.PUT, a + "/" + c + "/index.html", Map.of("Content-Type", "text/html"), Buffer.buffer("<p>home</p>"));
    call(alice, HttpMethod.PUT, a + "/" + c + "/docs/guide.txt", Map.of(), Buffer.buffer("guide"));
    assertThat(call(null, HttpMethod.GET, a + "/" + c + "/").statusCode()).as("private until read ACL").isEqualTo(401);
    call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Read", ".r:*,.rlistings", "X-Container-Meta-Web-Index", "index.html",
      "X-Container-Meta-Web-Listings", "true", "X-Container-Meta-Web-Listings-CSS", "style.css"), null);

    HttpResponse<Buffer> redirect = cloud.http().requestAbs(HttpMethod.GET, cloud.baseUrl() + a + "/" + c).followRedirects(false).send().await();
    assertThat(redirect.statusCode()).isEqualTo(301);
    assertThat(redirect.getHeader("Location")).endsWith(a + "/" + c + "/");
    HttpResponse<Buffer> index = call(null, HttpMethod.GET, a + "/" + c + "/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.bodyAsString()).isEqualTo("<p>home</p>");
    HttpResponse<Buffer> listing = call(null, HttpMethod.GET, a + "/" + c + "/docs/");
    assertThat(listing.statusCode()).isEqualTo(200);
    assertThat(listing.getHeader("Content-Type")).startsWith("text/html");
    assertThat(listing.bodyAsString()).contains("<a href=\"guide.txt\">guide.txt</a>")
      .contains("<link rel=\"stylesheet\" type=\"text/css\" href=\"../style.css\" />");
    assertThat(call(alice, HttpMethod.GET, a + "/" + c).bodyAsString()).as("a token holder gets the usual listing")
      .isEqualTo("docs/guide.txt\nindex.html\n");
  }

  private static Buffer tar(String compression, Map<String, String> files) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream packed = switch (compression) {
      case "tar.gz" -> new GzipCompressorOutputStream(bytes);
      case "tar.bz2" -> new BZip2CompressorOutputStream(bytes);
      default -> bytes;
    }; TarArchiveOutputStream out = new TarArchiveOutputStream(packed)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(data.length);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  @Test
  void extractArchiveCreatesContainersAndObjectsForEachFormat() throws Exception {
    String a = account(alice);
    for (String format : new String[] {"tar", "tar.gz", "tar.bz2"}) {
      String c = TestCloud.unique("x");
      Map<String, String> files = new LinkedHashMap<>();
      files.put(c + "/one.txt", "first");
      files.put(c + "/dir/two.txt", "second".repeat(50_000));
      files.put(c + "/empty", "");
      HttpResponse<Buffer> r = call(alice, HttpMethod.PUT, a + "?extract-archive=" + format, Map.of("Accept", "application/json"),
        tar(format, files));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject summary = r.bodyAsJsonObject();
      assertThat(summary.getInteger("Number Files Created")).as(format).isEqualTo(3);
      assertThat(summary.getString("Response Status")).isEqualTo("201 Created");
      assertThat(call(alice, HttpMethod.GET, a + "/" + c + "/dir/two.txt").bodyAsString()).isEqualTo("second".repeat(50_000));
      assertThat(call(alice, HttpMethod.GET, a + "/" + c + "/one.txt").bodyAsString()).isEqualTo("first");
    }
    String c = container(alice);
    HttpResponse<Buffer> into = call(alice, HttpMethod.PUT, a + "/" + c + "/pre?extract-archive=tar", Map.of(),
      tar("tar", Map.of("x.txt", "x")));
    assertThat(into.bodyAsString()).contains("Number Files Created: 1");
    assertThat(call(alice, HttpMethod.GET, a + "/" + c + "/pre/x.txt").bodyAsString()).isEqualTo("x");

    HttpResponse<Buffer> broken = call(alice, HttpMethod.PUT, a + "?extract-archive=tar.gz", Map.of("Accept", "application/json"),
      Buffer.buffer("not an archive"));
    assertThat(broken.statusCode()).isEqualTo(200);
    assertThat(broken.bodyAsJsonObject().getString("Response Status")).isEqualTo("400 Bad Request");
    assertThat(call(alice, HttpMethod.PUT, a + "?extract-archive=zip", Map.of(), Buffer.buffer("x")).statusCode()).isEqualTo(400);
    assertThat(call(bob, HttpMethod.PUT, a + "?extract-archive=tar", Map.of(), tar("tar", Map.of("c/x", "x"))).statusCode())
      .isEqualTo(403);
  }

  @Test
  void bulkDeleteAlsoTakesDelete() {
    String a = account(alice);
    String c = container(alice);
    call(alice, HttpMethod.PUT, a + "/" + c + "/o", Map.of(), Buffer.buffer("o"));
    HttpResponse<Buffer> r = call(alice, HttpMethod.DELETE, a + "?bulk-delete", Map.of("Accept", "application/json"),
      Buffer.buffer(c + "/o\n" + c));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getInteger("Number Deleted")).isEqualTo(2);
    assertThat(call(alice, HttpMethod.HEAD, a + "/" + c).statusCode()).isEqualTo(404);
  }

  @Test
  void containerSyncCopiesToTheTargetThatSharesTheKey() {
    String a = account(alice);
    String b = account(bob);
    String src = container(alice);
    String dst = container(bob);
    assertThat(call(alice, HttpMethod.POST, a + "/" + src, Map.of("X-Container-Sync-To", "http://elsewhere/v1/AUTH_x/c"), null)
      .statusCode()).isEqualTo(400);
    String to = "//vertstack/local/AUTH_" + bob.getString("project_id") + "/" + dst;
    assertThat(call(alice, HttpMethod.POST, a + "/" + src, Map.of("X-Container-Sync-To", to, "X-Container-Sync-Key", "k1"), null)
      .statusCode()).isEqualTo(204);
    call(alice, HttpMethod.PUT, a + "/" + src + "/synced", Map.of(), Buffer.buffer("over there"));
    var runtime = cloud.node().handle(ObjectStoreRuntime.class);
    runtime.syncContainers().await();
    assertThat(call(bob, HttpMethod.HEAD, b + "/" + dst + "/synced").statusCode()).as("the target did not agree yet").isEqualTo(404);

    call(bob, HttpMethod.POST, b + "/" + dst, Map.of("X-Container-Sync-Key", "k1"), null);
    assertThat(call(null, HttpMethod.HEAD, b + "/" + dst).getHeader("X-Container-Sync-Key")).isNull();
    runtime.syncContainers().await();
    assertThat(call(bob, HttpMethod.GET, b + "/" + dst + "/synced").bodyAsString()).isEqualTo("over there");
    JsonArray mine = call(alice, HttpMethod.GET, a + "/" + src + "?format=json").bodyAsJsonArray();
    JsonArray theirs = call(bob, HttpMethod.GET, b + "/" + dst + "?format=json").bodyAsJsonArray();
    assertThat(theirs).isEqualTo(mine);
  }

  @Test
  void aTempUrlIsJudgedByItsSignatureEvenWithAToken() {
    String a = account(alice);
    String c = container(alice);
    call(alice, HttpMethod.PUT, a + "/" + c + "/o", Map.of(), Buffer.buffer("o"));
    long past = System.currentTimeMillis() / 1000 - 10;
    assertThat(call(alice, HttpMethod.GET, a + "/" + c + "/o?temp_url_sig=00&temp_url_expires=" + past).statusCode()).isEqualTo(401);
  }

  @Test
  void objectMetadataKeepsEmptyValuesAndUnderscoresReadAsHyphens() {
    String a = account(alice);
    String c = container(alice);
    call(alice, HttpMethod.PUT, a + "/" + c + "/o", Map.of("X-Object-Meta-Blank", ""), Buffer.buffer("o"));
    HttpResponse<Buffer> head = call(alice, HttpMethod.HEAD, a + "/" + c + "/o");
    assertThat(head.headers().contains("X-Object-Meta-Blank")).isTrue();
    assertThat(head.getHeader("X-Object-Meta-Blank")).isEmpty();
    call(alice, HttpMethod.POST, a + "/" + c, Map.of("X-Container-Meta-under_score", "v"), null);
    assertThat(call(alice, HttpMethod.HEAD, a + "/" + c).getHeader("X-Container-Meta-Under-Score")).isEqualTo("v");
  }
}
