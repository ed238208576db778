package org.vertstack.image;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Glance's metadata definitions (/v2/metadefs) through the front door of a real node. */
class MetadefApiTest {

  @TempDir
  static Path dir;
  static ImageTestCloud cloud;
  static JsonObject admin;
  static JsonObject alice;
  static JsonObject bob;

  @BeforeAll
  static void start() {
    cloud = ImageTestCloud.start(dir);
    admin = new JsonObject().put("token", cloud.adminToken);
    alice = cloud.project("member");
    bob = cloud.project("member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  static HttpResponse<Buffer> call(HttpMethod m, String path, JsonObject who, JsonObject body) {
    return cloud.call(m, "/image/v2/metadefs" + path, who.getString("token"), body);
  }

  static JsonObject ok(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return status == 204 ? null : r.bodyAsJsonObject();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static List<String> namespaces(JsonObject who, String query) {
    return ok(call(HttpMethod.GET, "/namespaces" + query, who, null), 200).getJsonArray("namespaces").stream()
      .map(n -> ((JsonObject) n).getString("namespace")).toList();
  }

  @Test
  void namespaceLifecycleWithResourceTypesAndProtection() {
    List<String> types = ok(call(HttpMethod.GET, "/resource_types", alice, null), 200).getJsonArray("resource_types").stream()
      .map(t -> ((JsonObject) t).getString("name")).toList();
    assertThat(types).contains("OS::Glance::Image", "OS::Nova::Flavor", "OS::Cinder::Volume");

    String name = unique("OS::Test::Ns");
    JsonObject created = ok(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("namespace", name)
      .put("display_name", "Test").put("description", "d").put("visibility", "public").put("protected", true)
      .put("resource_type_associations", new JsonArray().add(new JsonObject().put("name", "OS::Glance::Image").put("prefix", "t_")))
      .put("properties", new JsonObject().put("speed", new JsonObject().put("title", "Speed").put("type", "integer")))
      .put("tags", new JsonArray().add(new JsonObject().put("name", "fast")))), 201);
    assertThat(created.getString("namespace")).isEqualTo(name);
    assertThat(created.getBoolean("protected")).isTrue();
    assertThat(created.getString("self")).isEqualTo("/v2/metadefs/namespaces/" + name);
    assertThat(created.getJsonObject("properties").getJsonObject("speed").getString("type")).isEqualTo("integer");
    assertThat(created.getJsonArray("resource_type_associations").getJsonObject(0).getString("prefix")).isEqualTo("t_");

    // a public namespace is seen by every project; only admins change it
    assertThat(namespaces(alice, "?limit=1000")).contains(name);
    assertThat(namespaces(alice, "?resource_types=OS::Glance::Image&limit=1000")).contains(name);
    assertThat(namespaces(alice, "?resource_types=OS::Nova::Server&limit=1000")).doesNotContain(name);
    assertThat(ok(call(HttpMethod.GET, "/namespaces/" + name, bob, null), 200).getJsonArray("tags").getJsonObject(0)
      .getString("name")).isEqualTo("fast");
    assertThat(call(HttpMethod.PUT, "/namespaces/" + name, alice, new JsonObject().put("namespace", name)).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/namespaces", alice, new JsonObject().put("namespace", unique("x"))).statusCode()).isEqualTo(403);

    // duplicates, protection, bad input
    assertThat(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("namespace", name)).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.DELETE, "/namespaces/" + name, admin, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, "/namespaces/" + name + "/tags/fast", admin, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("namespace", unique("v")).put("visibility", "shared"))
      .statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("display_name", "no name")).statusCode()).isEqualTo(400);

