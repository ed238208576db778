package org.vertstack.identity;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.vertstack.common.http.BodySchema;
import org.vertstack.common.http.RequestSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Identity's declared request schemas take what Keystone's clients send and refuse what Keystone's schemas refuse. */
class IdentitySchemasTest {

  private static BodySchema schema(RequestSchemas table, HttpMethod method, String path) {
    return table.entries().stream().filter(e -> e.method() == method && e.path().equals(path)).findFirst()
      .orElseThrow(() -> new AssertionError("no schema for " + method + " " + path)).schema();
  }

  private static void accepts(BodySchema schema, String body) {
    assertThatCode(() -> schema.check(new JsonObject(body))).as(body).doesNotThrowAnyException();
  }

  private static void refuses(BodySchema schema, String body, String... says) {
    assertThatThrownBy(() -> schema.check(new JsonObject(body))).as(body)
      .isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.failureCode()).isEqualTo(400);
        assertThat(e.getMessage()).contains(says);
      });
  }

  @Test
  void tokenRequestsNameTheirUserProjectAndDomainByIdOrName() {
    BodySchema issue = schema(IdentitySchemas.PUBLIC, HttpMethod.POST, "/v3/auth/tokens");
    accepts(issue, "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"admin\", "
      + "\"domain\": {\"id\": \"default\"}, \"password\": \"pw\"}}}, \"scope\": {\"project\": {\"name\": \"admin\", "
      + "\"domain\": {\"name\": \"Default\"}}}}}");
    accepts(issue, "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"t\"}}, \"scope\": {\"system\": {\"all\": true}}}}");
    accepts(issue, "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], "
      + "\"application_credential\": {\"id\": \"a\", \"secret\": \"s\"}}, \"scope\": \"unscoped\"}}");
    refuses(issue, "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"password\": \"pw\"}}}}}",
      "auth/identity/password/user");
    refuses(issue, "{\"auth\": {\"identity\": {\"methods\": \"password\"}}}", "auth/identity/methods");
    refuses(issue, "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {}}}}", "required property \"id\"");
    refuses(issue, "{\"auth\": {\"identity\": {\"methods\": []}, \"scope\": {\"project\": {\"domain\": {\"id\": \"d\"}}}}}",
      "auth/scope/project");
    refuses(issue, "{\"auth\": {}}", "required property \"identity\"");
  }

  @Test
  void resourcesTakeExtraAttributesButNotWrongTypes() {
    BodySchema user = schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/users");
    accepts(user, "{\"user\": {\"name\": \"u\", \"password\": \"p\", \"enabled\": true, \"domain_id\": \"default\", "
      + "\"default_project_id\": null, \"email\": \"u@example.org\", \"description\": null}}");
    refuses(user, "{\"user\": {\"name\": \"u\", \"enabled\": \"true\"}}", "user/enabled");
    refuses(user, "{\"user\": {\"name\": \"\"}}", "user/name");
    refuses(user, "{\"user\": {\"name\": \"u\"}, \"extra\": 1}", "'extra' was unexpected");
    refuses(schema(IdentitySchemas.PROTECTED, HttpMethod.PATCH, "/v3/users/:id"), "{\"user\": {\"enabled\": \"yes\"}}", "user/enabled");
    // an empty update is left to the service (after its policy check: a denied caller hears 403 first)
    accepts(schema(IdentitySchemas.PROTECTED, HttpMethod.PATCH, "/v3/users/:id"), "{\"user\": {}}");

    BodySchema project = schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/projects");
    accepts(project, "{\"project\": {\"name\": \"p\", \"domain_id\": \"default\", \"parent_id\": null, \"is_domain\": false, "
      + "\"tags\": [\"blue\"], \"enabled\": true, \"custom\": 1}}");
    refuses(project, "{\"project\": {\"name\": \"p\", \"tags\": [\"a/b\"]}}", "project/tags/0");
    refuses(project, "{\"project\": {\"name\": \"" + "p".repeat(65) + "\"}}", "project/name");
    refuses(schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/domains"), "{\"domain\": {\"name\": null}}", "domain/name");
    refuses(schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/roles"), "{\"role\": {\"name\": 5}}", "role/name");
    refuses(schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/groups"), "{\"group\": {}}", "required property \"name\"");
  }

  @Test
  void credentialsAndCatalogEntries() {
    BodySchema credential = schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/credentials");
    accepts(credential, "{\"credential\": {\"blob\": \"{\\\"access\\\": \\\"a\\\"}\", \"type\": \"ec2\", \"user_id\": \"u\", \"project_id\": \"p\"}}");
    accepts(credential, "{\"credential\": {\"blob\": \"cert\", \"type\": \"cert\", \"user_id\": \"u\"}}");
    refuses(credential, "{\"credential\": {\"blob\": {\"access\": \"a\"}, \"type\": \"ec2\", \"user_id\": \"u\"}}", "credential/blob");
    refuses(credential, "{\"credential\": {\"blob\": \"b\", \"type\": \"cert\"}}", "required property \"user_id\"");
    BodySchema endpoint = schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/endpoints");
    accepts(endpoint, "{\"endpoint\": {\"interface\": \"public\", \"service_id\": \"s\", \"url\": \"http://x:5000/v3\", \"region_id\": \"RegionOne\"}}");
    refuses(endpoint, "{\"endpoint\": {\"interface\": \"private\", \"service_id\": \"s\", \"url\": \"http://x\"}}", "endpoint/interface");
    refuses(endpoint, "{\"endpoint\": {\"interface\": \"public\", \"service_id\": \"s\", \"url\": \"nowhere\"}}", "endpoint/url");
    BodySchema appCred = schema(IdentitySchemas.PROTECTED, HttpMethod.POST, "/v3/users/:user/application_credentials");
    accepts(appCred, "{\"application_credential\": {\"name\": \"n\", \"roles\": [{\"name\": \"member\"}], \"unrestricted\": false, "
      + "\"expires_at\": null, \"access_rules\": [{\"path\": \"/v2.1/servers\", \"method\": \"GET\", \"service\": \"compute\"}]}}");
    refuses(appCred, "{\"application_credential\": {\"name\": \"n\", \"access_rules\": [{\"method\": \"FETCH\"}]}}",
      "application_credential/access_rules/0/method");
  }
}
