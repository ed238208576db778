package org.vertstack.common.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.module.Modules;
import org.vertstack.common.module.ServiceModule;

import java.util.List;

/**
 * The one HTTP front door: every module's API under its path prefix, plus /healthz and
 * /metrics. Deployed with one instance per core; each instance builds its own router.
 */
public class FrontDoorVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    List<ServiceModule> modules = Modules.forRoles(Modules.roles(conf));
    return TokenVerifier.get(vertx).compose(verifier -> {
      Router root = Router.router(vertx);
      root.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
      root.get("/metrics").handler(PrometheusScrapingHandler.create());
      for (ServiceModule module : modules) {
        module.mount(vertx, root, conf, verifier);
      }
      JsonObject http = conf.getJsonObject("http");
      HttpServerOptions options = new HttpServerOptions()
        .setHost(http.getString("host"))
        .setPort(http.getInteger("port"))
        .setCompressionSupported(false)
        .setMaxInitialLineLength(16 * 1024)
        .setMaxHeaderSize(64 * 1024)
        .setIdleTimeout(300)
        .addWebSocketSubProtocol("vertstack.events.v1");
      return vertx.createHttpServer(options).requestHandler(root).listen();
    });
  }
}
