package org.vertstack.objectstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.objectstore.ring.Device;
import org.vertstack.objectstore.ring.Ring;
import org.vertstack.objectstore.ring.RingRegistration;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Devices from a node's configuration join the cloud's shared ring: stable when nothing changed,
 * an endpoint change moves no data, new devices take only their share.
 */
class RingFileTest {

  private static ObjectStoreSettings settings(Path state, String host, int devices) {
    JsonArray list = new JsonArray();
    for (int i = 1; i <= devices; i++) {
      list.add(new JsonObject().put("id", i).put("name", "sdb" + i).put("zone", "z" + i).put("weight", 1.0)
        .put("path", state.resolve("sdb" + i).toString()).put("host", host).put("port", 6200));
    }
    return ObjectStoreSettings.from(new JsonObject().put("state-dir", state.toString())
      .put("objectstore", new JsonObject().put("part-power", 8).put("devices", list).put("object-server-host", host)));
  }

  private static Ring register(Ring current, List<Device> devices) {
    return RingRegistration.register(current, devices, 8, 3, "s4lt");
  }

  @Test
  void ringIsStableAndGrowsWithMinimalMovement(@TempDir Path state) {
    Ring first = register(null, settings(state, "127.0.0.1", 3).localDevices("127.0.0.1", 6200));
    assertThat(first.salt()).isEqualTo("s4lt");
    assertThat(register(first, settings(state, "127.0.0.1", 3).localDevices("127.0.0.1", 6200))).isSameAs(first);
    Ring moved = register(first, settings(state, "127.0.0.1", 3).localDevices("127.0.0.1", 6201));
    assertThat(moved.movedSlots(first)).as("a new port moves no partition").isZero();
    assertThat(moved.devices()).allMatch(d -> d.port() == 6201);
    Ring grown = register(first, settings(state, "127.0.0.1", 4).localDevices("127.0.0.1", 6200));
    assertThat(grown.devices()).hasSize(4);
    assertThat(grown.salt()).isEqualTo("s4lt");
    assertThat(grown.movedSlots(first)).isEqualTo(grown.load().get(4)).isBetween(3 * 256 / 4 - 3, 3 * 256 / 4 + 3);
    assertThat(register(grown, settings(state, "127.0.0.1", 4).localDevices("127.0.0.1", 6200)).movedSlots(grown)).isZero();
  }

  @Test
  void anotherNodesDevicesOfTheSameNamesAreNewDevices(@TempDir Path a, @TempDir Path b) {
    Ring first = register(null, settings(a, "127.0.0.1", 3).localDevices("127.0.0.1", 6200));
    Ring both = register(first, settings(b, "127.0.0.2", 3).localDevices("127.0.0.2", 6300));
    assertThat(both.devices()).extracting(Device::id).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(both.movedSlots(first)).isBetween(3 * 256 / 2 - 6, 3 * 256 / 2 + 6);
  }

  @Test
  void theFirstNodeMustBringEnoughDevicesForTheReplicas(@TempDir Path state) {
    assertThatThrownBy(() -> register(null, settings(state, "127.0.0.1", 2).localDevices("127.0.0.1", 6200)))
      .hasMessageContaining("at least 3 devices");
  }
}
