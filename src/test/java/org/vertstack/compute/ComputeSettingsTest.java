package org.vertstack.compute;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.common.config.Config;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** compute.* keys: the shipped defaults, the record's own defaults, and the VERTSTACK_COMPUTE_* variables. */
class ComputeSettingsTest {

  @Test
  void shippedDefaultsMatchTheRecordsDefaults() {
    ComputeSettings shipped = ComputeSettings.from(Config.load(new String[0], Map.of()));
    ComputeSettings bare = ComputeSettings.from(new JsonObject().put("state-dir", "./data"));
    for (ComputeSettings s : new ComputeSettings[] {shipped, bare}) {
      assertThat(s.libvirtUri()).isEqualTo("auto");
      assertThat(s.virtType()).isEqualTo("auto");
      assertThat(s.availabilityZone()).isEqualTo("nova");
      assertThat(s.cpuAllocationRatio()).isEqualTo(4.0);
      assertThat(s.ramAllocationRatio()).isEqualTo(1.0);
      assertThat(s.diskAllocationRatio()).isEqualTo(1.0);
      assertThat(s.heartbeatSeconds()).isEqualTo(10);
      assertThat(s.downAfterSeconds()).isEqualTo(60);
      assertThat(s.maxBuildAttempts()).isEqualTo(3);
      assertThat(s.forceConfigDrive()).isFalse();
      assertThat(s.shutdownTimeoutMs()).isEqualTo(10_000);
      assertThat(s.powerSyncSeconds()).isEqualTo(30);
      assertThat(s.watchdogSeconds()).isEqualTo(5);
      assertThat(s.testBuildDelayMs()).isZero();
      assertThat(s.hostWeigher()).isEqualTo("spread");
      assertThat(s.instancesDir()).isEqualTo(Path.of("./data", "compute", "instances"));
    }
    assertThat(ComputeSettings.from(new JsonObject()).reportedZone()).isNull();
  }

  @Test
  void environmentVariablesReachEveryKey() {
    Map<String, String> env = Map.of("VERTSTACK_COMPUTE_HOST", "node-7", "VERTSTACK_COMPUTE_FORCE_CONFIG_DRIVE", "true",
      "VERTSTACK_COMPUTE_CPU_ALLOCATION_RATIO", "16", "VERTSTACK_COMPUTE_HOST_WEIGHER", "pack",
      "VERTSTACK_COMPUTE_MAX_BUILD_ATTEMPTS", "5", "VERTSTACK_COMPUTE_AVAILABILITY_ZONE", "az2", "VERTSTACK_STATE_DIR", "/srv/vs");
    ComputeSettings s = ComputeSettings.from(Config.load(new String[0], env));
    assertThat(s.hostname()).isEqualTo("node-7");
    assertThat(s.forceConfigDrive()).isTrue();
    assertThat(s.cpuAllocationRatio()).isEqualTo(16.0);
    assertThat(s.hostWeigher()).isEqualTo("pack");
    assertThat(s.maxBuildAttempts()).isEqualTo(5);
    assertThat(s.reportedZone()).isEqualTo("az2");
    assertThat(s.snapshotDir()).isEqualTo(Path.of("/srv/vs", "compute", "snapshots"));
  }
}
