package org.vertstack.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

/** Pools and migrations for a service's own schema. */
public final class Databases {

  private Databases() {
  }

  /**
   * A pool on the service's own schema (its search_path), shared by all verticle instances of the
   * service in this JVM,
   * so deploying N instances does not open N times the connections.
   */
  public static Pool pool(Vertx vertx, JsonObject platformConfig, String service) {
    JsonObject c = platformConfig.getJsonObject("database-connect");
    PgConnectOptions connect = new PgConnectOptions()
      .setHost(c.getString("host"))
      .setPort(c.getInteger("port"))
      .setDatabase(c.getString("database"))
      .setUser(c.getString("user"))
      .setPassword(c.getString("password"))
      .setCachePreparedStatements(true)
      .setPipeliningLimit(16)
      .addProperty("search_path", service);
    int size = platformConfig.getJsonObject("database", new JsonObject()).getInteger("pool-size", 16);
    PoolOptions pool = new PoolOptions().setMaxSize(size).setShared(true).setName("vertstack-" + service);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /**
   * Runs Flyway for one schema from classpath:db/{schema}, off the event loop. Flyway's start-up
   * (its configuration and a scan of the whole jar for migrations) costs a second or more per
   * schema on a warm start where nothing is to do; so when this very jar already migrated the
   * schema (its fingerprint is recorded in the schema after a successful run), Flyway is skipped.
   */
  public static Future<Void> migrate(Vertx vertx, JsonObject platformConfig, String schema) {
    // the fingerprint stats the jar: file I/O, so not on the caller's event loop
    return vertx.executeBlocking(JarFingerprint::ofCodeRunning)
      .compose(build -> migrate(vertx, platformConfig, schema, build));
  }

  /** As above, for the build named {@code build} (null: always run Flyway). */
  static Future<Void> migrate(Vertx vertx, JsonObject platformConfig, String schema, String build) {
    if (build == null) {
      return flyway(vertx, platformConfig, schema);
    }
    return recordedBuild(vertx, platformConfig, schema)
      .compose(recorded -> build.equals(recorded) ? Future.succeededFuture()
        : flyway(vertx, platformConfig, schema).compose(v -> record(vertx, platformConfig, schema, build)));
  }

  private static Future<Void> flyway(Vertx vertx, JsonObject platformConfig, String schema) {
    JsonObject c = platformConfig.getJsonObject("database-connect");
    String jdbc = "jdbc:postgresql://" + c.getString("host") + ":" + c.getInteger("port") + "/" + c.getString("database");
    return vertx.executeBlocking(() -> {
      Flyway.configure()
        .dataSource(jdbc, c.getString("user"), c.getString("password"))
        .schemas(schema)
        .createSchemas(true)
        .locations("classpath:db/" + schema)
        .table("flyway_history")
        .load()
        .migrate();
      return null;
    });
  }

  /** The fingerprint of the jar that last migrated the schema, or null (none, or not yet known). */
  private static Future<String> recordedBuild(Vertx vertx, JsonObject platformConfig, String schema) {
    return withConnection(vertx, platformConfig, conn -> conn.query("SELECT build FROM " + schema + ".migrated_by").execute()
      .map(rows -> rows.size() == 1 ? rows.iterator().next().getString("build") : null))
      .otherwise((String) null);
  }

  private static Future<Void> record(Vertx vertx, JsonObject platformConfig, String schema, String build) {
    return withConnection(vertx, platformConfig, conn -> conn.query(
        "CREATE TABLE IF NOT EXISTS " + schema + ".migrated_by (build text NOT NULL)").execute()
      .compose(v -> conn.query("DELETE FROM " + schema + ".migrated_by").execute())
      .compose(v -> conn.preparedQuery("INSERT INTO " + schema + ".migrated_by (build) VALUES ($1)").execute(Tuple.of(build)))
      .mapEmpty());
  }

  private static <T> Future<T> withConnection(Vertx vertx, JsonObject platformConfig, Function<SqlConnection, Future<T>> work) {
    JsonObject c = platformConfig.getJsonObject("database-connect");
    PgConnectOptions connect = new PgConnectOptions().setHost(c.getString("host")).setPort(c.getInteger("port"))
      .setDatabase(c.getString("database")).setUser(c.getString("user")).setPassword(c.getString("password"));
    return PgConnection.connect(vertx, connect).compose(conn -> work.apply(conn).eventually(conn::close));
  }
}
