package org.vertstack.objectstore;

import org.junit.jupiter.api.Test;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Placement: distinct devices and zones per partition, balance by weight, minimal movement. */
class RingTest {

  private static Device dev(int id, String zone, double weight) {
    return new Device(id, "d" + id, zone, weight, "/srv/d" + id, "127.0.0.1", 6000);
  }

  private static void assertDistinct(Ring ring, boolean zones) {
    for (int p = 0; p < ring.partitions(); p++) {
      List<Device> primaries = ring.primaries(p);
      assertThat(new HashSet<>(primaries)).hasSize(ring.replicas());
      if (zones) {
        Set<String> z = new HashSet<>();
        primaries.forEach(d -> z.add(d.zone()));
        long zonesInRing = ring.devices().stream().filter(d -> d.weight() > 0).map(Device::zone).distinct().count();
        assertThat(z).as("zones of partition %d", p).hasSize((int) Math.min(ring.replicas(), zonesInRing));
      }
    }
  }

  @Test
  void threeDevicesInThreeZonesHoldEveryPartitionOnce() {
    Ring ring = Ring.build(8, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1)));
    assertDistinct(ring, true);
    assertThat(ring.load()).containsEntry(1, 256).containsEntry(2, 256).containsEntry(3, 256);
    assertThat(ring.quorum()).isEqualTo(2);
  }

  @Test
  void replicasSpreadOverZonesWhenDevicesShareThem() {
    Ring ring = Ring.build(8, 3, List.of(dev(1, "z1", 1), dev(2, "z1", 1), dev(3, "z2", 1), dev(4, "z2", 1),
      dev(5, "z3", 1), dev(6, "z3", 1)));
    assertDistinct(ring, true);
    ring.load().values().forEach(n -> assertThat(n).isBetween(120, 136));
  }

  @Test
  void weightsSetTheShare() {
    Ring ring = Ring.build(10, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1), dev(4, "z4", 3)));
    assertDistinct(ring, false);
    Map<Integer, Integer> load = ring.load();
    // device 4 is capped at one replica of every partition (1024), the rest share the remainder
    assertThat(load.get(4)).isBetween(1000, 1024);
    assertThat(load.get(1) + load.get(2) + load.get(3) + load.get(4)).isEqualTo(3 * 1024);
  }

  @Test
  void addingADeviceMovesOnlyItsShare() {
    Ring before = Ring.build(10, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1)));
    Ring after = before.withDevice(dev(4, "z4", 1));
    assertDistinct(after, true);
    int slots = 3 * 1024;
    int moved = before.movedSlots(after);
    // the new device should get a quarter of all replicas; nothing else should move
    assertThat(after.load().get(4)).isBetween(slots / 4 - 3, slots / 4 + 3);
    assertThat(moved).isEqualTo(after.load().get(4));
    assertThat(after.load().values()).allSatisfy(n -> assertThat(n).isBetween(slots / 4 - 3, slots / 4 + 3));
  }

  @Test
  void partitionComesFromTheNameHashOnly() {
    Ring ring = Ring.build(10, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1)));
    String a = ring.hash("AUTH_p", "c", "../../etc/passwd");
    String b = ring.hash("AUTH_p", "c", "../../etc/passwd");
    assertThat(a).isEqualTo(b).matches("[0-9a-f]{32}");
    assertThat(ring.partition(a)).isBetween(0, 1023);
    assertThat(ring.hash("AUTH_p", "c", "x")).isNotEqualTo(ring.hash("AUTH_p", "c", "y"));
  }

  @Test
  void theSaltMakesPlacementUnpredictableAndAnUnsaltedRingHashesAsBefore() throws Exception {
    List<Device> devices = List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1));
    Ring unsalted = Ring.build(10, 3, devices);
    String plainMd5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
      .digest("/AUTH_p/c/o".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(unsalted.hash("AUTH_p", "c", "o")).as("a ring from before salting: the MD5 of the name alone").isEqualTo(plainMd5);
    Ring salted = Ring.build(10, 3, devices, Ring.newSalt());
    Ring other = Ring.build(10, 3, devices, Ring.newSalt());
    assertThat(salted.salt()).matches("[0-9a-f]{32}").isNotEqualTo(other.salt());
    assertThat(salted.hash("AUTH_p", "c", "o")).isNotEqualTo(plainMd5).isNotEqualTo(other.hash("AUTH_p", "c", "o"));
    Ring back = Ring.fromJson(salted.toJson());
    assertThat(back.salt()).isEqualTo(salted.salt());
    assertThat(back.hash("AUTH_p", "c", "o")).isEqualTo(salted.hash("AUTH_p", "c", "o"));
    // a ring file written before the salt existed has no "salt" field: it stays unsalted
    io.vertx.core.json.JsonObject old = unsalted.toJson();
    old.remove("salt");
    old.remove("version");
    assertThat(Ring.fromJson(old).hash("AUTH_p", "c", "o")).isEqualTo(plainMd5);
  }

  @Test
  void survivesJsonRoundTripAndRejectsTooFewDevices() {
    Ring ring = Ring.build(6, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1), dev(4, "z1", 2)));
    Ring copy = Ring.fromJson(ring.toJson());
    assertThat(copy.movedSlots(ring)).isZero();
    for (int p = 0; p < ring.partitions(); p++) {
      assertThat(copy.handoffs(p)).hasSize(1).doesNotContainAnyElementsOf(copy.primaries(p));
    }
    assertThatThrownBy(() -> Ring.build(6, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1))))
      .isInstanceOf(IllegalArgumentException.class);
  }

  /** The fewest slot moves that reach the new loads: every slot a device gains had to come from somewhere. */
  private static int minimumMoves(Ring before, Ring after) {
    int gained = 0;
    for (Device d : after.devices()) {
      gained += Math.max(0, after.load().get(d.id()) - before.load().getOrDefault(d.id(), 0));
    }
    return gained;
  }

  private static void assertBalanced(Ring ring, double percent) {
    Map<Integer, Double> targets = ring.targets();
    ring.load().forEach((id, n) -> assertThat((double) n).as("slots of device %d", id)
      .isCloseTo(targets.get(id), org.assertj.core.data.Offset.offset(Math.max(1.0, targets.get(id) * percent / 100))));
    assertThat(ring.balance()).isLessThanOrEqualTo(Math.max(percent, 100.0 / ring.partitions()));
  }

  @Test
  void aDeviceInAZoneThatHasOneMovesOnlyThatZonesShare() {
    // three zones of two devices; a third device in z1: z1 still holds one replica of each
    // partition, so the new device takes a third of z1's slots and z2, z3 do not move at all
    Ring before = Ring.build(10, 3, List.of(dev(1, "z1", 1), dev(2, "z1", 1), dev(3, "z2", 1), dev(4, "z2", 1),
      dev(5, "z3", 1), dev(6, "z3", 1)));
    Ring after = before.withDevice(dev(7, "z1", 1));
    assertDistinct(after, true);
    assertThat(after.targets().get(7)).isCloseTo(1024 / 3.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(before.movedSlots(after)).isEqualTo(minimumMoves(before, after)).isBetween(340, 343);
    for (int id = 3; id <= 6; id++) {
      assertThat(after.load().get(id)).isEqualTo(before.load().get(id));
    }
    assertBalanced(after, 1);
  }

  @Test
  void removingADeviceMovesOnlyItsPartitions() {
    Ring before = Ring.build(10, 3, List.of(dev(1, "z1", 1), dev(2, "z2", 1), dev(3, "z3", 1), dev(4, "z4", 1), dev(5, "z4", 1)));
    int held = before.load().get(5);
    Ring after = before.withoutDevice(5);
    assertThat(after.devices()).extracting(Device::id).containsExactly(1, 2, 3, 4);
    assertDistinct(after, true);
    assertThat(before.movedSlots(after)).isEqualTo(held).isEqualTo(minimumMoves(before, after));
    assertBalanced(after, 1);
    assertThat(after.isRetired(dev(5, "z4", 1))).isTrue();
    assertThat(Ring.fromJson(after.toJson()).isRetired(dev(5, "z4", 1))).as("kept in the stored ring").isTrue();
    assertThat(after.withDevice(dev(6, "z4", 1)).isRetired(dev(5, "z4", 1))).isTrue();
    assertThatThrownBy(() -> after.withoutDevice(4).withoutDevice(3)).hasMessageContaining("at least 3 devices");
  }

  @Test
  void reweightingMovesTheDifferenceAndWeightZeroDrains() {
    Ring before = Ring.build(10, 3, List.of(dev(1, "z1", 1), dev(2, "z1", 1), dev(3, "z2", 1), dev(4, "z2", 1),
      dev(5, "z3", 1), dev(6, "z3", 1)));
    Ring heavier = before.withWeight(1, 3);
    // z1 still holds one replica per partition: device 1 takes 3/4 of z1's, device 2 keeps 1/4
    assertThat(heavier.targets().get(1)).isCloseTo(768, org.assertj.core.data.Offset.offset(0.01));
    assertThat(before.movedSlots(heavier)).isEqualTo(minimumMoves(before, heavier));
    assertBalanced(heavier, 1);
    Ring drained = before.withWeight(2, 0);
    assertThat(drained.load().get(2)).isZero();
    assertThat(drained.devices()).extracting(Device::id).contains(2);
    assertThat(before.movedSlots(drained)).isEqualTo(before.load().get(2));
    assertDistinct(drained, true);
    for (int p = 0; p < drained.partitions(); p++) {
      assertThat(drained.handoffs(p)).contains(drained.device(2));
    }
  }

  @Test
  void aWholeNodeJoiningMovesItsShareKeepingAReplicaOfEveryPartitionInPlace() {
    Ring before = Ring.build(10, 3, List.of(dev(1, "a", 1), dev(2, "a", 1), dev(3, "a", 1)));
    Ring after = before.withDevices(List.of(dev(4, "s", 1), dev(5, "s", 1), dev(6, "s", 1)));
    assertThat(before.movedSlots(after)).isEqualTo(minimumMoves(before, after)).isEqualTo(3 * 1024 / 2);
    assertBalanced(after, 1);
    // two zones, three replicas: no zone holds all three, and every partition keeps a replica where it was
    for (int p = 0; p < after.partitions(); p++) {
      assertThat(after.primaries(p)).extracting(Device::zone).contains("a", "s");
      java.util.Set<Device> kept = new HashSet<>(before.primaries(p));
      kept.retainAll(after.primaries(p));
      assertThat(kept).as("partition %d", p).isNotEmpty();
    }
    assertThat(after.rebalanced().movedSlots(after)).as("a balanced ring stays as it is").isZero();
  }

  @Test
  void rebalanceStaysWithinToleranceOverRandomChanges() {
    java.util.Random random = new java.util.Random(42);
    List<Device> start = new java.util.ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      start.add(dev(i, "z" + (i % 4), 1 + random.nextInt(3)));
    }
    Ring ring = Ring.build(12, 3, start);
    int next = 7;
    for (int step = 0; step < 12; step++) {
      Ring before = ring;
      int op = random.nextInt(3);
      if (op == 0 || ring.devices().size() <= 4) {
        ring = ring.withDevice(dev(next, "z" + random.nextInt(5), 1 + random.nextInt(3)));
        next++;
      } else if (op == 1) {
        ring = ring.withoutDevice(ring.devices().get(random.nextInt(ring.devices().size())).id());
      } else {
        ring = ring.withWeight(ring.devices().get(random.nextInt(ring.devices().size())).id(), 1 + random.nextInt(4));
      }
      ring = ring.rebalanced();
      assertDistinct(ring, true);
      int minimum = minimumMoves(before, ring);
      assertThat(before.movedSlots(ring)).as("step %d", step).isBetween(minimum, minimum + minimum / 100 + 1);
      // a zone at its cap leaves few partitions that may move into it: a device may stay a little above its share
      assertBalanced(ring, 2);
    }
  }
}
