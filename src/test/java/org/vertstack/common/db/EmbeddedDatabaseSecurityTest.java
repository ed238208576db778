package org.vertstack.common.db;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL lets in only who knows the generated password: not a local account
 * connecting over TCP without one, not through a socket in /tmp; and a data directory made by
 * the old code (trust, no password file) is locked the same way at its first start.
 */
class EmbeddedDatabaseSecurityTest {

  private static Connection connect(int port, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  private static void assertLocked(Path stateDir, DatabaseServer db) throws Exception {
    JsonObject c = db.connectOptions();
    int port = c.getInteger("port");
    assertThatThrownBy(() -> connect(port, null).close()).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> connect(port, "wrong").close()).isInstanceOf(SQLException.class)
      .hasMessageContaining("password authentication failed");
    try (Connection ok = connect(port, c.getString("password"))) {
      assertThat(ok.createStatement().executeQuery("SELECT 1").next()).isTrue();
    }
    Path passwordFile = stateDir.resolve(EmbeddedDatabaseSecurity.PASSWORD_FILE);
    assertThat(Files.readString(passwordFile).trim()).isEqualTo(c.getString("password")).hasSizeGreaterThanOrEqualTo(40);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("run")))).isEqualTo("rwx------");
    assertThat(Path.of("/tmp/.s.PGSQL." + port)).doesNotExist();
    assertThat(stateDir.resolve("run/.s.PGSQL." + port)).exists();
    assertThat(Files.readString(stateDir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust").contains("scram-sha-256");
  }

  @Test
  void aNewDatabaseNeedsTheGeneratedPassword(@TempDir Path stateDir) throws Exception {
    try (DatabaseServer db = DatabaseServer.start(null, stateDir)) {
      assertLocked(stateDir, db);
    }
    // A restart keeps the same password and still refuses connections without it.
    String before = Files.readString(stateDir.resolve(EmbeddedDatabaseSecurity.PASSWORD_FILE));
    try (DatabaseServer db = DatabaseServer.start(null, stateDir)) {
      assertThat(db.connectOptions().getString("password")).isEqualTo(before.trim());
      assertLocked(stateDir, db);
    }
  }

  @Test
  void aDatabaseMadeByTheOldCodeIsLockedAtItsFirstStart(@TempDir Path stateDir) throws Exception {
    Path dataDir = stateDir.resolve("postgres");
    Files.createDirectories(dataDir);
    // The old code: io.zonky's defaults, trust for every local connection, data kept.
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start();
         Connection c = old.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the old code')");
      assertThat(connect(old.getPort(), null).isValid(1)).isTrue(); // what the issue reports: no password needed
    }
    assertThat(stateDir.resolve(EmbeddedDatabaseSecurity.PASSWORD_FILE)).doesNotExist();
    try (DatabaseServer db = DatabaseServer.start(null, stateDir)) {
      assertLocked(stateDir, db);
      try (Connection c = connect(db.connectOptions().getInteger("port"), db.connectOptions().getString("password"))) {
        var rows = c.createStatement().executeQuery("SELECT v FROM kept");
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("from the old code");
      }
    }
  }
}
