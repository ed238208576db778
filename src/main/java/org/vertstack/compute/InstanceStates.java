package org.vertstack.compute;

import java.util.Map;
import java.util.Set;

/**
 * Nova's instance states: vm_state (stable), task_state (an operation under way), and the
 * status the API shows, derived from both (nova/api/openstack/common.py's state map).
 */
final class InstanceStates {

  static final String BUILDING = "building";
  static final String ACTIVE = "active";
  static final String STOPPED = "stopped";
  static final String PAUSED = "paused";
  static final String SUSPENDED = "suspended";
  static final String ERROR = "error";
  /** Resized, waiting for confirmResize or revertResize (status VERIFY_RESIZE). */
  static final String RESIZED = "resized";
  static final String SHELVED = "shelved";
  /** Shelved with its domain and disks gone and its host claim given back. */
  static final String SHELVED_OFFLOADED = "shelved_offloaded";
  static final String DELETED = "deleted";

  /** An action: the vm_states it may start from, its task_state, and the vm_state it ends in. */
  record Action(String name, Set<String> from, String task, String to, String agentOp) {
  }

  static final Map<String, Action> ACTIONS = Map.of(
    "os-stop", new Action("stop", Set.of(ACTIVE, ERROR), "powering-off", STOPPED, "stop"),
    "os-start", new Action("start", Set.of(STOPPED), "powering-on", ACTIVE, "start"),
    "reboot-soft", new Action("reboot", Set.of(ACTIVE), "rebooting", ACTIVE, "reboot-soft"),
    "reboot-hard", new Action("reboot", Set.of(ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR), "rebooting_hard", ACTIVE, "reboot-hard"),
    "pause", new Action("pause", Set.of(ACTIVE), "pausing", PAUSED, "pause"),
    "unpause", new Action("unpause", Set.of(PAUSED), "unpausing", ACTIVE, "unpause"),
    "suspend", new Action("suspend", Set.of(ACTIVE), "suspending", SUSPENDED, "suspend"),
    "resume", new Action("resume", Set.of(SUSPENDED), "resuming", ACTIVE, "resume"));

  private InstanceStates() {
  }

  static String status(String vmState, String taskState) {
    String task = taskState == null ? "" : taskState;
    return switch (vmState) {
      case BUILDING -> "BUILD";
      case ACTIVE -> switch (task) {
        case "rebooting", "reboot_pending", "reboot_started" -> "REBOOT";
        case "rebooting_hard", "reboot_pending_hard", "reboot_started_hard" -> "HARD_REBOOT";
        case "rebuilding", "rebuild_spawning" -> "REBUILD";
        case "resize_prep", "resize_migrating", "resize_finish" -> "RESIZE";
        default -> "ACTIVE";
      };
      case STOPPED -> switch (task) {
        case "rebuilding", "rebuild_spawning" -> "REBUILD";
        case "resize_prep", "resize_migrating", "resize_finish" -> "RESIZE";
        default -> "SHUTOFF";
      };
      case RESIZED -> "resize_reverting".equals(task) ? "REVERT_RESIZE" : "VERIFY_RESIZE";
      case SHELVED -> "SHELVED";
      case SHELVED_OFFLOADED -> "SHELVED_OFFLOADED";
      case PAUSED -> "PAUSED";
      case SUSPENDED -> "SUSPENDED";
      case ERROR -> "rebuilding".equals(task) || "rebuild_spawning".equals(task) ? "REBUILD" : "ERROR";
      case DELETED -> "DELETED";
      default -> "UNKNOWN";
    };
  }

  /** vm_states whose status is the given one (for the status filter of server lists). */
  static Set<String> vmStatesOf(String status) {
    return switch (status.toUpperCase()) {
      case "BUILD" -> Set.of(BUILDING);
      case "ACTIVE", "REBOOT", "HARD_REBOOT" -> Set.of(ACTIVE);
      case "REBUILD", "RESIZE" -> Set.of(ACTIVE, STOPPED);
      case "VERIFY_RESIZE", "REVERT_RESIZE" -> Set.of(RESIZED);
      case "SHELVED" -> Set.of(SHELVED);
      case "SHELVED_OFFLOADED" -> Set.of(SHELVED_OFFLOADED);
      case "SHUTOFF" -> Set.of(STOPPED);
      case "PAUSED" -> Set.of(PAUSED);
      case "SUSPENDED" -> Set.of(SUSPENDED);
      case "ERROR" -> Set.of(ERROR);
      case "DELETED" -> Set.of(DELETED);
      default -> null;
    };
  }

  /** The vm_state that a power state found on the hypervisor means for a settled instance. */
  static String fromPower(int power, String current) {
    if (RESIZED.equals(current) && (power == 1 || power == 4)) {
      return RESIZED; // still waiting for confirmResize or revertResize, running or not
    }
    return switch (power) {
      case 1 -> ACTIVE;
      case 3 -> PAUSED;
      case 4 -> SUSPENDED.equals(current) ? SUSPENDED : STOPPED;
      default -> ERROR;
    };
  }
}
