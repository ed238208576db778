package org.vertstack.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vertstack.identity.RbacFixture.projectScope;
import static org.vertstack.identity.RbacFixture.systemScope;

/**
 * A cloud of its own with a generated admin password: the password reaches the terminal
 * (stderr) and the owner-only clouds.yaml, never the log; the first admin is a system admin;
 * and the cloud refuses to lose its last system admin.
 */
class FirstAdminTest {

  static Path stateDir;
  static TestCloud cloud;
  static String logged;
  static String terminal;
  static String password;

  @BeforeAll
  static void start() throws Exception {
    stateDir = Files.createTempDirectory("vertstack-first-admin-");
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ByteArrayOutputStream tty = new ByteArrayOutputStream();
    System.setOut(new PrintStream(tee(out, log), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(err, tty), true, StandardCharsets.UTF_8));
    try {
      cloud = TestCloud.start(stateDir, new JsonObject().put("identity", new JsonObject().put("admin-password", ""))).await();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    logged = log.toString(StandardCharsets.UTF_8);
    terminal = tty.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("password: '([^']+)'").matcher(Files.readString(stateDir.resolve("clouds.yaml")));
    assertThat(m.find()).isTrue();
    password = m.group(1);
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int c) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] buf, int off, int len) throws java.io.IOException {
        try {
          a.write(buf, off, len);
        } catch (java.io.IOException ignored) {
          // the console is best effort
        }
        b.write(buf, off, len);
      }
    };
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void theGeneratedPasswordGoesToTheTerminalAndTheOwnerOnlyCloudsYamlOnly() throws Exception {
    assertThat(password).hasSizeGreaterThanOrEqualTo(16);
    assertThat(terminal).contains(password);
    assertThat(logged).doesNotContain(password).contains("generated password");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("clouds.yaml")))).isEqualTo("rw-------");
    try (var files = Files.walk(stateDir)) {
      for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.endsWith("clouds.yaml")).toList()) {
        if (Files.size(p) < 1 << 20 && Files.isReadable(p)) {
          assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).as(p.toString()).doesNotContain(password);
        }
      }
    }
  }

  @Test
  void theFirstAdminIsASystemAdminAndTheCloudKeepsOne() {
    RbacFixture f = new RbacFixture(cloud, cloud.login("admin", password, "admin").await().getString("token"));
    String adminUser = f.call(f.admin, HttpMethod.GET, "/users?name=admin", null).bodyAsJsonObject()
      .getJsonArray("users").getJsonObject(0).getString("id");
    JsonObject admin = new JsonObject().put("id", adminUser).put("password", password);
    String system = f.token(admin, systemScope());
    String adminRole = f.roleId("admin");
    String adminProject = f.projectId("admin");

    // Dropping one of its two admin grants is fine...
    assertThat(f.call(system, HttpMethod.DELETE, "/system/users/" + adminUser + "/roles/" + adminRole, null).statusCode()).isEqualTo(204);
    String projectToken = f.token(admin, projectScope(adminProject));
    // ... dropping the last one would leave the cloud without a system admin: 409, nothing changed.
    HttpResponse<Buffer> last = f.call(projectToken, HttpMethod.DELETE, "/projects/" + adminProject + "/users/" + adminUser + "/roles/" + adminRole, null);
    assertThat(last.statusCode()).isEqualTo(409);
    assertThat(last.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(409);
    assertThat(last.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("system admin");
    assertThat(f.catalog(projectToken)).isEqualTo(200);
    assertThat(f.call(projectToken, HttpMethod.PUT, "/system/users/" + adminUser + "/roles/" + adminRole, null).statusCode()).isEqualTo(204);
    assertThat(f.token(admin, systemScope())).isNotNull();
  }
}
