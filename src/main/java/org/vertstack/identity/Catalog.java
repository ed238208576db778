package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.module.ServiceModule.CatalogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The service catalog. Services that VertStack itself runs are "managed": at every start their
 * endpoints are set to the current public URL, and managed services no longer running are
 * removed, so the catalog lists exactly the services that run. Services an operator adds by
 * hand are left alone.
 */
final class Catalog {

  private final Pool db;

  Catalog(Pool db) {
    this.db = db;
  }

  Future<Void> sync(List<CatalogEntry> running, String publicUrl, String region) {
    return db.withTransaction(tx -> {
      Future<?> chain = tx.preparedQuery("DELETE FROM services WHERE managed AND NOT (type = ANY($1))")
        .execute(Tuple.of(running.stream().map(CatalogEntry::type).toArray(String[]::new)));
      for (CatalogEntry entry : running) {
        chain = chain.compose(v -> tx.preparedQuery("SELECT id FROM services WHERE managed AND type = $1").execute(Tuple.of(entry.type()))
          .compose(rows -> {
            String id = rows.size() > 0 ? rows.iterator().next().getString("id") : newId();
            Future<?> upsert = rows.size() > 0
              ? tx.preparedQuery("UPDATE services SET name = $2, enabled = true WHERE id = $1").execute(Tuple.of(id, entry.name()))
              : tx.preparedQuery("INSERT INTO services (id, type, name, description, managed) VALUES ($1, $2, $3, $4, true)")
                .execute(Tuple.of(id, entry.type(), entry.name(), "VertStack " + entry.type() + " service"));
            return upsert
              .compose(x -> tx.preparedQuery("DELETE FROM endpoints WHERE service_id = $1").execute(Tuple.of(id)))
              .compose(x -> {
                List<Tuple> endpoints = new ArrayList<>();
                for (String iface : List.of("public", "internal", "admin")) {
                  endpoints.add(Tuple.of(newId(), id, iface, region, publicUrl + entry.path()));
                }
                return tx.preparedQuery("INSERT INTO endpoints (id, service_id, interface, region_id, url) VALUES ($1, $2, $3, $4, $5)")
                  .executeBatch(endpoints);
              });
          }));
      }
      return chain.mapEmpty();
    });
  }

  /** Raw catalog: enabled services with their enabled endpoints. */
  Future<JsonArray> load() {
    return db.query("""
        SELECT s.id AS service_id, s.type, s.name, e.id, e.interface, e.region_id, e.url
        FROM services s LEFT JOIN endpoints e ON e.service_id = s.id AND e.enabled
        WHERE s.enabled ORDER BY s.type, s.id, e.interface
        """).execute().map(rows -> {
      JsonArray out = new JsonArray();
      JsonObject current = null;
      for (var r : rows) {
        if (current == null || !current.getString("id").equals(r.getString("service_id"))) {
          current = new JsonObject().put("id", r.getString("service_id")).put("type", r.getString("type"))
            .put("name", r.getString("name")).put("endpoints", new JsonArray());
          out.add(current);
        }
        if (r.getString("id") != null) {
          current.getJsonArray("endpoints").add(new JsonObject().put("id", r.getString("id"))
            .put("interface", r.getString("interface")).put("region_id", r.getString("region_id"))
            .put("region", r.getString("region_id")).put("url", r.getString("url")));
        }
      }
      return out;
    });
  }

  /** The catalog as a token shows it: $(project_id)s and %(project_id)s filled in. */
  static JsonArray render(JsonArray raw, String projectId) {
    JsonArray out = new JsonArray();
    for (Object o : raw) {
      JsonObject service = ((JsonObject) o).copy();
      JsonArray endpoints = new JsonArray();
      boolean needsProject = false;
      for (Object e : service.getJsonArray("endpoints")) {
        JsonObject endpoint = (JsonObject) e;
        String url = endpoint.getString("url");
        if (url.contains("(project_id)s")) {
          needsProject = true;
          if (projectId == null) {
            continue;
          }
          url = url.replace("$(project_id)s", projectId).replace("%(project_id)s", projectId);
        }
        endpoints.add(endpoint.copy().put("url", url));
      }
      if (!needsProject || projectId != null) {
        out.add(service.put("endpoints", endpoints));
      }
    }
    return out;
  }

  static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** The ids bootstrap gives its fixed rows: md5 of a label, computed the way PostgreSQL does. */
  static String md5Id(String label) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("MD5").digest(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
