package org.vertstack.common.auth;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

import java.time.Instant;
import java.util.List;

/**
 * Who is asking and in which scope: the verified content of a token. Every handler gets one and
 * every service call takes one, so a service can scope each query to the caller's project.
 * Backed by the token's claims (the same JSON the identity service signs).
 */
@DataObject
public class AuthContext {

  public static final String ADMIN = "admin";
  public static final String MEMBER = "member";
  public static final String READER = "reader";

  private final JsonObject claims;

  public AuthContext(JsonObject claims) {
    this.claims = claims;
  }

  public JsonObject toJson() {
    return claims;
  }

  public String userId() {
    return user().getString("id");
  }

  public String userName() {
    return user().getString("name");
  }

  public JsonObject user() {
    return claims.getJsonObject("user", new JsonObject());
  }

  /** The project the token is scoped to, or null for unscoped, domain and system tokens. */
  public String projectId() {
    JsonObject p = claims.getJsonObject("project");
    return p == null ? null : p.getString("id");
  }

  public JsonObject project() {
    return claims.getJsonObject("project");
  }

  public String domainId() {
    JsonObject d = claims.getJsonObject("domain");
    return d == null ? null : d.getString("id");
  }

  public JsonObject domain() {
    return claims.getJsonObject("domain");
  }

  public boolean systemScoped() {
    return claims.getJsonObject("system") != null;
  }

  public boolean unscoped() {
    return projectId() == null && domainId() == null && !systemScoped();
  }

  /** Role objects {id, name}, implied roles included. */
  public JsonArray roles() {
    return claims.getJsonArray("roles", new JsonArray());
  }

  public List<String> roleNames() {
    return roles().stream().map(r -> ((JsonObject) r).getString("name")).toList();
  }

  public boolean hasRole(String name) {
    for (Object r : roles()) {
      if (name.equals(((JsonObject) r).getString("name"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The token is scoped to the bootstrap admin project (Keystone's {@code is_admin_project}, set
   * by the identity service when it signs the token). Such a token acts for the whole cloud, as
   * a system-scoped one does: the generated clouds.yaml and Tempest's admin use it.
   */
  public boolean isAdminProject() {
    return projectId() != null && Boolean.TRUE.equals(claims.getValue("is_admin_project"));
  }

  /** Scoped to the whole cloud: a system-scoped token, or one on the admin project. */
  public boolean cloudScoped() {
    return systemScoped() || isAdminProject();
  }

  // The personas of Keystone's secure RBAC. The system personas operate the cloud; domain and
  // project personas hold only for the domain or project the token is scoped to.

  public boolean isSystemAdmin() {
    return cloudScoped() && hasRole(ADMIN);
  }

  // On the admin project only its admins act for the cloud (Keystone's "role:admin and
  // is_admin_project"): a member or reader of that project is an ordinary project persona.

  public boolean isSystemMember() {
    return systemScoped() ? canWrite() : isSystemAdmin();
  }

  public boolean isSystemReader() {
    return systemScoped() ? canRead() : isSystemAdmin();
  }

  public boolean isDomainAdmin(String domainId) {
    return scopedToDomain(domainId) && hasRole(ADMIN);
  }

  public boolean isDomainMember(String domainId) {
    return scopedToDomain(domainId) && canWrite();
  }

  public boolean isDomainReader(String domainId) {
    return scopedToDomain(domainId) && canRead();
  }

  public boolean isProjectAdmin(String projectId) {
    return scopedToProject(projectId) && hasRole(ADMIN);
  }

  public boolean isProjectMember(String projectId) {
    return scopedToProject(projectId) && canWrite();
  }

  public boolean isProjectReader(String projectId) {
    return scopedToProject(projectId) && canRead();
  }

  private boolean scopedToDomain(String domainId) {
    return domainId != null && domainId.equals(domainId());
  }

  private boolean scopedToProject(String projectId) {
    return projectId != null && projectId.equals(projectId());
  }

  /** The domain of the token's project, or null. */
  public String projectDomainId() {
    JsonObject p = project();
    JsonObject d = p == null ? null : p.getJsonObject("domain");
    return d == null ? null : d.getString("id");
  }

  /** The domain the token's user belongs to. */
  public String userDomainId() {
    JsonObject d = user().getJsonObject("domain");
    return d == null ? null : d.getString("id");
  }

  /**
   * The cloud administrator (system admin): admin on the system scope or on the admin project.
   * The admin role on any other project or on a domain is not enough: it administers that
   * project or domain only.
   */
  public boolean isAdmin() {
    return isSystemAdmin();
  }

  public boolean canWrite() {
    return hasRole(MEMBER) || hasRole(ADMIN);
  }

  public boolean canRead() {
    return hasRole(READER) || canWrite();
  }

  public String auditId() {
    JsonArray ids = claims.getJsonArray("audit_ids");
    return ids == null || ids.isEmpty() ? null : ids.getString(0);
  }

  public Instant issuedAt() {
    return Instant.parse(claims.getString("issued_at"));
  }

  public Instant expiresAt() {
    return Instant.parse(claims.getString("expires_at"));
  }

  // Guards used by services; each throws the 401/403 the API should answer.

  public AuthContext requireProjectScope() {
    if (projectId() == null) {
      throw Errors.unauthorized("A project-scoped token is required.");
    }
    return this;
  }

  public AuthContext requireReader() {
    if (!canRead()) {
      throw Errors.forbidden("You are not authorized to perform the requested action: a reader role is required.");
    }
    return this;
  }

  public AuthContext requireMember() {
    if (!canWrite()) {
      throw Errors.forbidden("You are not authorized to perform the requested action: a member role is required.");
    }
    return this;
  }

  public AuthContext requireAdmin() {
    if (!isAdmin()) {
      throw Errors.forbidden("You are not authorized to perform the requested action: admin required.");
    }
    return this;
  }

  /** Reading a resource of a project: the project's own readers, or a system reader. */
  public boolean mayRead(String ownerProjectId) {
    return isSystemReader() || isProjectReader(ownerProjectId);
  }

  /** Changing a resource of a project: the project's own members, or a system admin. */
  public boolean mayWrite(String ownerProjectId) {
    return isSystemAdmin() || isProjectMember(ownerProjectId);
  }
}
