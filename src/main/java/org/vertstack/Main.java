package org.vertstack;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.cluster.Clustering;
import org.vertstack.common.config.Config;
import org.vertstack.common.db.DatabaseServer;
import org.vertstack.common.http.FrontDoorVerticle;
import org.vertstack.common.module.Modules;
import org.vertstack.common.module.NodeContext;
import org.vertstack.common.module.ServiceModule;
import org.vertstack.common.module.ServiceModule.CatalogEntry;
import org.vertstack.common.module.StartedModule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Starts a VertStack node: all-in-one by default, or the roles named by --roles. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    JsonObject config;
    try {
      config = Config.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Node node = start(config).toCompletionStage().toCompletableFuture().join();
      Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "vertstack-shutdown"));
      LOG.info("VertStack is up: {}", node.config().getString("public-url"));
    } catch (Exception e) {
      LOG.error("VertStack failed to start", e);
      System.exit(1);
    }
  }

  /**
   * A running node: its Vert.x, its database (if it runs one), its effective config, the handles
   * of its started modules and one of its front-door routers (null without the controller role).
   */
  public record Node(Vertx vertx, DatabaseServer database, JsonObject config, List<StartedModule<?>> modules, Router frontDoor) {

    /** The handle a module's start produced, found by its type (tests drive services through it). */
    public <H> H handle(Class<H> type) {
      return modules.stream().map(StartedModule::handle).filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new IllegalStateException("no module of this node has a " + type.getSimpleName()));
    }

    public void stop() {
      try {
        vertx.close().await();
      } catch (Exception e) {
        LOG.warn("closing Vert.x: {}", e.getMessage());
      }
      try {
        if (database != null) {
          database.close();
        }
      } catch (Exception e) {
        LOG.warn("closing the database: {}", e.getMessage());
      }
    }
  }

  /** Starts a node with a loaded configuration; tests call this with a temporary state dir. */
  public static Future<Node> start(JsonObject loaded) {
    JsonObject config = loaded.copy();
    Set<String> roles = Modules.roles(config);
    Path stateDir;
    try {
      stateDir = Path.of(config.getString("state-dir")).toAbsolutePath();
      Files.createDirectories(stateDir);
      config.put("state-dir", stateDir.toString());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    JsonObject http = config.getJsonObject("http");
    if (config.getString("public-url", "").isBlank()) {
      String host = http.getString("host");
      config.put("public-url", "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + http.getInteger("port"));
    }
    // The database starts (a process and its first connection) while Vert.x and its metrics load:
    // neither needs the other until the modules start.
    CompletableFuture<DatabaseServer> database = roles.contains("controller")
      ? startDatabase(config.getJsonObject("database").getString("url"), stateDir)
      : CompletableFuture.completedFuture(null);
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .setJvmMetricsEnabled(true)
      .setEnabled(true));
    Future<Vertx> vertxFuture = startVertx(options, config.getJsonObject("cluster"));
    Future<DatabaseServer> databaseFuture = Future.fromCompletionStage(database);
    return Future.all(vertxFuture, databaseFuture)
      .recover(err -> {
        // whichever half started is stopped again
        Future<Void> closing = vertxFuture.succeeded() ? vertxFuture.result().close() : Future.succeededFuture();
        return closing.eventually(() -> {
          database.thenAccept(Main::closeQuietly);
          return Future.succeededFuture();
        }).transform(x -> Future.failedFuture(err));
      })
      .compose(both -> {
        Vertx vertx = vertxFuture.result();
        DatabaseServer db = databaseFuture.result();
        if (db != null) {
          config.put("database-connect", db.connectOptions());
        }
        return deployAll(vertx, config, roles, db)
          .recover(err -> vertx.close().transform(x -> Future.failedFuture(err)))
          .onFailure(err -> closeQuietly(db));
      });
  }

  private static Future<Vertx> startVertx(VertxOptions options, JsonObject cluster) {
    try {
      return cluster.getBoolean("enabled", false) ? Clustering.start(options, cluster) : Future.succeededFuture(Vertx.vertx(options));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static CompletableFuture<DatabaseServer> startDatabase(String url, Path stateDir) {
    CompletableFuture<DatabaseServer> started = new CompletableFuture<>();
    Thread starter = new Thread(() -> {
      try {
        started.complete(DatabaseServer.start(url, stateDir));
      } catch (Throwable e) {
        started.completeExceptionally(e);
      }
    }, "database-start");
    starter.setDaemon(true);
    starter.start();
    return started;
  }

  private static void closeQuietly(DatabaseServer db) {
    try {
      if (db != null) {
        db.close();
      }
    } catch (Exception ignored) {
      // the start failure is what gets reported
    }
  }

  /**
   * Starts the node's modules, each once those it requires have started, then the front door with
   * every module mounted; completes the modules' {@code ready} signal once it listens.
   */
  private static Future<Node> deployAll(Vertx vertx, JsonObject config, Set<String> roles, DatabaseServer db) {
    List<ServiceModule<?>> modules;
    try {
      modules = Modules.forRoles(roles);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Promise<Void> ready = Promise.promise();
    List<CatalogEntry> catalog = modules.stream().flatMap(m -> m.catalog().stream()).toList();
    Set<String> names = modules.stream().map(ServiceModule::name).collect(Collectors.toUnmodifiableSet());
    NodeContext node = new NodeContext(vertx, config, Set.copyOf(roles), names, catalog, ready.future());
    // Each module starts once the modules it requires have: independent ones start side by side.
    Map<String, Future<StartedModule<?>>> starting = new LinkedHashMap<>();
    for (ServiceModule<?> module : modules) {
      List<Future<StartedModule<?>>> before = module.requires().stream().map(starting::get).filter(Objects::nonNull).toList();
      starting.put(module.name(), Future.all(before).compose(v -> {
        LOG.info("starting {}", module.name());
        return startOne(module, node);
      }));
    }
    List<StartedModule<?>> started = new ArrayList<>();
    Future<?> chain = Future.join(List.copyOf(starting.values())).transform(all -> {
      if (all.failed()) {
        Throwable first = starting.values().stream().filter(Future::failed).map(Future::cause).findFirst().orElse(all.cause());
        return Future.failedFuture(first);
      }
      starting.values().forEach(f -> started.add(f.result()));
      return Future.succeededFuture();
    });
    AtomicReference<Router> frontDoor = new AtomicReference<>();
    if (roles.contains("controller")) {
      int instances = config.getJsonObject("http").getInteger("instances", 2);
      chain = chain.compose(v -> {
        List<StartedModule<?>> mountOrder = Modules.mountOrder(started);
        return vertx.deployVerticle(() -> new FrontDoorVerticle(mountOrder, r -> frontDoor.compareAndSet(null, r)),
          new DeploymentOptions().setInstances(instances).setConfig(config));
      });
    }
    return chain.map(v -> {
      ready.complete();
      return new Node(vertx, db, config, List.copyOf(started), frontDoor.get());
    });
  }

  private static <H> Future<StartedModule<?>> startOne(ServiceModule<H> module, NodeContext node) {
    return module.start(node).map(handle -> new StartedModule<>(module, handle));
  }
}
