package org.vertstack.objectstore.ring;

import java.util.List;
import java.util.Objects;

/**
 * How a storage node's devices join the shared ring: a device is the same device when its host
 * and path are (its port may change at every start of an all-in-one node); new devices get the
 * next ids and only their share of partitions moves; a device an admin removed stays out. Pure, so it is tested without a database.
 */
public final class RingRegistration {

  private RingRegistration() {
  }

  /**
   * The ring with {@code offered} registered; {@code current} itself when nothing changed.
   * With no ring yet, builds one (needs at least {@code replicas} devices) hashed with {@code newSalt}.
   */
  public static Ring register(Ring current, List<Device> offered, int partPower, int replicas, String newSalt) {
    if (current == null) {
      if (offered.size() < replicas) {
        throw new IllegalArgumentException("the first storage node must bring at least " + replicas
          + " devices (objectstore.replicas); it offered " + offered.size());
      }
      int id = 1;
      List<Device> numbered = new java.util.ArrayList<>();
      for (Device d : offered) {
        numbered.add(new Device(id++, d.name(), d.zone(), d.weight(), d.path(), d.host(), d.port()));
      }
      return Ring.build(partPower, replicas, numbered, newSalt);
    }
    Ring ring = current;
    List<Device> added = new java.util.ArrayList<>();
    int next = ring.devices().stream().mapToInt(Device::id).max().orElse(0) + 1;
    for (Device d : offered) {
      Device known = ring.devices().stream()
        .filter(r -> Objects.equals(r.host(), d.host()) && Objects.equals(r.path(), d.path())).findFirst().orElse(null);
      if (known == null) {
        if (!ring.isRetired(d)) { // an admin removed it: only an admin brings it back
          added.add(new Device(next++, d.name(), d.zone(), d.weight(), d.path(), d.host(), d.port()));
        }
      } else if (known.port() != d.port() || !known.name().equals(d.name())) {
        ring = ring.withDeviceReplaced(new Device(known.id(), d.name(), known.zone(), known.weight(), known.path(), known.host(), d.port()));
      }
    }
    if (!added.isEmpty()) {
      ring = ring.withDevices(added); // one rebalance for the node's devices together
    }
    return ring;
  }
}
