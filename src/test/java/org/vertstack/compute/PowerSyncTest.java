package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.vertstack.testing.TestCloud;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Domains changed behind the cloud's back (libvirt's in-process test driver is shared by every
 * connection of the JVM, so the test reaches the agent's domains directly): the power sync brings
 * the instances in line.
 */
class PowerSyncTest {

  @Test
  void domainsChangedBehindOurBackAreSyncedAndTheHostShowsItsVirtualisation(@TempDir Path dir) throws Exception {
    JsonObject conf = new JsonObject().put("compute", new JsonObject().put("power-sync-seconds", 2));
    try (TestCloud cloud = TestCloud.start(dir, conf).await()) {
      ComputeFixture f = new ComputeFixture(cloud);
      String admin = cloud.adminToken().await();
      f.awaitHost(admin);
      JsonObject host = f.call(admin, HttpMethod.GET, "/os-hypervisors/detail", null).bodyAsJsonObject()
        .getJsonArray("hypervisors").getJsonObject(0);
      assertThat(host.getString("hypervisor_type")).isEqualTo("test");
      assertThat(host.getJsonObject("cpu_info").getString("virt_type")).isEqualTo("test"); // an object from 2.28

      String image = f.publicImage(admin);
      String stopped = f.boot(admin, "stopped-behind-our-back", image, "1");
      String vanished = f.boot(admin, "vanished-behind-our-back", image, "1");
      f.awaitStatus(admin, stopped, "ACTIVE");
      f.awaitStatus(admin, vanished, "ACTIVE");

      Connect libvirt = new Connect("test:///default");
      try {
        Domain d = libvirt.domainLookupByName("vs-" + stopped);
        d.destroy(); // as if the guest had powered itself off
        d.free();
        Domain gone = libvirt.domainLookupByName("vs-" + vanished);
        gone.destroy();
        gone.undefine();
        gone.free();
      } finally {
        libvirt.close();
      }
      JsonObject off = f.awaitStatus(admin, stopped, "SHUTOFF");
      assertThat(off.getInteger("OS-EXT-STS:power_state")).isEqualTo(4);
      JsonObject error = f.awaitStatus(admin, vanished, "ERROR");
      assertThat(error.getJsonObject("fault").getString("message")).contains("vanished");

      // and the stopped one starts again through the API as usual
      assertThat(f.call(admin, HttpMethod.POST, "/servers/" + stopped + "/action", new JsonObject().putNull("os-start"))
        .statusCode()).isEqualTo(202);
      assertThat(f.awaitStatus(admin, stopped, "ACTIVE").getInteger("OS-EXT-STS:power_state")).isEqualTo(1);
    }
  }
}
