package org.vertstack.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vertstack.testing.TestCloud;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keystone's extension APIs through the front door: trusts and trust-scoped tokens, credentials
 * and EC2 credentials, OAuth1 consumers, policies, endpoint groups, domain configuration, project
 * tags, access rules, projects acting as domains, extra attributes, scoped grant revocation.
 */
@ExtendWith(VertxExtension.class)
class KeystoneExtensionsTest {

  static TestCloud cloud;
  static String admin;

  @BeforeAll
  static void start() {
    cloud = TestCloud.shared();
    admin = cloud.adminToken().await();
  }

  private static HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    return cloud.call(token, method, "/identity/v3" + path, body).await();
  }

  private static JsonObject ok(HttpResponse<Buffer> resp, int status) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    return resp.body() == null || resp.body().length() == 0 ? null : resp.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> passwordToken(String userId, String password, JsonObject scope) {
    JsonObject auth = new JsonObject().put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
      .put("password", new JsonObject().put("user", new JsonObject().put("id", userId).put("password", password))));
    if (scope != null) {
      auth.put("scope", scope);
    }
    return cloud.call(null, HttpMethod.POST, "/identity/v3/auth/tokens", new JsonObject().put("auth", auth)).await();
  }

  @Test
  void aTrustDelegatesTheChosenRolesToTheTrusteeAndEndsWithItsDeletion() {
    JsonObject trustor = cloud.projectWithUser("member").await();
    JsonObject trustee = cloud.projectWithUser("member").await();
    JsonObject body = new JsonObject().put("trust", new JsonObject()
      .put("trustor_user_id", trustor.getString("user_id")).put("trustee_user_id", trustee.getString("user_id"))
      .put("project_id", trustor.getString("project_id")).put("impersonation", true)
      .put("roles", new JsonArray().add(new JsonObject().put("name", "member"))));

    // Only the trustor creates it, and only with roles it holds.
    ok(call(trustee.getString("token"), HttpMethod.POST, "/OS-TRUST/trusts", body), 403);
    JsonObject adminRole = body.copy();
    adminRole.getJsonObject("trust").put("roles", new JsonArray().add(new JsonObject().put("name", "admin")));
    ok(call(trustor.getString("token"), HttpMethod.POST, "/OS-TRUST/trusts", adminRole), 403);
    JsonObject badExpiry = body.copy();
    badExpiry.getJsonObject("trust").put("expires_at", "bad.123Z");
    ok(call(trustor.getString("token"), HttpMethod.POST, "/OS-TRUST/trusts", badExpiry), 400);

    JsonObject trust = ok(call(trustor.getString("token"), HttpMethod.POST, "/OS-TRUST/trusts", body), 201).getJsonObject("trust");
    String id = trust.getString("id");
    assertThat(trust.getJsonArray("roles")).hasSize(1);
    assertThat(trust.getJsonObject("links").getString("self")).contains("/v3/OS-TRUST/trusts/" + id);
    ok(call(trustee.getString("token"), HttpMethod.GET, "/OS-TRUST/trusts/" + id, null), 200);
    JsonArray listed = ok(call(trustee.getString("token"), HttpMethod.GET,
      "/OS-TRUST/trusts?trustee_user_id=" + trustee.getString("user_id"), null), 200).getJsonArray("trusts");
    assertThat(listed.stream().map(t -> ((JsonObject) t).getString("id"))).containsExactly(id);
    String memberId = trust.getJsonArray("roles").getJsonObject(0).getString("id");
    ok(call(trustor.getString("token"), HttpMethod.GET, "/OS-TRUST/trusts/" + id + "/roles/" + memberId, null), 200);

    // The trustee acts as the trustor on the trust's project, with the delegated role only.
    JsonObject trustScope = new JsonObject().put("OS-TRUST:trust", new JsonObject().put("id", id));
    HttpResponse<Buffer> issued = passwordToken(trustee.getString("user_id"), trustee.getString("password"), trustScope);
    JsonObject token = ok(issued, 201).getJsonObject("token");
    assertThat(token.getJsonObject("user").getString("id")).isEqualTo(trustor.getString("user_id"));
    assertThat(token.getJsonObject("project").getString("id")).isEqualTo(trustor.getString("project_id"));
    assertThat(token.getJsonObject("OS-TRUST:trust").getString("id")).isEqualTo(id);
    assertThat(token.getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name"))).containsExactly("member");
    String trustToken = issued.getHeader("X-Subject-Token");
    ok(call(trustToken, HttpMethod.GET, "/auth/catalog", null), 200);

    // Nobody else may use it; the trustee's trust token cannot be re-scoped or make trusts.
    ok(passwordToken(trustor.getString("user_id"), trustor.getString("password"), trustScope), 403);
    JsonObject rescope = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
      .put("methods", new JsonArray().add("token")).put("token", new JsonObject().put("id", trustToken)))
      .put("scope", new JsonObject().put("project", new JsonObject().put("id", trustee.getString("project_id")))));
    ok(cloud.call(null, HttpMethod.POST, "/identity/v3/auth/tokens", rescope).await(), 403);

    ok(call(trustee.getString("token"), HttpMethod.DELETE, "/OS-TRUST/trusts/" + id, null), 403);
    ok(call(trustor.getString("token"), HttpMethod.DELETE, "/OS-TRUST/trusts/" + id, null), 204);
    ok(call(trustor.getString("token"), HttpMethod.GET, "/OS-TRUST/trusts/" + id, null), 404);
    ok(call(trustToken, HttpMethod.GET, "/auth/catalog", null), 401);
  }

  @Test
  void aTrustTokenEndsWhenTheTrustorLosesTheDelegatedGrant() {
    JsonObject trustor = cloud.projectWithUser("member").await();
    JsonObject trustee = cloud.projectWithUser("member").await();
    String id = ok(call(trustor.getString("token"), HttpMethod.POST, "/OS-TRUST/trusts", new JsonObject().put("trust", new JsonObject()
      .put("trustor_user_id", trustor.getString("user_id")).put("trustee_user_id", trustee.getString("user_id"))
      .put("project_id", trustor.getString("project_id")).put("impersonation", false)
      .put("roles", new JsonArray().add(new JsonObject().put("name", "member"))))), 201).getJsonObject("trust").getString("id");
    HttpResponse<Buffer> issued = passwordToken(trustee.getString("user_id"), trustee.getString("password"),
      new JsonObject().put("OS-TRUST:trust", new JsonObject().put("id", id)));
    JsonObject token = ok(issued, 201).getJsonObject("token");
    assertThat(token.getJsonObject("user").getString("id")).isEqualTo(trustee.getString("user_id")); // no impersonation
    String trustToken = issued.getHeader("X-Subject-Token");
    ok(call(trustToken, HttpMethod.GET, "/auth/catalog", null), 200);

    String memberRole = ok(call(admin, HttpMethod.GET, "/roles?name=member", null), 200).getJsonArray("roles").getJsonObject(0).getString("id");
    ok(call(admin, HttpMethod.DELETE, "/projects/" + trustor.getString("project_id") + "/users/" + trustor.getString("user_id")
      + "/roles/" + memberRole, null), 204);
    ok(call(trustToken, HttpMethod.GET, "/auth/catalog", null), 401);
    // and no new one: the trustor no longer holds what the trust delegates
    ok(passwordToken(trustee.getString("user_id"), trustee.getString("password"),
      new JsonObject().put("OS-TRUST:trust", new JsonObject().put("id", id))), 403);
    ok(call(trustee.getString("token"), HttpMethod.GET, "/auth/catalog", null), 200);
  }

  @Test
  void ec2CredentialsBelongToTheirUserAndShowTheirSecretOnlyToIt() {
    JsonObject user = cloud.projectWithUser("member").await();
    JsonObject other = cloud.projectWithUser("member").await();
    String path = "/users/" + user.getString("user_id") + "/credentials/OS-EC2";
    JsonObject cred = ok(call(user.getString("token"), HttpMethod.POST, path,
      new JsonObject().put("tenant_id", user.getString("project_id"))), 201).getJsonObject("credential");
    assertThat(cred.getString("access")).hasSize(32);
    assertThat(cred.getString("secret")).hasSize(32);
    assertThat(cred.getString("tenant_id")).isEqualTo(user.getString("project_id"));
    // Only on a project the user has a role on, and not for somebody else.
    ok(call(user.getString("token"), HttpMethod.POST, path, new JsonObject().put("tenant_id", other.getString("project_id"))), 403);
    ok(call(other.getString("token"), HttpMethod.GET, path + "/" + cred.getString("access"), null), 403);

    JsonObject shown = ok(call(user.getString("token"), HttpMethod.GET, path + "/" + cred.getString("access"), null), 200)
      .getJsonObject("credential");
    assertThat(shown.getString("secret")).isEqualTo(cred.getString("secret"));
    assertThat(ok(call(user.getString("token"), HttpMethod.GET, path, null), 200).getJsonArray("credentials")).hasSize(1);
    // The same credential in the generic API: type ec2, id the SHA-256 of the access key.
    JsonObject generic = ok(call(admin, HttpMethod.GET, "/credentials/" + Credentials.sha256(cred.getString("access")), null), 200)
      .getJsonObject("credential");
    assertThat(generic.getString("type")).isEqualTo("ec2");
    assertThat(new JsonObject(generic.getString("blob")).getString("secret")).isEqualTo(cred.getString("secret"));

    // A request signed with the secret gets a token on the credential's project; a wrong signature a 401.
    JsonObject signed = new JsonObject().put("access", cred.getString("access")).put("verb", "GET").put("host", "s3.example")
      .put("path", "/").put("params", new JsonObject().put("SignatureVersion", "2").put("SignatureMethod", "HmacSHA256")
        .put("Action", "ListBuckets"));
    signed.put("signature", Ec2Signature.expected(signed, cred.getString("secret")));
    HttpResponse<Buffer> ec2Token = cloud.call(null, HttpMethod.POST, "/identity/v3/ec2tokens", new JsonObject().put("credentials", signed)).await();
    JsonObject token = ok(ec2Token, 200).getJsonObject("token");
    assertThat(token.getJsonObject("user").getString("id")).isEqualTo(user.getString("user_id"));
    assertThat(token.getJsonObject("project").getString("id")).isEqualTo(user.getString("project_id"));
    ok(call(ec2Token.getHeader("X-Subject-Token"), HttpMethod.GET, "/auth/catalog", null), 200);
    signed.put("signature", "AAAA" + signed.getString("signature").substring(4));
    ok(cloud.call(null, HttpMethod.POST, "/identity/v3/ec2tokens", new JsonObject().put("credentials", signed)).await(), 401);

    ok(call(user.getString("token"), HttpMethod.DELETE, path + "/" + cred.getString("access"), null), 204);
    ok(call(user.getString("token"), HttpMethod.GET, path + "/" + cred.getString("access"), null), 404);
  }

  @Test
  void credentialsAreListedForTheirOwnerOnlyAndKeepTheirUser() {
    JsonObject user = cloud.projectWithUser("member").await();
    JsonObject other = cloud.projectWithUser("member").await();
    JsonObject body = new JsonObject().put("credential", new JsonObject().put("user_id", user.getString("user_id"))
      .put("type", "totp").put("blob", "secret-seed"));
    ok(call(other.getString("token"), HttpMethod.POST, "/credentials", body), 403);
    JsonObject cred = ok(call(user.getString("token"), HttpMethod.POST, "/credentials", body), 201).getJsonObject("credential");
    assertThat(cred.getString("blob")).isEqualTo("secret-seed");
    ok(call(other.getString("token"), HttpMethod.GET, "/credentials/" + cred.getString("id"), null), 403);
    assertThat(ok(call(other.getString("token"), HttpMethod.GET, "/credentials", null), 200).getJsonArray("credentials")).isEmpty();
    // Handing one's credential to another user is the operator's alone.
    ok(call(user.getString("token"), HttpMethod.PATCH, "/credentials/" + cred.getString("id"),
      new JsonObject().put("credential", new JsonObject().put("user_id", other.getString("user_id")))), 403);
    JsonObject updated = ok(call(user.getString("token"), HttpMethod.PATCH, "/credentials/" + cred.getString("id"),
      new JsonObject().put("credential", new JsonObject().put("blob", "new-seed"))), 200).getJsonObject("credential");
    assertThat(updated.getString("blob")).isEqualTo("new-seed");
    ok(call(admin, HttpMethod.POST, "/credentials", new JsonObject().put("credential", new JsonObject()
      .put("user_id", user.getString("user_id")).put("type", "ec2").put("blob", "{\"secret\": \"x\"}"))), 400);
    ok(call(user.getString("token"), HttpMethod.DELETE, "/credentials/" + cred.getString("id"), null), 204);
  }

  @Test
  void consumersPoliciesAndEndpointGroupsAreTheOperators() {
    JsonObject member = cloud.projectWithUser("member").await();
    JsonObject consumer = ok(call(admin, HttpMethod.POST, "/OS-OAUTH1/consumers",
      new JsonObject().put("consumer", new JsonObject().put("description", "d1"))), 201).getJsonObject("consumer");
    assertThat(consumer.getString("secret")).isNotBlank();
    JsonObject shown = ok(call(admin, HttpMethod.GET, "/OS-OAUTH1/consumers/" + consumer.getString("id"), null), 200).getJsonObject("consumer");
    assertThat(shown.containsKey("secret")).isFalse();
    ok(call(admin, HttpMethod.PATCH, "/OS-OAUTH1/consumers/" + consumer.getString("id"),
      new JsonObject().put("consumer", new JsonObject().put("secret", "mine"))), 400);
    ok(call(member.getString("token"), HttpMethod.GET, "/OS-OAUTH1/consumers", null), 403);
    ok(call(admin, HttpMethod.DELETE, "/OS-OAUTH1/consumers/" + consumer.getString("id"), null), 204);

    JsonObject policy = ok(call(admin, HttpMethod.POST, "/policies", new JsonObject().put("policy",
      new JsonObject().put("type", "application/json").put("blob", "{}"))), 201).getJsonObject("policy");
    JsonObject updated = ok(call(admin, HttpMethod.PATCH, "/policies/" + policy.getString("id"),
      new JsonObject().put("policy", new JsonObject().put("type", "text/plain"))), 200).getJsonObject("policy");
    assertThat(updated.getString("blob")).isEqualTo("{}");
    assertThat(updated.getString("type")).isEqualTo("text/plain");
    ok(call(member.getString("token"), HttpMethod.POST, "/policies", new JsonObject().put("policy",
      new JsonObject().put("type", "a").put("blob", "b"))), 403);
    ok(call(admin, HttpMethod.DELETE, "/policies/" + policy.getString("id"), null), 204);
    ok(call(admin, HttpMethod.GET, "/policies/" + policy.getString("id"), null), 404);

    JsonObject group = ok(call(admin, HttpMethod.POST, "/OS-EP-FILTER/endpoint_groups", new JsonObject().put("endpoint_group",
      new JsonObject().put("name", "g").put("filters", new JsonObject().put("interface", "public")))), 201).getJsonObject("endpoint_group");
    ok(call(admin, HttpMethod.POST, "/OS-EP-FILTER/endpoint_groups", new JsonObject().put("endpoint_group",
      new JsonObject().put("name", "g").put("filters", new JsonObject().put("colour", "red")))), 400);
    ok(call(admin, HttpMethod.HEAD, "/OS-EP-FILTER/endpoint_groups/" + group.getString("id"), null), 200);
    ok(call(member.getString("token"), HttpMethod.DELETE, "/OS-EP-FILTER/endpoint_groups/" + group.getString("id"), null), 403);
    ok(call(admin, HttpMethod.DELETE, "/OS-EP-FILTER/endpoint_groups/" + group.getString("id"), null), 204);
  }

  @Test
  void domainConfigurationKeepsOnlyKeystonesOptionsPerDomain() {
    JsonObject domain = ok(call(admin, HttpMethod.POST, "/domains",
      new JsonObject().put("domain", new JsonObject().put("name", TestCloud.unique("dom")))), 201).getJsonObject("domain");
    String path = "/domains/" + domain.getString("id") + "/config";
    JsonObject config = new JsonObject().put("identity", new JsonObject().put("driver", "ldap"))
      .put("ldap", new JsonObject().put("url", "ldap://x/").put("password", "hidden"));
    ok(call(admin, HttpMethod.PUT, path, new JsonObject().put("config", new JsonObject().put("colour", new JsonObject().put("a", "b")))), 403);
    JsonObject created = ok(call(admin, HttpMethod.PUT, path, new JsonObject().put("config", config)), 201).getJsonObject("config");
    assertThat(created.getJsonObject("ldap").containsKey("password")).isFalse();
    ok(call(admin, HttpMethod.PATCH, path + "/identity/driver", new JsonObject().put("config", new JsonObject().put("driver", "sql"))), 200);
    assertThat(ok(call(admin, HttpMethod.GET, path + "/identity/driver", null), 200).getJsonObject("config").getString("driver")).isEqualTo("sql");
    ok(call(admin, HttpMethod.DELETE, path + "/identity", null), 204);
    ok(call(admin, HttpMethod.GET, path + "/identity", null), 404);
    assertThat(ok(call(admin, HttpMethod.GET, "/domains/config/ldap/url/default", null), 200).getJsonObject("config").getString("url"))
      .isEqualTo("ldap://localhost");
    ok(call(admin, HttpMethod.DELETE, path, null), 204);
    ok(call(admin, HttpMethod.GET, path, null), 404);
  }

  @Test
  void projectTagsProjectsAsDomainsRegionsAndExtraAttributes() {
    JsonObject project = cloud.projectWithUser("member").await();
    String tags = "/projects/" + project.getString("project_id") + "/tags";
    ok(call(admin, HttpMethod.PUT, tags + "/blue", null), 201);
    ok(call(project.getString("token"), HttpMethod.HEAD, tags + "/blue", null), 204);
    ok(call(project.getString("token"), HttpMethod.PUT, tags + "/red", null), 403);
    assertThat(ok(call(admin, HttpMethod.PUT, tags, new JsonObject().put("tags", new JsonArray().add("a").add("b"))), 200)
      .getJsonArray("tags")).containsExactly("a", "b");
    ok(call(admin, HttpMethod.GET, tags + "/blue", null), 404);
    ok(call(admin, HttpMethod.PUT, tags + "/x,y", null), 400);
    ok(call(admin, HttpMethod.DELETE, tags, null), 204);
    assertThat(ok(call(admin, HttpMethod.GET, tags, null), 200).getJsonArray("tags")).isEmpty();

    JsonObject asDomain = ok(call(admin, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", TestCloud.unique("pd")).put("is_domain", true))), 201).getJsonObject("project");
    assertThat(asDomain.getBoolean("is_domain")).isTrue();
    String id = asDomain.getString("id");
    ok(call(admin, HttpMethod.GET, "/domains/" + id, null), 200);
    assertThat(ok(call(admin, HttpMethod.GET, "/projects?is_domain=true", null), 200).getJsonArray("projects").stream()
      .map(p -> ((JsonObject) p).getString("id"))).contains(id);
    assertThat(ok(call(admin, HttpMethod.GET, "/projects", null), 200).getJsonArray("projects").stream()
      .map(p -> ((JsonObject) p).getString("id"))).doesNotContain(id);
    ok(call(admin, HttpMethod.DELETE, "/projects/" + id, null), 403);
    ok(call(admin, HttpMethod.PATCH, "/projects/" + id, new JsonObject().put("project", new JsonObject().put("enabled", false))), 200);
    assertThat(ok(call(admin, HttpMethod.GET, "/domains/" + id, null), 200).getJsonObject("domain").getBoolean("enabled")).isFalse();
    ok(call(admin, HttpMethod.DELETE, "/projects/" + id, null), 204);
    ok(call(admin, HttpMethod.GET, "/domains/" + id, null), 404);

    String regionId = TestCloud.unique("region");
    JsonObject region = ok(call(admin, HttpMethod.PUT, "/regions/" + regionId, new JsonObject().put("region",
      new JsonObject().put("description", "r"))), 201).getJsonObject("region");
    assertThat(region.getString("id")).isEqualTo(regionId);
    ok(call(admin, HttpMethod.DELETE, "/regions/" + regionId, null), 204);

    ok(call(admin, HttpMethod.POST, "/users", new JsonObject().put("user", new JsonObject()
      .put("name", TestCloud.unique("u")).put("domain_id", "no-such-domain"))), 404);
    JsonObject user = ok(call(admin, HttpMethod.POST, "/users", new JsonObject().put("user", new JsonObject()
      .put("name", TestCloud.unique("u")).put("project_id", "p-1"))), 201).getJsonObject("user");
    assertThat(user.getString("project_id")).isEqualTo("p-1");
    JsonObject updated = ok(call(admin, HttpMethod.PATCH, "/users/" + user.getString("id"), new JsonObject().put("user",
      new JsonObject().put("project_id", "p-2").put("password_expires_at", "ignored"))), 200).getJsonObject("user");
    assertThat(updated.getString("project_id")).isEqualTo("p-2");
    assertThat(updated.getValue("password_expires_at")).isNull();
    ok(call(admin, HttpMethod.DELETE, "/users/" + user.getString("id"), null), 204);
  }

  @Test
  void accessRulesAreSharedByCredentialsAndDeletableOnceUnused() {
    JsonObject user = cloud.projectWithUser("member").await();
    String base = "/users/" + user.getString("user_id");
    JsonArray rules = new JsonArray().add(new JsonObject().put("service", "compute").put("method", "GET").put("path", "/v2.1/servers"));
    JsonObject cred = ok(call(user.getString("token"), HttpMethod.POST, base + "/application_credentials", new JsonObject()
      .put("application_credential", new JsonObject().put("name", "ac").put("access_rules", rules))), 201)
      .getJsonObject("application_credential");
    String ruleId = cred.getJsonArray("access_rules").getJsonObject(0).getString("id");
    ok(call(user.getString("token"), HttpMethod.GET, base + "/access_rules/" + ruleId, null), 200);
    ok(call(user.getString("token"), HttpMethod.DELETE, base + "/access_rules/" + ruleId, null), 403);
    ok(call(user.getString("token"), HttpMethod.DELETE, base + "/application_credentials/" + cred.getString("id"), null), 204);
    assertThat(ok(call(user.getString("token"), HttpMethod.GET, base + "/access_rules", null), 200).getJsonArray("access_rules")).hasSize(1);
    ok(call(user.getString("token"), HttpMethod.DELETE, base + "/access_rules/" + ruleId, null), 204);
    assertThat(ok(call(user.getString("token"), HttpMethod.GET, base + "/access_rules", null), 200).getJsonArray("access_rules")).isEmpty();
  }

  @Test
  void anApplicationCredentialWithAccessRulesReachesOnlyWhatTheyName() {
    JsonObject user = cloud.projectWithUser("member").await();
    JsonArray rules = new JsonArray().add(new JsonObject().put("service", "identity").put("method", "GET").put("path", "/v3/auth/*"));
    String secret = "access-rules-secret";
    JsonObject cred = ok(call(user.getString("token"), HttpMethod.POST, "/users/" + user.getString("user_id") + "/application_credentials",
      new JsonObject().put("application_credential", new JsonObject().put("name", "limited").put("secret", secret)
        .put("access_rules", rules))), 201).getJsonObject("application_credential");
    JsonObject auth = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
      .put("methods", new JsonArray().add("application_credential"))
      .put("application_credential", new JsonObject().put("id", cred.getString("id")).put("secret", secret))));
    HttpResponse<Buffer> issued = cloud.call(null, HttpMethod.POST, "/identity/v3/auth/tokens", auth).await();
    ok(issued, 201);
    String token = issued.getHeader("X-Subject-Token");
    ok(call(token, HttpMethod.GET, "/auth/catalog", null), 200);
    ok(call(token, HttpMethod.GET, "/auth/projects/extra", null), 401); // "*" is one segment: past it, no rule
    ok(call(token, HttpMethod.GET, "/users/" + user.getString("user_id") + "/application_credentials", null), 401);
    ok(call(token, HttpMethod.DELETE, "/auth/tokens", null), 401);
  }

  @Test
  void revokingAGrantEndsTheTokensOnThatScopeOnly() {
    JsonObject user = cloud.projectWithUser("member").await();
    JsonObject second = ok(call(admin, HttpMethod.POST, "/projects", new JsonObject().put("project",
      new JsonObject().put("name", TestCloud.unique("second")))), 201).getJsonObject("project");
    String memberRole = ok(call(admin, HttpMethod.GET, "/roles?name=member", null), 200).getJsonArray("roles").getJsonObject(0).getString("id");
    String grant = "/projects/" + second.getString("id") + "/users/" + user.getString("user_id") + "/roles/" + memberRole;
    ok(call(admin, HttpMethod.PUT, grant, null), 204);
    HttpResponse<Buffer> onSecond = passwordToken(user.getString("user_id"), user.getString("password"),
      new JsonObject().put("project", new JsonObject().put("id", second.getString("id"))));
    String secondToken = ok(onSecond, 201) == null ? null : onSecond.getHeader("X-Subject-Token");
    ok(call(admin, HttpMethod.DELETE, grant, null), 204);
    ok(call(secondToken, HttpMethod.GET, "/auth/catalog", null), 401);
    ok(call(user.getString("token"), HttpMethod.GET, "/auth/catalog", null), 200);
  }
}
