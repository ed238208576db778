package org.vertstack.common.db;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warm start skips Flyway for a schema the same jar already migrated, and runs it for any other
 * build: the skip is seen by removing what Flyway would restore.
 */
@ExtendWith(VertxExtension.class)
class MigrationSkipTest {

  private static final String SCHEMA = "migrationskip";

  @Test
  void theSameBuildSkipsFlywayAndAnotherRunsIt(Vertx vertx, @TempDir Path stateDir) throws Exception {
    try (DatabaseServer db = DatabaseServer.start(null, stateDir)) {
      JsonObject conf = new JsonObject().put("database-connect", db.connectOptions());
      Databases.migrate(vertx, conf, SCHEMA, "build-1").await();
      assertThat(markerExists(db)).isTrue();
      assertThat(recordedBuild(db)).isEqualTo("build-1");

      // what Flyway knows and made is gone: only Flyway would notice and make it again
      sql(db, "DROP TABLE " + SCHEMA + ".marker; DELETE FROM " + SCHEMA + ".flyway_history");
      Databases.migrate(vertx, conf, SCHEMA, "build-1").await();
      assertThat(markerExists(db)).as("the same build does not run Flyway").isFalse();

      Databases.migrate(vertx, conf, SCHEMA, "build-2").await();
      assertThat(markerExists(db)).as("another build runs Flyway").isTrue();
      assertThat(recordedBuild(db)).isEqualTo("build-2");

      sql(db, "DROP TABLE " + SCHEMA + ".marker; DELETE FROM " + SCHEMA + ".flyway_history");
      Databases.migrate(vertx, conf, SCHEMA, null).await();
      assertThat(markerExists(db)).as("code not run from a jar always runs Flyway").isTrue();
    }
  }

  private static Connection connect(DatabaseServer db) throws Exception {
    JsonObject c = db.connectOptions();
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.getInteger("port") + "/" + c.getString("database"),
      c.getString("user"), c.getString("password"));
  }

  private static void sql(DatabaseServer db, String statements) throws Exception {
    try (Connection conn = connect(db)) {
      conn.createStatement().execute(statements);
    }
  }

  private static boolean markerExists(DatabaseServer db) throws Exception {
    try (Connection conn = connect(db); ResultSet rs = conn.createStatement()
      .executeQuery("SELECT to_regclass('" + SCHEMA + ".marker') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static String recordedBuild(DatabaseServer db) throws Exception {
    try (Connection conn = connect(db); ResultSet rs = conn.createStatement().executeQuery("SELECT build FROM " + SCHEMA + ".migrated_by")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
