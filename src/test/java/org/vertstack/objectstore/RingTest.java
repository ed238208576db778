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
        assertThat(z).as("zones of partition %d", p).hasSize(ring.replicas());
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
}