    // resource type associations
    String assoc = "/namespaces/" + name + "/resource_types";
    ok(call(HttpMethod.POST, assoc, admin, new JsonObject().put("name", "OS::Nova::Flavor")), 201);
    assertThat(call(HttpMethod.POST, assoc, admin, new JsonObject().put("name", "OS::Nova::Flavor")).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.POST, assoc, admin, new JsonObject().put("name", "OS::No::Such")).statusCode()).isEqualTo(404);
    assertThat(ok(call(HttpMethod.GET, assoc, alice, null), 200).getJsonArray("resource_type_associations")).hasSize(2);
    ok(call(HttpMethod.DELETE, assoc + "/OS::Nova::Flavor", admin, null), 204);
    assertThat(call(HttpMethod.DELETE, assoc + "/OS::Nova::Flavor", admin, null).statusCode()).isEqualTo(404);

    // unprotect and rename, then delete: children go with it
    String renamed = name + "-2";
    JsonObject updated = ok(call(HttpMethod.PUT, "/namespaces/" + name, admin, new JsonObject().put("namespace", renamed)
      .put("visibility", "private").put("protected", false)), 200);
    assertThat(updated.getString("visibility")).isEqualTo("private");
    assertThat(updated.getBoolean("protected")).isFalse();
    assertThat(call(HttpMethod.GET, "/namespaces/" + name, admin, null).statusCode()).isEqualTo(404);
    assertThat(ok(call(HttpMethod.GET, "/namespaces/" + renamed + "/tags", admin, null), 200).getJsonArray("tags")).hasSize(1);
    ok(call(HttpMethod.DELETE, "/namespaces/" + renamed, admin, null), 204);
    assertThat(call(HttpMethod.GET, "/namespaces/" + renamed, admin, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/namespaces/" + renamed, admin, null).statusCode()).isEqualTo(404);
  }

  @Test
  void privateNamespacesAreSeenOnlyByTheirOwnerProjectAndAdmins() {
    String name = unique("private");
    ok(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("namespace", name).put("owner", alice.getString("project_id"))), 201);
    assertThat(ok(call(HttpMethod.GET, "/namespaces/" + name, alice, null), 200).getString("visibility")).isEqualTo("private");
    assertThat(namespaces(alice, "?visibility=private&limit=1000")).contains(name);
    assertThat(namespaces(admin, "?limit=1000")).contains(name);
    assertThat(call(HttpMethod.GET, "/namespaces/" + name, bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/namespaces/" + name + "/objects", bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/namespaces/" + name + "/resource_types", bob, null).statusCode()).isEqualTo(404);
    assertThat(namespaces(bob, "?limit=1000")).doesNotContain(name);
    assertThat(call(HttpMethod.GET, "/namespaces?visibility=everyone", bob, null).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/namespaces?limit=-1", bob, null).statusCode()).isEqualTo(400);
    assertThat(namespaces(alice, "?limit=0")).isEmpty();
    // pages: a marker continues after the namespace it names, and an unknown marker is a 400
    String second = unique("private");
    ok(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("namespace", second).put("owner", alice.getString("project_id"))), 201);
    JsonObject page = ok(call(HttpMethod.GET, "/namespaces?visibility=private&sort_key=namespace&sort_dir=asc&limit=1", alice, null), 200);
    String first = page.getJsonArray("namespaces").getJsonObject(0).getString("namespace");
    assertThat(first).isEqualTo(name.compareTo(second) < 0 ? name : second);
    assertThat(page.getString("next")).contains("marker=" + first);
    assertThat(namespaces(alice, "?visibility=private&sort_key=namespace&sort_dir=asc&marker=" + first))
      .containsExactly(name.compareTo(second) < 0 ? second : name);
    assertThat(call(HttpMethod.GET, "/namespaces?marker=nope", alice, null).statusCode()).isEqualTo(400);
    ok(call(HttpMethod.DELETE, "/namespaces/" + second, admin, null), 204);
    ok(call(HttpMethod.DELETE, "/namespaces/" + name, admin, null), 204);
  }

  @Test
  void objectsPropertiesAndTags() {
    String name = unique("items");
    ok(call(HttpMethod.POST, "/namespaces", admin, new JsonObject().put("namespace", name).put("visibility", "public")), 201);
    String ns = "/namespaces/" + name;

    // objects
    JsonObject obj = ok(call(HttpMethod.POST, ns + "/objects", admin, new JsonObject().put("name", "cpu").put("description", "CPU")
      .put("required", new JsonArray().add("cores"))
      .put("properties", new JsonObject().put("cores", new JsonObject().put("title", "Cores").put("type", "integer")))), 201);
    assertThat(obj.getString("self")).isEqualTo("/v2/metadefs/namespaces/" + name + "/objects/cpu");
    assertThat(call(HttpMethod.POST, ns + "/objects", admin, new JsonObject().put("name", "cpu")).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.POST, ns + "/objects", alice, new JsonObject().put("name", "ram")).statusCode()).isEqualTo(403);
    assertThat(ok(call(HttpMethod.GET, ns + "/objects/cpu", alice, null), 200).getJsonArray("required")).containsExactly("cores");
    JsonObject renamed = ok(call(HttpMethod.PUT, ns + "/objects/cpu", admin, new JsonObject().put("name", "processor")), 200);
    assertThat(renamed.getString("name")).isEqualTo("processor");
    assertThat(call(HttpMethod.GET, ns + "/objects/cpu", admin, null).statusCode()).isEqualTo(404);
    assertThat(ok(call(HttpMethod.GET, ns + "/objects", alice, null), 200).getJsonArray("objects")).hasSize(1);
    ok(call(HttpMethod.DELETE, ns + "/objects/processor", admin, null), 204);
    assertThat(call(HttpMethod.DELETE, ns + "/objects/processor", admin, null).statusCode()).isEqualTo(404);

    // properties: a map by name; title and a JSON-schema type are required
    JsonArray hypervisors = new JsonArray().add("qemu").add("kvm");
    JsonObject prop = ok(call(HttpMethod.POST, ns + "/properties", admin, new JsonObject().put("name", "hypervisor_type")
      .put("title", "Hypervisor").put("type", "string").put("enum", hypervisors)), 201);
    assertThat(prop.getJsonArray("enum")).isEqualTo(hypervisors);
    assertThat(call(HttpMethod.POST, ns + "/properties", admin, new JsonObject().put("name", "hypervisor_type")
      .put("title", "again").put("type", "string")).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.POST, ns + "/properties", admin, new JsonObject().put("name", "p").put("title", "t").put("type", "text"))
      .statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, ns + "/properties", admin, new JsonObject().put("name", "p").put("type", "string"))
      .statusCode()).isEqualTo(400);
    assertThat(ok(call(HttpMethod.GET, ns + "/properties", alice, null), 200).getJsonObject("properties")
      .getJsonObject("hypervisor_type").getString("title")).isEqualTo("Hypervisor");
    assertThat(ok(call(HttpMethod.PUT, ns + "/properties/hypervisor_type", admin, new JsonObject().put("name", "hypervisor_type")
      .put("title", "HV").put("type", "string")), 200).getString("title")).isEqualTo("HV");
    ok(call(HttpMethod.DELETE, ns + "/properties/hypervisor_type", admin, null), 204);
    assertThat(ok(call(HttpMethod.GET, ns + "/properties", admin, null), 200).getJsonObject("properties")).isEmpty();

    // tags: bulk create replaces (or appends with X-Openstack-Append), duplicates are 409
    JsonObject three = new JsonObject().put("tags", new JsonArray().add(new JsonObject().put("name", "a"))
      .add(new JsonObject().put("name", "b")).add(new JsonObject().put("name", "c")));
    assertThat(ok(call(HttpMethod.POST, ns + "/tags", admin, three), 201).getJsonArray("tags")).hasSize(3);
    assertThat(ok(call(HttpMethod.POST, ns + "/tags", admin, three), 201).getJsonArray("tags")).hasSize(3);
    JsonObject dup = new JsonObject().put("tags", new JsonArray().add(new JsonObject().put("name", "x")).add(new JsonObject().put("name", "x")));
    assertThat(call(HttpMethod.POST, ns + "/tags", admin, dup).statusCode()).isEqualTo(409);
    ok(call(HttpMethod.POST, ns + "/tags/d", admin, null), 201);
    assertThat(call(HttpMethod.POST, ns + "/tags/d", admin, null).statusCode()).isEqualTo(409);
    assertThat(ok(call(HttpMethod.GET, ns + "/tags", alice, null), 200).getJsonArray("tags")).hasSize(4);
    assertThat(ok(call(HttpMethod.PUT, ns + "/tags/d", admin, new JsonObject().put("name", "e")), 200).getString("name")).isEqualTo("e");
    assertThat(call(HttpMethod.PUT, ns + "/tags/e", admin, new JsonObject().put("name", "a")).statusCode()).isEqualTo(409);
    assertThat(ok(call(HttpMethod.GET, ns + "/tags/e", alice, null), 200).getString("name")).isEqualTo("e");
    ok(call(HttpMethod.DELETE, ns + "/tags/e", admin, null), 204);
    ok(call(HttpMethod.DELETE, ns + "/tags", admin, null), 204);
    assertThat(ok(call(HttpMethod.GET, ns + "/tags", admin, null), 200).getJsonArray("tags")).isEmpty();
    ok(call(HttpMethod.DELETE, ns, admin, null), 204);
    assertThat(call(HttpMethod.GET, ns + "/tags", admin, null).statusCode()).isEqualTo(404);
  }

  @Test
  void schemasAreServed() {
    for (String[] s : new String[][] {{"namespace", "namespace"}, {"namespaces", "namespaces"}, {"object", "object"},
        {"objects", "objects"}, {"property", "property"}, {"properties", "properties"}, {"tag", "tag"}, {"tags", "tags"},
        {"resource_type", "resource_type_association"}, {"resource_types", "resource_type_associations"}}) {
      HttpResponse<Buffer> r = cloud.call(HttpMethod.GET, "/image/v2/schemas/metadefs/" + s[0], alice.getString("token"), null);
      assertThat(ok(r, 200).getString("name")).isEqualTo(s[1]);
    }
    assertThat(cloud.call(HttpMethod.GET, "/image/v2/schemas/metadefs/nope", alice.getString("token"), null).statusCode())
      .isEqualTo(404);
    assertThat(cloud.call(HttpMethod.GET, "/image/v2/metadefs/namespaces", null, null).statusCode()).isEqualTo(401);
  }
}
