package org.vertstack.dashboard;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.vertstack.common.events.EventLogVerticle;
import org.vertstack.common.http.ApiKit;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.module.NodeContext;
import org.vertstack.common.module.ServiceModule;

import java.util.Set;

/**
 * The dashboard: the single-page app at / and the live feed of resource events at /v1/events,
 * backed by the node's event log. It mounts last ({@link #mountOrder}) so its catch-all static
 * route comes after every API. The app is served from the classpath directory vertstack-webroot/,
 * a name no working directory has, so the files served are always the jar's own.
 */
public final class DashboardModule implements ServiceModule<Void> {

  /** Where the build puts webroot/ in the jar. */
  static final String WEBROOT = "vertstack-webroot";

  public static final String FEED_PATH = "/v1/events";

  @Override
  public String name() {
    return "dashboard";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller");
  }

  @Override
  public int mountOrder() {
    return Integer.MAX_VALUE; // the static files catch what no API took
  }

  @Override
  public Future<Void> start(NodeContext node) {
    // the event log is shared by the controllers through the database ("platform": where it is)
    JsonObject config = node.config();
    JsonObject dashboard = config.getJsonObject("dashboard", new JsonObject()).copy()
      .put("platform", new JsonObject().put("database-connect", config.getJsonObject("database-connect"))
        .put("database", config.getJsonObject("database")));
    return node.vertx().deployVerticle(EventLogVerticle.class, new DeploymentOptions().setInstances(1).setConfig(dashboard))
      .mapEmpty();
  }

  @Override
  public void mount(Void handle, ApiKit api) {
    Router root = api.root();
    api.errorFormat(FEED_PATH, ErrorFormat.KEYSTONE); // the feed's errors are JSON like Keystone's
    root.route(FEED_PATH).handler(new EventFeedHandler(api.vertx(), api.verifier(), FeedOptions.from(api.config())));
    WebrootFiles files = new WebrootFiles(api.vertx(), WEBROOT);
    root.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      // Revalidate on every load so an upgrade is picked up at once (an unchanged file is a 304
      // by its ETag); nothing loads from elsewhere.
      ctx.response().putHeader("Cache-Control", "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", ContentSecurityPolicy.HEADER);
      ctx.next();
    }).handler(files);
  }
}
