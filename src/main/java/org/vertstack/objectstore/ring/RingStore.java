package org.vertstack.objectstore.ring;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.http.Errors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The ring in PostgreSQL (objectstore.rings), one row per version, served to every node as
 * {@link RingService}. Changes take a table lock, so two controllers registering devices at
 * once make two versions one after the other, never two rings.
 */
public final class RingStore implements RingService {

  private static final Logger LOG = LoggerFactory.getLogger(RingStore.class);
  /** Versions kept for inspection; nodes only ever use the newest. */
  private static final int KEPT_VERSIONS = 20;

  private final Vertx vertx;
  private final Pool db;
  private final int partPower;
  private final int replicas;

  public RingStore(Vertx vertx, Pool db, int partPower, int replicas) {
    this.vertx = vertx;
    this.db = db;
    this.partPower = partPower;
    this.replicas = replicas;
  }

  /**
   * An all-in-one state directory from before the shared ring has {@code objects/ring.json}:
   * with no ring in the database yet, it becomes version 1 as it is (its empty salt included, so
   * every object is found where it was written). The file is renamed so it is not mistaken for
   * the ring in use.
   */
  public Future<Void> importLegacyFile(Path file) {
    return vertx.executeBlocking(() -> Files.exists(file) ? Files.readString(file) : null).compose(text -> {
      if (text == null) {
        return Future.succeededFuture();
      }
      Ring legacy = Ring.fromJson(new JsonObject(text)).withVersion(1);
      return db.withTransaction(conn -> lock(conn).compose(v -> newest(conn)).compose(existing -> existing != null
          ? Future.succeededFuture(false)
          : insert(conn, legacy).map(true)))
        .compose(imported -> vertx.executeBlocking(() -> {
          if (imported) {
            LOG.info("ring file {} imported as ring version 1 (salt: {})", file, legacy.salt().isEmpty() ? "none, as before" : "kept");
          }
          Files.move(file, file.resolveSibling(file.getFileName() + ".imported"), StandardCopyOption.REPLACE_EXISTING);
          return null;
        }));
    });
  }

  @Override
  public Future<JsonObject> current() {
    return db.withConnection(RingStore::newest).map(r -> r == null ? new JsonObject() : r.toJson());
  }

  @Override
  public Future<JsonObject> register(JsonArray devices) {
    List<Device> offered = devices.stream().map(o -> Device.fromJson(((JsonObject) o).copy().put("id", 0))).toList();
    return db.withTransaction(conn -> lock(conn).compose(v -> newest(conn)).compose(current -> {
      Ring next = RingRegistration.register(current, offered, partPower, replicas, Ring.newSalt());
      if (next == current) {
        return Future.succeededFuture(current);
      }
      Ring stored = next.withVersion(current == null ? 1 : current.version() + 1);
      return insert(conn, stored).map(stored);
    })).map(ring -> {
      JsonObject json = ring.toJson();
      if (ring.version() > 0) {
        vertx.eventBus().publish(CHANGED, json);
      }
      return json;
    });
  }

  @Override
  public Future<JsonObject> change(JsonObject request) {
    return db.withTransaction(conn -> lock(conn).compose(v -> newest(conn)).compose(current -> {
      if (current == null) {
        throw Errors.conflict("the cloud has no object ring yet: start a storage node first");
      }
      Ring next = RingChanges.apply(current, request).withVersion(current.version() + 1);
      return insert(conn, next).map(new JsonObject().put("ring", next.toJson()).put("moved", current.movedSlots(next)));
    })).onSuccess(answer -> vertx.eventBus().publish(CHANGED, answer.getJsonObject("ring")));
  }

  private static Future<Void> lock(SqlConnection conn) {
    return conn.query("LOCK TABLE rings IN EXCLUSIVE MODE").execute().mapEmpty();
  }

  private static Future<Ring> newest(SqlConnection conn) {
    return conn.query("SELECT ring FROM rings ORDER BY version DESC LIMIT 1").execute()
      .map(rows -> rows.size() == 0 ? null : Ring.fromJson(new JsonObject(rows.iterator().next().getString("ring"))));
  }

  private static Future<Void> insert(SqlConnection conn, Ring ring) {
    LOG.info("object ring version {}: {} devices", ring.version(), ring.devices().size());
    return conn.preparedQuery("INSERT INTO rings (version, ring) VALUES ($1, $2)")
      .execute(Tuple.of(ring.version(), ring.toJson().encode()))
      .compose(v -> conn.preparedQuery("DELETE FROM rings WHERE version <= $1").execute(Tuple.of(ring.version() - KEPT_VERSIONS)))
      .mapEmpty();
  }
}
