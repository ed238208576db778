package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;
import org.vertstack.common.http.BodySchema;
import org.vertstack.common.http.RequestSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Compute's declared request schemas take the bodies Nova's clients send (Tempest's, the openstack
 * CLI's) and refuse, with a 400 naming the field, what Nova's own schemas refuse.
 */
class ComputeSchemasTest {

  private static final String UUID = "7a2f33f4-5a4c-4c3a-9d2b-3f0d7a8c9e10";

  static BodySchema schema(RequestSchemas table, HttpMethod method, String path) {
    return table.entries().stream().filter(e -> e.method() == method && e.path().equals(path)).findFirst()
      .orElseThrow(() -> new AssertionError("no schema for " + method + " " + path)).schema();
  }

  static void accepts(BodySchema schema, String body) {
    assertThatCode(() -> schema.check(new JsonObject(body))).as(body).doesNotThrowAnyException();
  }

  static void refuses(BodySchema schema, String body, String... says) {
    assertThatThrownBy(() -> schema.check(new JsonObject(body))).as(body)
      .isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.failureCode()).isEqualTo(400);
        assertThat(e.getMessage()).contains(says);
      });
  }

  private static BodySchema compute(HttpMethod method, String path) {
    return schema(ComputeSchemas.TABLE, method, path);
  }

  @Test
  void serverCreateTakesWhatClientsSendAndRefusesWhatNovaRefuses() {
    BodySchema create = compute(HttpMethod.POST, "/v2.1/servers");
    accepts(create, """
      {"server": {"name": "vm-1", "imageRef": "%s", "flavorRef": "1", "networks": "none", "min_count": 1, "max_count": "2",
        "metadata": {"role": "web"}, "config_drive": true, "availability_zone": "nova", "key_name": "k", "user_data": "aGk=",
        "description": null, "tags": ["a"], "adminPass": "pw", "accessIPv4": "10.0.0.1", "accessIPv6": "::1",
        "security_groups": [{"name": "default"}],
        "block_device_mapping_v2": [{"boot_index": 0, "uuid": "%s", "source_type": "image", "destination_type": "local",
          "delete_on_termination": true}]},
       "os:scheduler_hints": {"group": "%s", "custom": "x"}}""".formatted(UUID, UUID, UUID));
    accepts(create, "{\"server\": {\"name\": \"vm\", \"imageRef\": \"\", \"flavorRef\": 42, \"networks\": [{\"uuid\": \"n\", \"port\": null}]}}");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\", \"colour\": \"red\"}}", "'colour' was unexpected");
    refuses(create, "{\"server\": {\"name\": \"   \", \"flavorRef\": \"1\"}}", "server/name");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": null}}", "server/flavorRef");
    refuses(create, "{\"server\": {\"name\": \"vm\"}}", "required property \"flavorRef\"");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\", \"min_count\": 0}}", "server/min_count");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\", \"metadata\": {\"k\": 1}}}", "server/metadata");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\", \"networks\": \"everywhere\"}}", "server/networks");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\", \"accessIPv4\": \"1.2.3\"}}", "server/accessIPv4");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\"}, \"os:scheduler_hints\": {\"group\": \"g\"}}",
      "os:scheduler_hints/group");
    refuses(create, "{\"server\": {\"name\": \"vm\", \"flavorRef\": \"1\", \"config_drive\": \"maybe\"}}", "server/config_drive");
  }

  @Test
  void serverActionsCheckTheArgumentOfEachKnownAction() {
    BodySchema action = compute(HttpMethod.POST, "/v2.1/servers/:id/action");
    accepts(action, "{\"reboot\": {\"type\": \"HARD\"}}");
    accepts(action, "{\"lock\": null}");
    accepts(action, "{\"lock\": {\"locked_reason\": \"maintenance\"}}");
    accepts(action, "{\"os-stop\": null}");
    accepts(action, "{\"unshelve\": null}");
    accepts(action, "{\"createImage\": {\"name\": \"snap\", \"metadata\": {\"k\": \"v\"}}}");
    accepts(action, "{\"rebuild\": {\"imageRef\": \"" + UUID + "\", \"name\": \"again\", \"key_name\": null}}");
    accepts(action, "{\"someFutureAction\": {\"any\": 1}}");
    refuses(action, "{\"reboot\": {\"type\": \"GENTLE\"}}", "reboot/type", "\"GENTLE\"");
    refuses(action, "{\"reboot\": {}}", "required property \"type\"");
    refuses(action, "{\"resize\": {\"flavorRef\": \"2\", \"x\": 1}}", "'x' was unexpected");
    refuses(action, "{\"createImage\": {}}", "required property \"name\"");
    refuses(action, "{\"os-getConsoleOutput\": {\"length\": -2}}", "os-getConsoleOutput/length");
    refuses(action, "{\"os-resetState\": {\"state\": \"paused\"}}", "os-resetState/state");
    refuses(action, "{\"rebuild\": {\"imageRef\": \"not-a-uuid\"}}", "rebuild/imageRef");
    refuses(action, "{\"os-start\": null, \"os-stop\": null}", "");
  }

  @Test
  void flavorsKeyPairsGroupsAggregatesAndQuotas() {
    BodySchema flavor = compute(HttpMethod.POST, "/v2.1/flavors");
    accepts(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 512, \"vcpus\": \"1\", \"disk\": 0, \"id\": 1234, "
      + "\"OS-FLV-EXT-DATA:ephemeral\": 0, \"swap\": 0, \"rxtx_factor\": 1.0, \"os-flavor-access:is_public\": false}}");
    accepts(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 512, \"vcpus\": 1, \"disk\": 1, \"id\": null, \"description\": \"d\"}}");
    refuses(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 0, \"vcpus\": 1, \"disk\": 1}}", "flavor/ram");
    refuses(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 1, \"vcpus\": 1, \"disk\": -1}}", "flavor/disk");
    accepts(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 1, \"vcpus\": 1, \"disk\": 1, \"swap\": \"\"}}");
    refuses(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 1, \"vcpus\": 1, \"disk\": 1, \"swap\": \"x\"}}", "flavor/swap");
    refuses(flavor, "{\"flavor\": {\"name\": \"  \", \"ram\": 1, \"vcpus\": 1, \"disk\": 1}}", "flavor/name");
    BodySchema access = compute(HttpMethod.POST, "/v2.1/flavors/:id/action");
    accepts(access, "{\"addTenantAccess\": {\"tenant\": \"0f1e2d3c4b5a\"}}");
    refuses(access, "{\"removeTenantAccess\": {}}", "required property \"tenant\"");
    refuses(access, "{\"shareWithEveryone\": {}}", "'shareWithEveryone' was unexpected");
    refuses(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 1, \"vcpus\": 1, \"disk\": 1, \"id\": \" x\"}}", "flavor/id");
    refuses(flavor, "{\"flavor\": {\"name\": \"m1\", \"ram\": 1, \"vcpus\": 1, \"disk\": 1, \"rxtx_factor\": 0}}", "flavor/rxtx_factor");

    BodySchema keypair = compute(HttpMethod.POST, "/v2.1/os-keypairs");
    accepts(keypair, "{\"keypair\": {\"name\": \"key-1_a\", \"public_key\": \"ssh-rsa AAAA\", \"type\": \"ssh\"}}");
    refuses(keypair, "{\"keypair\": {\"name\": \"key!\"}}", "keypair/name");
    refuses(keypair, "{\"keypair\": {\"name\": \"   \"}}", "keypair/name");
    refuses(keypair, "{\"keypair\": {\"name\": \"k\", \"type\": \"pgp\"}}", "keypair/type");

    BodySchema group = compute(HttpMethod.POST, "/v2.1/os-server-groups");
    accepts(group, "{\"server_group\": {\"name\": \"g\", \"policies\": [\"affinity\"]}}");
    accepts(group, "{\"server_group\": {\"name\": \"g\", \"policy\": \"anti-affinity\", \"rules\": {\"max_server_per_host\": 2}}}");
    refuses(group, "{\"server_group\": {\"name\": \"g\", \"policies\": [\"bogus\"]}}", "server_group/policies/0");
    refuses(group, "{\"server_group\": {\"name\": \"g\", \"policies\": [\"affinity\", \"anti-affinity\"]}}", "server_group/policies");

    accepts(compute(HttpMethod.POST, "/v2.1/os-aggregates"), "{\"aggregate\": {\"name\": \"a\", \"availability_zone\": null}}");
    refuses(compute(HttpMethod.POST, "/v2.1/os-aggregates"), "{\"aggregate\": {\"name\": \"a\", \"availability_zone\": \"a:b\"}}",
      "aggregate/availability_zone");
    refuses(compute(HttpMethod.PUT, "/v2.1/os-aggregates/:id"), "{\"aggregate\": {}}", "aggregate");
    refuses(compute(HttpMethod.PUT, "/v2.1/os-aggregates/:id"), "{\"aggregate\": {\"availability_zone\": \"  \"}}",
      "aggregate/availability_zone");
    BodySchema aggregateAction = compute(HttpMethod.POST, "/v2.1/os-aggregates/:id/action");
    accepts(aggregateAction, "{\"set_metadata\": {\"metadata\": {\"ssd\": \"true\", \"gone\": null}}}");
    refuses(aggregateAction, "{\"add_host\": {}}", "required property \"host\"");

    BodySchema quota = compute(HttpMethod.PUT, "/v2.1/os-quota-sets/:project");
    accepts(quota, "{\"quota_set\": {\"instances\": 10, \"cores\": \"20\", \"ram\": -1, \"force\": \"True\"}}");
    refuses(quota, "{\"quota_set\": {\"instances\": -2}}", "quota_set/instances");
    refuses(quota, "{\"quota_set\": {\"widgets\": 1}}", "'widgets' was unexpected");
  }
}
