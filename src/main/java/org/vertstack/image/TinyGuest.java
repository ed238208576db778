package org.vertstack.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.identity.IdentityService;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * On first start, imports the tiny bootable guest as the public image {@value #NAME}: a
 * pre-built one from {@code <state-dir>/guest/} or the build cache, else built by the bundled
 * script. Runs in the background; every failure is logged and start-up never waits for it.
 */
final class TinyGuest {

  static final String NAME = "vertstack-tiny";
  static final String FILE = "vertstack-tiny.qcow2";
  private static final String SCRIPT = "make-tiny-guest.sh";
  private static final Logger LOG = LoggerFactory.getLogger(TinyGuest.class);

  private final Vertx vertx;
  private final ImageModule.Components c;

  TinyGuest(Vertx vertx, ImageModule.Components c) {
    this.vertx = vertx;
    this.c = c;
  }

  /** Completes when done (or given up: failures are logged, never reported). */
  Future<Void> importOnce() {
    ImageSettings settings = c.settings();
    if (!settings.tinyGuest()) {
      return Future.succeededFuture();
    }
    return c.images().pool().preparedQuery("SELECT 1 FROM images WHERE name = $1 LIMIT 1")
      .execute(io.vertx.sqlclient.Tuple.of(NAME))
      .compose(rows -> rows.size() > 0 ? Future.succeededFuture() : locateOrBuild(settings).compose(this::upload))
      .onFailure(err -> LOG.warn("the tiny guest image was not imported: {}", err.getMessage()))
      .<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  private Future<Path> locateOrBuild(ImageSettings settings) {
    Path own = settings.ownTinyGuest(FILE);
    Path cacheDir = settings.tinyGuestCache();
    return vertx.executeBlocking(() -> {
      if (Files.isRegularFile(own)) {
        return own;
      }
      Path cached = cacheDir.resolve(FILE);
      if (Files.isRegularFile(cached) && builtByThisScript(cacheDir)) {
        return cached;
      }
      if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
        throw new IllegalStateException("no pre-built " + FILE + " and no apt-get to build one");
      }
      return build(cacheDir, settings.tinyGuestKernel());
    }, false);
  }

  /**
   * A cached guest is reused only if the script the build left beside it is this jar's: a newer
   * jar whose guest does more (e.g. reads the config drive) builds it again.
   */
  static boolean builtByThisScript(Path cacheDir) throws IOException {
    Path used = cacheDir.resolve(SCRIPT);
    return Files.isRegularFile(used) && Arrays.equals(Files.readAllBytes(used), bundledScript());
  }

  private static byte[] bundledScript() throws IOException {
    try (InputStream in = TinyGuest.class.getResourceAsStream("/guest/" + SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT + " is not in the jar");
      }
      return in.readAllBytes();
    }
  }

  /** Runs the bundled script (blocking: called on a worker thread). */
  private static Path build(Path dir, String kernel) throws Exception {
    Files.createDirectories(dir);
    Path script = dir.resolve(SCRIPT);
    Files.write(script, bundledScript());
    LOG.info("building the tiny guest image in {} (log: build.log)", dir);
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), dir.toString())
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve("build.log").toFile());
    if (!kernel.isBlank()) {
      pb.environment().put("KERNEL_VERSION", kernel);
    }
    Process p = pb.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("building the tiny guest timed out");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("make-tiny-guest.sh failed (exit " + p.exitValue() + "), see " + dir.resolve("build.log"));
    }
    return dir.resolve(FILE);
  }

  private Future<Void> upload(Path file) {
    return owner().compose(project -> {
      AuthContext admin = new AuthContext(new JsonObject()
        .put("user", new JsonObject().put("id", "glance").put("name", "glance"))
        .put("project", new JsonObject().put("id", project).put("name", "service"))
        .put("roles", new JsonArray().add(new JsonObject().put("id", "admin").put("name", AuthContext.ADMIN)))
        // In-process only (never a token): the image service acting for the operator, which may
        // publish a public image; the images it makes are owned by the service project.
        .put("is_admin_project", true)
        .put("issued_at", Instant.now().toString())
        .put("expires_at", Instant.now().plusSeconds(3600).toString()));
      JsonObject body = new JsonObject()
        .put("name", NAME)
        .put("disk_format", "qcow2")
        .put("container_format", "bare")
        .put("visibility", "public")
        .put("min_ram", 64)
        .put("os_distro", "vertstack-tiny")
        .put("description", "Tiny bootable guest built from Debian packages (busybox, DHCP on eth0, "
          + "VERTSTACK-GUEST-BOOTED on the serial console)")
        .put("hw_disk_bus", "virtio")
        .put("hw_vif_model", "virtio");
      return c.images().create(admin, body).compose(image -> {
        String id = image.getString("id");
        return vertx.fileSystem().props(file.toString()).compose(props ->
            vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false)).map(f -> f.setReadBufferSize(256 * 1024))
              .compose(f -> c.data().upload(admin, id, f, props.size(), false).eventually(() -> f.close())))
          .onSuccess(img -> LOG.info("imported the tiny guest as public image {} ({})", NAME, id))
          .recover(err -> c.images().delete(admin, id).transform(x -> Future.failedFuture(err)))
          .mapEmpty();
      });
    });
  }

  /** The service project (the owner of cloud-provided images), from the identity service. */
  private Future<String> owner() {
    return IdentityService.createProxy(vertx).serviceToken("glance").map(t -> t.getString("project_id"));
  }
}
