package org.vertstack.common.db;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the database is: the server named by database.url, or an embedded PostgreSQL whose
 * data directory lives in the state directory (so it survives restarts) and that only this
 * process can log in to (see {@link EmbeddedDatabaseSecurity}). Blocking: call it before Vert.x
 * verticles need the database.
 */
public final class DatabaseServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseServer.class);

  private final EmbeddedPostgres embedded;
  private final JsonObject connect;

  private DatabaseServer(EmbeddedPostgres embedded, JsonObject connect) {
    this.embedded = embedded;
    this.connect = connect;
  }

  /** Connection settings handed to every verticle: host, port, database, user, password. */
  public JsonObject connectOptions() {
    return connect.copy();
  }

  public static DatabaseServer start(String url, Path stateDir) throws IOException {
    if (url != null && !url.isBlank()) {
      return new DatabaseServer(null, parseUrl(url));
    }
    Path dataDir = stateDir.resolve("postgres");
    Files.createDirectories(dataDir);
    EmbeddedDatabaseSecurity security = EmbeddedDatabaseSecurity.prepare(stateDir);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
      .setDataDirectory(dataDir)
      .setCleanDataDirectory(false)
      .setServerConfig("max_connections", "200")
      .setServerConfig("fsync", "on")
      .setServerConfig("password_encryption", "scram-sha-256")
      .setServerConfig("unix_socket_directories", security.socketDirectory())
      .setConnectConfig("password", security.password())
      .setDataDirectoryCustomizer(security::secureDataDirectory)
      .start();
    LOG.info("embedded PostgreSQL listening on localhost:{} (scram-sha-256, password in {}) with data in {}",
      pg.getPort(), security.passwordFile(), dataDir);
    JsonObject connect = new JsonObject()
      .put("host", "127.0.0.1")
      .put("port", pg.getPort())
      .put("database", "postgres")
      .put("user", "postgres")
      .put("password", security.password());
    return new DatabaseServer(pg, connect);
  }

  /** Accepts postgresql://user:password@host:port/database (the libpq URI form). */
  static JsonObject parseUrl(String url) {
    URI uri = URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("database url needs a host: " + url);
    }
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
    return new JsonObject()
      .put("host", uri.getHost())
      .put("port", uri.getPort() > 0 ? uri.getPort() : 5432)
      .put("database", db)
      .put("user", user)
      .put("password", password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
