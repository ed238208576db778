package org.vertstack.common.db;

import java.nio.file.Files;
import java.nio.file.Path;

/** Names the jar this code runs from (its size and modification time), so work done for it once can be skipped after. */
final class JarFingerprint {

  private JarFingerprint() {
  }

  /** The running jar's fingerprint, or null when the code does not run from a jar (tests, an IDE). */
  static String ofCodeRunning() {
    try {
      Path location = Path.of(JarFingerprint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
        return null;
      }
      return "jar:" + Files.size(location) + ":" + Files.getLastModifiedTime(location).toMillis();
    } catch (Exception e) {
      return null;
    }
  }
}
