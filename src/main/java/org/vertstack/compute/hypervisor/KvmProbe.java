package org.vertstack.compute.hypervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Decides between KVM and QEMU's TCG emulation by running a guest, not by looking at /dev/kvm:
 * on some machines /dev/kvm exists but is a paravirtual KVM that aborts at start (-cpu host) or
 * emulates so slowly that a guest never reaches user space. The probe boots a 512-byte boot
 * sector through SeaBIOS that writes to QEMU's isa-debug-exit port, once under TCG and once under
 * KVM. KVM is chosen only if its guest ran to the end and faster than the emulated one: hardware
 * virtualisation that is slower than emulation is not worth having.
 *
 * <p>The probe costs a second or more of CPU, so its answer is remembered in the state directory,
 * keyed by what it depends on (the kernel, the QEMU binary, the CPU): a warm start reads it back and
 * a kernel or QEMU upgrade probes again. Delete the file to probe again by hand.
 */
public final class KvmProbe {

  private static final Logger LOG = LoggerFactory.getLogger(KvmProbe.class);
  /** isa-debug-exit turns the guest's byte 1 into QEMU's exit status (1 << 1) | 1. */
  private static final int GUEST_DONE = 3;
  private static final String QEMU = "qemu-system-x86_64";

  /** The outcome, with what was measured (for the log and the hypervisor's cpu_info). */
  public record Result(String virtType, String reason) {
  }

  private KvmProbe() {
  }

  /** {@code configured}: {@code kvm} or {@code qemu} are taken as they are; {@code auto} probes. */
  public static Result decide(String configured) {
    return decide(configured, null);
  }

  /** As {@link #decide(String)}, remembering a measured answer in {@code memory} (null: never). */
  public static Result decide(String configured, Path memory) {
    String wanted = configured == null || configured.isBlank() ? "auto" : configured;
    if (!"auto".equals(wanted)) {
      return new Result(wanted, "configured (compute.virt-type=" + wanted + ")");
    }
    if (!Files.exists(Path.of("/dev/kvm"))) {
      return new Result("qemu", "no /dev/kvm");
    }
    String machine = machineFingerprint();
    if (memory != null) {
      Optional<Result> known = ProbeMemory.recall(memory, machine);
      if (known.isPresent()) {
        return known.get();
      }
    }
    Probed probed = probe();
    if (memory != null && probed.measured()) {
      ProbeMemory.remember(memory, machine, probed.result());
    }
    return probed.result();
  }

  /** A result, and whether it came from timing both guests (not from a failure that may pass). */
  private record Probed(Result result, boolean measured) {
  }

  /**
   * What the probe's answer depends on: the kernel (its KVM module), the QEMU binary and the CPU.
   * A missing part reads as empty, which still changes the key when it later appears.
   */
  static String machineFingerprint() {
    String kernel = firstLine(Path.of("/proc/sys/kernel/osrelease"), "");
    String cpu = "";
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = lines.filter(l -> l.startsWith("model name")).findFirst().orElse("").replaceFirst("^[^:]*:\\s*", "");
    } catch (IOException | UncheckedIOException e) {
      // not Linux's /proc: the kernel and QEMU parts still key the answer
    }
    String qemu = "";
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path binary = Path.of(dir, QEMU);
      if (Files.isExecutable(binary)) {
        try {
          Path real = binary.toRealPath();
          qemu = real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
          qemu = binary.toString();
        }
        break;
      }
    }
    return "kernel " + kernel + "; qemu " + qemu + "; cpu " + cpu;
  }

  private static String firstLine(Path file, String otherwise) {
    try (var lines = Files.lines(file)) {
      return lines.findFirst().orElse(otherwise).strip();
    } catch (IOException | UncheckedIOException e) {
      return otherwise;
    }
  }

  private static Probed probe() {
    Path sector = null;
    try {
      sector = Files.createTempFile("vertstack-kvm-probe", ".img");
      Files.write(sector, bootSector());
      long tcg = run(sector, "tcg", 30_000);
      if (tcg < 0) {
        return new Probed(new Result("qemu", "the probe guest did not run under TCG either (" + reason(tcg) + "); QEMU is broken here"), false);
      }
      long kvm = run(sector, "kvm", Math.max(2_000, 10 * tcg));
      if (kvm < 0) {
        return new Probed(new Result("qemu", "/dev/kvm exists but the probe guest failed under KVM (" + reason(kvm) + "); TCG ran it in " + tcg + " ms"), true);
      }
      if (kvm >= tcg) {
        return new Probed(new Result("qemu", "/dev/kvm exists but KVM ran the probe guest in " + kvm + " ms, TCG in " + tcg + " ms"), true);
      }
      return new Probed(new Result("kvm", "KVM ran the probe guest in " + kvm + " ms (TCG " + tcg + " ms)"), true);
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Probed(new Result("qemu", "the KVM probe could not run: " + e.getMessage()), false);
    } finally {
      if (sector != null) {
        try {
          Files.deleteIfExists(sector);
        } catch (IOException ignored) {
          // a temp file
        }
      }
    }
  }

  private static String reason(long code) {
    return code == -1 ? "timed out" : "QEMU exit status " + (-code - 1000);
  }

  /** mov al, 1; out 0xf4, al; hlt; jmp hlt — then the boot signature. */
  static byte[] bootSector() {
    byte[] b = new byte[512];
    byte[] code = {(byte) 0xB0, 0x01, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};
    System.arraycopy(code, 0, b, 0, code.length);
    b[510] = 0x55;
    b[511] = (byte) 0xAA;
    return b;
  }

  /** Milliseconds until the guest finished; -1 on timeout, -(1000 + status) on another exit. */
  private static long run(Path sector, String accel, long timeoutMs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(QEMU, "-accel", accel, "-m", "16", "-nodefaults",
      "-display", "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
      // snapshot=on, not readonly=on: QEMU 7.2 refuses a read-only IDE hard disk ("Block node is read-only")
      "-drive", "file=" + sector + ",format=raw,if=ide,snapshot=on"));
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return -1;
    }
    long ms = Math.max(1, (System.nanoTime() - start) / 1_000_000);
    LOG.debug("KVM probe: {} exited {} after {} ms", accel, p.exitValue(), ms);
    return p.exitValue() == GUEST_DONE ? ms : -(1000 + p.exitValue());
  }
}
