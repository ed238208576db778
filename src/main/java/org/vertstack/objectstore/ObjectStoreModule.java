package org.vertstack.objectstore;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.ApiKit;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.module.NodeContext;
import org.vertstack.common.module.ServiceModule;
import org.vertstack.objectstore.proxy.SwiftApi;
import org.vertstack.objectstore.ring.RingApi;
import org.vertstack.objectstore.ring.RingFollower;
import org.vertstack.objectstore.storage.DeviceWrites;
import org.vertstack.objectstore.storage.LocalDevices;
import org.vertstack.objectstore.storage.ObjectServerVerticle;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The object store (Swift v1): object servers and the replicator/auditor on storage nodes, the
 * Swift proxy on the front door, account/container databases in PostgreSQL and the expirer on
 * controllers. Its handle is the node's {@link ObjectStoreRuntime}.
 */
public final class ObjectStoreModule implements ServiceModule<ObjectStoreRuntime> {

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
  public Future<ObjectStoreRuntime> start(NodeContext node) {
    Vertx vertx = node.vertx();
    ObjectStoreSettings settings = ObjectStoreSettings.from(node.config());
    ObjectStoreRuntime runtime = new ObjectStoreRuntime();
    Future<?> chain = node.roles().contains("controller")
      ? vertx.deployVerticle(new ContainerServiceVerticle(settings, runtime), new DeploymentOptions().setConfig(node.config()))
      : Future.succeededFuture();
    if (node.roles().contains("storage")) {
      chain = chain.compose(v -> deployStorage(vertx, settings, runtime));
    } else {
      // a controller without devices proxies to the storage nodes the shared ring names
      chain = chain.compose(v -> RingFollower.start(vertx, List.of(), runtime::ring));
    }
    return chain.map(runtime);
  }

  private Future<?> deployStorage(Vertx vertx, ObjectStoreSettings settings, ObjectStoreRuntime runtime) {
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
    }).compose(port -> {
      JsonObject serverConfig = settings.objectServerConfig(port);
      return vertx.deployVerticle(ObjectServerVerticle.class, new DeploymentOptions()
          .setInstances(Math.max(1, settings.objectServerInstances())).setConfig(serverConfig))
        .compose(id -> RingFollower.start(vertx, settings.localDevices(settings.objectServerHost(), port), runtime::ring))
        .onSuccess(ring -> {
          Map<String, Path> devs = new HashMap<>();
          settings.localDevices().forEach(d -> devs.put(d.name(), Path.of(d.path())));
          runtime.local(new LocalDevices(settings.objectServerHost(), port, Map.copyOf(devs),
            new DeviceWrites(serverConfig.getBoolean("fsync-dir", false))));
        });
    }).compose(ring -> vertx.deployVerticle(new MaintenanceVerticle(settings, runtime), new DeploymentOptions().setConfig(new JsonObject())));
  }

  @Override
  public void mount(ObjectStoreRuntime runtime, ApiKit api) {
    // the operator's ring API first, so its paths keep their JSON error format
    api.mount("/object-store/ring", ErrorFormat.KEYSTONE, RingApi.router(api.vertx(), api.verifier(), api.jsonBody()));
    new SwiftApi(api.vertx(), api.config(), api.verifier(), runtime).mount(api.root());
    api.errorFormat("/object-store", ErrorFormat.SWIFT);
    api.errorFormat("/info", ErrorFormat.SWIFT);
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("object-store", "swift", "/object-store/v1/AUTH_$(project_id)s"));
  }
}
