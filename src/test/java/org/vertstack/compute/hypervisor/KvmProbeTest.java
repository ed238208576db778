package org.vertstack.compute.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.RequiredTool;

/** The probe boots its one-sector guest with the machine's real QEMU. */
class KvmProbeTest {

  @Test
  void theProbeGuestRunsUnderTcg() {
    RequiredTool.require(onPath("qemu-system-x86_64"), "qemu-system-x86_64 (Debian's qemu-system-x86)");
    KvmProbe.Result result = KvmProbe.decide("auto");
    // Whatever KVM does here, TCG must have run the guest: a probe that cannot boot it measures nothing.
    assertThat(result.reason()).doesNotContain("did not run under TCG", "could not run");
    if (Files.exists(Path.of("/dev/kvm"))) {
      assertThat(result.reason()).containsPattern("TCG (ran it in )?\\d+ ms");
    }
  }

  @Test
  void aConfiguredTypeIsTakenAsItIs() {
    assertThat(KvmProbe.decide("kvm").virtType()).isEqualTo("kvm");
    assertThat(KvmProbe.decide("qemu").virtType()).isEqualTo("qemu");
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
