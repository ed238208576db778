package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.vertstack.testing.RequiredTool;
import org.vertstack.testing.TestCloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node of its own on qemu:///system with TCG (virt-type qemu) that imports the bootable tiny
 * guest: the fixture of the tests that boot a real guest. Needs libvirtd and the tools named
 * (skipped without them, failed with CI=true, as {@link RequiredTool} says).
 */
final class TcgNode implements AutoCloseable {

  /** The node's state directory. */
  final Path dir;
  final TestCloud cloud;
  final ComputeFixture f;

  private TcgNode(Path dir, TestCloud cloud) {
    this.dir = dir;
    this.cloud = cloud;
    this.f = new ComputeFixture(cloud);
  }

  /** Starts the node in a fresh state directory named after {@code name}, once libvirtd and the tools are found. */
  static TcgNode start(String name, String... tools) throws Exception {
    RequiredTool.require(Files.exists(Path.of("/run/libvirt/libvirt-sock")) || Files.exists(Path.of("/var/run/libvirt/libvirt-sock")),
      "libvirtd");
    for (String tool : tools) {
      RequiredTool.require(onPath(tool), tool);
    }
    Path dir = Files.createTempDirectory("vertstack-" + name + "-");
    return new TcgNode(dir, TestCloud.start(dir, new JsonObject()
      .put("compute", new JsonObject().put("libvirt-uri", "qemu:///system").put("virt-type", "qemu"))
      .put("image", new JsonObject().put("tiny-guest", true))).await());
  }

  private static boolean onPath(String tool) {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** The id of the tiny guest image once its import (at the node's first start) made it active. */
  String tinyImage(String token) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    while (System.nanoTime() < deadline) {
      var images = cloud.call(token, HttpMethod.GET, "/image/v2/images?name=vertstack-tiny&status=active", null).await();
      if (images.statusCode() == 200 && !images.bodyAsJsonObject().getJsonArray("images").isEmpty()) {
        return images.bodyAsJsonObject().getJsonArray("images").getJsonObject(0).getString("id");
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the tiny guest image was not imported in 240 s");
  }

  @Override
  public void close() {
    cloud.close();
  }
}
