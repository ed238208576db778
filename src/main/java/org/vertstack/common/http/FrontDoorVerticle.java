package org.vertstack.common.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.module.StartedModule;

import java.util.List;
import java.util.function.Consumer;

/**
 * The one HTTP front door: every module's API under its path prefix, plus /healthz and
 * /metrics. Deployed with one instance per core; each instance builds its own router and hands
 * it to {@code routers} (the node keeps one, so its routes can be listed).
 */
public class FrontDoorVerticle extends VerticleBase {

  private final List<StartedModule<?>> modules;
  private final Consumer<Router> routers;

  /** @param modules the started modules, in mount order */
  public FrontDoorVerticle(List<StartedModule<?>> modules, Consumer<Router> routers) {
    this.modules = modules;
    this.routers = routers;
  }

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    return TokenVerifier.get(vertx).compose(verifier -> {
      Router root = Router.router(vertx);
      root.route().handler(new StandardHeaders());
      root.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
      root.get("/metrics").handler(PrometheusScrapingHandler.create());
      ApiKit kit = new ApiKit(vertx, root, conf, verifier);
      for (StartedModule<?> module : modules) {
        module.mount(kit);
      }
      // last: a failure an API's router did not answer (its own failure handler comes first)
      root.route().failureHandler(new FailureHandler(ErrorFormat.PLAIN));
      JsonObject http = conf.getJsonObject("http");
      HttpServerOptions options = new HttpServerOptions()
        .setHost(http.getString("host"))
        .setPort(http.getInteger("port"))
        .setCompressionSupported(false)
        .setMaxInitialLineLength(16 * 1024)
        .setMaxHeaderSize(64 * 1024)
        .setIdleTimeout(300)
        .addWebSocketSubProtocol("vertstack.events.v1");
      routers.accept(root);
      return vertx.createHttpServer(options).requestHandler(root).listen();
    });
  }
}
