package org.vertstack.compute;

import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.ComputePolicy;
import org.vertstack.common.policy.Target;

/** The compute policy table as the compute code asks it: rule names without the "os_compute_api:" prefix. */
final class ComputeRules {

  private ComputeRules() {
  }

  static boolean may(AuthContext caller, String rule, Target target) {
    return ComputePolicy.RULES.allowed(caller, "os_compute_api:" + rule, target);
  }

  /** Nova's 403 naming the rule unless allowed. */
  static void check(AuthContext caller, String rule, Target target) {
    ComputePolicy.RULES.check(caller, "os_compute_api:" + rule, target);
  }
}
