package org.vertstack.compute;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.Modules;
import org.vertstack.common.module.ServiceModule;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compute service (Nova v2.1) at /compute. On a controller: the API, the scheduler and the
 * hosts registry (schema {@code compute}). On a compute node: the agent driving libvirt. An
 * all-in-one node runs both, talking over the event bus exactly as two nodes would.
 */
public final class ComputeModule implements ServiceModule {

  private static final Logger LOG = LoggerFactory.getLogger(ComputeModule.class);

  /** The controller's compute components, built once in deploy and shared by every HTTP verticle. */
  record Components(Flavors flavors, Keypairs keypairs, Servers servers, Hosts hosts, ComputeQuota quota, Usage usage,
                    String controllerHost) {
  }

  private static final Map<Vertx, Components> NODES = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "compute";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller", "compute");
  }

  static JsonObject settings(JsonObject config) {
    return config.getJsonObject("compute", new JsonObject());
  }

  /** This node's compute host name: compute.host, else the machine's host name. */
  static String hostname(JsonObject config) {
    String configured = settings(config).getString("host", "");
    if (!configured.isBlank()) {
      return configured;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public Future<?> deploy(Vertx vertx, JsonObject config) {
    Set<String> roles = Modules.roles(config);
    Future<?> controller = roles.contains("controller") ? deployController(vertx, config) : Future.succeededFuture();
    return controller.compose(v -> roles.contains("compute")
      ? vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(config))
      : Future.succeededFuture());
  }

  private Future<?> deployController(Vertx vertx, JsonObject config) {
    JsonObject conf = settings(config);
    long downAfter = conf.getLong("down-after-seconds", 60L);
    return Databases.migrate(vertx, config, name()).compose(v -> {
      Pool pool = Databases.pool(vertx, config, name());
      Flavors flavors = new Flavors(pool, config.getString("public-url"));
      Keypairs keypairs = new Keypairs(vertx, pool);
      ComputeQuota quota = new ComputeQuota(vertx);
      Scheduler scheduler = new Scheduler(pool, downAfter);
      Servers servers = new Servers(vertx, pool, flavors, keypairs, quota, scheduler, config.getString("public-url"),
        conf.getInteger("max-build-attempts", 3));
      Hosts hosts = new Hosts(pool, downAfter);
      NODES.put(vertx, new Components(flavors, keypairs, servers, hosts, quota, new Usage(pool), hostname(config)));
      new ServiceBinder(vertx).setAddress(ComputeHosts.ADDRESS).register(ComputeHosts.class, new ComputeHostsImpl(pool, servers, conf));
      return flavors.seed()
        .compose(x -> quota.registerDefaults())
        .compose(x -> servers.failOrphans())
        .onFailure(err -> LOG.error("compute controller start-up", err));
    });
  }

  @Override
  public void mount(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier) {
    Components c = NODES.get(vertx);
    if (c == null) {
      throw new IllegalStateException("compute module mounted before it was deployed");
    }
    root.route("/compute*").subRouter(ComputeApi.router(vertx, config, verifier, c));
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("compute", "nova", "/compute/v2.1"));
  }
}
