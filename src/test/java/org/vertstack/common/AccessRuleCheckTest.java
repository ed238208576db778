package org.vertstack.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.common.auth.AccessRuleCheck;
import org.vertstack.common.auth.AuthContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Access rules of application credentials: service, method and path templates. */
class AccessRuleCheckTest {

  private static AuthContext credentialToken(JsonArray rules) {
    return new AuthContext(new JsonObject().put("user", new JsonObject().put("id", "u"))
      .put("application_credential", new JsonObject().put("id", "c").put("access_rules", rules)));
  }

  @Test
  void oneStarIsOneSegmentTwoStarsAreTheRest() {
    AuthContext token = credentialToken(new JsonArray()
      .add(new JsonObject().put("service", "compute").put("method", "GET").put("path", "/v2.1/servers/*/ips"))
      .add(new JsonObject().put("service", "image").put("method", "GET").put("path", "/v2/images/**")));
    assertThat(AccessRuleCheck.allows(token, "compute", "GET", "/v2.1/servers/abc/ips")).isTrue();
    assertThat(AccessRuleCheck.allows(token, "compute", "GET", "/v2.1/servers/abc/ips/extra")).isFalse();
    assertThat(AccessRuleCheck.allows(token, "compute", "GET", "/v2.1/servers//ips")).isFalse();
    assertThat(AccessRuleCheck.allows(token, "compute", "DELETE", "/v2.1/servers/abc/ips")).isFalse();
    assertThat(AccessRuleCheck.allows(token, "image", "GET", "/v2/images/x/file")).isTrue();
    assertThat(AccessRuleCheck.allows(token, "image", "GET", "/v2/images")).isFalse();
    assertThat(AccessRuleCheck.allows(token, "identity", "GET", "/v2.1/servers/abc/ips")).isFalse();
  }

  @Test
  void noRulesOrNoCredentialMeansUnrestricted() {
    assertThat(AccessRuleCheck.allows(credentialToken(new JsonArray()), "compute", "DELETE", "/v2.1/servers/x")).isTrue();
    assertThat(AccessRuleCheck.allows(new AuthContext(new JsonObject()), "compute", "DELETE", "/v2.1/servers/x")).isTrue();
  }
}
