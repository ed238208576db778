package org.vertstack.objectstore.ring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The placement map: 2^partPower partitions, each with {@code replicas} slots holding a device.
 * An object's partition is the top bits of the MD5 of its full name followed by the ring's
 * secret salt (as Swift's hash path suffix: without the salt no one can predict where a name
 * lands). A partition's replicas are on distinct devices, and on distinct zones while there are
 * enough zones. Immutable; adding a device gives a new ring that moves only what the new
 * weights require. Rings made before the salt existed have an empty salt, so their objects are
 * still found where they were written.
 */
public final class Ring {

  private final int partPower;
  private final int replicas;
  private final String salt;
  private final long version;
  private final List<Device> devices;
  private final Map<Integer, Device> byId = new HashMap<>();
  /** slots[replica][partition] = device id. */
  private final int[][] slots;

  private Ring(int partPower, int replicas, List<Device> devices, int[][] slots, String salt, long version) {
    this.partPower = partPower;
    this.replicas = replicas;
    this.salt = salt == null ? "" : salt;
    this.version = version;
    this.devices = List.copyOf(devices);
    this.slots = slots;
    for (Device d : devices) {
      byId.put(d.id(), d);
    }
  }

  public int partPower() {
    return partPower;
  }

  public int replicas() {
    return replicas;
  }

  /** The secret appended to every name before hashing ("" for rings made before salting). */
  public String salt() {
    return salt;
  }

  /** The ring's version in the cloud's shared store (0 for a ring not stored yet). */
  public long version() {
    return version;
  }

  /** The same ring as another version (stored as that version). */
  public Ring withVersion(long newVersion) {
    return new Ring(partPower, replicas, devices, slots, salt, newVersion);
  }

  /** A new cloud's salt: 128 random bits in hex. */
  public static String newSalt() {
    byte[] b = new byte[16];
    new java.security.SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public int partitions() {
    return 1 << partPower;
  }

  public List<Device> devices() {
    return devices;
  }

  public Device device(int id) {
    return byId.get(id);
  }

  /** Writes succeed once this many replicas have the data. */
  public int quorum() {
    return replicas / 2 + 1;
  }

  /** Creates a balanced ring (unsalted: tests and the pre-salt layout). */
  public static Ring build(int partPower, int replicas, List<Device> devices) {
    return build(partPower, replicas, devices, "");
  }

  /** Creates a balanced ring whose names are hashed with {@code salt}. */
  public static Ring build(int partPower, int replicas, List<Device> devices, String salt) {
    if (partPower < 0 || partPower > 20) {
      throw new IllegalArgumentException("partition power must be in 0..20");
    }
    if (devices.size() < replicas) {
      throw new IllegalArgumentException("a ring of " + replicas + " replicas needs at least " + replicas + " devices");
    }
    int[][] slots = new int[replicas][1 << partPower];
    for (int[] row : slots) {
      Arrays.fill(row, -1);
    }
    return rebalance(partPower, replicas, devices, slots, salt, 0);
  }

  /** A new ring with one more device; only the partitions the new weights require move. */
  public Ring withDevice(Device device) {
    if (byId.containsKey(device.id())) {
      throw new IllegalArgumentException("device id already in the ring: " + device.id());
    }
    List<Device> more = new ArrayList<>(devices);
    more.add(device);
    int[][] copy = new int[replicas][];
    for (int r = 0; r < replicas; r++) {
      copy[r] = slots[r].clone();
    }
    return rebalance(partPower, replicas, more, copy, salt, version);
  }

  /** A copy where one device (same id) has new attributes that do not move data: endpoint, name, path. */
  public Ring withDeviceReplaced(Device device) {
    if (!byId.containsKey(device.id())) {
      throw new IllegalArgumentException("no device " + device.id() + " in the ring");
    }
    return new Ring(partPower, replicas, devices.stream().map(d -> d.id() == device.id() ? device : d).toList(), slots, salt, version);
  }

  /** A copy whose devices have the given endpoint (all-in-one: the port is known only at start). */
  public Ring withEndpoint(String host, int port) {
    return new Ring(partPower, replicas, devices.stream().map(d -> d.withEndpoint(host, port)).toList(), slots, salt, version);
  }

  private static Ring rebalance(int partPower, int replicas, List<Device> devices, int[][] slots, String salt, long version) {
    int parts = 1 << partPower;
    Map<Integer, Device> byId = new HashMap<>();
    double totalWeight = 0;
    for (Device d : devices) {
      byId.put(d.id(), d);
      totalWeight += d.weight();
    }
    Map<Integer, Integer> have = new HashMap<>();
    Map<Integer, Integer> want = new HashMap<>();
    for (Device d : devices) {
      have.put(d.id(), 0);
      want.put(d.id(), (int) Math.min(parts, Math.ceil(parts * (double) replicas * d.weight() / totalWeight)));
    }
    for (int[] row : slots) {
      for (int p = 0; p < parts; p++) {
        if (row[p] >= 0) {
          if (byId.containsKey(row[p])) {
            have.merge(row[p], 1, Integer::sum);
          } else {
            row[p] = -1;
          }
        }
      }
    }
    // 1. Overloaded devices give up the excess, never two slots of the same partition, first
    //    where they share a zone with another replica (that improves dispersion too).
    boolean[] freed = new boolean[parts];
    for (int pass = 0; pass < 2; pass++) {
      for (int r = 0; r < replicas; r++) {
        for (int p = 0; p < parts; p++) {
          int dev = slots[r][p];
          if (dev < 0 || freed[p] || have.get(dev) <= want.get(dev)) {
            continue;
          }
          if (pass == 0 && !sharesZone(slots, byId, r, p)) {
            continue;
          }
          slots[r][p] = -1;
          freed[p] = true;
          have.merge(dev, -1, Integer::sum);
        }
      }
    }
    // 2. Empty slots go to the device most below its share that the partition does not use yet,
    //    preferring a zone the partition does not use yet.
    for (int p = 0; p < parts; p++) {
      for (int r = 0; r < replicas; r++) {
        if (slots[r][p] >= 0) {
          continue;
        }
        Set<Integer> used = new HashSet<>();
        Set<String> zones = new HashSet<>();
        for (int o = 0; o < replicas; o++) {
          if (slots[o][p] >= 0) {
            used.add(slots[o][p]);
            zones.add(byId.get(slots[o][p]).zone());
          }
        }
        Device best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Device d : devices) {
          if (used.contains(d.id())) {
            continue;
          }
          double score = (want.get(d.id()) - have.get(d.id())) / (double) Math.max(1, want.get(d.id()));
          if (!zones.contains(d.zone())) {
            score += 10;
          }
          if (score > bestScore) {
            bestScore = score;
            best = d;
          }
        }
        slots[r][p] = best.id();
        have.merge(best.id(), 1, Integer::sum);
      }
    }
    return new Ring(partPower, replicas, devices, slots, salt, version);
  }

