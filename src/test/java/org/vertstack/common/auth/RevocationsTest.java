package org.vertstack.common.auth;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a node does with a revocation event it receives (from the event bus, or at start from the
 * identity service): a domain's event ends its users' tokens and those scoped to it or to its
 * projects, issued before the cut, and nothing else.
 */
class RevocationsTest {

  private static final Instant CUT = Instant.parse("2026-06-01T12:00:00Z");

  private static AuthContext token(String userDomain, String scopeKey, JsonObject scope, Instant issued) {
    JsonObject claims = new JsonObject()
      .put("user", new JsonObject().put("id", "u-" + userDomain).put("domain", new JsonObject().put("id", userDomain)))
      .put("issued_at", issued.toString()).put("expires_at", issued.plusSeconds(3600).toString());
    if (scopeKey != null) {
      claims.put(scopeKey, scope);
    }
    return new AuthContext(claims);
  }

  private static JsonObject project(String id, String domain) {
    return new JsonObject().put("id", id).put("domain", new JsonObject().put("id", domain));
  }

  @Test
  void aDomainEventEndsItsUsersTokensAndTheTokensOfItsScopes() {
    Revocations r = new Revocations();
    r.add(new JsonObject().put("domain_id", "dx").put("issued_before", CUT.toString()).put("expires_at", CUT.plusSeconds(3700).toString()));
    Instant before = CUT.minusSeconds(5);
    assertThat(r.isRevoked(token("dx", null, null, before))).as("a user of the domain, unscoped").isTrue();
    assertThat(r.isRevoked(token("dy", "project", project("px", "dx"), before))).as("another domain's user on its project").isTrue();
    assertThat(r.isRevoked(token("dy", "domain", new JsonObject().put("id", "dx"), before))).as("scoped to the domain").isTrue();
    assertThat(r.isRevoked(token("dy", "project", project("py", "dy"), before))).as("elsewhere").isFalse();
    assertThat(r.isRevoked(token("dx", "project", project("px", "dx"), CUT.plusSeconds(5)))).as("issued after the cut").isFalse();
  }
}
