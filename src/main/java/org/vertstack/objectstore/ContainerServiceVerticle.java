package org.vertstack.objectstore;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.Services;
import org.vertstack.objectstore.db.ContainerDb;
import org.vertstack.objectstore.proxy.ContainerSync;
import org.vertstack.objectstore.proxy.Expirer;

/**
 * The object store's controller side: migrates its schema, serves {@link ObjectStoreCatalog} on the
 * event bus, folds the per-write container deltas every second and runs the expirer at its
 * interval. Its timers and registration end with it.
 */
final class ContainerServiceVerticle extends VerticleBase {

  private final ObjectStoreSettings settings;
  private final ObjectStoreRuntime runtime;

  ContainerServiceVerticle(ObjectStoreSettings settings, ObjectStoreRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
  }

  @Override
  public Future<?> start() {
    return Databases.migrate(vertx, config(), ObjectStoreModule.NAME).compose(v -> {
      ContainerDb db = new ContainerDb(Databases.pool(vertx, config(), ObjectStoreModule.NAME));
      vertx.setPeriodic(1000, id -> db.foldDeltas());
      Expirer expirer = new Expirer(vertx, config(), runtime);
      runtime.expirer(expirer::runOnce);
      vertx.setPeriodic(settings.expirerIntervalSeconds() * 1000, id -> expirer.runOnce());
      ContainerSync sync = new ContainerSync(vertx, config(), runtime);
      runtime.containerSync(sync::runOnce);
      vertx.setPeriodic(settings.containerSyncIntervalSeconds() * 1000, id -> sync.runOnce());
      return Services.register(vertx, ObjectStoreCatalog.ADDRESS, ObjectStoreCatalog.class, new ObjectStoreCatalogImpl(db))
        .compose(x -> settings.serveRing(vertx, Databases.pool(vertx, config(), ObjectStoreModule.NAME)));
    });
  }
}
