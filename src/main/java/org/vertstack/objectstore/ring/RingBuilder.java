package org.vertstack.objectstore.ring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns partitions to devices, in the manner of Swift's ring builder: each device's share
 * ("target") follows its weight, capped so a zone never needs more than its fair number of
 * replicas of one partition (one per zone while there are as many zones as replicas); a
 * rebalance keeps every assignment that may stay and moves only what must move: the slots of
 * removed devices, replicas crowded into one zone, and the excess of devices above their target,
 * straight to devices below theirs. A partition moves one replica per round, and never all of
 * them, so while the replicator copies, every partition still has a copy where it was.
 */
final class RingBuilder {

  private final int parts;
  private final int replicas;
  private final List<Device> devices;
  private final Map<Integer, Device> byId = new HashMap<>();
  private final Map<Integer, Double> target;
  private final Map<String, Integer> maxPerZone = new HashMap<>();
  private final Map<Integer, Integer> have = new HashMap<>();
  /** slots[replica][partition] = device id, -1 while unassigned. */
  private final int[][] slots;
  private final int[] movedReplicas;

  private RingBuilder(int parts, int replicas, List<Device> devices, int[][] slots) {
    this.parts = parts;
    this.replicas = replicas;
    this.devices = devices;
    this.slots = slots;
    this.movedReplicas = new int[parts];
    devices.forEach(d -> byId.put(d.id(), d));
    this.target = targets(parts, replicas, devices);
    Map<String, Integer> zoneDevices = new HashMap<>();
    for (Device d : devices) {
      if (d.weight() > 0) {
        zoneDevices.merge(d.zone(), 1, Integer::sum);
      }
    }
    int zones = Math.max(1, zoneDevices.size());
    int perZone = (replicas + zones - 1) / zones;
    zoneDevices.forEach((zone, n) -> maxPerZone.put(zone, Math.min(perZone, n)));
  }

  /** Rebalances {@code slots} in place for {@code devices}; slots naming other device ids are reassigned. */
  static void rebalance(int parts, int replicas, List<Device> devices, int[][] slots) {
    RingBuilder b = new RingBuilder(parts, replicas, devices, slots);
    b.dropUnknownDevices();
    b.spreadCrowdedZones();
    b.fillEmptySlots();
    b.moveExcess();
  }

  /**
   * Each device's wanted number of slots: the partitions times replicas shared by weight, first
   * over zones (a zone holds at most its fair number of replicas of each partition), then over
   * the zone's devices (a device holds at most one replica of each partition). A share above a
   * cap is given to the others by weight.
   */
  static Map<Integer, Double> targets(int parts, int replicas, List<Device> devices) {
    Map<String, List<Device>> zones = new HashMap<>();
    for (Device d : devices) {
      if (d.weight() > 0) {
        zones.computeIfAbsent(d.zone(), z -> new ArrayList<>()).add(d);
      }
    }
    int perZone = (replicas + Math.max(1, zones.size()) - 1) / Math.max(1, zones.size());
    List<String> zoneNames = new ArrayList<>(zones.keySet());
    double[] zoneWeight = new double[zoneNames.size()];
    double[] zoneCap = new double[zoneNames.size()];
    for (int i = 0; i < zoneNames.size(); i++) {
      List<Device> in = zones.get(zoneNames.get(i));
      zoneWeight[i] = in.stream().mapToDouble(Device::weight).sum();
      zoneCap[i] = (double) parts * Math.min(perZone, in.size());
    }
    double[] zoneShare = waterFill((double) parts * replicas, zoneWeight, zoneCap);
    Map<Integer, Double> out = new HashMap<>();
    devices.forEach(d -> out.put(d.id(), 0.0));
    for (int i = 0; i < zoneNames.size(); i++) {
      List<Device> in = zones.get(zoneNames.get(i));
      double[] w = in.stream().mapToDouble(Device::weight).toArray();
      double[] cap = new double[w.length];
      java.util.Arrays.fill(cap, parts);
      double[] share = waterFill(zoneShare[i], w, cap);
      for (int k = 0; k < in.size(); k++) {
        out.put(in.get(k).id(), share[k]);
      }
    }
    return out;
  }

  /** Shares {@code total} by weight, no one above its cap; what a capped one cannot take goes to the rest. */
  private static double[] waterFill(double total, double[] weight, double[] cap) {
    double[] share = new double[weight.length];
    boolean[] capped = new boolean[weight.length];
    boolean changed = true;
    while (changed) {
      changed = false;
      double left = total;
      double free = 0;
      for (int i = 0; i < weight.length; i++) {
        if (capped[i]) {
          left -= cap[i];
        } else {
          free += weight[i];
        }
      }
      for (int i = 0; i < weight.length; i++) {
        if (capped[i]) {
          share[i] = cap[i];
        } else {
          share[i] = free > 0 ? Math.max(0, left) * weight[i] / free : 0;
          if (share[i] > cap[i]) {
            capped[i] = true;
            changed = true;
          }
        }
      }
    }
    return share;
  }

