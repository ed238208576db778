package org.vertstack.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx with Keystone's error body; never a 500, never a stack trace. */
@ExtendWith(VertxExtension.class)
class BadInputTest {

  static TestCloud cloud;
  static String admin;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    admin = cloud.adminToken().await();
  }

  private HttpResponse<Buffer> raw(String token, HttpMethod method, String path, String body) {
    var request = cloud.http().requestAbs(method, cloud.baseUrl() + "/identity/v3" + path).putHeader("Content-Type", "application/json");
    if (token != null) {
      request.putHeader("X-Auth-Token", token);
    }
    return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await();
  }

  private static void assertKeystoneError(HttpResponse<Buffer> resp, int status) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(status);
    assertThat(error.getString("title")).isNotBlank();
    assertThat(error.getString("message")).isNotBlank().doesNotContain("Exception").doesNotContain("at org.");
  }

  @Test
  void malformedJsonIs400() {
    assertKeystoneError(raw(null, HttpMethod.POST, "/auth/tokens", "{\"auth\": "), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", "not json"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", "[1,2]"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", ""), 400);
  }

  @Test
  void missingFieldsAndWrongTypesAre400() {
    assertKeystoneError(raw(null, HttpMethod.POST, "/auth/tokens", "{}"), 400);
    assertKeystoneError(raw(null, HttpMethod.POST, "/auth/tokens", "{\"auth\": {\"identity\": {\"methods\": []}}}"), 400);
    assertKeystoneError(raw(null, HttpMethod.POST, "/auth/tokens", "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": 7}}}}}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", "{\"project\": {}}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", "{\"project\": {\"name\": 42}}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", "{\"project\": {\"name\": \"x\", \"enabled\": \"yes\"}}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", "{\"project\": {\"name\": \"x\", \"tags\": \"a\"}}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/users", "{\"user\": {\"name\": \"" + "x".repeat(300) + "\"}}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.POST, "/limits", "{\"limits\": [{\"service_id\": \"nope\"}]}"), 400);
    assertKeystoneError(raw(admin, HttpMethod.GET, "/projects?enabled=maybe", null), 400);
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"project\": {\"name\": \"x\", \"description\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}}";
    assertKeystoneError(raw(admin, HttpMethod.POST, "/projects", big), 413);
  }

  @Test
  void unknownIdsAndPathsAre404() {
    assertKeystoneError(raw(admin, HttpMethod.GET, "/projects/does-not-exist", null), 404);
    assertKeystoneError(raw(admin, HttpMethod.PATCH, "/users/does-not-exist", "{\"user\": {\"enabled\": false}}"), 404);
    assertKeystoneError(raw(admin, HttpMethod.DELETE, "/groups/does-not-exist", null), 404);
    assertKeystoneError(raw(admin, HttpMethod.GET, "/no-such-collection", null), 404);
    assertKeystoneError(raw(admin, HttpMethod.PUT, "/projects/nope/users/nope/roles/nope", null), 404);
  }

  @Test
  void missingOrGarbageTokenIs401() {
    assertKeystoneError(raw(null, HttpMethod.GET, "/projects", null), 401);
    assertKeystoneError(raw("garbage", HttpMethod.GET, "/projects", null), 401);
    assertKeystoneError(raw("a.b.c", HttpMethod.GET, "/projects", null), 401);
  }

  @Test
  void wrongPasswordAndUnknownUserGiveTheSame401() {
    String body = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"%s\", "
      + "\"domain\": {\"id\": \"default\"}, \"password\": \"wrong\"}}}}}";
    HttpResponse<Buffer> wrongPassword = raw(null, HttpMethod.POST, "/auth/tokens", body.formatted("admin"));
    HttpResponse<Buffer> unknownUser = raw(null, HttpMethod.POST, "/auth/tokens", body.formatted("nobody-at-all"));
    assertKeystoneError(wrongPassword, 401);
    assertKeystoneError(unknownUser, 401);
    assertThat(wrongPassword.bodyAsString()).isEqualTo(unknownUser.bodyAsString());
  }
}
