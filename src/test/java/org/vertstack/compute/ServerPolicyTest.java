package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Quotas, tenant isolation, the action state machine and bad input, on the test driver. */
class ServerPolicyTest extends SharedCloudComputeTest {

  @Test
  void theEleventhInstanceIsRefusedNamingTheQuota() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    JsonObject quota = f.call(token, HttpMethod.GET, "/os-quota-sets/" + user.getString("project_id"), null).bodyAsJsonObject();
    assertThat(quota.getJsonObject("quota_set").getLong("instances")).isEqualTo(10);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(f.boot(token, "q" + i, image, "42"));
    }
    var refused = f.call(token, HttpMethod.POST, "/servers", f.serverBody("q11", image, "42"));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getJsonObject("forbidden").getString("message")).contains("Quota exceeded").contains("instances");
    JsonObject abs = f.call(token, HttpMethod.GET, "/limits", null).bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
    assertThat(abs.getLong("totalInstancesUsed")).isEqualTo(10);
    assertThat(abs.getLong("maxTotalInstances")).isEqualTo(10);
    assertThat(abs.getLong("totalRAMUsed")).isEqualTo(10 * 128);

    // a member cannot raise its own quota; an admin can, and then the 11th boots
    var set = new JsonObject().put("quota_set", new JsonObject().put("instances", 11));
    assertThat(f.call(token, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), set).statusCode()).isEqualTo(403);
    var raised = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), set);
    assertThat(raised.statusCode()).as(raised.bodyAsString()).isEqualTo(200);
    assertThat(raised.bodyAsJsonObject().getJsonObject("quota_set").getLong("instances")).isEqualTo(11);
    ids.add(f.boot(token, "q11", image, "42"));

    // deleting gives the quota back
    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + ids.get(0), null).statusCode()).isEqualTo(204);
    f.awaitGone(token, ids.get(0));
    JsonObject detail = f.call(token, HttpMethod.GET, "/os-quota-sets/" + user.getString("project_id") + "/detail", null)
      .bodyAsJsonObject().getJsonObject("quota_set");
    assertThat(detail.getJsonObject("instances").getLong("in_use")).isEqualTo(10);
    for (String id : ids.subList(1, ids.size())) {
      f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
    }
  }

  @Test
  void anotherProjectsServerIsNotFoundAndAllTenantsNeedsAdmin() throws Exception {
    JsonObject owner = f.cloud.projectWithUser("member").await();
    JsonObject stranger = f.cloud.projectWithUser("member").await();
    String id = f.boot(owner.getString("token"), "mine", image, "42");
    f.awaitStatus(owner.getString("token"), id, "ACTIVE");
    String t = stranger.getString("token");
    for (var req : List.of(
      new Object[] {HttpMethod.GET, "/servers/" + id, null},
      new Object[] {HttpMethod.PUT, "/servers/" + id, new JsonObject().put("server", new JsonObject().put("name", "x"))},
      new Object[] {HttpMethod.POST, "/servers/" + id + "/action", new JsonObject().putNull("os-stop")},
      new Object[] {HttpMethod.GET, "/servers/" + id + "/os-instance-actions", null},
      new Object[] {HttpMethod.DELETE, "/servers/" + id, null})) {
      var resp = f.call(t, (HttpMethod) req[0], (String) req[1], (JsonObject) req[2]);
      assertThat(resp.statusCode()).as(req[0] + " " + req[1]).isEqualTo(404);
      assertThat(resp.bodyAsJsonObject().containsKey("itemNotFound")).isTrue();
    }
    assertThat(f.call(t, HttpMethod.GET, "/servers", null).bodyAsJsonObject().getJsonArray("servers")).isEmpty();
    assertThat(f.call(t, HttpMethod.GET, "/servers/detail?all_tenants=1", null).statusCode()).isEqualTo(403);
    assertThat(f.call(t, HttpMethod.GET, "/os-quota-sets/" + owner.getString("project_id"), null).statusCode()).isEqualTo(403);
    assertThat(f.call(t, HttpMethod.GET, "/os-hypervisors", null).statusCode()).isEqualTo(403);
    JsonArray all = f.call(admin, HttpMethod.GET, "/servers/detail?all_tenants=1", null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(ComputeFixture.ids(all)).contains(id);
    JsonArray one = f.call(admin, HttpMethod.GET, "/servers/detail?all_tenants=1&project_id=" + owner.getString("project_id"), null)
      .bodyAsJsonObject().getJsonArray("servers");
    assertThat(ComputeFixture.ids(one)).containsExactly(id);
    // the owner still sees it and may delete it
    assertThat(f.server(owner.getString("token"), id).getString("status")).isEqualTo("ACTIVE");
    assertThat(f.call(owner.getString("token"), HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
  }

  @Test
  void actionsFollowNovasStateMachine() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    String id = f.boot(token, "sm", image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    String path = "/servers/" + id + "/action";
    // forbidden from ACTIVE
    for (String a : List.of("os-start", "unpause", "resume")) {
      var r = f.call(token, HttpMethod.POST, path, new JsonObject().putNull(a));
      assertThat(r.statusCode()).as(a + " from ACTIVE").isEqualTo(409);
      assertThat(r.bodyAsJsonObject().getJsonObject("conflictingRequest").getString("message")).contains("vm_state active");
    }
    act(token, path, new JsonObject().putNull("os-stop"));
    f.awaitStatus(token, id, "SHUTOFF");
    assertThat(f.server(token, id).getInteger("OS-EXT-STS:power_state")).isEqualTo(4);
    for (String a : List.of("os-stop", "pause", "suspend")) {
      assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().putNull(a)).statusCode()).as(a + " from SHUTOFF").isEqualTo(409);
    }
    assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().put("reboot", new JsonObject().put("type", "SOFT"))).statusCode())
      .isEqualTo(409);
    act(token, path, new JsonObject().putNull("os-start"));
    f.awaitStatus(token, id, "ACTIVE");
    act(token, path, new JsonObject().putNull("pause"));
    f.awaitStatus(token, id, "PAUSED");
    assertThat(f.server(token, id).getInteger("OS-EXT-STS:power_state")).isEqualTo(3);
    assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().putNull("suspend")).statusCode()).isEqualTo(409);
    act(token, path, new JsonObject().putNull("unpause"));
    f.awaitStatus(token, id, "ACTIVE");
    act(token, path, new JsonObject().putNull("suspend"));
    f.awaitStatus(token, id, "SUSPENDED");
    act(token, path, new JsonObject().putNull("resume"));
    f.awaitStatus(token, id, "ACTIVE");
    act(token, path, new JsonObject().put("reboot", new JsonObject().put("type", "HARD")));
    f.awaitStatus(token, id, "ACTIVE");
    act(token, path, new JsonObject().put("reboot", new JsonObject().put("type", "SOFT")));
    f.awaitStatus(token, id, "ACTIVE");
    assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().put("reboot", new JsonObject().put("type", "GENTLE"))).statusCode())
      .isEqualTo(400);

    // lock: the owner's actions are refused (409) until unlocked; an admin still acts
    act(token, path, new JsonObject().putNull("lock"));
    assertThat(f.server(token, id).getBoolean("locked")).isTrue();
    assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().putNull("os-stop")).statusCode()).isEqualTo(409);
    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(409);
    act(token, path, new JsonObject().putNull("unlock"));

    var console = f.call(token, HttpMethod.POST, path, new JsonObject().put("os-getConsoleOutput", new JsonObject().put("length", 10)));
    assertThat(console.statusCode()).isEqualTo(200);
    assertThat(console.bodyAsJsonObject().containsKey("output")).isTrue();
    JsonArray log = f.call(token, HttpMethod.GET, "/servers/" + id + "/os-instance-actions", null).bodyAsJsonObject().getJsonArray("instanceActions");
    assertThat(log.stream().map(o -> ((JsonObject) o).getString("action")))
      .contains("create", "stop", "start", "pause", "unpause", "suspend", "resume", "reboot", "lock", "unlock");
    assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().putNull("shelveOffload")).statusCode()).isEqualTo(409);
    assertThat(f.call(token, HttpMethod.POST, path, new JsonObject().putNull("evacuate")).statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.DELETE, "/servers/" + id, null).statusCode()).isEqualTo(204);
    f.awaitGone(token, id);
  }

  private static void act(String token, String path, JsonObject body) {
    var r = f.call(token, HttpMethod.POST, path, body);
    assertThat(r.statusCode()).as(body.encode() + ": " + r.bodyAsString()).isEqualTo(202);
  }

  @Test
  void badInputIsA400InNovasFormat() {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    var malformed = f.cloud.http().postAbs(f.cloud.baseUrl() + "/compute/v2.1/servers").putHeader("X-Auth-Token", token)
      .putHeader("Content-Type", "application/json").sendBuffer(io.vertx.core.buffer.Buffer.buffer("{\"server\": ")).await();
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getJsonObject("badRequest").getInteger("code")).isEqualTo(400);
    List<JsonObject> bad = List.of(
      new JsonObject(),
      new JsonObject().put("server", "web"),
      f.serverBody("x", image, "no-such-flavor"),
      f.serverBody("x", "00000000-0000-0000-0000-000000000000", "42"),
      f.serverBody("", image, "42"),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("name", 42)),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("networks", "auto")),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server")
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", "net-1")))),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server")
        .put("block_device_mapping_v2", new JsonArray().add(new JsonObject().put("source_type", "volume").put("uuid", "v1")))),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("user_data", "not base64 !!")),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("key_name", "nokey")),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("min_count", "many")),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("min_count", 3).put("max_count", 2)),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("metadata", new JsonObject().put("k", 1))),
      f.serverBody("x", image, "42").put("server", f.serverBody("x", image, "42").getJsonObject("server").put("availability_zone", "mars")));
    for (JsonObject body : bad) {
      var r = f.call(token, HttpMethod.POST, "/servers", body);
      assertThat(r.statusCode()).as(body.encode() + " -> " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).isNotBlank();
    }
    var auto = f.call(token, HttpMethod.POST, "/servers", f.serverBody("x", image, "42").put("server",
      f.serverBody("x", image, "42").getJsonObject("server").put("networks", "auto")));
    assertThat(auto.bodyAsString()).contains("no network service");
    assertThat(f.call(token, HttpMethod.GET, "/servers?limit=x", null).statusCode()).isEqualTo(400);
    // the list's declared query schema (Nova's): typed parameters are checked and named, others pass (before 2.75)
    for (String query : List.of("limit=-1", "limit=x", "sort_key=colour", "changes-since=yesterday", "limit=2&limit=y")) {
      var r = f.call(token, HttpMethod.GET, "/servers/detail?" + query, null);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).as(query)
        .startsWith("Invalid input for query parameters " + query.substring(query.lastIndexOf('&') + 1, query.lastIndexOf('=')) + ".");
    }
    assertThat(f.call(token, HttpMethod.GET, "/servers?not_a_filter=1&sort_key=display_name&changes-since=2026-01-01T00:00:00Z", null)
      .statusCode()).isEqualTo(200);
    assertThat(f.call(token, HttpMethod.GET, "/servers?marker=nope", null).statusCode()).isEqualTo(400);
    assertThat(f.call(token, HttpMethod.GET, "/servers", null).bodyAsJsonObject().getJsonArray("servers")).isEmpty();
    JsonObject usage = f.call(token, HttpMethod.GET, "/limits", null).bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
    assertThat(usage.getLong("totalInstancesUsed")).as("refused requests reserve nothing").isZero();
  }

  @Test
  void multipleServersAndPagination() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    String token = user.getString("token");
    JsonObject body = f.serverBody("many", image, "42");
    body.getJsonObject("server").put("min_count", 3).put("max_count", 3).put("return_reservation_id", true);
    var r = f.call(token, HttpMethod.POST, "/servers", body);
    assertThat(r.statusCode()).isEqualTo(202);
    String reservation = r.bodyAsJsonObject().getString("reservation_id");
    JsonArray all = f.call(token, HttpMethod.GET, "/servers?reservation_id=" + reservation, null).bodyAsJsonObject().getJsonArray("servers");
    assertThat(all).hasSize(3);
    var page1 = f.call(token, HttpMethod.GET, "/servers?limit=2", null).bodyAsJsonObject();
    assertThat(page1.getJsonArray("servers")).hasSize(2);
    String next = page1.getJsonArray("servers_links").getJsonObject(0).getString("href");
    String marker = next.substring(next.indexOf("marker=") + 7);
    var page2 = f.call(token, HttpMethod.GET, "/servers?limit=2&marker=" + marker, null).bodyAsJsonObject();
    assertThat(page2.getJsonArray("servers")).hasSize(1);
    List<String> seen = new ArrayList<>();
    page1.getJsonArray("servers").forEach(o -> seen.add(((JsonObject) o).getString("id")));
    seen.add(page2.getJsonArray("servers").getJsonObject(0).getString("id"));
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ComputeFixture.ids(all).getList());
    for (String id : seen) {
      f.awaitStatus(token, id, "ACTIVE");
      f.call(token, HttpMethod.DELETE, "/servers/" + id, null);
    }
  }
}