  private void dropUnknownDevices() {
    devices.forEach(d -> have.put(d.id(), 0));
    for (int[] row : slots) {
      for (int p = 0; p < parts; p++) {
        if (row[p] < 0) {
          continue;
        }
        if (byId.containsKey(row[p])) {
          have.merge(row[p], 1, Integer::sum);
        } else {
          row[p] = -1;
          movedReplicas[p]++;
        }
      }
    }
  }

  private int zoneCount(int p, String zone, int exceptReplica) {
    int n = 0;
    for (int r = 0; r < replicas; r++) {
      if (r != exceptReplica && slots[r][p] >= 0 && byId.get(slots[r][p]).zone().equals(zone)) {
        n++;
      }
    }
    return n;
  }

  private boolean holds(int p, int deviceId) {
    for (int r = 0; r < replicas; r++) {
      if (slots[r][p] == deviceId) {
        return true;
      }
    }
    return false;
  }

  /** Frees replicas beyond their zone's fair number (a zone was added, or weights changed), the fullest device's first. */
  private void spreadCrowdedZones() {
    for (int p = 0; p < parts; p++) {
      for (int r = 0; r < replicas; r++) {
        int dev = slots[r][p];
        if (dev < 0) {
          continue;
        }
        String zone = byId.get(dev).zone();
        if (zoneCount(p, zone, -1) > maxPerZone.getOrDefault(zone, replicas) && movedReplicas[p] < replicas - 1
          && hasRoomElsewhere(p, r)) {
          slots[r][p] = -1;
          have.merge(dev, -1, Integer::sum);
          movedReplicas[p]++;
        }
      }
    }
  }

  private boolean hasRoomElsewhere(int p, int replica) {
    for (Device d : devices) {
      if (d.weight() > 0 && !holds(p, d.id()) && zoneCount(p, d.zone(), replica) < maxPerZone.getOrDefault(d.zone(), 0)) {
        return true;
      }
    }
    return false;
  }

  private double wanting(Device d) {
    double t = target.get(d.id());
    return (t - have.get(d.id())) / Math.max(1.0, t);
  }

  /** Every empty slot goes to the device that wants slots most, in the zone with the fewest replicas of the partition. */
  private void fillEmptySlots() {
    for (int p = 0; p < parts; p++) {
      for (int r = 0; r < replicas; r++) {
        if (slots[r][p] >= 0) {
          continue;
        }
        final int part = p;
        Device best = devices.stream().filter(d -> !holds(part, d.id()))
          .min(Comparator.<Device>comparingInt(d -> d.weight() > 0 ? 0 : 1)
            .thenComparingInt(d -> zoneCount(part, d.zone(), -1))
            .thenComparing(d -> -wanting(d))
            .thenComparingInt(Device::id))
          .orElseThrow(() -> new IllegalArgumentException("too few devices for " + replicas + " replicas"));
        slots[r][p] = best.id();
        have.merge(best.id(), 1, Integer::sum);
      }
    }
  }

  /**
   * Devices above their target hand single replicas straight to devices below theirs that the
   * partition may use (not holding it, zone not full): no replica moves twice or in a circle.
   * The device furthest above its target gives next, one replica at a time, so devices that
   * compete for the same few movable partitions share them. Round k moves partitions that moved
   * fewer than k replicas so far, so moves spread over partitions first; at least one replica of
   * every partition stays put.
   */
  private void moveExcess() {
    int stride = (int) (0x9E3779B1L % parts) | 1; // odd, so it visits every partition of a power of two
    for (int round = 1; round < replicas; round++) {
      Map<Integer, Integer> cursor = new HashMap<>();
      while (true) {
        Device from = null;
        for (Device d : devices) {
          double excess = have.get(d.id()) - Math.ceil(target.get(d.id()));
          if (excess > 0 && cursor.getOrDefault(d.id(), 0) < parts
            && (from == null || excess > have.get(from.id()) - Math.ceil(target.get(from.id())))) {
            from = d;
          }
        }
        if (from == null) {
          break;
        }
        int offset = from.id() * 7919 % parts;
        for (int i = cursor.getOrDefault(from.id(), 0); i < parts; i++) {
          cursor.put(from.id(), i + 1);
          int p = (int) ((offset + (long) i * stride) % parts);
          int r = movedReplicas[p] >= round ? -1 : replicaOn(p, from.id());
          Device to = r < 0 ? null : receiver(p, r);
          if (to != null) {
            slots[r][p] = to.id();
            have.merge(from.id(), -1, Integer::sum);
            have.merge(to.id(), 1, Integer::sum);
            movedReplicas[p]++;
            break;
          }
        }
      }
    }
  }

  private int replicaOn(int p, int deviceId) {
    for (int r = 0; r < replicas; r++) {
      if (slots[r][p] == deviceId) {
        return r;
      }
    }
    return -1;
  }

  private Device receiver(int p, int replica) {
    Device best = null;
    for (Device d : devices) {
      if (d.weight() <= 0 || have.get(d.id()) >= target.get(d.id()) || holds(p, d.id())
        || zoneCount(p, d.zone(), replica) >= maxPerZone.getOrDefault(d.zone(), 0)) {
        continue;
      }
      if (best == null || wanting(d) > wanting(best)) {
        best = d;
      }
    }
    return best;
  }
}
