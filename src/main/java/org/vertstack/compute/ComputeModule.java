package org.vertstack.compute;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.http.ApiKit;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.NodeContext;
import org.vertstack.common.module.ServiceModule;
import org.vertstack.common.module.Services;

import java.util.List;
import java.util.Set;

/**
 * The compute service (Nova v2.1) at /compute. On a controller: the API, the scheduler and the
 * hosts registry (schema {@code compute}). On a compute node: the agent driving libvirt. An
 * all-in-one node runs both, talking over the event bus exactly as two nodes would.
 */
public final class ComputeModule implements ServiceModule<ComputeModule.Components> {

  private static final Logger LOG = LoggerFactory.getLogger(ComputeModule.class);

  /** The controller's compute components (the module's handle), built once at start and shared by every HTTP verticle. */
  record Components(Flavors flavors, Keypairs keypairs, Servers servers, ServerGroups serverGroups, Hosts hosts, ComputeQuota quota,
                    Usage usage, Aggregates aggregates, String controllerHost, Operator operator, MetadataService metadata) {
  }

  /** The operator's views and hooks beyond servers: audit log, migrations, quota classes, external events, diagnostics. */
  record Operator(UsageAuditLog auditLog, Migrations migrations, QuotaClasses quotaClasses, ExternalEvents externalEvents,
                  ServerDiagnostics diagnostics) {
  }

  @Override
  public String name() {
    return "compute";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller", "compute");
  }

  @Override
  public Set<String> requires() {
    return Set.of("identity", "image");
  }

  @Override
  public Future<Components> start(NodeContext node) {
    Vertx vertx = node.vertx();
    JsonObject config = node.config();
    Future<Components> controller = node.roles().contains("controller")
      ? deployController(vertx, config) : Future.succeededFuture();
    return controller.compose(c -> node.roles().contains("compute")
      ? vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(config)).map(c)
      : Future.succeededFuture(c));
  }

  private Future<Components> deployController(Vertx vertx, JsonObject config) {
    ComputeSettings settings = ComputeSettings.from(config);
    long downAfter = settings.downAfterSeconds();
    return Databases.migrate(vertx, config, name()).compose(v -> {
      Pool pool = Databases.pool(vertx, config, name());
      Flavors flavors = new Flavors(vertx, pool, settings.publicUrl());
      Keypairs keypairs = new Keypairs(vertx, pool);
      ComputeQuota quota = new ComputeQuota(vertx);
      Scheduler scheduler = new Scheduler(pool, downAfter, settings.hostWeigher());
      ServerGroups groups = new ServerGroups(vertx, pool, quota);
      Servers servers = new Servers(vertx, pool, flavors, keypairs, quota, scheduler, groups, settings.publicUrl(),
        settings.maxBuildAttempts());
      Hosts hosts = new Hosts(pool, downAfter);
      Operator operator = new Operator(new UsageAuditLog(pool), new Migrations(pool), new QuotaClasses(pool, quota),
        new ExternalEvents(pool), new ServerDiagnostics(vertx, servers));
      PowerSync power = new PowerSync(pool, servers);
      HostWatchdog watchdog = new HostWatchdog(pool, servers, downAfter);
      Components[] components = new Components[1];
      return MetadataService.start(vertx, settings, servers).map(metadata -> components[0] = new Components(flavors, keypairs, servers,
          groups, hosts, quota, new Usage(pool), new Aggregates(vertx, pool), settings.hostname(), operator, metadata))
        .compose(c -> Services.register(vertx, ComputeHosts.ADDRESS, ComputeHosts.class, new ComputeHostsImpl(pool, servers, power, settings)))
        .onSuccess(x -> watchdog.start(vertx, settings.watchdogSeconds()))
        .compose(x -> flavors.seed())
        .compose(x -> quota.registerDefaults())
        .compose(x -> servers.failOrphans())
        .onFailure(err -> LOG.error("compute controller start-up", err))
        .map(x -> components[0]);
    });
  }

  @Override
  public void mount(Components c, ApiKit api) {
    if (c == null) {
      return; // a compute-only node serves no API
    }
    api.mount("/compute", ErrorFormat.NOVA, ComputeApi.router(api.vertx(), api.config(), api.verifier(), c));
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("compute", "nova", "/compute/v2.1"));
  }
}
