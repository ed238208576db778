package org.vertstack.compute;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * os-server-groups on a cloud of two compute hosts (a second agent, "node-b", beside the node's
 * own, both on libvirt's test driver): the API as Nova's reference writes it, and the scheduler
 * honouring each policy, also when several boots of one group race for the hosts.
 */
class ServerGroupsTest {

  static TestCloud cloud;
  static ComputeFixture f;
  static String admin;
  static String image;
  static String flavor;
  static String token;
  static String project;

  @BeforeAll
  static void setUp() throws Exception {
    cloud = TestCloud.start(Files.createTempDirectory("vertstack-server-groups-"), new JsonObject()).await();
    f = new ComputeFixture(cloud);
    admin = cloud.adminToken().await();
    JsonObject config = cloud.node().config().copy();
    config.getJsonObject("compute").put("host", "node-b-" + cloud.port());
    cloud.node().vertx().deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(config)).await();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (f.call(admin, HttpMethod.GET, "/os-hypervisors", null).bodyAsJsonObject().getJsonArray("hypervisors").size() < 2) {
      assertThat(System.nanoTime()).as("two compute hosts registered").isLessThan(deadline);
      Thread.sleep(100);
    }
    image = f.publicImage(admin);
    flavor = f.call(admin, HttpMethod.POST, "/flavors", new JsonObject().put("flavor", new JsonObject()
      .put("name", TestCloud.unique("sg")).put("ram", 16).put("vcpus", 1).put("disk", 0))).bodyAsJsonObject()
      .getJsonObject("flavor").getString("id");
    JsonObject user = cloud.projectWithUser("member").await();
    token = user.getString("token");
    project = user.getString("project_id");
    var quota = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + project, new JsonObject().put("quota_set", new JsonObject()
      .put("instances", 100).put("cores", 100).put("ram", 100_000).put("server_group_members", 50).put("server_groups", 100)));
    assertThat(quota.statusCode()).as(quota.bodyAsString()).isEqualTo(200);
  }

  @AfterAll
  static void tearDown() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static JsonObject createGroup(String token, JsonObject group, String version, int status) {
    var resp = cloud.http().requestAbs(HttpMethod.POST, cloud.baseUrl() + "/compute/v2.1/os-server-groups")
      .putHeader("OpenStack-API-Version", "compute " + version).putHeader("X-Auth-Token", token)
      .sendJsonObject(new JsonObject().put("server_group", group)).await();
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    return resp.bodyAsJsonObject();
  }

  private static String group(String policy, JsonObject rules) {
    JsonObject g = new JsonObject().put("name", TestCloud.unique("grp")).put("policy", policy);
    if (rules != null) {
      g.put("rules", rules);
    }
    return createGroup(token, g, "2.79", 200).getJsonObject("server_group").getString("id");
  }

  /** {@code count} boots in the group at once (one connection each); answers the servers once none is building. */
  private static List<JsonObject> burst(String groupId, int count) throws Exception {
    WebClient client = WebClient.create(cloud.node().vertx(), new WebClientOptions(),
      new io.vertx.core.http.PoolOptions().setHttp1MaxSize(count));
    List<Future<String>> posted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject body = f.serverBody(TestCloud.unique("member"), image, flavor)
        .put("os:scheduler_hints", new JsonObject().put("group", groupId));
      posted.add(client.postAbs(cloud.baseUrl() + "/compute/v2.1/servers").putHeader("X-Auth-Token", token)
        .putHeader("OpenStack-API-Version", "compute 2.79").sendJsonObject(body).map(r -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
          return r.bodyAsJsonObject().getJsonObject("server").getString("id");
        }));
    }
    List<String> ids = Future.all(posted).await().list();
    client.close();
    List<JsonObject> out = new ArrayList<>();
    for (String id : ids) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      JsonObject s = f.server(admin, id);
      while ("BUILD".equals(s.getString("status")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
        s = f.server(admin, id);
      }
      out.add(s);
    }
    return out;
  }

  private static Map<String, Integer> perHost(List<JsonObject> servers) {
    Map<String, Integer> hosts = new HashMap<>();
    servers.stream().filter(s -> "ACTIVE".equals(s.getString("status")))
      .forEach(s -> hosts.merge(s.getString("OS-EXT-SRV-ATTR:host"), 1, Integer::sum));
    return hosts;
  }

  private static void deleteAll(List<JsonObject> servers) throws InterruptedException {
    for (JsonObject s : servers) {
      f.call(token, HttpMethod.DELETE, "/servers/" + s.getString("id"), null);
    }
    for (JsonObject s : servers) {
      f.awaitGone(token, s.getString("id"));
    }
  }

  @Test
  void createShowListAndDeleteAsNovaWritesThem() {
    JsonObject created = createGroup(token, new JsonObject().put("name", "web").put("policy", "anti-affinity")
      .put("rules", new JsonObject().put("max_server_per_host", 3)), "2.64", 200).getJsonObject("server_group");
    assertThat(created.getString("policy")).isEqualTo("anti-affinity");
    assertThat(created.getJsonObject("rules")).isEqualTo(new JsonObject().put("max_server_per_host", 3));
    assertThat(created.getJsonArray("members")).isEmpty();
    assertThat(created.getString("project_id")).isEqualTo(project);
    assertThat(created.containsKey("policies")).isFalse();
    String id = created.getString("id");

    // before 2.64: policies (a list of one) and the empty metadata
    JsonObject old = createGroup(token, new JsonObject().put("name", "db").put("policies", new JsonArray().add("affinity")),
      "2.15", 200).getJsonObject("server_group");
    assertThat(old.getJsonArray("policies")).containsExactly("affinity");
    assertThat(old.getJsonObject("metadata")).isEmpty();
    assertThat(old.containsKey("policy")).isFalse();
    // soft policies from 2.15; rules only with anti-affinity; policy, not policies, from 2.64
    createGroup(token, new JsonObject().put("name", "x").put("policies", new JsonArray().add("soft-affinity")), "2.14", 400);
    createGroup(token, new JsonObject().put("name", "x").put("policy", "affinity")
      .put("rules", new JsonObject().put("max_server_per_host", 2)), "2.64", 400);
    createGroup(token, new JsonObject().put("name", "x").put("policies", new JsonArray().add("affinity")), "2.64", 400);
    createGroup(token, new JsonObject().put("name", "x").put("policy", "clustered"), "2.64", 400);
    createGroup(token, new JsonObject().put("policy", "affinity"), "2.64", 400);
    createGroup(token, new JsonObject().put("name", "x").put("policy", "anti-affinity")
      .put("rules", new JsonObject().put("max_server_per_host", 0)), "2.64", 400);

    var shown = f.call(token, HttpMethod.GET, "/os-server-groups/" + id, null);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.bodyAsJsonObject().getJsonObject("server_group").getString("name")).isEqualTo("web");
    JsonArray listed = f.call(token, HttpMethod.GET, "/os-server-groups", null).bodyAsJsonObject().getJsonArray("server_groups");
    assertThat(ComputeFixture.ids(listed)).contains(id, old.getString("id"));

    // another project neither sees nor deletes it; the admin lists it with all_projects only
    String other = cloud.projectWithUser("member").await().getString("token");
    assertThat(f.call(other, HttpMethod.GET, "/os-server-groups/" + id, null).statusCode()).isEqualTo(404);
    assertThat(f.call(other, HttpMethod.DELETE, "/os-server-groups/" + id, null).statusCode()).isEqualTo(404);
    assertThat(ComputeFixture.ids(f.call(other, HttpMethod.GET, "/os-server-groups?all_projects=True", null).bodyAsJsonObject()
      .getJsonArray("server_groups"))).doesNotContain(id);
    assertThat(ComputeFixture.ids(f.call(admin, HttpMethod.GET, "/os-server-groups?all_projects=True", null).bodyAsJsonObject()
      .getJsonArray("server_groups"))).contains(id);

    assertThat(f.call(token, HttpMethod.DELETE, "/os-server-groups/" + id, null).statusCode()).isEqualTo(204);
    assertThat(f.call(token, HttpMethod.GET, "/os-server-groups/" + id, null).statusCode()).isEqualTo(404);
    assertThat(f.call(token, HttpMethod.DELETE, "/os-server-groups/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void theServerGroupsQuotaIsCountedAndEnforced() {
    JsonObject user = cloud.projectWithUser("member").await();
    var quota = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), new JsonObject()
      .put("quota_set", new JsonObject().put("server_groups", 1)));
    assertThat(quota.statusCode()).as(quota.bodyAsString()).isEqualTo(200);
    String t = user.getString("token");
    String id = createGroup(t, new JsonObject().put("name", "one").put("policy", "affinity"), "2.64", 200)
      .getJsonObject("server_group").getString("id");
    JsonObject refused = createGroup(t, new JsonObject().put("name", "two").put("policy", "affinity"), "2.64", 403);
    assertThat(refused.getJsonObject("forbidden").getString("message")).contains("Quota exceeded");
    JsonObject detail = f.call(t, HttpMethod.GET, "/os-quota-sets/" + user.getString("project_id") + "/detail", null)
      .bodyAsJsonObject().getJsonObject("quota_set");
    assertThat(detail.getJsonObject("server_groups").getLong("in_use")).isEqualTo(1);
    assertThat(f.call(t, HttpMethod.DELETE, "/os-server-groups/" + id, null).statusCode()).isEqualTo(204);
    createGroup(t, new JsonObject().put("name", "two").put("policy", "affinity"), "2.64", 200);
  }

  @Test
  void theGroupMembersQuotaRefusesABootBeyondIt() {
    JsonObject user = cloud.projectWithUser("member").await();
    var quota = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), new JsonObject()
      .put("quota_set", new JsonObject().put("server_group_members", 1)));
    assertThat(quota.statusCode()).as(quota.bodyAsString()).isEqualTo(200);
    String t = user.getString("token");
    String id = createGroup(t, new JsonObject().put("name", "small").put("policy", "soft-affinity"), "2.64", 200)
      .getJsonObject("server_group").getString("id");
    JsonObject body = f.serverBody("m", image, flavor).put("os:scheduler_hints", new JsonObject().put("group", id));
    assertThat(f.call(t, HttpMethod.POST, "/servers", body).statusCode()).isEqualTo(202);
    var refused = f.call(t, HttpMethod.POST, "/servers", body);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getJsonObject("forbidden").getString("message"))
      .isEqualTo("Quota exceeded, too many servers in group");
    // a hint that is no uuid, or a group the caller cannot see
    JsonObject bad = f.serverBody("m", image, flavor).put("os:scheduler_hints", new JsonObject().put("group", "nope"));
    assertThat(f.call(t, HttpMethod.POST, "/servers", bad).statusCode()).isEqualTo(400);
    String others = group("affinity", null);
    JsonObject foreign = f.serverBody("m", image, flavor).put("os:scheduler_hints", new JsonObject().put("group", others));
    assertThat(f.call(t, HttpMethod.POST, "/servers", foreign).statusCode()).isEqualTo(400);
  }

  /**
   * server_group_members is taken in the transaction that adds the members (the group's row
   * locked, the members counted after): of 10 boots at once into a group whose project may have 3
   * members in it, exactly 3 are accepted, however the requests interleave.
   */
  @Test
  void concurrentBootsNeverExceedTheGroupMembersQuota() throws Exception {
    JsonObject user = cloud.projectWithUser("member").await();
    var quota = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), new JsonObject()
      .put("quota_set", new JsonObject().put("server_group_members", 3)));
    assertThat(quota.statusCode()).as(quota.bodyAsString()).isEqualTo(200);
    String t = user.getString("token");
    for (int round = 0; round < 2; round++) {
      String id = createGroup(t, new JsonObject().put("name", "limited").put("policy", "soft-anti-affinity"), "2.64", 200)
        .getJsonObject("server_group").getString("id");
      int count = 10;
      WebClient client = WebClient.create(cloud.node().vertx(), new WebClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(count));
      List<Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>> posted = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        JsonObject body = f.serverBody(TestCloud.unique("limited"), image, flavor)
          .put("os:scheduler_hints", new JsonObject().put("group", id));
        posted.add(client.postAbs(cloud.baseUrl() + "/compute/v2.1/servers").putHeader("X-Auth-Token", t)
          .putHeader("OpenStack-API-Version", "compute 2.79").sendJsonObject(body));
      }
      List<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> answers = Future.all(posted).await().list();
      client.close();
      List<JsonObject> accepted = new ArrayList<>();
      for (var r : answers) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isIn(202, 403);
        if (r.statusCode() == 202) {
          accepted.add(r.bodyAsJsonObject().getJsonObject("server"));
        } else {
          assertThat(r.bodyAsJsonObject().getJsonObject("forbidden").getString("message"))
            .isEqualTo("Quota exceeded, too many servers in group");
        }
      }
      assertThat(accepted).as("round %d", round).hasSize(3);
      JsonObject g = f.call(t, HttpMethod.GET, "/os-server-groups/" + id, null).bodyAsJsonObject().getJsonObject("server_group");
      assertThat(g.getJsonArray("members")).hasSize(3);
      // the refused boots gave their instance quota back: only the accepted ones hold it
      JsonObject detail = f.call(t, HttpMethod.GET, "/os-quota-sets/" + user.getString("project_id") + "/detail", null)
        .bodyAsJsonObject().getJsonObject("quota_set");
      assertThat(detail.getJsonObject("instances").getLong("in_use")).isEqualTo(3);
      for (JsonObject s : accepted) {
        f.call(t, HttpMethod.DELETE, "/servers/" + s.getString("id"), null);
      }
      for (JsonObject s : accepted) {
        f.awaitGone(t, s.getString("id"));
      }
    }
  }

  @Test
  void concurrentBootsOfAnAntiAffinityGroupNeverShareAHost() throws Exception {
    for (int round = 0; round < 3; round++) {
      String id = group("anti-affinity", null);
      List<JsonObject> servers = burst(id, 6);
      Map<String, Integer> hosts = perHost(servers);
      assertThat(hosts).as("round %d: %s", round, hosts).hasSize(2).allSatisfy((host, n) -> assertThat(n).isEqualTo(1));
      List<JsonObject> failed = servers.stream().filter(s -> "ERROR".equals(s.getString("status"))).toList();
      assertThat(failed).hasSize(4);
      failed.forEach(s -> assertThat(s.getJsonObject("fault").getString("message")).contains("No valid host"));
      // every member is listed (the ERROR ones too, as in Nova), and a member shows its group from 2.71
      JsonObject g = f.call(token, HttpMethod.GET, "/os-server-groups/" + id, null).bodyAsJsonObject().getJsonObject("server_group");
      assertThat(g.getJsonArray("members")).hasSize(6);
      assertThat(f.server(token, servers.get(0).getString("id")).getJsonArray("server_groups")).containsExactly(id);
      var renamed = f.call(token, HttpMethod.PUT, "/servers/" + servers.get(0).getString("id"),
        new JsonObject().put("server", new JsonObject().put("name", "renamed")));
      assertThat(renamed.bodyAsJsonObject().getJsonObject("server").getJsonArray("server_groups")).containsExactly(id);
      deleteAll(servers);
    }
  }

  @Test
  void maxServerPerHostAllowsThatManyOnEachHost() throws Exception {
    String id = group("anti-affinity", new JsonObject().put("max_server_per_host", 2));
    List<JsonObject> servers = burst(id, 6);
    Map<String, Integer> hosts = perHost(servers);
    assertThat(hosts).as("%s", hosts).hasSize(2).allSatisfy((host, n) -> assertThat(n).isEqualTo(2));
    assertThat(servers.stream().filter(s -> "ERROR".equals(s.getString("status")))).hasSize(2);
    deleteAll(servers);
    // the hosts are free for the group again once its members are gone
    List<JsonObject> again = burst(id, 2);
    assertThat(again).allSatisfy(s -> assertThat(s.getString("status")).isEqualTo("ACTIVE"));
    deleteAll(again);
  }

  @Test
  void concurrentBootsOfAnAffinityGroupAllLandOnOneHost() throws Exception {
    for (int round = 0; round < 3; round++) {
      List<JsonObject> servers = burst(group("affinity", null), 5);
      assertThat(servers).allSatisfy(s -> assertThat(s.getString("status")).isEqualTo("ACTIVE"));
      assertThat(perHost(servers)).as("round %d", round).hasSize(1);
      deleteAll(servers);
    }
  }

  @Test
  void softPoliciesWeighButNeverRefuse() throws Exception {
    // one after the other: a weigher orders the hosts it reads, it does not lock them
    String apart = group("soft-anti-affinity", null);
    List<JsonObject> spread = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      spread.addAll(burst(apart, 1));
    }
    assertThat(spread).allSatisfy(s -> assertThat(s.getString("status")).isEqualTo("ACTIVE"));
    assertThat(perHost(spread)).hasSize(2).allSatisfy((host, n) -> assertThat(n).isEqualTo(2));
    deleteAll(spread);
    String packed = group("soft-affinity", null);
    List<JsonObject> first = burst(packed, 1);
    List<JsonObject> more = burst(packed, 1);
    assertThat(perHost(more).keySet()).isEqualTo(perHost(first).keySet());
    deleteAll(first);
    deleteAll(more);
  }
}
