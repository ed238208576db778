package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.common.quota.QuotaService;
import org.vertstack.testing.TestCloud;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The quota engine: limits from Keystone's unified limits, race-free reservations. */
@ExtendWith(VertxExtension.class)
class QuotaEngineTest {

  static TestCloud cloud;
  static String admin;
  static String keystoneServiceId;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    admin = cloud.adminToken().await();
    keystoneServiceId = cloud.call(admin, HttpMethod.GET, "/identity/v3/services?type=identity", null).await()
      .bodyAsJsonObject().getJsonArray("services").getJsonObject(0).getString("id");
  }

  private static void registerDefault(String resource, long limit) {
    int status = cloud.call(admin, HttpMethod.POST, "/identity/v3/registered_limits", new JsonObject().put("registered_limits",
      new JsonArray().add(new JsonObject().put("service_id", keystoneServiceId).put("resource_name", resource).put("default_limit", limit))))
      .await().statusCode();
    assertThat(status).isEqualTo(201);
  }

  @Test
  void fiftyParallelReservationsAgainstALimitOfTenGiveExactlyTen() {
    String resource = TestCloud.unique("widgets");
    registerDefault(resource, 10);
    String project = cloud.projectWithUser("member").await().getString("project_id");
    QuotaService quota = QuotaService.createProxy(cloud.node().vertx());
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      attempts.add(quota.reserve(project, "identity", resource, 1));
    }
    Future.join(attempts).otherwiseEmpty().await();
    long ok = attempts.stream().filter(Future::succeeded).count();
    List<Integer> refusals = attempts.stream().filter(Future::failed).map(f -> ((ServiceException) f.cause()).failureCode()).toList();
    assertThat(ok).isEqualTo(10);
    assertThat(refusals).hasSize(40).containsOnly(413);
    JsonObject usage = quota.usage(project).await().stream().map(o -> (JsonObject) o)
      .filter(o -> o.getString("resource_name").equals(resource)).findFirst().orElseThrow();
    assertThat(usage.getLong("in_use")).isEqualTo(10);
    assertThat(usage.getLong("limit")).isEqualTo(10);
  }

  @Test
  void projectLimitOverridesTheDefaultAndReleaseFreesRoom() {
    String resource = TestCloud.unique("gadgets");
    registerDefault(resource, 1);
    String project = cloud.projectWithUser("member").await().getString("project_id");
    int created = cloud.call(admin, HttpMethod.POST, "/identity/v3/limits", new JsonObject().put("limits", new JsonArray().add(
      new JsonObject().put("project_id", project).put("service_id", keystoneServiceId).put("resource_name", resource).put("resource_limit", 3))))
      .await().statusCode();
    assertThat(created).isEqualTo(201);
    QuotaService quota = QuotaService.createProxy(cloud.node().vertx());
    assertThat(quota.reserve(project, "identity", resource, 3).await().getLong("in_use")).isEqualTo(3);
    Future<JsonObject> over = quota.reserve(project, "identity", resource, 1);
    over.otherwiseEmpty().await();
    assertThat(over.failed()).isTrue();
    quota.release(project, "identity", resource, 1).await();
    assertThat(quota.reserve(project, "identity", resource, 1).await().getLong("in_use")).isEqualTo(3);
  }

  @Test
  void unlimitedWithoutAnyLimitAndReleaseNeverGoesNegative() {
    String project = cloud.projectWithUser("member").await().getString("project_id");
    QuotaService quota = QuotaService.createProxy(cloud.node().vertx());
    assertThat(quota.reserve(project, "identity", TestCloud.unique("free"), 1_000_000).await().getLong("limit")).isEqualTo(-1);
    String resource = TestCloud.unique("counted");
    registerDefault(resource, 2);
    quota.reserve(project, "identity", resource, 2).await();
    quota.release(project, "identity", resource, 5).await();
    assertThat(quota.reserve(project, "identity", resource, 2).await().getLong("in_use")).isEqualTo(2);
  }

  @Test
  void limitsBeyondThirtyTwoBitsAreKeptWhole() {
    String resource = TestCloud.unique("bytes");
    long fourGiB = 4L << 30;
    registerDefault(resource, fourGiB + 10);
    String project = cloud.projectWithUser("member").await().getString("project_id");
    QuotaService quota = QuotaService.createProxy(cloud.node().vertx());
    assertThat(quota.reserve(project, "identity", resource, 6).await().getLong("limit")).isEqualTo(fourGiB + 10);
    assertThat(quota.reserve(project, "identity", resource, fourGiB).await().getLong("in_use")).isEqualTo(fourGiB + 6);
    Future<JsonObject> over = quota.reserve(project, "identity", resource, 5);
    over.otherwiseEmpty().await();
    assertThat(over.failed()).isTrue();
    assertThat(quota.reserve(project, "identity", resource, 4).await().getLong("in_use")).isEqualTo(fourGiB + 10);
  }
}
