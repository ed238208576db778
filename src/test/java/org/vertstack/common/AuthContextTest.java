package org.vertstack.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.AuthContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared authorization layer: what reader, member and admin may do, and where. */
class AuthContextTest {

  private static AuthContext token(String project, String... roles) {
    JsonArray r = new JsonArray();
    for (String role : roles) {
      r.add(new JsonObject().put("id", role + "-id").put("name", role));
    }
    JsonObject claims = new JsonObject().put("user", new JsonObject().put("id", "u1").put("name", "u"))
      .put("roles", r).put("issued_at", "2026-01-01T00:00:00.000000Z").put("expires_at", "2026-01-01T01:00:00.000000Z");
    if (project != null) {
      claims.put("project", new JsonObject().put("id", project).put("name", project));
    }
    return new AuthContext(claims);
  }

  @Test
  void readerReadsOnlyItsOwnProject() {
    AuthContext reader = token("p1", "reader");
    assertThat(reader.mayRead("p1")).isTrue();
    assertThat(reader.mayRead("p2")).isFalse();
    assertThat(reader.mayWrite("p1")).isFalse();
    assertThatThrownBy(reader::requireMember).isInstanceOf(ServiceException.class)
      .satisfies(e -> assertThat(((ServiceException) e).failureCode()).isEqualTo(403));
  }

  @Test
  void memberWritesOnlyItsOwnProject() {
    AuthContext member = token("p1", "member", "reader");
    assertThat(member.mayWrite("p1")).isTrue();
    assertThat(member.mayWrite("p2")).isFalse();
    assertThat(member.mayRead(null)).isFalse();
    assertThatThrownBy(member::requireAdmin).isInstanceOf(ServiceException.class);
  }

  @Test
  void projectAdminIsAdminOfItsProjectOnly() {
    AuthContext admin = token("p1", "admin", "member", "reader");
    assertThat(admin.isProjectAdmin("p1")).isTrue();
    assertThat(admin.isAdmin()).isFalse();
    assertThat(admin.mayWrite("p1")).isTrue();
    assertThat(admin.mayWrite("p2")).isFalse();
    assertThat(admin.mayRead("p3")).isFalse();
    assertThatThrownBy(admin::requireAdmin).isInstanceOf(ServiceException.class);
  }

  @Test
  void adminOnTheAdminProjectOrTheSystemActsAcrossProjects() {
    AuthContext adminProject = new AuthContext(token("p0", "admin", "member", "reader").toJson().copy().put("is_admin_project", true));
    assertThat(adminProject.isAdmin()).isTrue();
    assertThat(adminProject.mayWrite("p2")).isTrue();
    assertThat(adminProject.requireAdmin()).isSameAs(adminProject);
    AuthContext system = new AuthContext(token(null, "admin", "member", "reader").toJson().copy()
      .put("system", new JsonObject().put("all", true)));
    assertThat(system.isSystemAdmin()).isTrue();
    assertThat(system.mayRead("p3")).isTrue();
  }

  @Test
  void aReaderOrMemberOfTheAdminProjectIsNoCloudPersona() {
    AuthContext reader = new AuthContext(token("p0", "reader").toJson().copy().put("is_admin_project", true));
    AuthContext member = new AuthContext(token("p0", "member", "reader").toJson().copy().put("is_admin_project", true));
    for (AuthContext c : new AuthContext[] {reader, member}) {
      assertThat(c.isSystemReader()).isFalse();
      assertThat(c.isSystemMember()).isFalse();
      assertThat(c.mayRead("p2")).isFalse();
      assertThat(c.mayRead("p0")).isTrue();
    }
    assertThat(member.mayWrite("p0")).isTrue();
    assertThat(member.mayWrite("p2")).isFalse();
  }

  @Test
  void systemReaderReadsEverywhereButWritesNowhere() {
    AuthContext reader = new AuthContext(token(null, "reader").toJson().copy().put("system", new JsonObject().put("all", true)));
    assertThat(reader.mayRead("p1")).isTrue();
    assertThat(reader.mayWrite("p1")).isFalse();
    assertThat(reader.isAdmin()).isFalse();
  }

  @Test
  void domainAdminIsAdminOfItsDomainOnly() {
    AuthContext d = new AuthContext(token(null, "admin", "member", "reader").toJson().copy()
      .put("domain", new JsonObject().put("id", "d1").put("name", "d1")));
    assertThat(d.isDomainAdmin("d1")).isTrue();
    assertThat(d.isDomainAdmin("d2")).isFalse();
    assertThat(d.isAdmin()).isFalse();
    assertThat(d.mayRead("p1")).isFalse();
  }

  @Test
  void noRoleMeansNothingAndUnscopedTokensAreRefusedWhereAProjectIsNeeded() {
    AuthContext none = token("p1");
    assertThat(none.mayRead("p1")).isFalse();
    AuthContext unscoped = token(null);
    assertThat(unscoped.unscoped()).isTrue();
    assertThatThrownBy(unscoped::requireProjectScope).isInstanceOf(ServiceException.class)
      .satisfies(e -> assertThat(((ServiceException) e).failureCode()).isEqualTo(401));
  }
}
