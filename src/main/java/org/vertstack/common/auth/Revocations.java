package org.vertstack.common.auth;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revocation events in force on this node, in memory: by audit id, and "every token of this
 * user (project, domain) issued before T". Kept in step by the identity service's published events.
 */
final class Revocations {

  private final Map<String, Instant> auditIds = new ConcurrentHashMap<>();
  private final Map<String, Instant> userIssuedBefore = new ConcurrentHashMap<>();
  private final Map<String, Instant> projectIssuedBefore = new ConcurrentHashMap<>();
  private final Map<String, Instant> domainIssuedBefore = new ConcurrentHashMap<>();
  /** "user|scope" (a revoked grant: the user's tokens on that project, domain or "system") and "*|trust:id". */
  private final Map<String, Instant> scopeIssuedBefore = new ConcurrentHashMap<>();

  void add(JsonObject event) {
    String auditId = event.getString("audit_id");
    if (auditId != null) {
      auditIds.put(auditId, Instant.parse(event.getString("expires_at")));
    }
    String before = event.getString("issued_before");
    if (before != null && event.getString("scope_id") != null) {
      String user = event.getString("user_id") == null ? "*" : event.getString("user_id");
      scopeIssuedBefore.merge(user + "|" + event.getString("scope_id"), Instant.parse(before), (a, b) -> a.isAfter(b) ? a : b);
    } else if (before != null) {
      Instant t = Instant.parse(before);
      if (event.getString("user_id") != null) {
        userIssuedBefore.merge(event.getString("user_id"), t, (a, b) -> a.isAfter(b) ? a : b);
      }
      if (event.getString("project_id") != null) {
        projectIssuedBefore.merge(event.getString("project_id"), t, (a, b) -> a.isAfter(b) ? a : b);
      }
      if (event.getString("domain_id") != null) {
        domainIssuedBefore.merge(event.getString("domain_id"), t, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
  }

  boolean isRevoked(AuthContext ctx) {
    if (ctx.auditId() != null && auditIds.containsKey(ctx.auditId())) {
      return true;
    }
    Instant issued = ctx.issuedAt();
    Instant userCut = userIssuedBefore.get(ctx.userId());
    if (userCut != null && !issued.isAfter(userCut)) {
      return true;
    }
    Instant projectCut = ctx.projectId() == null ? null : projectIssuedBefore.get(ctx.projectId());
    if (projectCut != null && !issued.isAfter(projectCut)) {
      return true;
    }
    String scope = ctx.projectId() != null ? ctx.projectId() : ctx.domainId() != null ? ctx.domainId() : ctx.systemScoped() ? "system" : null;
    if (scope != null && cutBy(scopeIssuedBefore, ctx.userId() + "|" + scope, issued)) {
      return true;
    }
    Object trust = ctx.toJson().getValue("OS-TRUST:trust");
    if (trust instanceof JsonObject t && cutBy(scopeIssuedBefore, "*|trust:" + t.getString("id"), issued)) {
      return true;
    }
    // A trust token carries its trustor's roles: the trustor losing its grant on the scope ends it too.
    if (trust instanceof JsonObject t && scope != null && t.getValue("trustor_user") instanceof JsonObject trustor
      && cutBy(scopeIssuedBefore, trustor.getString("id") + "|" + scope, issued)) {
      return true;
    }
    Object credential = ctx.toJson().getValue("application_credential");
    if (credential instanceof JsonObject c && cutBy(scopeIssuedBefore, "*|appcred:" + c.getString("id"), issued)) {
      return true;
    }
    // A disabled or deleted domain ends its users' tokens and the tokens scoped to it or its projects.
    return cutBy(domainIssuedBefore, ctx.userDomainId(), issued) || cutBy(domainIssuedBefore, ctx.domainId(), issued)
      || cutBy(domainIssuedBefore, ctx.projectDomainId(), issued);
  }

  private static boolean cutBy(Map<String, Instant> cuts, String key, Instant issued) {
    Instant cut = key == null ? null : cuts.get(key);
    return cut != null && !issued.isAfter(cut);
  }

  /** Audit-id entries are only needed until the token they name would have expired anyway. */
  void prune(Instant now) {
    auditIds.values().removeIf(expiry -> expiry.isBefore(now));
  }
}
