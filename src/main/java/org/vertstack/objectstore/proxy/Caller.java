package org.vertstack.objectstore.proxy;

import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

/**
 * Who is making a Swift request: a token holder, a valid TempURL, or nobody. Decides access to
 * an account (its own project, or admin) and through container ACLs.
 */
public record Caller(AuthContext auth, boolean tempUrl) {

  public static final Caller ANONYMOUS = new Caller(null, false);

  public boolean owns(String projectId) {
    return auth != null && (auth.isAdmin() || projectId.equals(auth.projectId()));
  }

  /** The account's readers, a system reader, or a TempURL (the shared rule in AuthContext). */
  public boolean mayRead(String projectId) {
    return tempUrl || (auth != null && auth.mayRead(projectId));
  }

  /** The account's members, a system admin, or a TempURL. */
  public boolean mayWrite(String projectId) {
    return tempUrl || (auth != null && auth.mayWrite(projectId));
  }

  /** 401 for nobody, 403 for a caller who is known but not allowed. */
  public RuntimeException denied() {
    return auth == null && !tempUrl ? Errors.unauthorized("Unauthorized") : Errors.forbidden("Forbidden");
  }

  /**
   * Whether a container ACL grants this caller access. Entries: ".r:*" (anyone, objects only),
   * ".rlistings" (anyone may also list), "project:user" with "*" wildcards, or a bare project id.
   */
  public boolean allowedBy(String acl, boolean listing) {
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
      } else if (auth != null && auth.projectId() != null) {
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
    return referrer && (!listing || rlistings);
  }
}
