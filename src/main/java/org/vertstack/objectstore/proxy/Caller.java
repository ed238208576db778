package org.vertstack.objectstore.proxy;

import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.ObjectStorePolicy;
import org.vertstack.common.policy.Target;

/**
 * Who is making a Swift request: a token holder, a valid TempURL, or nobody. Decides access to
 * an account (its own project, or admin) and through container ACLs. A TempURL is never an
 * owner: it reaches the one object (or prefix) its signature covers, and segments of a large
 * object only within its key's scope (the account, or the container for a container key).
 */
public record Caller(AuthContext auth, TempUrl.Grant tempUrl) {

  public static final Caller ANONYMOUS = new Caller(null, null);

  public boolean isTempUrl() {
    return tempUrl != null;
  }

  public boolean owns(String projectId) {
    return auth != null && (auth.isAdmin() || projectId.equals(auth.projectId()));
  }

  /** Whether the object store's policy table lets this caller do {@code rule} on the target. */
  public boolean may(String rule, Target target) {
    return ObjectStorePolicy.RULES.allowed(auth, rule, target);
  }

  /** Whether the rule allows this caller on the account's project as its owner (no ACL, no TempURL). */
  public boolean may(String rule, String projectId) {
    return may(rule, Target.project(projectId, null));
  }

  /** Reading the account's objects as an owner: {@code object_store:read_object} without ACL or TempURL. */
  public boolean mayRead(String projectId) {
    return may("object_store:read_object", projectId);
  }

  /** Writing the account's objects as an owner: {@code object_store:write_object} without ACL or TempURL. */
  public boolean mayWrite(String projectId) {
    return may("object_store:write_object", projectId);
  }

  /**
   * Swift's reseller admin (keystoneauth's {@code reseller_admin_role}): the {@value #RESELLER_ADMIN}
   * role on any project, or a system admin. Acts on every account, and alone sets account quotas.
   */
  public boolean isResellerAdmin() {
    return auth != null && (auth.isSystemAdmin() || auth.roleNames().stream().anyMatch(RESELLER_ADMIN::equalsIgnoreCase));
  }

  public static final String RESELLER_ADMIN = "ResellerAdmin";

  /** 401 for nobody, 403 for a caller who is known but not allowed. */
  public RuntimeException denied() {
    return auth == null && tempUrl == null ? Errors.unauthorized("Unauthorized") : Errors.forbidden("Forbidden");
  }

  /**
   * Whether a container read ACL grants this caller access. Entries: ".r:*" (anyone, objects
   * only), ".rlistings" (anyone may also list), "project:user" with "*" wildcards, or a bare
   * project id.
   */
  public boolean allowedBy(String acl, boolean listing) {
    return allowed(acl, listing, true);
  }

  /** Whether a container write ACL grants this caller access: referrer entries never do. */
  public boolean allowedToWrite(String acl) {
    return allowed(acl, false, false);
  }

  private boolean allowed(String acl, boolean listing, boolean referrersCount) {
    if (acl == null || acl.isBlank()) {
      return false;
    }
    boolean referrer = false;
    boolean rlistings = false;
    for (String raw : acl.split(",")) {
      String e = raw.trim();
      if (e.isEmpty()) {
        continue;
      }
      if (e.startsWith(".r:")) {
        String v = e.substring(3);
        if ("*".equals(v) || ".*".equals(v)) {
          referrer = true;
        }
      } else if (".rlistings".equals(e)) {
        rlistings = true;
      } else if (auth != null && auth.projectId() != null && !e.startsWith(".")) {
        int colon = e.indexOf(':');
        String p = colon < 0 ? e : e.substring(0, colon);
        String u = colon < 0 ? "*" : e.substring(colon + 1);
        boolean projectOk = "*".equals(p) || p.equals(auth.projectId())
          || (auth.project() != null && p.equals(auth.project().getString("name")));
        boolean userOk = "*".equals(u) || u.equals(auth.userId()) || u.equals(auth.userName());
        if (projectOk && userOk) {
          return true;
        }
      }
    }
    return referrersCount && referrer && (!listing || rlistings);
  }

  /**
   * Checks a write ACL as Swift does: referrer designations (".r:", ".ref", ".referrer",
   * ".rlistings" and any other dot entry) grant reads only, so a write ACL holding one is a 400.
   */
  public static void checkWriteAcl(String acl) {
    if (acl == null) {
      return;
    }
    for (String raw : acl.split(",")) {
      String e = raw.trim();
      if (e.startsWith(".")) {
        throw Errors.badRequest("Referrers not allowed in write ACL: '" + e + "'");
      }
    }
  }
}
