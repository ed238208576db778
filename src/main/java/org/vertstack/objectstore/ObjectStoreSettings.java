package org.vertstack.objectstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.ring.Device;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.sqlclient.Pool;
import org.vertstack.objectstore.ring.RingService;
import org.vertstack.objectstore.ring.RingStore;
import org.vertstack.objectstore.storage.DiskStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objectstore section of the configuration. With no devices configured (all-in-one), the
 * node has three devices dev1..dev3 under &lt;state-dir&gt;/objects, one per zone. The ring is
 * the cloud's, kept in PostgreSQL ({@link RingStore}); a node's devices register into it.
 */
public record ObjectStoreSettings(Path root, JsonObject section) {

  public static ObjectStoreSettings from(JsonObject config) {
    JsonObject section = config.getJsonObject("objectstore", new JsonObject());
    return new ObjectStoreSettings(Path.of(config.getString("state-dir")).resolve("objects"), section);
  }

  public int objectServerPort() {
    return section.getInteger("object-server-port", 0);
  }

  public String objectServerHost() {
    return section.getString("object-server-host", "127.0.0.1");
  }

  public int diskThreads() {
    return section.getInteger("disk-threads", 32);
  }

  public int objectServerInstances() {
    return section.getInteger("object-server-instances", 2);
  }

  public int partPower() {
    return section.getInteger("part-power", 10);
  }

  public int replicas() {
    return section.getInteger("replicas", 3);
  }

  public long maxObjectSize() {
    return section.getLong("max-object-size", 5L * 1024 * 1024 * 1024);
  }

  public long replicatorIntervalSeconds() {
    return section.getLong("replicator-interval-seconds", 30L);
  }

  /** Tombstones older than this are removed (Swift's reclaim_age, a week). */
  public long reclaimAgeSeconds() {
    return section.getLong("reclaim-age-seconds", 604_800L);
  }

  /** How often the expirer deletes the objects whose X-Delete-At has passed. */
  public long expirerIntervalSeconds() {
    return section.getLong("expirer-interval-seconds", 60L);
  }

  /** How often container sync copies objects to the containers named by X-Container-Sync-To. */
  public long containerSyncIntervalSeconds() {
    return section.getLong("container-sync-interval-seconds", 60L);
  }

  public long auditorIntervalSeconds() {
    return section.getLong("auditor-interval-seconds", 3600L);
  }

  /** Devices of the ring; the all-in-one default when none are configured. */
  public List<Device> devices(String host, int port) {
    JsonArray configured = section.getJsonArray("devices", new JsonArray());
    List<Device> out = new ArrayList<>();
    if (configured.isEmpty()) {
      // objectstore.zone: one zone (failure domain) for all three, e.g. one per storage node of a cluster
      String zone = section.getString("zone", "");
      for (int i = 1; i <= 3; i++) {
        out.add(new Device(i, "dev" + i, zone.isEmpty() ? "z" + i : zone, 1.0, root.resolve("dev" + i).toString(), host, port));
      }
      return out;
    }
    int id = 1;
    for (Object o : configured) {
      JsonObject d = ((JsonObject) o).copy();
      d.put("id", d.getInteger("id", id++));
      out.add(Device.fromJson(d));
    }
    return out;
  }

  /**
   * Devices whose directories are on this node: all of them in all-in-one; in a cluster, those
   * whose host (and port, when given) are this node's object server.
   */
  public List<Device> localDevices() {
    boolean allInOne = section.getJsonArray("devices", new JsonArray()).isEmpty();
    int port = objectServerPort();
    return devices(objectServerHost(), port).stream().filter(d -> d.path() != null)
      .filter(d -> allInOne || (d.host().equals(objectServerHost()) && (port == 0 || d.port() == port))).toList();
  }

  public void formatLocalDevices() throws IOException {
    org.vertstack.common.files.OwnerOnly.root(root); // the devices' parent: tenants' bytes below
    for (Device d : localDevices()) {
      DiskStore.format(Path.of(d.path()));
    }
  }

  public JsonObject objectServerConfig(int port) {
    JsonObject devs = new JsonObject();
    localDevices().forEach(d -> devs.put(d.name(), d.path()));
    return new JsonObject().put("host", objectServerHost()).put("port", port).put("devices", devs)
      .put("disk-threads", section.getInteger("disk-threads", 32))
      .put("fsync-dir", section.getBoolean("fsync-dir", false));
  }

  /**
   * Serves the cloud's ring from PostgreSQL on this controller ({@link RingService}), after
   * importing this state directory's ring file from before the shared ring, if any.
   */
  public Future<Void> serveRing(Vertx vertx, Pool db) {
    RingStore store = new RingStore(vertx, db, partPower(), replicas());
    return store.importLegacyFile(root.resolve("ring.json")).onSuccess(v -> {
      new ServiceBinder(vertx).setAddress(RingService.ADDRESS).register(RingService.class, store);
      org.vertstack.common.module.Services.servedHere(vertx, RingService.ADDRESS);
    });
  }

  /** This node's devices with the object server's actual endpoint, as they register into the ring. */
  public List<Device> localDevices(String host, int port) {
    return localDevices().stream().map(d -> d.withEndpoint(host, port)).toList();
  }
}
