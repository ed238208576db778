package org.vertstack.dashboard;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's files: gzip for clients that take it, a strong ETag, a 304 when unchanged. */
class WebrootFilesTest {

  private final DashboardNode cloud = DashboardNode.shared();

  @Test
  void filesComeGzippedWithAnETagAndUnchangedOnesAre304WithNoBody() throws Exception {
    HttpResponse<byte[]> plain = cloud.send("GET", "/app/main.js", null, null);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    String etag = plain.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[A-Za-z0-9_-]{43}\"");
    assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(plain.headers().firstValue("Content-Security-Policy")).isPresent();

    HttpResponse<byte[]> zipped = cloud.send("GET", "/app/main.js", null, null, "Accept-Encoding", "gzip, deflate, br");
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.headers().firstValue("ETag")).hasValue(etag);
    assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain.body());
    }

    HttpResponse<byte[]> again = cloud.send("GET", "/app/main.js", null, null, "If-None-Match", etag, "Accept-Encoding", "gzip");
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    HttpResponse<byte[]> stale = cloud.send("GET", "/app/main.js", null, null, "If-None-Match", "\"something-else\"");
    assertThat(stale.statusCode()).isEqualTo(200);
  }

  @Test
  void theIndexModulesAndVendoredLibrariesHaveTheirTypesAndNothingElseIsServed() throws Exception {
    HttpResponse<byte[]> index = cloud.send("GET", "/", null, null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(new String(index.body(), StandardCharsets.UTF_8)).contains("importmap");
    HttpResponse<byte[]> xterm = cloud.send("GET", "/vendor/xterm/lib/xterm.mjs", null, null);
    assertThat(xterm.statusCode()).isEqualTo(200);
    assertThat(xterm.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(cloud.send("HEAD", "/app/styles.css", null, null).headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    for (String path : new String[] {"/app/nothing.js", "/app", "/../pom.xml", "/app/.hidden.js", "/vendor/preact/package.json"}) {
      assertThat(cloud.send("GET", path, null, null).statusCode()).as(path).isEqualTo(404);
    }
  }
}
