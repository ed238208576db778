package org.vertstack.objectstore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.objectstore.ring.Ring;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** ring.json: built once, stable across restarts, grown in place when a device is configured. */
class RingFileTest {

  private static ObjectStoreSettings settings(Path state, int devices) {
    JsonArray list = new JsonArray();
    for (int i = 1; i <= devices; i++) {
      list.add(new JsonObject().put("id", i).put("name", "sdb" + i).put("zone", "z" + i).put("weight", 1.0)
        .put("path", state.resolve("sdb" + i).toString()).put("host", "127.0.0.1").put("port", 6200));
    }
    return ObjectStoreSettings.from(new JsonObject().put("state-dir", state.toString())
      .put("objectstore", new JsonObject().put("part-power", 8).put("devices", list)));
  }

  @Test
  void ringIsStableAndGrowsWithMinimalMovement(@TempDir Path state) throws Exception {
    Ring first = settings(state, 3).loadRing("127.0.0.1", 6200);
    assertThat(Files.exists(state.resolve("objects/ring.json"))).isTrue();
    Ring again = settings(state, 3).loadRing("127.0.0.1", 6200);
    assertThat(again.movedSlots(first)).isZero();
    Ring grown = settings(state, 4).loadRing("127.0.0.1", 6200);
    assertThat(grown.devices()).hasSize(4);
    assertThat(grown.movedSlots(first)).isEqualTo(grown.load().get(4)).isBetween(3 * 256 / 4 - 3, 3 * 256 / 4 + 3);
    assertThat(settings(state, 4).loadRing("127.0.0.1", 6200).movedSlots(grown)).isZero();
    assertThat(settings(state, 4).localDevices()).hasSize(4);
  }
}