  private static boolean sharesZone(int[][] slots, Map<Integer, Device> byId, int r, int p) {
    String zone = byId.get(slots[r][p]).zone();
    for (int o = 0; o < slots.length; o++) {
      if (o != r && slots[o][p] >= 0 && byId.get(slots[o][p]).zone().equals(zone)) {
        return true;
      }
    }
    return false;
  }

  /** The MD5 (hex) that names an object on disk: of its full name and this ring's salt. */
  public String hash(String account, String container, String object) {
    return hash(salt, account, container, object);
  }

  /** The MD5 (hex) of a full name followed by a salt; never derived from anything else. */
  public static String hash(String salt, String account, String container, String object) {
    String path = "/" + account + (container == null ? "" : "/" + container + (object == null ? "" : "/" + object)) + salt;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(path.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public int partition(String hash) {
    long top = Long.parseLong(hash.substring(0, 8), 16);
    return (int) (top >>> (32 - partPower));
  }

  public List<Device> primaries(int partition) {
    List<Device> out = new ArrayList<>(replicas);
    for (int r = 0; r < replicas; r++) {
      out.add(byId.get(slots[r][partition]));
    }
    return out;
  }

  /** Devices to use when a primary is down: every other device, in an order that varies by partition. */
  public List<Device> handoffs(int partition) {
    Set<Integer> primary = new HashSet<>();
    for (int r = 0; r < replicas; r++) {
      primary.add(slots[r][partition]);
    }
    List<Device> others = new ArrayList<>();
    for (Device d : devices) {
      if (!primary.contains(d.id())) {
        others.add(d);
      }
    }
    if (!others.isEmpty()) {
      java.util.Collections.rotate(others, partition % others.size());
    }
    return others;
  }

  public JsonObject toJson() {
    JsonArray rows = new JsonArray();
    for (int[] row : slots) {
      JsonArray a = new JsonArray();
      for (int v : row) {
        a.add(v);
      }
      rows.add(a);
    }
    return new JsonObject().put("version", version).put("salt", salt).put("part_power", partPower).put("replicas", replicas)
      .put("devices", new JsonArray(devices.stream().map(Device::toJson).toList()))
      .put("slots", rows);
  }

  public static Ring fromJson(JsonObject j) {
    int partPower = j.getInteger("part_power");
    int replicas = j.getInteger("replicas");
    List<Device> devices = j.getJsonArray("devices").stream().map(o -> Device.fromJson((JsonObject) o)).toList();
    JsonArray rows = j.getJsonArray("slots");
    int[][] slots = new int[replicas][1 << partPower];
    for (int r = 0; r < replicas; r++) {
      JsonArray row = rows.getJsonArray(r);
      for (int p = 0; p < slots[r].length; p++) {
        slots[r][p] = row.getInteger(p);
      }
    }
    // a ring file from before salting has no "salt": its names were hashed unsalted
    return new Ring(partPower, replicas, devices, slots, j.getString("salt", ""), j.getLong("version", 0L));
  }

  /** How many (replica, partition) slots differ between two rings of the same shape. */
  public int movedSlots(Ring other) {
    int moved = 0;
    for (int p = 0; p < partitions(); p++) {
      Set<Integer> a = new HashSet<>();
      Set<Integer> b = new HashSet<>();
      for (int r = 0; r < replicas; r++) {
        a.add(slots[r][p]);
        b.add(other.slots[r][p]);
      }
      a.removeAll(b);
      moved += a.size();
    }
    return moved;
  }

  /** Slots per device id. */
  public Map<Integer, Integer> load() {
    Map<Integer, Integer> load = new HashMap<>();
    for (Device d : devices) {
      load.put(d.id(), 0);
    }
    for (int[] row : slots) {
      for (int v : row) {
        load.merge(v, 1, Integer::sum);
      }
    }
    return load;
  }
}
