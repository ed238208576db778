package org.vertstack.objectstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.storage.DiskStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objectstore section of the configuration. With no devices configured (all-in-one), the
 * node has three devices dev1..dev3 under &lt;state-dir&gt;/objects, one per zone. The ring is
 * kept in &lt;state-dir&gt;/objects/ring.json: built once, then reused so placement is stable.
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

  public long auditorIntervalSeconds() {
    return section.getLong("auditor-interval-seconds", 3600L);
  }

  /** Devices of the ring; the all-in-one default when none are configured. */
  public List<Device> devices(String host, int port) {
    JsonArray configured = section.getJsonArray("devices", new JsonArray());
    List<Device> out = new ArrayList<>();
    if (configured.isEmpty()) {
      for (int i = 1; i <= 3; i++) {
        out.add(new Device(i, "dev" + i, "z" + i, 1.0, root.resolve("dev" + i).toString(), host, port));
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

  private void save(Path file, Ring ring) throws IOException {
    Files.createDirectories(root);
    Path tmp = root.resolve("ring.json.tmp");
    Files.writeString(tmp, ring.toJson().encode());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Loads ring.json (creating it on first start); in all-in-one, points it at this node's port. */
  public Ring loadRing(String host, int port) throws IOException {
    Path file = root.resolve("ring.json");
    Ring ring;
    if (Files.exists(file)) {
      ring = Ring.fromJson(new JsonObject(Files.readString(file)));
      // devices added to the configuration join the ring; only their share of partitions moves
      boolean grown = false;
      for (Device d : devices(host, port)) {
        if (ring.device(d.id()) == null) {
          ring = ring.withDevice(d);
          grown = true;
        }
      }
      if (grown) {
        save(file, ring);
      }
    } else {
      ring = Ring.build(partPower(), replicas(), devices(host, port));
      save(file, ring);
    }
    boolean allInOne = section.getJsonArray("devices", new JsonArray()).isEmpty();
    return allInOne && host != null ? ring.withEndpoint(host, port) : ring;
  }
}
