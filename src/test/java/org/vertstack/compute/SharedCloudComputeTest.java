package org.vertstack.compute;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fixture of the compute API tests on the shared test cloud: before a class's tests, a
 * compute host has registered and {@link #image} is an active public image of {@link #admin}'s.
 * Every such class sees the same cloud, admin and kind of image, so the fields may be shared.
 */
abstract class SharedCloudComputeTest {

  static ComputeFixture f;
  static String admin;
  static String image;

  @BeforeAll
  static void readyToBoot() throws InterruptedException {
    ComputeFixture.Ready ready = ComputeFixture.ready();
    f = ready.f();
    admin = ready.admin();
    image = ready.image();
  }

  /** A compute call at a microversion. */
  static HttpResponse<Buffer> call(String token, String version, HttpMethod method, String path, JsonObject body) {
    return f.call(token, version, method, path, body);
  }
}
