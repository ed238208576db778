package org.vertstack.common.policy;

/**
 * Rules of the compute API that are checked through the policy layer (the rest of Nova's checks
 * are the persona calls of {@code Servers}: readers read, members change, admins cross projects).
 * Names follow Nova's ({@code os_compute_api:os-remote-consoles}).
 */
public final class ComputePolicy {

  private ComputePolicy() {
  }

  /** Typing into a guest is changing it: the project's members (and the cloud's admins), as in Nova. */
  public static final String SERIAL_CONSOLE = "os_compute_api:os-remote-consoles";

  public static final Policy RULES = Policy.of(
    SERIAL_CONSOLE, "system_admin or project_member");
}
