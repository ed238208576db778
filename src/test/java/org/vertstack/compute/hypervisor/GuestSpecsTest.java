package org.vertstack.compute.hypervisor;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which extra specs shape the guest, how a preferred CPU topology is chosen, and which values are refused. */
class GuestSpecsTest {

  @Test
  void topologyHonoursThePreferencesThatFitAndFillsTheRest() {
    assertThat(GuestSpecs.topology(4, Map.of())).isNull();
    assertThat(GuestSpecs.topology(4, Map.of("hw:cpu_cores", "2"))).isEqualTo(new GuestSpecs.Topology(2, 2, 1));
    assertThat(GuestSpecs.topology(4, Map.of("hw:cpu_sockets", "1"))).isEqualTo(new GuestSpecs.Topology(1, 4, 1));
    assertThat(GuestSpecs.topology(8, Map.of("hw:cpu_sockets", "2", "hw:cpu_cores", "2", "hw:cpu_threads", "2")))
      .isEqualTo(new GuestSpecs.Topology(2, 2, 2));
    assertThat(GuestSpecs.topology(4, Map.of("hw:cpu_threads", "2"))).isEqualTo(new GuestSpecs.Topology(2, 1, 2));
    // a preference that cannot be met is not an error (Nova's are preferences): the most sockets then
    assertThat(GuestSpecs.topology(2, Map.of("hw:cpu_sockets", "3"))).isEqualTo(new GuestSpecs.Topology(2, 1, 1));
    for (int vcpus = 1; vcpus <= 12; vcpus++) {
      GuestSpecs.Topology t = GuestSpecs.topology(vcpus, Map.of("hw:cpu_cores", "3"));
      assertThat(t.sockets() * t.cores() * t.threads()).isEqualTo(vcpus);
    }
  }

  @Test
  void onlyTheKnownQuotaKeysBecomeCputuneAndIotune() {
    Map<String, String> specs = Map.of("quota:cpu_quota", "-1", "quota:cpu_shares", " 512", "quota:disk_total_iops_sec", "100",
      "quota:vif_inbound_average", "10", "quota:disk_read_bytes_sec", "x");
    assertThat(GuestSpecs.cputune(specs)).containsExactly(Map.entry("shares", "512"), Map.entry("quota", "-1"));
    assertThat(GuestSpecs.iotune(specs)).containsExactly(Map.entry("total_iops_sec", "100"));
  }

  @Test
  void badValuesOfTheKeysReadHereAreRefusedOthersAreNotLookedAt() {
    assertThat(GuestSpecs.check("hw:cpu_sockets", "2")).isNull();
    assertThat(GuestSpecs.check("hw:cpu_sockets", "0")).contains("hw:cpu_sockets");
    assertThat(GuestSpecs.check("hw:cpu_cores", "two")).isNotNull();
    assertThat(GuestSpecs.check("quota:cpu_period", "999")).isNotNull();
    assertThat(GuestSpecs.check("quota:cpu_period", "100000")).isNull();
    assertThat(GuestSpecs.check("quota:cpu_quota", "-1")).isNull();
    assertThat(GuestSpecs.check("quota:cpu_quota", "-2")).isNotNull();
    assertThat(GuestSpecs.check("quota:cpu_shares", "262145")).isNotNull();
    assertThat(GuestSpecs.check("quota:disk_write_bytes_sec", "-5")).isNotNull();
    assertThat(GuestSpecs.check("quota:disk_write_bytes_sec", "1048576")).isNull();
    assertThat(GuestSpecs.check("hw:cpu_policy", "dedicated")).isNull();
    assertThat(GuestSpecs.check("key1", "anything")).isNull();
  }
}
