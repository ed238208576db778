package org.vertstack.objectstore;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vertstack.common.db.Databases;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listings of a container with a million objects (rows inserted straight into the listing
 * table). A benchmark, not part of the normal suite: run with
 * {@code mvn -B -o test -Dtest=ListingScaleTest -Dvertstack.bench=true}. It checks the answers
 * and prints how long each listing took; timings are not asserted.
 */
@EnabledIfSystemProperty(named = "vertstack.bench", matches = "true")
class ListingScaleTest {

  @Test
  void millionObjectContainerListings() {
    TestCloud cloud = TestCloud.shared();
    JsonObject who = cloud.projectWithUser("member").await();
    String account = "AUTH_" + who.getString("project_id");
    String base = "/object-store/v1/" + account;
    String c = TestCloud.unique("million");
    call(cloud, who, HttpMethod.PUT, base + "/" + c);
    Pool pool = Databases.pool(cloud.node().vertx(), cloud.node().config(), "objectstore");
    long t0 = System.nanoTime();
    pool.preparedQuery("INSERT INTO objectstore.objects (account, container, name, size, etag, content_type, ts, last_modified)"
        + " SELECT $1, $2, 'dir' || lpad((i % 100)::text, 2, '0') || '/obj-' || lpad(i::text, 7, '0'), 1,"
        + " 'd41d8cd98f00b204e9800998ecf8427e', 'application/octet-stream', '0000000000000000000', now()"
        + " FROM generate_series(1, 1000000) i")
      .execute(Tuple.of(account, c)).await();
    pool.query("ANALYZE objectstore.objects").execute().await();
    System.out.printf("inserted 1,000,000 listing rows in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    JsonArray first = timed(cloud, who, "first 10000", base + "/" + c + "?format=json&limit=10000").bodyAsJsonArray();
    assertThat(first).hasSize(10000);
    assertThat(first.getJsonObject(0).getString("name")).isEqualTo("dir00/obj-0000100");
    JsonArray marker = timed(cloud, who, "marker in the middle", base + "/" + c + "?format=json&limit=1000&marker=dir50/obj-0500050")
      .bodyAsJsonArray();
    assertThat(marker.getJsonObject(0).getString("name")).isEqualTo("dir50/obj-0500150");
    JsonArray prefix = timed(cloud, who, "prefix dir42/ limit 100", base + "/" + c + "?format=json&limit=100&prefix=dir42/")
      .bodyAsJsonArray();
    assertThat(prefix).hasSize(100);
    assertThat(prefix.getJsonObject(0).getString("name")).startsWith("dir42/");
    JsonArray dirs = timed(cloud, who, "delimiter / (100 subdirs)", base + "/" + c + "?format=json&delimiter=/").bodyAsJsonArray();
    assertThat(dirs).hasSize(100);
    assertThat(dirs.getJsonObject(99).getString("subdir")).isEqualTo("dir99/");
    JsonArray reverse = timed(cloud, who, "reverse end", base + "/" + c + "?format=json&limit=10&reverse=true").bodyAsJsonArray();
    assertThat(reverse.getJsonObject(0).getString("name")).isEqualTo("dir99/obj-0999999");
    JsonArray endMarker = timed(cloud, who, "end_marker", base + "/" + c + "?format=json&limit=10000&marker=dir10/&end_marker=dir10/obj-0000510")
      .bodyAsJsonArray();
    assertThat(endMarker).hasSize(5);
    timed(cloud, who, "container HEAD", base + "/" + c);
  }

  private static HttpResponse<Buffer> timed(TestCloud cloud, JsonObject who, String what, String path) {
    call(cloud, who, HttpMethod.GET, path);
    long t0 = System.nanoTime();
    HttpResponse<Buffer> r = call(cloud, who, HttpMethod.GET, path);
    System.out.printf("%-28s %4d  %.1f ms%n", what, r.statusCode(), (System.nanoTime() - t0) / 1e6);
    return r;
  }

  private static HttpResponse<Buffer> call(TestCloud cloud, JsonObject who, HttpMethod method, String path) {
    return cloud.http().requestAbs(method, cloud.baseUrl() + path).putHeader("X-Auth-Token", who.getString("token")).send().await();
  }
}
