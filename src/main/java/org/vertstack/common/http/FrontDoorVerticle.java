package org.vertstack.common.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.module.StartedModule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private static ErrorFormat formatOf(Map<String, ErrorFormat> formats, String path) {
    for (Map.Entry<String, ErrorFormat> e : formats.entrySet()) {
      if (path != null && (path.equals(e.getKey()) || path.startsWith(e.getKey() + "/"))) {
        return e.getValue();
      }
    }
    return ErrorFormat.PLAIN;
  }

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    return TokenVerifier.get(vertx).compose(verifier -> {
      Router root = Router.router(vertx);
      root.route().handler(new StandardHeaders());
      root.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
      root.get("/metrics").handler(PrometheusScrapingHandler.create());
      Map<String, ErrorFormat> formats = new LinkedHashMap<>();
      ApiKit kit = new ApiKit(vertx, root, conf, verifier, formats);
      for (StartedModule<?> module : modules) {
        module.mount(kit);
      }
      // last: a failure an API's router did not answer (its own failure handler comes first)
      root.route().failureHandler(new FailureHandler(ErrorFormat.PLAIN));
      // no route matched: 404 or 405 in the format of the API whose prefix the path has
      for (int status : new int[] {404, 405}) {
        root.errorHandler(status, ctx -> FailureHandler.send(ctx.response(), formatOf(formats, ctx.request().path()), status,
          FailureHandler.defaultMessage(status)));
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
      routers.accept(root);
      return vertx.createHttpServer(options).requestHandler(root).listen();
    });
  }
}
