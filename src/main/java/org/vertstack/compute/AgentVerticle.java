package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.compute.hypervisor.Hypervisor;
import org.vertstack.compute.hypervisor.LibvirtHypervisor;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The compute agent of one node (role {@code compute}). It opens the hypervisor, registers the
 * node's inventory with the controller over the event bus, heartbeats, and serves
 * {@link ComputeAgent} on {@code compute.agent.<host>}. Every hypervisor call runs on a worker
 * thread (unordered: builds of different instances run in parallel; the controller never sends
 * two operations on one instance at once).
 */
public final class AgentVerticle extends VerticleBase implements ComputeAgent {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);

  private volatile Hypervisor hypervisor;
  private ComputeSettings settings;
  private ImageCache images;
  private SnapshotUpload uploads;
  private Path snapshotDir;
  private ComputeHosts controller;
  private String hostname;
  private volatile String hostId;
  private ServiceBinder binder;
  private WorkerExecutor hypervisorPool;
  /** Vert.x's own worker pool size; libvirt's connection is shared and thread-safe. */
  private static final int HYPERVISOR_THREADS = 20;
  /** Longer than any one libvirt or disk operation should take; past it Vert.x logs a blocked thread. */
  private static final long HYPERVISOR_CALL_MINUTES = 30;

  @Override
  public Future<?> start() {
    settings = ComputeSettings.from(config());
    hostname = settings.hostname();
    images = new ImageCache(vertx, settings.publicUrl(), settings.baseDir());
    uploads = new SnapshotUpload(vertx, settings.publicUrl());
    snapshotDir = settings.snapshotDir();
    controller = ComputeHosts.createProxy(vertx);
    // libvirt calls legitimately block for long (libvirtd starting a TCG domain on a loaded host took
    // over 60 s, a snapshot copies a whole disk): their own pool, where that is not a blocked thread
    hypervisorPool = vertx.createSharedWorkerExecutor("compute-hypervisor", HYPERVISOR_THREADS, HYPERVISOR_CALL_MINUTES, TimeUnit.MINUTES);
    binder = new ServiceBinder(vertx).setAddress(ADDRESS_PREFIX + hostname);
    binder.register(ComputeAgent.class, this);
    // Opening qemu:///system can take seconds (libvirtd probes QEMU once): do not hold up start-up.
    hypervisorPool.executeBlocking(() -> LibvirtHypervisor.open(settings.libvirtUri(),
        settings.virtType(), settings.kvmProbeMemory(), settings.instancesDir(), settings.baseDir(), settings.shutdownTimeoutMs()))
      .onSuccess(h -> {
        hypervisor = h;
        LOG.info("compute agent {} on {}", hostname, h.uri());
        // libvirt's lifecycle events (a guest that shut itself down, crashed, was paused behind our back)
        // reach the controller at once; the periodic full sync catches anything an event missed
        h.onPowerChange((instanceId, power) -> vertx.runOnContext(v -> powerChanged(instanceId)));
        register();
        long every = settings.heartbeatSeconds() * 1000;
        vertx.setPeriodic(every, every, id -> heartbeat());
        long sync = settings.powerSyncSeconds() * 1000;
        vertx.setPeriodic(sync, sync, id -> syncPowerStates());
      })
      .onFailure(err -> LOG.error("compute agent {}: the hypervisor could not be opened: {}", hostname, err.getMessage()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    Hypervisor h = hypervisor;
    // the agent's consumer goes with the verticle's undeployment
    Future<?> closed = h == null ? Future.succeededFuture() : hypervisorPool.executeBlocking(() -> {
      h.close();
      return null;
    });
    return closed.eventually(() -> hypervisorPool.close());
  }

  /** Reports inventory and domains; retried until the controller answers (it may start later). */
  private void register() {
    blocking(() -> {
      Hypervisor.Inventory inv = hypervisor.inventory();
      JsonObject states = new JsonObject();
      hypervisor.powerStates().forEach(states::put);
      JsonObject report = new JsonObject().put("hostname", hostname).put("host_ip", settings.httpHost())
        .put("hypervisor_type", inv.type()).put("hypervisor_version", inv.version()).put("cpu_model", inv.cpuModel())
        .put("virt_type", inv.virtType()).put("virt_probe", inv.virtReason())
        .put("vcpus", inv.vcpus()).put("memory_mb", inv.memoryMb()).put("disk_gb", inv.diskGb())
        .put("power_states", states);
      String zone = settings.reportedZone();
      return zone == null ? report : report.put("availability_zone", zone);
    }).compose(controller::register)
      .onSuccess(r -> {
        hostId = r.getString("host_id");
        LOG.info("compute host {} registered as {}", hostname, hostId);
      })
      .onFailure(err -> {
        LOG.info("registering compute host {} failed ({}), retrying", hostname, err.getMessage());
        vertx.setTimer(2_000, id -> register());
      });
  }

  private void heartbeat() {
    if (hostId == null) {
      return;
    }
    controller.heartbeat(hostId).onFailure(err -> {
      if (err instanceof ServiceException se && se.failureCode() == 404) {
        hostId = null;
        register(); // the controller forgot us (a new database): report again
      }
    });
  }

  /** The full power sync: every domain's state (a domain missing from the list has vanished). */
  private void syncPowerStates() {
    if (hostId == null || hypervisor == null) {
      return;
    }
    long takenAt = System.currentTimeMillis();
    blocking(() -> {
      JsonObject states = new JsonObject();
      hypervisor.powerStates().forEach(states::put);
      return states;
    }).onSuccess(states -> reportPower(states, true, takenAt))
      .onFailure(err -> LOG.warn("power sync of {}: {}", hostname, err.getMessage()));
  }

  /**
   * A lifecycle event says the domain's state changed, not what it is now: an event can arrive late
   * (the STOPPED of a hard reboot's destroy, delivered after the reboot has finished and been
   * saved). As Nova does, the domain's current state is read and reported, stamped with the time
   * before the read, so a late event can never undo a newer state. A domain that is gone is left
   * to the full sync.
   */
  private void powerChanged(String instanceId) {
    long takenAt = System.currentTimeMillis();
    blocking(() -> hypervisor.powerState(instanceId))
      .onSuccess(power -> {
        if (power != Hypervisor.NOSTATE) {
          reportPower(new JsonObject().put(instanceId, power), false, takenAt);
        }
      })
      .onFailure(err -> LOG.debug("power state of {}: {}", instanceId, err.getMessage()));
  }

  private void reportPower(JsonObject states, boolean complete, long takenAt) {
    String id = hostId;
    if (id == null) {
      return; // the registration reports every domain anyway
    }
    controller.syncPowerStates(id, new JsonObject().put("taken_at", takenAt).put("complete", complete).put("power_states", states))
      .onFailure(err -> LOG.debug("power report of {}: {}", hostname, err.getMessage()));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return hypervisorPool.executeBlocking(work, false);
  }

  private Future<Hypervisor> ready() {
    return hypervisor == null ? Future.failedFuture(new ServiceException(503, "The hypervisor of " + hostname + " is not open yet."))
      : Future.succeededFuture(hypervisor);
  }

  @Override
  public Future<JsonObject> build(JsonObject request) {
    return ready().compose(h -> {
      String imageId = request.getString("image_id");
      // fault injection for tests: a build that takes this long, so that a test can kill the node mid-build
      long delay = settings.testBuildDelayMs();
      Future<Void> held = delay > 0 ? vertx.timer(delay).mapEmpty() : Future.succeededFuture();
      Future<Path> base = held.compose(v -> h.needsImage() ? images.fetch(imageId, request.getString("token")) : Future.succeededFuture(null));
      // a config drive when the request asks for one or this node forces it (Nova's force_config_drive)
      boolean configDrive = request.getBoolean("config_drive", false)
        || settings.forceConfigDrive();
      return base.compose(file -> blocking(() -> {
        String format = request.getString("disk_format", "qcow2");
        h.spawn(spec(request, file, "raw".equals(format) ? "raw" : "qcow2", configDrive));
        return powerState(h, request.getString("instance_id")).put("config_drive", configDrive);
      }));
    });
  }

  @Override
  public Future<JsonObject> snapshot(JsonObject request) {
    String instanceId = request.getString("instance_id");
    String imageId = request.getString("image_id");
    if (!imageId.matches("[0-9a-fA-F-]{1,64}")) {
      return Future.failedFuture(new ServiceException(400, "Invalid image id."));
    }
    return ready().compose(h -> {
      if (!h.needsImage()) {
        // the test driver keeps no disk: the instance's disk is its base image, unchanged
        return images.fetch(request.getString("base_image_id"), request.getString("token"))
          .compose(base -> uploads.upload(imageId, base, request.getString("token")))
          .compose(v -> blocking(() -> powerState(h, instanceId)));
      }
      String format = "raw".equals(request.getString("disk_format")) ? "raw" : "qcow2";
      Path file = snapshotDir.resolve(imageId + "." + format);
      return blocking(() -> {
        java.nio.file.Files.createDirectories(snapshotDir);
        h.captureRootDisk(instanceId, file, format);
        return file;
      }).compose(f -> uploads.upload(imageId, f, request.getString("token")))
        .eventually(() -> vertx.fileSystem().delete(file.toString()).otherwise((Void) null))
        .compose(v -> blocking(() -> powerState(h, instanceId)));
    });
  }

  @Override
  public Future<JsonObject> rebuild(JsonObject request) {
    String instanceId = request.getString("instance_id");
    return destroy(instanceId).compose(v -> build(request)).compose(state -> request.getBoolean("stopped", false)
      ? act(instanceId, "stop") : Future.succeededFuture(state));
  }

  @Override
  public Future<JsonObject> resize(JsonObject request) {
    return ready().compose(h -> blocking(() -> {
      Hypervisor.Spec spec = spec(request, null, null, false);
      if (request.getBoolean("revert", false)) {
        h.revertResize(spec);
      } else {
        h.resize(spec);
      }
      return powerState(h, spec.instanceId());
    }));
  }

  @Override
  public Future<JsonObject> act(String instanceId, String action) {
    return ready().compose(h -> blocking(() -> {
      switch (action) {
        case "stop" -> h.powerOff(instanceId);
        case "start" -> h.powerOn(instanceId);
        case "reboot-soft" -> h.reboot(instanceId, false);
        case "reboot-hard" -> h.reboot(instanceId, true);
        case "pause" -> h.pause(instanceId);
        case "unpause" -> h.unpause(instanceId);
        case "suspend" -> h.suspend(instanceId);
        case "resume" -> h.resume(instanceId);
        case "confirm-resize" -> h.confirmResize(instanceId);
        default -> throw new ServiceException(400, "Unknown action " + action + ".");
      }
      return powerState(h, instanceId);
    }));
  }

  @Override
  public Future<Void> destroy(String instanceId) {
    return ready().compose(h -> blocking(() -> {
      h.destroy(instanceId);
      return null;
    }));
  }

  @Override
  public Future<String> consoleOutput(String instanceId, int lines) {
    return ready().compose(h -> blocking(() -> h.consoleOutput(instanceId, lines)));
  }

  @Override
  public Future<Void> openConsole(String instanceId, String relayAddress) {
    if (relayAddress == null || !relayAddress.startsWith(ConsoleRelay.ADDRESS_PREFIX)) {
      return Future.failedFuture(new ServiceException(400, "Not a console relay address."));
    }
    return ready().compose(h -> blocking(() -> {
      try {
        return h.openConsole(instanceId);
      } catch (UnsupportedOperationException e) {
        throw new ServiceException(409, "The hypervisor of " + hostname + " offers no serial console: " + e.getMessage() + ".");
      } catch (org.libvirt.LibvirtException e) {
        throw new ServiceException(409, "The serial console cannot be opened: " + e.getMessage());
      }
    })).map(console -> {
      ConsoleRelay.start(vertx, console, relayAddress);
      return null;
    });
  }

  @Override
  public Future<JsonObject> diagnostics(String instanceId) {
    return ready().compose(h -> blocking(() -> {
      if (h.powerState(instanceId) != Hypervisor.RUNNING) {
        throw new ServiceException(409, "Instance " + instanceId + " is not running: it has no diagnostics.");
      }
      return ServerDiagnostics.toJson(h.diagnostics(instanceId));
    }));
  }

  @Override
  public Future<String> uptime() {
    return blocking(() -> {
      double seconds = Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/uptime")).split("\\s+")[0]);
      String[] load = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      long minutes = (long) seconds / 60;
      return String.format(" %s up %d days, %2d:%02d,  load average: %s, %s, %s",
        java.time.LocalTime.now().withNano(0), minutes / 1440, (minutes / 60) % 24, minutes % 60, load[0], load[1], load[2]);
    });
  }

  /** The hypervisor's spec of a build or resize request (the config drive's files rendered here, on a worker). */
  private static Hypervisor.Spec spec(JsonObject request, Path baseImage, String baseFormat, boolean configDrive) {
    java.util.Map<String, String> extraSpecs = new java.util.HashMap<>();
    request.getJsonObject("extra_specs", new JsonObject()).forEach(e -> extraSpecs.put(e.getKey(), String.valueOf(e.getValue())));
    return new Hypervisor.Spec(request.getString("instance_id"), request.getString("name"),
      request.getInteger("vcpus"), request.getLong("memory_mb"), request.getLong("disk_gb"), baseImage, baseFormat,
      ephemerals(request), request.getLong("swap_mb", 0L), extraSpecs, configDrive ? ConfigDrive.files(request) : null);
  }

  /** The request's ephemeral disks: those block_device_mapping_v2 asked for, else the flavor's one. */
  static java.util.List<Hypervisor.Ephemeral> ephemerals(JsonObject request) {
    java.util.List<Hypervisor.Ephemeral> out = new java.util.ArrayList<>();
    io.vertx.core.json.JsonArray asked = request.getJsonArray("ephemerals");
    if (asked != null) {
      asked.forEach(e -> out.add(new Hypervisor.Ephemeral(((JsonObject) e).getLong("size_gb"), ((JsonObject) e).getString("guest_format"))));
    } else if (request.getLong("ephemeral_gb", 0L) > 0) {
      out.add(new Hypervisor.Ephemeral(request.getLong("ephemeral_gb"), null));
    }
    return out;
  }

  private static JsonObject powerState(Hypervisor h, String instanceId) throws Exception {
    return new JsonObject().put("power_state", h.powerState(instanceId));
  }
}
