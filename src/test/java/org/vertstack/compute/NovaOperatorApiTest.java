package org.vertstack.compute;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.time.Duration;
import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compute APIs Tempest's tempest.api.compute found missing or wrong after the first fixes:
 * os-instance_usage_audit_log, os-migrations, server diagnostics, os-server-external-events,
 * /extensions, os-quota-class-sets and DELETE os-quota-sets, PUT /flavors/{id} (2.55), the
 * is_public filter's words, access IPs kept, and createBackup with its rotation. One test each.
 */
class NovaOperatorApiTest extends SharedCloudComputeTest {

  private static String member() {
    return f.cloud.projectWithUser("member").await().getString("token");
  }

  @Test
  void usageAuditLogShowsTheLastCompletedMonthWithEveryHostNotRun() {
    var list = call(admin, "2.1", HttpMethod.GET, "/os-instance_usage_audit_log", null);
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    JsonObject log = list.bodyAsJsonObject().getJsonObject("instance_usage_audit_logs");
    assertThat(log.getInteger("num_hosts")).isPositive();
    assertThat(log.getJsonArray("hosts_not_run")).hasSize(log.getInteger("num_hosts"));
    assertThat(log.getInteger("num_hosts_done")).isZero();
    assertThat(log.getJsonObject("log")).isEmpty();

    var shown = call(admin, "2.1", HttpMethod.GET, "/os-instance_usage_audit_log/2026-03-15%2010:00:00", null);
    assertThat(shown.statusCode()).as(shown.bodyAsString()).isEqualTo(200);
    JsonObject march = shown.bodyAsJsonObject().getJsonObject("instance_usage_audit_log");
    assertThat(march.getString("period_beginning")).isEqualTo("2026-02-01 00:00:00");
    assertThat(march.getString("period_ending")).isEqualTo("2026-03-01 00:00:00");
    // the first instant of a month has not completed that month's first period yet
    LocalDateTime[] p = UsageAuditLog.lastCompletedMonth(LocalDateTime.of(2026, 1, 1, 0, 0));
    assertThat(p[0]).isEqualTo(LocalDateTime.of(2025, 11, 1, 0, 0));

    assertThat(call(admin, "2.1", HttpMethod.GET, "/os-instance_usage_audit_log/invalid_time", null).statusCode()).isEqualTo(400);
    assertThat(call(member(), "2.1", HttpMethod.GET, "/os-instance_usage_audit_log", null).statusCode()).isEqualTo(403);
  }

