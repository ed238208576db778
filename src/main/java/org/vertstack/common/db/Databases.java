package org.vertstack.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
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

  /** Runs Flyway for one schema from classpath:db/{schema}, off the event loop. */
  public static Future<Void> migrate(Vertx vertx, JsonObject platformConfig, String schema) {
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
}
