package org.vertstack.dashboard;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.serviceproxy.ServiceBinder;
import org.vertstack.common.auth.TokenAuthority;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.EventLogVerticle;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The live feed alone, without the identity service: a token authority with a key of its own
 * (so the test can mint tokens of any project, role and lifetime), the event log verticle and
 * the dashboard's routes on a free port. The real verifier checks every token.
 */
final class FeedFixture {

  private static final String ISSUER = "feed-test";

  final Vertx vertx;
  private final JWTAuth signer;
  private HttpServer server;
  private io.vertx.core.http.WebSocketClient client; // held: Vert.x closes clients no one references

  private FeedFixture(Vertx vertx, JWTAuth signer) {
    this.vertx = vertx;
    this.signer = signer;
  }

  static FeedFixture start(Vertx vertx, JsonObject dashboardConfig) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair keys = gen.generateKeyPair();
    String publicPem = pem("PUBLIC KEY", keys.getPublic().getEncoded());
    String privatePem = pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
    new ServiceBinder(vertx).setAddress(TokenAuthority.ADDRESS).register(TokenAuthority.class, new TokenAuthority() {
      @Override
      public Future<JsonObject> verificationKey() {
        return Future.succeededFuture(new JsonObject().put("algorithm", "RS256").put("issuer", ISSUER).put("public_key", publicPem));
      }

      @Override
      public Future<JsonArray> revocations() {
        return Future.succeededFuture(new JsonArray());
      }
    });
    FeedFixture f = new FeedFixture(vertx, signer);
    JsonObject config = new JsonObject().put("dashboard", dashboardConfig);
    vertx.deployVerticle(EventLogVerticle.class, new DeploymentOptions().setConfig(dashboardConfig)).await(10, TimeUnit.SECONDS);
    TokenVerifier verifier = TokenVerifier.get(vertx).await(10, TimeUnit.SECONDS);
    Router root = Router.router(vertx);
    new DashboardModule().mount(null, new org.vertstack.common.http.ApiKit(vertx, root, config, verifier, new java.util.HashMap<>()));
    f.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .addWebSocketSubProtocol(EventFeedHandler.PROTOCOL))
      .requestHandler(root).listen().await(10, TimeUnit.SECONDS);
    return f;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  int port() {
    return server.actualPort();
  }

  /** A token as the identity service would issue it, valid for the given seconds. */
  Token token(String projectId, String role, long seconds) {
    Instant now = Instant.now();
    String auditId = UUID.randomUUID().toString();
    JsonObject claims = new JsonObject()
      .put("user", new JsonObject().put("id", "u-" + projectId + "-" + role).put("name", "user"))
      .put("roles", new JsonArray().add(new JsonObject().put("id", role).put("name", role)))
      .put("audit_ids", new JsonArray().add(auditId))
      .put("issued_at", now.toString())
      .put("expires_at", now.plusMillis(seconds * 1000).toString());
    if (projectId != null) {
      // As the identity service does: "admin-proj" plays the bootstrap admin project, whose admin is the cloud's.
      claims.put("project", new JsonObject().put("id", projectId).put("name", projectId))
        .put("is_admin_project", "admin-proj".equals(projectId));
    }
    String jwt = signer.generateToken(new JsonObject().put("ctx", claims),
      new JWTOptions().setAlgorithm("RS256").setIssuer(ISSUER).setExpiresInSeconds((int) seconds + 1));
    return new Token(jwt, auditId);
  }

  record Token(String value, String auditId) {
  }

  FeedClient connect(List<String> subProtocols) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port())
      .setURI(DashboardModule.FEED_PATH).setSubProtocols(subProtocols);
    if (client == null) {
      client = vertx.createWebSocketClient();
    }
    return new FeedClient(client.connect(options).await());
  }

  FeedClient connect() {
    return connect(List.of());
  }

  /** Connects and authenticates; returns once the feed is live. */
  FeedClient subscribe(Token token, Long since, boolean allProjects) throws InterruptedException {
    FeedClient c = connect();
    JsonObject hello = new JsonObject().put("token", token.value()).put("all_projects", allProjects);
    if (since != null) {
      hello.put("since", since);
    }
    c.send(hello);
    return c;
  }
}