  @Test
  void migrationsListAResizeAndPageFrom259() throws Exception {
    String token = member();
    String id = f.boot(token, "mig", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    var resized = call(token, "2.1", HttpMethod.POST, "/servers/" + id + "/action",
      new JsonObject().put("resize", new JsonObject().put("flavorRef", "1")));
    assertThat(resized.statusCode()).as(resized.bodyAsString()).isEqualTo(202);
    f.awaitStatus(token, id, "VERIFY_RESIZE");

    var old = call(admin, "2.1", HttpMethod.GET, "/os-migrations?instance_uuid=" + id, null);
    assertThat(old.statusCode()).as(old.bodyAsString()).isEqualTo(200);
    JsonObject m = old.bodyAsJsonObject().getJsonArray("migrations").getJsonObject(0);
    assertThat(m.getString("instance_uuid")).isEqualTo(id);
    assertThat(m.getString("status")).isEqualTo("finished");
    assertThat(m.fieldNames()).doesNotContain("migration_type", "uuid");

    JsonArray newer = call(admin, "2.59", HttpMethod.GET, "/os-migrations?instance_uuid=" + id + "&limit=1", null)
      .bodyAsJsonObject().getJsonArray("migrations");
    assertThat(newer).hasSize(1);
    assertThat(newer.getJsonObject(0).getString("migration_type")).isEqualTo("resize");
    assertThat(newer.getJsonObject(0).getString("uuid")).isNotBlank();
    assertThat(call(admin, "2.59", HttpMethod.GET, "/os-migrations?marker=nope", null).statusCode()).isEqualTo(400);
    assertThat(call(admin, "2.59", HttpMethod.GET, "/os-migrations?limit=x", null).statusCode()).isEqualTo(400);
    assertThat(call(token, "2.1", HttpMethod.GET, "/os-migrations", null).statusCode()).isEqualTo(403);
  }

  @Test
  void diagnosticsComeFromTheHypervisorForTheAdminOnly() throws Exception {
    String token = member();
    String id = f.boot(token, "diag", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    var common = call(admin, "2.48", HttpMethod.GET, "/servers/" + id + "/diagnostics", null);
    assertThat(common.statusCode()).as(common.bodyAsString()).isEqualTo(200);
    JsonObject d = common.bodyAsJsonObject();
    assertThat(d.getString("driver")).isEqualTo("libvirt");
    assertThat(d.getString("state")).isEqualTo("running");
    assertThat(d.getJsonObject("memory_details").getLong("maximum")).isEqualTo(128L); // m1.nano, in MiB
    assertThat(d.getInteger("num_cpus")).isEqualTo(1);
    assertThat(d.getJsonArray("cpu_details")).hasSize(1);

    JsonObject legacy = call(admin, "2.1", HttpMethod.GET, "/servers/" + id + "/diagnostics", null).bodyAsJsonObject();
    assertThat(legacy.getLong("memory")).isEqualTo(128L * 1024); // KiB, as libvirt's driver answered
    assertThat(legacy.containsKey("cpu0_time")).isTrue();

    assertThat(call(token, "2.48", HttpMethod.GET, "/servers/" + id + "/diagnostics", null).statusCode()).isEqualTo(403);
    call(token, "2.1", HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().putNull("os-stop"));
    f.awaitStatus(token, id, "SHUTOFF");
    assertThat(call(admin, "2.48", HttpMethod.GET, "/servers/" + id + "/diagnostics", null).statusCode()).isEqualTo(409);
  }

  @Test
  void externalEventsAnswerEachEventWithItsCode() throws Exception {
    String token = member();
    String id = f.boot(token, "ev", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    JsonObject one = new JsonObject().put("name", "network-changed").put("server_uuid", id);
    var ok = call(admin, "2.1", HttpMethod.POST, "/os-server-external-events",
      new JsonObject().put("events", new JsonArray().add(one)));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    JsonObject event = ok.bodyAsJsonObject().getJsonArray("events").getJsonObject(0);
    assertThat(event.getInteger("code")).isEqualTo(200);
    assertThat(event.getString("status")).isEqualTo("completed");

    JsonObject missing = new JsonObject().put("name", "network-changed").put("server_uuid", "no-such-server");
    var partly = call(admin, "2.1", HttpMethod.POST, "/os-server-external-events",
      new JsonObject().put("events", new JsonArray().add(one).add(missing)));
    assertThat(partly.statusCode()).isEqualTo(207);
    assertThat(partly.bodyAsJsonObject().getJsonArray("events").getJsonObject(1).getInteger("code")).isEqualTo(404);
    assertThat(call(admin, "2.1", HttpMethod.POST, "/os-server-external-events",
      new JsonObject().put("events", new JsonArray().add(missing))).statusCode()).isEqualTo(404);
    // power-update exists from 2.76 only
    assertThat(call(admin, "2.1", HttpMethod.POST, "/os-server-external-events", new JsonObject().put("events",
      new JsonArray().add(one.copy().put("name", "power-update")))).statusCode()).isEqualTo(400);
    assertThat(call(token, "2.1", HttpMethod.POST, "/os-server-external-events",
      new JsonObject().put("events", new JsonArray().add(one))).statusCode()).isEqualTo(403);
  }

  @Test
  void extensionsListWhatIsServed() {
    var list = call(member(), "2.1", HttpMethod.GET, "/extensions", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("extensions").stream().map(o -> ((JsonObject) o).getString("name")))
      .contains("Hosts", "Migrations");
    assertThat(call(admin, "2.1", HttpMethod.GET, "/extensions/os-consoles", null).bodyAsJsonObject()
      .getJsonObject("extension").getString("alias")).isEqualTo("os-consoles");
    assertThat(call(admin, "2.1", HttpMethod.GET, "/extensions/os-cloudpipe", null).statusCode()).isEqualTo(404);
  }

  @Test
  void defaultQuotaClassIsTheRegisteredLimitsAndDeletingAProjectsQuotaRestoresThem() {
    JsonObject before = call(admin, "2.1", HttpMethod.GET, "/os-quota-class-sets/default", null).bodyAsJsonObject()
      .getJsonObject("quota_class_set");
    assertThat(before.getString("id")).isEqualTo("default");
    long keyPairs = before.getLong("key_pairs");
    try {
      var updated = call(admin, "2.1", HttpMethod.PUT, "/os-quota-class-sets/default", new JsonObject().put("quota_class_set",
        new JsonObject().put("key_pairs", keyPairs + 100).put("floating_ips", 99)));
      assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
      assertThat(updated.bodyAsJsonObject().getJsonObject("quota_class_set").getLong("key_pairs")).isEqualTo(keyPairs + 100);
      assertThat(updated.bodyAsJsonObject().getJsonObject("quota_class_set").containsKey("id")).isFalse();
      JsonObject shown = call(admin, "2.1", HttpMethod.GET, "/os-quota-class-sets/default", null).bodyAsJsonObject()
        .getJsonObject("quota_class_set");
      assertThat(shown.getLong("floating_ips")).isEqualTo(99L);
      // what the quota engine enforces for a project without its own limit
      String project = f.cloud.projectWithUser("member").await().getString("project_id");
      assertThat(call(admin, "2.1", HttpMethod.GET, "/os-quota-sets/" + project, null).bodyAsJsonObject()
        .getJsonObject("quota_set").getLong("key_pairs")).isEqualTo(keyPairs + 100);
      // from 2.57 no injected-file keys, from 2.50 no network keys
      JsonObject v257 = call(admin, "2.57", HttpMethod.GET, "/os-quota-class-sets/default", null).bodyAsJsonObject()
        .getJsonObject("quota_class_set");
      assertThat(v257.fieldNames()).doesNotContain("floating_ips", "injected_files").contains("server_groups");
      assertThat(call(admin, "2.57", HttpMethod.PUT, "/os-quota-class-sets/default", new JsonObject().put("quota_class_set",
        new JsonObject().put("floating_ips", 1))).statusCode()).isEqualTo(400);
      assertThat(call(member(), "2.1", HttpMethod.GET, "/os-quota-class-sets/default", null).statusCode()).isEqualTo(403);
    } finally {
      call(admin, "2.1", HttpMethod.PUT, "/os-quota-class-sets/default", new JsonObject().put("quota_class_set",
        new JsonObject().put("key_pairs", keyPairs).put("floating_ips", -1)));
    }

    String project = f.cloud.projectWithUser("member").await().getString("project_id");
    long ram = call(admin, "2.1", HttpMethod.GET, "/os-quota-sets/" + project, null).bodyAsJsonObject()
      .getJsonObject("quota_set").getLong("ram");
    call(admin, "2.1", HttpMethod.PUT, "/os-quota-sets/" + project, new JsonObject().put("quota_set", new JsonObject().put("ram", 5120)));
    var deleted = call(admin, "2.1", HttpMethod.DELETE, "/os-quota-sets/" + project, null);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(202);
    assertThat(call(admin, "2.1", HttpMethod.GET, "/os-quota-sets/" + project, null).bodyAsJsonObject()
      .getJsonObject("quota_set").getLong("ram")).isEqualTo(ram);
    assertThat(call(member(), "2.1", HttpMethod.DELETE, "/os-quota-sets/" + project, null).statusCode()).isEqualTo(403);
  }

  @Test
  void flavorDescriptionChangesFrom255AndIsPublicTakesOslosWords() {
    String id = TestCloud.unique("fl");
    var created = call(admin, "2.55", HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", id).put("id", id).put("ram", 64).put("vcpus", 1).put("disk", 0).put("os-flavor-access:is_public", false)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    var updated = call(admin, "2.55", HttpMethod.PUT, "/flavors/" + id,
      new JsonObject().put("flavor", new JsonObject().put("description", "small")));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getJsonObject("flavor").getString("description")).isEqualTo("small");
    assertThat(call(admin, "2.54", HttpMethod.PUT, "/flavors/" + id,
      new JsonObject().put("flavor", new JsonObject().put("description", "x"))).statusCode()).isEqualTo(404);
    assertThat(call(admin, "2.55", HttpMethod.PUT, "/flavors/" + id,
      new JsonObject().put("flavor", new JsonObject().put("name", "x"))).statusCode()).isEqualTo(400);
    assertThat(call(member(), "2.55", HttpMethod.PUT, "/flavors/" + id,
      new JsonObject().put("flavor", new JsonObject().put("description", "x"))).statusCode()).isEqualTo(403);

    for (String word : new String[] {"f", "n", "no", "0", "False"}) {
      var list = call(admin, "2.55", HttpMethod.GET, "/flavors/detail?is_public=" + word, null);
      assertThat(list.statusCode()).as(word + ": " + list.bodyAsString()).isEqualTo(200);
      assertThat(list.bodyAsJsonObject().getJsonArray("flavors").stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);
    }
    assertThat(call(admin, "2.55", HttpMethod.GET, "/flavors/detail?is_public=maybe", null).statusCode()).isEqualTo(400);
    call(admin, "2.55", HttpMethod.DELETE, "/flavors/" + id, null);
  }

  @Test
  void accessIpsAreKeptFromCreateUpdateAndRebuild() throws Exception {
    String token = member();
    JsonObject body = f.serverBody("aip", image, "42");
    body.getJsonObject("server").put("accessIPv4", "10.1.2.3").put("accessIPv6", "2001:db8::1");
    var created = call(token, "2.1", HttpMethod.POST, "/servers", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
    JsonObject s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getString("accessIPv4")).isEqualTo("10.1.2.3");
    assertThat(s.getString("accessIPv6")).isEqualTo("2001:db8::1");

    var updated = call(token, "2.1", HttpMethod.PUT, "/servers/" + id,
      new JsonObject().put("server", new JsonObject().put("accessIPv4", "10.9.9.9")));
    assertThat(updated.bodyAsJsonObject().getJsonObject("server").getString("accessIPv4")).isEqualTo("10.9.9.9");
    assertThat(f.server(token, id).getString("accessIPv6")).isEqualTo("2001:db8::1");
    assertThat(call(token, "2.1", HttpMethod.PUT, "/servers/" + id,
      new JsonObject().put("server", new JsonObject().put("accessIPv4", "not-an-ip"))).statusCode()).isEqualTo(400);

    var rebuilt = call(token, "2.1", HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().put("rebuild",
      new JsonObject().put("imageRef", image).put("accessIPv6", "")));
    assertThat(rebuilt.statusCode()).as(rebuilt.bodyAsString()).isEqualTo(202);
    s = f.awaitStatus(token, id, "ACTIVE");
    assertThat(s.getString("accessIPv4")).isEqualTo("10.9.9.9");
    assertThat(s.getString("accessIPv6")).isEmpty();
  }

  @Test
  void accessIpv6IsKeptInNetaddrsCanonicalText() {
    assertThat(Servers.ipv6Text("0000:0000:0000:0000:0000:babe:220.12.22.2")).isEqualTo("::babe:dc0c:1602");
    assertThat(Servers.ipv6Text("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
    assertThat(Servers.ipv6Text("1:0:0:2:0:0:3:4")).isEqualTo("1::2:0:0:3:4");
    assertThat(Servers.ipv6Text("2001:DB8::1")).isEqualTo("2001:db8::1");
    assertThat(Servers.ipv6Text("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(Servers.ipv6Text("::ffff:1.2.3.4")).isEqualTo("::ffff:1.2.3.4");
    assertThat(Servers.ipv6Text("::")).isEqualTo("::");
    assertThat(Servers.ipv6Text("fe80::")).isEqualTo("fe80::");
    assertThat(Servers.ipv6Text("1.2.3.4")).isNull();
    assertThat(Servers.ipv6Text("localhost")).isNull();
  }

  @Test
  void createBackupKeepsTheNewestRotationBackupsOfItsType() throws Exception {
    String token = member();
    String id = f.boot(token, "bk", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    String first = backup(token, id, "bk-1");
    awaitBackups(token, id, first);
    String second = backup(token, id, "bk-2");
    assertThat(second).isNotEqualTo(first);
    // rotation 1: the first backup goes once the second is up (fails by timeout if both stay, or the wrong one goes)
    JsonArray left = awaitBackups(token, id, second);
    assertThat(left.getJsonObject(0).getString("image_type")).isEqualTo("backup");
    assertThat(call(token, "2.45", HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().put("createBackup",
      new JsonObject().put("name", "x").put("backup_type", "daily").put("rotation", -1))).statusCode()).isEqualTo(400);
  }

  private static String backup(String token, String id, String name) throws InterruptedException {
    f.awaitStatus(token, id, "ACTIVE");
    var resp = call(token, "2.45", HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().put("createBackup",
      new JsonObject().put("name", name).put("backup_type", "daily").put("rotation", 1)));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return resp.bodyAsJsonObject().getString("image_id");
  }

  /**
   * Waits until the server's active daily backups are exactly {@code expected}, with no task under way
   * (the count alone is no proof: right after a new backup is asked for, the old one still counts 1).
   */
  private static JsonArray awaitBackups(String token, String id, String... expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonArray images = null;
    while (System.nanoTime() < deadline) {
      images = f.cloud.call(token, HttpMethod.GET, "/image/v2/images?instance_uuid=" + id + "&image_type=backup&backup_type=daily"
        + "&status=active", null).await().bodyAsJsonObject().getJsonArray("images");
      boolean idle = f.server(token, id).getValue("OS-EXT-STS:task_state") == null;
      java.util.Set<String> ids = images.stream().map(o -> ((JsonObject) o).getString("id")).collect(java.util.stream.Collectors.toSet());
      if (ids.equals(java.util.Set.of(expected)) && idle) {
        return images;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("expected the backups " + java.util.List.of(expected) + ", found " + images);
  }
}
