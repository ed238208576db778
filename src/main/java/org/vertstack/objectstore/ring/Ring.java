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
 * enough zones. Immutable; adding, removing or reweighting a device gives a new ring that moves
 * only what the new weights require ({@link RingBuilder}). Rings made before the salt existed
 * have an empty salt, so their objects are still found where they were written.
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
  /** Devices an admin removed ("host path"): a storage node restarting with them does not bring them back. */
  private final Set<String> retired;

  private Ring(int partPower, int replicas, List<Device> devices, int[][] slots, String salt, long version) {
    this(partPower, replicas, devices, slots, salt, version, Set.of());
  }

  private Ring(int partPower, int replicas, List<Device> devices, int[][] slots, String salt, long version, Set<String> retired) {
    this.retired = Set.copyOf(retired);
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
    return new Ring(partPower, replicas, devices, slots, salt, newVersion, retired);
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
    return withDevices(List.of(device));
  }

  /** A new ring with more devices, rebalanced once: only the partitions the new weights require move. */
  public Ring withDevices(List<Device> added) {
    List<Device> more = new ArrayList<>(devices);
    Set<String> stillRetired = new HashSet<>(retired);
    for (Device device : added) {
      if (more.stream().anyMatch(d -> d.id() == device.id())) {
        throw new IllegalArgumentException("device id already in the ring: " + device.id());
      }
      if (more.stream().anyMatch(d -> key(d).equals(key(device)))) {
        throw new IllegalArgumentException("a device with host " + device.host() + " and path " + device.path() + " is in the ring already");
      }
      more.add(device);
      stillRetired.remove(key(device));
    }
    return rebalance(partPower, replicas, more, copySlots(), salt, version, stillRetired);
  }

  /** A new ring without device {@code id}: its partitions go to the others, nothing else moves. */
  public Ring withoutDevice(int id) {
    Device gone = requireDevice(id);
    List<Device> rest = devices.stream().filter(d -> d.id() != id).toList();
    Set<String> more = new HashSet<>(retired);
    more.add(key(gone));
    return rebalance(partPower, replicas, rest, copySlots(), salt, version, more);
  }

  /** A new ring where device {@code id} has a new weight (0 drains it but keeps it as a handoff). */
  public Ring withWeight(int id, double weight) {
    Device d = requireDevice(id);
    Device changed = new Device(d.id(), d.name(), d.zone(), weight, d.path(), d.host(), d.port());
    return rebalance(partPower, replicas, devices.stream().map(x -> x.id() == id ? changed : x).toList(), copySlots(), salt,
      version, retired);
  }

  /** The same devices rebalanced again: what an earlier rebalance could not move (one replica per partition per round) moves now. */
  public Ring rebalanced() {
    return rebalance(partPower, replicas, devices, copySlots(), salt, version, retired);
  }

  /** Whether an admin removed this device (same host and path) from the ring. */
  public boolean isRetired(Device d) {
    return retired.contains(key(d));
  }

  private static String key(Device d) {
    return d.host() + " " + d.path();
  }

  private Device requireDevice(int id) {
    Device d = byId.get(id);
    if (d == null) {
      throw new java.util.NoSuchElementException("no device " + id + " in the ring");
    }
    return d;
  }

  private int[][] copySlots() {
    int[][] copy = new int[replicas][];
    for (int r = 0; r < replicas; r++) {
      copy[r] = slots[r].clone();
    }
    return copy;
  }

  /** Each device's wanted number of slots (replica assignments), from the weights and zones. */
  public Map<Integer, Double> targets() {
    return RingBuilder.targets(partitions(), replicas, devices);
  }

  /**
   * How far the ring is from its targets: the largest deviation of a device's slots from its
   * target, in percent of the target (Swift's "balance"); devices of weight 0 count when they
   * still hold slots.
   */
  public double balance() {
    Map<Integer, Double> t = targets();
    double worst = 0;
    for (Map.Entry<Integer, Integer> e : load().entrySet()) {
      double want = t.getOrDefault(e.getKey(), 0.0);
      double dev = want > 0 ? Math.abs(e.getValue() - want) * 100 / want : (e.getValue() > 0 ? 100 : 0);
      worst = Math.max(worst, dev);
    }
    return worst;
  }

  /** A copy where one device (same id) has new attributes that do not move data: endpoint, name, path. */
  public Ring withDeviceReplaced(Device device) {
    if (!byId.containsKey(device.id())) {
      throw new IllegalArgumentException("no device " + device.id() + " in the ring");
    }
    return new Ring(partPower, replicas, devices.stream().map(d -> d.id() == device.id() ? device : d).toList(), slots, salt, version,
      retired);
  }

  /** A copy whose devices have the given endpoint (all-in-one: the port is known only at start). */
  public Ring withEndpoint(String host, int port) {
    return new Ring(partPower, replicas, devices.stream().map(d -> d.withEndpoint(host, port)).toList(), slots, salt, version,
      retired);
  }

  private static Ring rebalance(int partPower, int replicas, List<Device> devices, int[][] slots, String salt, long version) {
    return rebalance(partPower, replicas, devices, slots, salt, version, Set.of());
  }

  private static Ring rebalance(int partPower, int replicas, List<Device> devices, int[][] slots, String salt, long version,
                                Set<String> retired) {
    long usable = devices.stream().filter(d -> d.weight() > 0).count();
    if (usable < replicas) {
      throw new IllegalArgumentException("a ring of " + replicas + " replicas needs at least " + replicas
        + " devices of positive weight; it would have " + usable);
    }
    RingBuilder.rebalance(1 << partPower, replicas, devices, slots);
    return new Ring(partPower, replicas, devices, slots, salt, version, retired);
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
      .put("slots", rows)
      .put("retired", new JsonArray(retired.stream().sorted().map(k -> new JsonObject()
        .put("host", k.substring(0, k.indexOf(' '))).put("path", k.substring(k.indexOf(' ') + 1))).toList()));
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
    Set<String> retired = new HashSet<>();
    j.getJsonArray("retired", new JsonArray()).forEach(o -> retired.add(((JsonObject) o).getString("host") + " "
      + ((JsonObject) o).getString("path")));
    return new Ring(partPower, replicas, devices, slots, j.getString("salt", ""), j.getLong("version", 0L), retired);
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
