package org.vertstack.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that need a tool of the machine (Chromium, qemu-img, libvirtd): on a developer's
 * machine without it the test is skipped, but in CI ({@code CI=true}) a missing tool fails it, so
 * nothing is skipped silently where the tools are supposed to be installed.
 */
public final class RequiredTool {

  private RequiredTool() {
  }

  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(what + " is missing, and CI=true: install it (.ci/run installs the tools the tests use)");
    }
    Assumptions.assumeTrue(false, what + " is missing");
  }
}
