package org.vertstack.compute.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @Test
  void aWarmStartReadsTheRememberedAnswerInsteadOfProbing(@TempDir Path state) {
    Path memory = state.resolve("compute").resolve("kvm-probe.properties");
    // Planted: an answer no probe would give ("kvm" with a made-up reason), for this very machine.
    ProbeMemory.remember(memory, KvmProbe.machineFingerprint(), new KvmProbe.Result("kvm", "planted answer"));
    KvmProbe.Result result = KvmProbe.decide("auto", memory);
    if (Files.exists(Path.of("/dev/kvm"))) {
      assertThat(result.virtType()).isEqualTo("kvm");
      assertThat(result.reason()).startsWith("planted answer").contains("remembered in " + memory);
    } else {
      assertThat(result.virtType()).isEqualTo("qemu");
    }
  }

  @Test
  void anAnswerFromAnotherKernelOrQemuIsNotRecalled(@TempDir Path state) {
    Path memory = state.resolve("kvm-probe.properties");
    ProbeMemory.remember(memory, "kernel 6.1.0; qemu /usr/bin/qemu 1 2; cpu x", new KvmProbe.Result("kvm", "measured"));
    assertThat(ProbeMemory.recall(memory, "kernel 6.1.0; qemu /usr/bin/qemu 1 2; cpu x")).isPresent();
    assertThat(ProbeMemory.recall(memory, "kernel 6.2.0; qemu /usr/bin/qemu 1 2; cpu x")).isEmpty();
    assertThat(ProbeMemory.recall(state.resolve("absent.properties"), "anything")).isEmpty();
  }

  @Test
  void aDamagedMemoryIsIgnored(@TempDir Path state) throws Exception {
    Path memory = state.resolve("kvm-probe.properties");
    Files.writeString(memory, "machine=m\nvirt-type=xen\n");
    assertThat(ProbeMemory.recall(memory, "m")).isEmpty();
    Files.writeString(memory, "machine=m\nvirt-type=qemu\nreason=slow kvm\n");
    assertThat(ProbeMemory.recall(memory, "m")).map(KvmProbe.Result::virtType).contains("qemu");
  }

  @Test
  void theFingerprintNamesKernelQemuAndCpu() {
    assertThat(KvmProbe.machineFingerprint()).matches("kernel .*; qemu .*; cpu .*");
    assertThat(KvmProbe.machineFingerprint()).isEqualTo(KvmProbe.machineFingerprint());
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
