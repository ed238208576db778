package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** os-aggregates as Nova's reference writes it: the admin's, and an aggregate's zone is its hosts' zone. */
class AggregatesTest {

  static TestCloud cloud;
  static ComputeFixture f;
  static String admin;
  static String member;
  static String host;

  @BeforeAll
  static void setUp() throws Exception {
    cloud = TestCloud.start(Files.createTempDirectory("vertstack-aggregates-"), new JsonObject()).await();
    f = new ComputeFixture(cloud);
    admin = cloud.adminToken().await();
    member = cloud.projectWithUser("member").await().getString("token");
    f.awaitHost(admin);
    host = f.call(admin, HttpMethod.GET, "/os-hypervisors", null).bodyAsJsonObject().getJsonArray("hypervisors")
      .getJsonObject(0).getString("hypervisor_hostname");
  }

  @AfterAll
  static void tearDown() {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static JsonObject create(String name, String zone) {
    JsonObject agg = new JsonObject().put("name", name);
    if (zone != null) {
      agg.put("availability_zone", zone);
    }
    var resp = f.call(admin, HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", agg));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonObject("aggregate");
  }

  private static JsonObject action(int id, String action, JsonObject args, int status) {
    var resp = f.call(admin, HttpMethod.POST, "/os-aggregates/" + id + "/action", new JsonObject().put(action, args));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    return resp.bodyAsJsonObject();
  }

  private static JsonArray zones() {
    return f.call(admin, HttpMethod.GET, "/os-availability-zone", null).bodyAsJsonObject().getJsonArray("availabilityZoneInfo");
  }

  @Test
  void createShowUpdateListDelete() {
    String name = TestCloud.unique("agg");
    JsonObject created = create(name, null);
    assertThat(created.getString("name")).isEqualTo(name);
    assertThat(created.getValue("availability_zone")).isNull();
    assertThat(created.containsKey("hosts")).isFalse();
    assertThat(created.getString("uuid")).isNotNull();
    assertThat(created.getBoolean("deleted")).isFalse();
    int id = created.getInteger("id");

    JsonObject shown = f.call(admin, HttpMethod.GET, "/os-aggregates/" + id, null).bodyAsJsonObject().getJsonObject("aggregate");
    assertThat(shown.getJsonArray("hosts")).isEmpty();
    assertThat(shown.getJsonObject("metadata")).isEmpty();

    var updated = f.call(admin, HttpMethod.PUT, "/os-aggregates/" + id, new JsonObject().put("aggregate", new JsonObject()
      .put("name", name + "-2").put("availability_zone", name + "-az")));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    JsonObject u = updated.bodyAsJsonObject().getJsonObject("aggregate");
    assertThat(u.getString("name")).isEqualTo(name + "-2");
    assertThat(u.getString("availability_zone")).isEqualTo(name + "-az");
    assertThat(u.getJsonObject("metadata").getString("availability_zone")).isEqualTo(name + "-az");
    assertThat(u.getString("updated_at")).isNotNull();

    JsonArray all = f.call(admin, HttpMethod.GET, "/os-aggregates", null).bodyAsJsonObject().getJsonArray("aggregates");
    assertThat(all.stream().map(a -> ((JsonObject) a).getInteger("id"))).contains(id);

    assertThat(f.call(admin, HttpMethod.DELETE, "/os-aggregates/" + id, null).statusCode()).isEqualTo(200);
    assertThat(f.call(admin, HttpMethod.GET, "/os-aggregates/" + id, null).statusCode()).isEqualTo(404);
    assertThat(f.call(admin, HttpMethod.DELETE, "/os-aggregates/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void refusesBadInputDuplicatesAndNonAdmins() {
    String name = TestCloud.unique("agg");
    create(name, null);
    var dup = f.call(admin, HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", new JsonObject().put("name", name)));
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(dup.bodyAsJsonObject().containsKey("conflictingRequest")).isTrue();
    assertThat(f.call(admin, HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", new JsonObject().put("name", "")))
      .statusCode()).isEqualTo(400);
    assertThat(f.call(admin, HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", new JsonObject()
      .put("name", "x".repeat(256)))).statusCode()).isEqualTo(400);
    assertThat(f.call(admin, HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", new JsonObject()
      .put("name", TestCloud.unique("agg")).put("availability_zone", "")))
      .statusCode()).isEqualTo(400);
    assertThat(f.call(member, HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", new JsonObject()
      .put("name", TestCloud.unique("agg")))).statusCode()).isEqualTo(403);
    assertThat(f.call(member, HttpMethod.GET, "/os-aggregates", null).statusCode()).isEqualTo(403);
    assertThat(f.call(admin, HttpMethod.GET, "/os-aggregates/99999999", null).statusCode()).isEqualTo(404);
    assertThat(f.call(admin, HttpMethod.GET, "/os-aggregates/abc", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aHostTakesItsAggregatesZoneAndGivesItBack() {
    String name = TestCloud.unique("agg");
    String zone = name + "-az";
    int id = create(name, zone).getInteger("id");
    JsonObject added = action(id, "add_host", new JsonObject().put("host", host), 200).getJsonObject("aggregate");
    assertThat(added.getJsonArray("hosts")).containsExactly(host);
    assertThat(zones().stream().map(z -> ((JsonObject) z).getString("zoneName"))).contains(zone);
    action(id, "add_host", new JsonObject().put("host", host), 409);
    action(id, "add_host", new JsonObject().put("host", "no-such-host"), 404);
    // a host in a zone: another aggregate with another zone cannot take it
    int other = create(TestCloud.unique("agg"), name + "-other").getInteger("id");
    action(other, "add_host", new JsonObject().put("host", host), 409);
    assertThat(f.call(admin, HttpMethod.DELETE, "/os-aggregates/" + id, null).statusCode()).isEqualTo(400);

    JsonObject meta = action(id, "set_metadata", new JsonObject().put("metadata", new JsonObject().put("k", "v")), 200)
      .getJsonObject("aggregate");
    assertThat(meta.getJsonObject("metadata")).isEqualTo(new JsonObject().put("availability_zone", zone).put("k", "v"));
    meta = action(id, "set_metadata", new JsonObject().put("metadata", new JsonObject().putNull("k")), 200).getJsonObject("aggregate");
    assertThat(meta.getJsonObject("metadata")).isEqualTo(new JsonObject().put("availability_zone", zone));

    JsonObject removed = action(id, "remove_host", new JsonObject().put("host", host), 200).getJsonObject("aggregate");
    assertThat(removed.getJsonArray("hosts")).isEmpty();
    action(id, "remove_host", new JsonObject().put("host", host), 404);
    assertThat(zones().stream().map(z -> ((JsonObject) z).getString("zoneName"))).doesNotContain(zone).contains("nova");
    action(id, "no_such_action", new JsonObject(), 400);
    assertThat(f.call(member, HttpMethod.POST, "/os-aggregates/" + id + "/action", new JsonObject()
      .put("add_host", new JsonObject().put("host", host))).statusCode()).isEqualTo(403);
  }
}
