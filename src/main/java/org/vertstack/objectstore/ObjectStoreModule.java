package org.vertstack.objectstore;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.serviceproxy.ServiceBinder;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.ServiceModule;
import org.vertstack.objectstore.db.ContainerDb;
import org.vertstack.objectstore.proxy.Expirer;
import org.vertstack.objectstore.proxy.SwiftApi;
import org.vertstack.objectstore.ring.RingFollower;
import org.vertstack.objectstore.storage.LocalDevices;
import org.vertstack.objectstore.storage.ObjectServerVerticle;

import java.util.List;
import java.util.Set;

/**
 * The object store (Swift v1): object servers and the replicator/auditor on storage nodes, the
 * Swift proxy on the front door, account/container databases in PostgreSQL and the expirer on
 * controllers.
 */
public final class ObjectStoreModule implements ServiceModule {

  public static final String NAME = "objectstore";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller", "storage");
  }

  @Override
  public Future<?> deploy(Vertx vertx, JsonObject config) {
    Set<String> roles = Set.copyOf(config.getJsonArray("roles").getList());
    ObjectStoreSettings settings = ObjectStoreSettings.from(config);
    Future<?> chain = roles.contains("controller") ? Databases.migrate(vertx, config, NAME).compose(v -> {
      // container counters: fold the per-write deltas into the container rows every second
      ContainerDb db = new ContainerDb(Databases.pool(vertx, config, NAME));
      vertx.setPeriodic(1000, id -> db.foldDeltas());
      new ServiceBinder(vertx).setAddress(ObjectStoreCatalog.ADDRESS).register(ObjectStoreCatalog.class, new ObjectStoreCatalogImpl(db));
      return settings.serveRing(vertx, Databases.pool(vertx, config, NAME));
    }) : Future.succeededFuture();
    if (roles.contains("storage")) {
      chain = chain.compose(v -> deployStorage(vertx, settings));
    } else {
      // a controller without devices proxies to the storage nodes the shared ring names
      chain = chain.compose(v -> RingFollower.start(vertx, List.of(), ring -> ObjectStoreRuntime.install(vertx, ring)));
    }
    if (roles.contains("controller")) {
      chain = chain.onSuccess(v -> {
        Expirer expirer = new Expirer(vertx, config);
        ObjectStoreRuntime.installExpirer(vertx, expirer);
        vertx.setPeriodic(settings.expirerIntervalSeconds() * 1000, id -> expirer.runOnce());
      });
    }
    return chain;
  }

  private Future<?> deployStorage(Vertx vertx, ObjectStoreSettings settings) {
    return vertx.executeBlocking(() -> {
      settings.formatLocalDevices();
      int port = settings.objectServerPort();
      if (port == 0) {
        // all-in-one: an ephemeral port, chosen here so every instance binds the same one
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(settings.objectServerHost()))) {
          port = probe.getLocalPort();
        }
      }
      return port;
    }).compose(port -> vertx.deployVerticle(ObjectServerVerticle.class, new DeploymentOptions()
        .setInstances(Math.max(1, settings.objectServerInstances())).setConfig(settings.objectServerConfig(port)))
      .compose(id -> RingFollower.start(vertx, settings.localDevices(settings.objectServerHost(), port),
        ring -> ObjectStoreRuntime.install(vertx, ring)))
      .onSuccess(ring -> {
        java.util.Map<String, java.nio.file.Path> devs = new java.util.HashMap<>();
        settings.localDevices().forEach(d -> devs.put(d.name(), java.nio.file.Path.of(d.path())));
        ObjectStoreRuntime.installLocal(vertx, new LocalDevices(settings.objectServerHost(), port, java.util.Map.copyOf(devs)));
      })
    ).compose(ring -> {
      return vertx.deployVerticle(new MaintenanceVerticle(settings), new DeploymentOptions().setConfig(new JsonObject()));
    });
  }

  @Override
  public void mount(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier) {
    new SwiftApi(vertx, config, verifier).mount(root);
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("object-store", "swift", "/object-store/v1/AUTH_$(project_id)s"));
  }
}
