package org.vertstack.objectstore;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.objectstore.maintenance.Auditor;
import org.vertstack.objectstore.maintenance.Replicator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The periodic jobs of a storage node: the replicator and the auditor, each at its configured
 * interval, never two runs of one job at once. Tests run them on demand with
 * {@link ObjectStoreRuntime#replicate()} and {@link ObjectStoreRuntime#audit()}.
 */
public class MaintenanceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceVerticle.class);

  private final ObjectStoreSettings settings;
  private final ObjectStoreRuntime runtime;
  private Replicator replicator;
  private Auditor auditor;
  private Future<JsonObject> replicating;
  private Future<JsonObject> auditing;
  private String auditScope = "";

  public MaintenanceVerticle(ObjectStoreSettings settings, ObjectStoreRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
  }

  @Override
  public Future<?> start() {
    Map<String, Path> devices = new LinkedHashMap<>();
    settings.localDevices().forEach(d -> devices.put(d.name(), Path.of(d.path())));
    WorkerExecutor disk = vertx.createSharedWorkerExecutor("objectstore-maintenance", 2);
    replicator = new Replicator(vertx, vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(8)), disk, runtime::ring, devices).lockScope(settings.objectServerHost());
    auditor = new Auditor(disk, devices, settings.reclaimAgeSeconds() * 1000);
    auditScope = String.join(",", devices.values().stream().map(Path::toString).sorted().toList());
    vertx.setPeriodic(settings.replicatorIntervalSeconds() * 1000, id -> replicate(true)
      .onSuccess(s -> {
        if (s.getLong("pushed") > 0 || s.getLong("removed") > 0) {
          LOG.info("replicator: {}", s.encode());
        }
      }));
    vertx.setPeriodic(settings.auditorIntervalSeconds() * 1000, id -> audit()
      .onSuccess(s -> LOG.info("auditor: {}", s.encode())));
    runtime.maintenance(this);
    return Future.succeededFuture();
  }

  /** Runs a replication pass now at full speed (or joins the one under way and speeds it up). */
  public Future<JsonObject> replicate() {
    return replicate(false);
  }

  private Future<JsonObject> replicate(boolean paced) {
    Promise<JsonObject> p = Promise.promise();
    context.runOnContext(v -> runReplicator(paced).onComplete(p));
    return p.future();
  }

  private synchronized Future<JsonObject> runReplicator(boolean paced) {
    if (!paced) {
      replicator.paced(false);
    }
    if (replicating == null || replicating.isComplete()) {
      replicator.paced(paced);
      replicating = replicator.runOnce();
    }
    return replicating;
  }

  /** Runs an audit pass now (or joins the one under way). */
  public Future<JsonObject> audit() {
    Promise<JsonObject> p = Promise.promise();
    context.runOnContext(v -> runAuditor().onComplete(p));
    return p.future();
  }

  private synchronized Future<JsonObject> runAuditor() {
    if (auditing == null || auditing.isComplete()) {
      // once at a time per set of devices in the cluster; a pass skipped here reports nothing checked
      auditing = org.vertstack.common.cluster.Singleton.run(vertx, "objectstore.auditor:" + settings.objectServerHost() + ":" + auditScope,
        auditor::runOnce).map(r -> r != null ? r : new JsonObject().put("checked", 0L).put("quarantined", 0L).put("bytes", 0L));
    }
    return auditing;
  }
}
