package org.vertstack.compute.hypervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/** The KVM probe's last measured answer, in a small properties file under the state directory. */
final class ProbeMemory {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeMemory.class);

  private ProbeMemory() {
  }

  /** The remembered answer when it was measured on this same machine, else empty. */
  static Optional<KvmProbe.Result> recall(Path file, String machine) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("KVM probe: ignoring unreadable {} ({})", file, e.getMessage());
      return Optional.empty();
    }
    String virtType = p.getProperty("virt-type");
    if (!machine.equals(p.getProperty("machine")) || !("kvm".equals(virtType) || "qemu".equals(virtType))) {
      return Optional.empty();
    }
    return Optional.of(new KvmProbe.Result(virtType,
      p.getProperty("reason", "") + " (probed " + p.getProperty("probed-at", "earlier") + ", remembered in " + file + ")"));
  }

  /** Writes through a temporary file, so a crash mid-write leaves the old answer or none. */
  static void remember(Path file, String machine, KvmProbe.Result result) {
    Properties p = new Properties();
    p.setProperty("machine", machine);
    p.setProperty("virt-type", result.virtType());
    p.setProperty("reason", result.reason());
    p.setProperty("probed-at", Instant.now().toString());
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(out, "VertStack's KVM probe; delete this file to probe again");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("KVM probe: could not remember the answer in {} ({}); the next start probes again", file, e.getMessage());
    }
  }
}
