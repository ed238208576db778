package org.vertstack.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The declared request-body schemas: what a mismatch says, and that no handler sees a refused body. */
class BodySchemaTest {

  private static final BodySchema FLAVOR = BodySchema.of("flavor", new JsonObject("""
    {"type": "object", "required": ["flavor"], "additionalProperties": false,
     "properties": {"flavor": {"type": "object", "required": ["name", "ram"], "additionalProperties": false,
       "properties": {
         "name": {"type": "string", "minLength": 1, "maxLength": 10},
         "ram": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1},
         "kind": {"enum": ["small", "large"]},
         "extra": {"type": "array", "items": {"type": "object", "properties": {"on": {"type": "boolean"}}}}}}}}
    """));

  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;
  private static final AtomicInteger REACHED = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router root = Router.router(vertx);
    root.route().failureHandler(new FailureHandler(ErrorFormat.NOVA));
    RequestSchemas.beside(BodySchemaTest.class).build().install(root, BodyHandler.create(false));
    root.post("/flavors").handler(BodyHandler.create(false)).handler(FLAVOR).handler(ctx -> {
      REACHED.incrementAndGet();
      ctx.json(new JsonObject().put("seen", Json.body(ctx)));
    });
    server = vertx.createHttpServer().requestHandler(root).listen(0).await();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String refusal(String body) {
    assertThatThrownBy(() -> FLAVOR.check(new JsonObject(body)))
      .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    try {
      FLAVOR.check(new JsonObject(body));
      return null;
    } catch (ServiceException e) {
      return e.getMessage();
    }
  }

  @Test
  void aWrongTypeNamesTheFieldItsValueAndTheExpectedType() {
    assertThat(refusal("{\"flavor\": {\"name\": 5, \"ram\": 1}}"))
      .isEqualTo("Invalid input for field/attribute flavor/name. Value: 5. Instance type number is invalid. Expected string.");
  }

  @Test
  void nullWhereAValueIsExpectedIsRefused() {
    assertThat(refusal("{\"flavor\": {\"name\": null, \"ram\": 1}}")).contains("flavor/name", "Value: null", "Expected string");
    assertThat(refusal("{\"flavor\": null}")).contains("field/attribute flavor.", "Expected object");
  }

  @Test
  void anUnknownFieldIsRefusedWhereTheSchemaSaysSo() {
    assertThat(refusal("{\"flavor\": {\"name\": \"a\", \"ram\": 1, \"colour\": \"red\"}}"))
      .isEqualTo("Invalid input for field/attribute flavor. Additional properties are not allowed ('colour' was unexpected).");
    assertThat(refusal("{\"flavor\": {\"name\": \"a\", \"ram\": 1}, \"x\": 1}"))
      .isEqualTo("Additional properties are not allowed ('x' was unexpected).");
  }

  @Test
  void aMissingRequiredFieldIsNamed() {
    assertThat(refusal("{\"flavor\": {\"name\": \"a\"}}")).contains("flavor", "required property \"ram\"");
    assertThat(refusal("{}")).contains("required property \"flavor\"");
  }

  @Test
  void enumsLengthsPatternsAndMinimaAreChecked() {
    assertThat(refusal("{\"flavor\": {\"name\": \"a\", \"ram\": 1, \"kind\": \"huge\"}}")).contains("flavor/kind", "\"huge\"", "small");
    assertThat(refusal("{\"flavor\": {\"name\": \"abcdefghijk\", \"ram\": 1}}")).contains("flavor/name", "too long");
    assertThat(refusal("{\"flavor\": {\"name\": \"\", \"ram\": 1}}")).contains("flavor/name", "too short");
    assertThat(refusal("{\"flavor\": {\"name\": \"a\", \"ram\": \"12x\"}}")).contains("flavor/ram", "pattern");
    assertThat(refusal("{\"flavor\": {\"name\": \"a\", \"ram\": 0}}")).contains("flavor/ram", "less than 1");
  }

  @Test
  void aFailureInsideAnArrayNamesItsIndex() {
    assertThat(refusal("{\"flavor\": {\"name\": \"a\", \"ram\": 1, \"extra\": [{\"on\": true}, {\"on\": \"yes\"}]}}"))
      .contains("flavor/extra/1/on", "Value: \"yes\"", "Expected boolean");
  }

  @Test
  void aLongValueIsShownShortened() {
    String message = refusal("{\"flavor\": {\"name\": \"" + "x".repeat(70_000) + "\", \"ram\": 1}}");
    assertThat(message).contains("flavor/name", "...").hasSizeLessThan(300);
  }

  @Test
  void aMatchingBodyPassesUnchanged() {
    JsonObject ok = new JsonObject("{\"flavor\": {\"name\": \"a\", \"ram\": \"2\", \"kind\": \"small\"}}");
    assertThat(FLAVOR.check(ok)).isSameAs(ok);
  }

  @Test
  void overHttpARefusedBodyIsA400InTheApisFormatAndNeverReachesTheHandler() {
    int before = REACHED.get();
    HttpResponse<Buffer> bad = client.post(server.actualPort(), "localhost", "/flavors")
      .sendJsonObject(new JsonObject("{\"flavor\": {\"name\": \"a\", \"ram\": true}}")).await();
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains("flavor/ram", "Value: true");
    assertThat(REACHED.get()).isEqualTo(before);

    HttpResponse<Buffer> good = client.post(server.actualPort(), "localhost", "/flavors")
      .sendJsonObject(new JsonObject("{\"flavor\": {\"name\": \"a\", \"ram\": 1}}")).await();
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.bodyAsJsonObject().getJsonObject("seen").getJsonObject("flavor").getString("name")).isEqualTo("a");
    assertThat(REACHED.get()).isEqualTo(before + 1);
  }

  @Test
  void aTableInstallsItsSchemasAheadOfTheApisRoutes() {
    Router router = Router.router(vertx);
    RequestSchemas table = RequestSchemas.beside(BodySchemaTest.class).post("/things", "thing-create.json").build();
    table.install(router, BodyHandler.create(false));
    AtomicInteger reached = new AtomicInteger();
    router.post("/things").handler(ctx -> {
      reached.incrementAndGet();
      ctx.end();
    });
    router.route().failureHandler(new FailureHandler(ErrorFormat.KEYSTONE));
    HttpServer s = vertx.createHttpServer().requestHandler(router).listen(0).await();
    try {
      HttpResponse<Buffer> bad = client.post(s.actualPort(), "localhost", "/things")
        .sendJsonObject(new JsonObject().put("thing", new JsonObject().put("name", 7))).await();
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("thing/name");
      HttpResponse<Buffer> good = client.post(s.actualPort(), "localhost", "/things")
        .sendJsonObject(new JsonObject().put("thing", new JsonObject().put("name", "seven"))).await();
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(reached.get()).isEqualTo(1);
    } finally {
      s.close().await();
    }
  }
}
