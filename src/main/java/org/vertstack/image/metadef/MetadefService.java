package org.vertstack.image.metadef;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.policy.ImagePolicy;
import org.vertstack.common.policy.Policy;
import org.vertstack.common.policy.Target;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Glance's metadata definitions: namespaces (public, or private to their owner project), their
 * resource-type associations, and the objects, properties and tags defined in them. Reading
 * follows visibility (admins see every namespace); writing is for admins, as Glance's default
 * policy has it. A namespace that is invisible to the caller is a 404, never a 403.
 */
public final class MetadefService {

  private static final Policy POLICY = ImagePolicy.RULES;

  static final String EVENT_TYPE = "image.metadef_namespace";
  private static final int DEFAULT_LIMIT = 25;
  private static final int MAX_LIMIT = 1000;
  private static final Set<String> SORT_KEYS = Set.of("namespace", "created_at", "updated_at", "display_name");

  private final Vertx vertx;
  private final Pool pool;

  public MetadefService(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  // ---------------------------------------------------------------- namespaces

  public Future<JsonObject> listNamespaces(AuthContext auth, MultiMap params) {
    POLICY.check(auth, "get_metadef", Target.none());
    int limit = limit(params.get("limit"));
    String sortKey = params.get("sort_key") == null ? "created_at" : params.get("sort_key");
    if (!SORT_KEYS.contains(sortKey)) {
      throw Errors.badRequest("Invalid sort key: " + sortKey + ".");
    }
    String dir = params.get("sort_dir") == null ? "desc" : params.get("sort_dir").toLowerCase();
    if (!dir.equals("asc") && !dir.equals("desc")) {
      throw Errors.badRequest("Invalid sort direction: " + dir + ".");
    }
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE ").append(visibleClause(auth, args));
    String visibility = params.get("visibility");
    if (visibility != null) {
      args.add(MetadefJson.visibility(visibility));
      where.append(" AND n.visibility = $").append(args.size());
    }
    String types = params.get("resource_types");
    if (types != null && !types.isBlank()) {
      args.add(types.split("\\s*,\\s*"));
      where.append(" AND EXISTS (SELECT 1 FROM metadef_associations a WHERE a.namespace = n.namespace AND a.resource_type = ANY($")
        .append(args.size()).append("))");
    }
    String marker = params.get("marker");
    if (marker != null) {
      // rows strictly after the marker in the listing order (the namespace breaks ties)
      args.add(marker);
      int m = args.size();
      String cmp = dir.equals("asc") ? ">" : "<";
      where.append(" AND (n.").append(sortKey).append(", n.namespace) ").append(cmp)
        .append(" (SELECT ").append(sortKey).append(", namespace FROM metadef_namespaces WHERE namespace = $").append(m).append(")");
    }
    args.add(limit);
    String sql = "SELECT n.* FROM metadef_namespaces n" + where + " ORDER BY n." + sortKey + " " + dir + " NULLS LAST, n.namespace "
      + dir + " LIMIT $" + args.size();
    Future<Void> markerKnown = marker == null ? Future.succeededFuture()
      : pool.preparedQuery("SELECT 1 FROM metadef_namespaces WHERE namespace = $1").execute(Tuple.of(marker))
        .compose(rows -> rows.size() == 0
          ? Future.failedFuture(Errors.badRequest("Invalid marker: namespace " + marker + " could not be found."))
          : Future.succeededFuture());
    return markerKnown.compose(v -> pool.preparedQuery(sql).execute(Tuple.from(args)))
      .compose(rows -> withAssociations(pool, rows))
      .map(namespaces -> {
        JsonObject out = new JsonObject().put("namespaces", namespaces)
          .put("first", "/v2/metadefs/namespaces").put("schema", "/v2/schemas/metadefs/namespaces");
        if (limit > 0 && namespaces.size() == limit) {
          out.put("next", "/v2/metadefs/namespaces?marker=" + namespaces.getJsonObject(limit - 1).getString("namespace")
            + "&limit=" + limit + "&sort_key=" + sortKey + "&sort_dir=" + dir);
        }
        return out;
      });
  }

  public Future<JsonObject> createNamespace(AuthContext auth, JsonObject body) {
    POLICY.check(auth.requireProjectScope(), "manage_metadef", Target.none());
    MetadefJson.NamespaceFields f = MetadefJson.namespaceFields(body, auth.projectId());
    List<JsonObject> associations = MetadefJson.list(body, "resource_type_associations");
    List<JsonObject> objects = MetadefJson.list(body, "objects");
    List<JsonObject> tags = MetadefJson.list(body, "tags");
    JsonObject properties = Json.optObject(body, "properties");
    // validate every child before writing anything
    List<MetadefJson.Item> items = new ArrayList<>();
    objects.forEach(o -> items.add(MetadefJson.item(MetadefJson.Kind.OBJECT, o)));
    tags.forEach(t -> items.add(MetadefJson.item(MetadefJson.Kind.TAG, t)));
    if (properties != null) {
      for (String name : properties.fieldNames()) {
        if (!(properties.getValue(name) instanceof JsonObject p)) {
          throw Errors.badRequest("Property '" + name + "' must be an object.");
        }
        items.add(MetadefJson.item(MetadefJson.Kind.PROPERTY, p.copy().put("name", name)));
      }
    }
    associations.forEach(MetadefJson::association);
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO metadef_namespaces "
          + "(namespace, display_name, description, visibility, protected, owner) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(f.namespace(), f.displayName(), f.description(), f.visibility(), f.protectedFlag(), f.owner()))
        .recover(err -> duplicate(err, "Namespace " + f.namespace() + " already exists."))
        .compose(v -> {
          Future<Void> chain = Future.succeededFuture();
          for (JsonObject a : associations) {
            chain = chain.compose(x -> insertAssociation(conn, f.namespace(), a).mapEmpty());
          }
          for (MetadefJson.Item item : items) {
            chain = chain.compose(x -> insertItem(conn, f.namespace(), item).mapEmpty());
          }
          return chain;
        }))
      .compose(v -> namespaceDocument(auth, f.namespace()))
      .onSuccess(ns -> publish(ns, "created"));
  }

  public Future<JsonObject> getNamespace(AuthContext auth, String namespace) {
    POLICY.check(auth, "get_metadef", Target.none());
    return namespaceDocument(auth, namespace);
  }

  public Future<JsonObject> updateNamespace(AuthContext auth, String namespace, JsonObject body) {
    POLICY.check(auth, "manage_metadef", Target.none());
    return visibleNamespace(auth, namespace).compose(current -> {
      MetadefJson.NamespaceFields f = MetadefJson.namespaceFields(body, current.getString("owner"));
      return pool.preparedQuery("UPDATE metadef_namespaces SET namespace = $2, display_name = $3, description = $4, visibility = $5, "
          + "protected = $6, owner = $7, updated_at = date_trunc('second', now()) WHERE namespace = $1 RETURNING *")
        .execute(Tuple.of(namespace, f.namespace(), f.displayName(), f.description(), f.visibility(), f.protectedFlag(), f.owner()))
        .recover(err -> duplicate(err, "Namespace " + f.namespace() + " already exists."))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(namespaceNotFound(namespace))
          : Future.succeededFuture(MetadefJson.namespace(rows.iterator().next())));
    }).onSuccess(ns -> publish(ns, "updated"));
  }

  public Future<Void> deleteNamespace(AuthContext auth, String namespace) {
    POLICY.check(auth, "manage_metadef", Target.none());
    return visibleNamespace(auth, namespace).compose(current -> {
      if (current.getBoolean("protected")) {
        return Future.failedFuture(Errors.forbidden("Namespace " + namespace + " is protected and cannot be deleted."));
      }
      return pool.preparedQuery("DELETE FROM metadef_namespaces WHERE namespace = $1 AND NOT protected").execute(Tuple.of(namespace))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(namespaceNotFound(namespace)) : Future.succeededFuture())
        .onSuccess(v -> publish(MetadefJson.namespace(current), "deleted"))
        .mapEmpty();
    });
  }

  /** The namespace's row if the caller may see it; a 404 otherwise. */
  Future<Row> visibleNamespace(AuthContext auth, String namespace) {
    List<Object> args = new ArrayList<>();
    args.add(namespace);
    String sql = "SELECT n.* FROM metadef_namespaces n WHERE n.namespace = $1 AND " + visibleClause(auth, args);
    return pool.preparedQuery(sql).execute(Tuple.from(args)).compose(rows -> rows.size() == 0
      ? Future.failedFuture(namespaceNotFound(namespace))
      : Future.succeededFuture(rows.iterator().next()));
  }

  /** For changes inside a namespace: admins only, and the namespace must be visible. */
  private Future<Row> writableNamespace(AuthContext auth, String namespace) {
    POLICY.check(auth, "manage_metadef", Target.none());
    return visibleNamespace(auth, namespace);
  }

  private Future<JsonObject> namespaceDocument(AuthContext auth, String namespace) {
    return visibleNamespace(auth, namespace).compose(row -> {
      JsonObject ns = MetadefJson.namespace(row);
      Future<RowSet<Row>> assoc = pool.preparedQuery("SELECT * FROM metadef_associations WHERE namespace = $1 ORDER BY created_at, resource_type")
        .execute(Tuple.of(namespace));
      Future<RowSet<Row>> items = pool.preparedQuery("SELECT * FROM metadef_items WHERE namespace = $1 ORDER BY kind, name")
        .execute(Tuple.of(namespace));
      return Future.all(assoc, items).map(x -> {
        JsonArray associations = new JsonArray();
        assoc.result().forEach(r -> associations.add(MetadefJson.association(r)));
        if (!associations.isEmpty()) {
          ns.put("resource_type_associations", associations);
        }
        JsonObject properties = new JsonObject();
        JsonArray objects = new JsonArray();
        JsonArray tags = new JsonArray();
        for (Row r : items.result()) {
          switch (MetadefJson.Kind.of(r.getString("kind"))) {
            case PROPERTY -> properties.put(r.getString("name"), MetadefJson.propertyBody(r));
            case OBJECT -> objects.add(MetadefJson.render(MetadefJson.Kind.OBJECT, namespace, r));
            case TAG -> tags.add(new JsonObject().put("name", r.getString("name")));
          }
        }
        if (!properties.isEmpty()) {
          ns.put("properties", properties);
        }
        if (!objects.isEmpty()) {
          ns.put("objects", objects);
        }
        if (!tags.isEmpty()) {
          ns.put("tags", tags);
        }
        return ns;
      });
    });
  }

  private static Future<JsonArray> withAssociations(SqlClient db, RowSet<Row> namespaceRows) {
    List<JsonObject> namespaces = new ArrayList<>();
    namespaceRows.forEach(r -> namespaces.add(MetadefJson.namespace(r)));
    if (namespaces.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    String[] names = namespaces.stream().map(n -> n.getString("namespace")).toArray(String[]::new);
    return db.preparedQuery("SELECT * FROM metadef_associations WHERE namespace = ANY($1) ORDER BY created_at, resource_type")
      .execute(Tuple.of(names))
      .map(rows -> {
        JsonArray out = new JsonArray();
        for (JsonObject ns : namespaces) {
          JsonArray assoc = new JsonArray();
          rows.forEach(r -> {
            if (r.getString("namespace").equals(ns.getString("namespace"))) {
              assoc.add(MetadefJson.association(r));
            }
          });
          if (!assoc.isEmpty()) {
            ns.put("resource_type_associations", assoc);
          }
          out.add(ns);
        }
        return out;
      });
  }

  /** SQL that is true for the namespaces (alias n) the caller may see; may add an argument. */
  private static String visibleClause(AuthContext auth, List<Object> args) {
    if (POLICY.allowed(auth, "get_private_metadef_namespaces", Target.none())) {
      return "true";
    }
    args.add(auth.projectId() == null ? "" : auth.projectId());
    return "(n.visibility = 'public' OR n.owner = $" + args.size() + ")";
  }

  // ---------------------------------------------------------------- resource types

  public Future<JsonObject> listResourceTypes(AuthContext auth) {
    POLICY.check(auth, "get_metadef", Target.none());
    return pool.query("SELECT * FROM metadef_resource_types ORDER BY name").execute().map(rows -> {
      JsonArray types = new JsonArray();
      rows.forEach(r -> types.add(new JsonObject().put("name", r.getString("name"))
        .put("created_at", MetadefJson.time(r, "created_at")).put("updated_at", MetadefJson.time(r, "updated_at"))));
      return new JsonObject().put("resource_types", types);
    });
  }

  public Future<JsonObject> listAssociations(AuthContext auth, String namespace) {
    POLICY.check(auth, "get_metadef", Target.none());
    return visibleNamespace(auth, namespace)
      .compose(ns -> pool.preparedQuery("SELECT * FROM metadef_associations WHERE namespace = $1 ORDER BY created_at, resource_type")
        .execute(Tuple.of(namespace)))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(MetadefJson.association(r)));
        return new JsonObject().put("resource_type_associations", out);
      });
  }

  public Future<JsonObject> addAssociation(AuthContext auth, String namespace, JsonObject body) {
    return writableNamespace(auth, namespace)
      .compose(ns -> insertAssociation(pool, namespace, body))
      .onSuccess(a -> publishChange(namespace, "updated"));
  }

  public Future<Void> removeAssociation(AuthContext auth, String namespace, String resourceType) {
    return writableNamespace(auth, namespace)
      .compose(ns -> pool.preparedQuery("DELETE FROM metadef_associations WHERE namespace = $1 AND resource_type = $2")
        .execute(Tuple.of(namespace, resourceType)))
      .compose(rows -> rows.rowCount() == 0
        ? Future.failedFuture(Errors.notFound("Resource type " + resourceType + " is not associated with namespace " + namespace + "."))
        : Future.<Void>succeededFuture())
      .onSuccess(v -> publishChange(namespace, "updated"));
  }

  private static Future<JsonObject> insertAssociation(SqlClient db, String namespace, JsonObject body) {
    MetadefJson.Association a = MetadefJson.association(body);
    return db.preparedQuery("INSERT INTO metadef_associations (namespace, resource_type, prefix, properties_target) "
        + "VALUES ($1, $2, $3, $4) RETURNING *")
      .execute(Tuple.of(namespace, a.name(), a.prefix(), a.propertiesTarget()))
      .recover(err -> {
        if (err instanceof DatabaseException db2 && "23503".equals(db2.getSqlState())) {
          return Future.failedFuture(Errors.notFound("Resource type " + a.name() + " not found."));
        }
        return duplicate(err, "Resource type " + a.name() + " is already associated with namespace " + namespace + ".");
      })
      .map(rows -> MetadefJson.association(rows.iterator().next()));
  }

  // ---------------------------------------------------------------- objects, properties, tags

  public Future<JsonObject> listItems(AuthContext auth, String namespace, MetadefJson.Kind kind) {
    POLICY.check(auth, "get_metadef", Target.none());
    return visibleNamespace(auth, namespace)
      .compose(ns -> pool.preparedQuery("SELECT * FROM metadef_items WHERE namespace = $1 AND kind = $2 ORDER BY created_at, name")
        .execute(Tuple.of(namespace, kind.column)))
      .map(rows -> MetadefJson.list(kind, namespace, rows));
  }

  public Future<JsonObject> getItem(AuthContext auth, String namespace, MetadefJson.Kind kind, String name) {
    POLICY.check(auth, "get_metadef", Target.none());
    return visibleNamespace(auth, namespace).compose(ns -> item(namespace, kind, name))
      .map(r -> MetadefJson.render(kind, namespace, r));
  }

  public Future<JsonObject> createItem(AuthContext auth, String namespace, MetadefJson.Kind kind, JsonObject body) {
    MetadefJson.Item item = MetadefJson.item(kind, body);
    return writableNamespace(auth, namespace)
      .compose(ns -> insertItem(pool, namespace, item))
      .map(r -> MetadefJson.render(kind, namespace, r))
      .onSuccess(x -> publishChange(namespace, "updated"));
  }

  public Future<JsonObject> updateItem(AuthContext auth, String namespace, MetadefJson.Kind kind, String name, JsonObject body) {
    MetadefJson.Item item = MetadefJson.item(kind, body);
    return writableNamespace(auth, namespace)
      .compose(ns -> pool.preparedQuery("UPDATE metadef_items SET name = $4, body = $5, updated_at = date_trunc('second', now()) "
          + "WHERE namespace = $1 AND kind = $2 AND name = $3 RETURNING *")
        .execute(Tuple.of(namespace, kind.column, name, item.name(), item.body()))
        .recover(err -> duplicate(err, kind.title + " " + item.name() + " already exists in namespace " + namespace + ".")))
      .compose(rows -> rows.size() == 0 ? Future.failedFuture(itemNotFound(namespace, kind, name))
        : Future.succeededFuture(MetadefJson.render(kind, namespace, rows.iterator().next())))
      .onSuccess(x -> publishChange(namespace, "updated"));
  }

  public Future<Void> deleteItem(AuthContext auth, String namespace, MetadefJson.Kind kind, String name) {
    return writableNamespace(auth, namespace).compose(ns -> {
      if (ns.getBoolean("protected")) {
        return Future.failedFuture(Errors.forbidden("Namespace " + namespace + " is protected: its " + kind.plural
          + " cannot be deleted."));
      }
      return pool.preparedQuery("DELETE FROM metadef_items WHERE namespace = $1 AND kind = $2 AND name = $3")
        .execute(Tuple.of(namespace, kind.column, name))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(itemNotFound(namespace, kind, name))
          : Future.<Void>succeededFuture());
    }).onSuccess(v -> publishChange(namespace, "updated"));
  }

  /** Deletes every item of a kind in the namespace (DELETE .../objects, .../properties, .../tags). */
  public Future<Void> deleteAllItems(AuthContext auth, String namespace, MetadefJson.Kind kind) {
    return writableNamespace(auth, namespace).compose(ns -> {
      if (ns.getBoolean("protected")) {
        return Future.failedFuture(Errors.forbidden("Namespace " + namespace + " is protected: its " + kind.plural
          + " cannot be deleted."));
      }
      return pool.preparedQuery("DELETE FROM metadef_items WHERE namespace = $1 AND kind = $2")
        .execute(Tuple.of(namespace, kind.column)).<Void>mapEmpty();
    }).onSuccess(v -> publishChange(namespace, "updated"));
  }

  /**
   * POST .../tags: creates the given tags in one go, replacing the namespace's tags unless
   * {@code append}; a name given twice, or (when appending) already there, is a 409.
   */
  public Future<JsonObject> createTags(AuthContext auth, String namespace, JsonObject body, boolean append) {
    List<JsonObject> given = MetadefJson.list(body, "tags");
    List<MetadefJson.Item> tags = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (JsonObject t : given) {
      MetadefJson.Item item = MetadefJson.item(MetadefJson.Kind.TAG, t);
      if (!seen.add(item.name())) {
        throw Errors.conflict("Duplicate tag " + item.name() + " in the request.");
      }
      tags.add(item);
    }
    return writableNamespace(auth, namespace)
      .compose(ns -> pool.withTransaction(conn -> {
        Future<Void> chain = append ? Future.succeededFuture()
          : conn.preparedQuery("DELETE FROM metadef_items WHERE namespace = $1 AND kind = 'tag'").execute(Tuple.of(namespace)).mapEmpty();
        List<Row> created = new ArrayList<>();
        for (MetadefJson.Item t : tags) {
          chain = chain.compose(x -> insertItem(conn, namespace, t).map(r -> {
            created.add(r);
            return null;
          }));
        }
        return chain.map(x -> created);
      }))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(new JsonObject().put("name", r.getString("name"))));
        return new JsonObject().put("tags", out);
      })
      .onSuccess(x -> publishChange(namespace, "updated"));
  }

  private Future<Row> item(String namespace, MetadefJson.Kind kind, String name) {
    return pool.preparedQuery("SELECT * FROM metadef_items WHERE namespace = $1 AND kind = $2 AND name = $3")
      .execute(Tuple.of(namespace, kind.column, name))
      .compose(rows -> rows.size() == 0 ? Future.failedFuture(itemNotFound(namespace, kind, name))
        : Future.succeededFuture(rows.iterator().next()));
  }

  private static Future<Row> insertItem(SqlClient db, String namespace, MetadefJson.Item item) {
    return db.preparedQuery("INSERT INTO metadef_items (namespace, kind, name, body) VALUES ($1, $2, $3, $4) RETURNING *")
      .execute(Tuple.of(namespace, item.kind().column, item.name(), item.body()))
      .recover(err -> duplicate(err, item.kind().title + " " + item.name() + " already exists in namespace " + namespace + "."))
      .map(rows -> rows.iterator().next());
  }

  // ---------------------------------------------------------------- helpers

  private static <T> Future<T> duplicate(Throwable err, String message) {
    if (err instanceof DatabaseException db && "23505".equals(db.getSqlState())) {
      return Future.failedFuture(Errors.conflict(message));
    }
    return Future.failedFuture(err);
  }

  private static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(raw.trim());
      if (n < 0) {
        throw Errors.badRequest("limit must be a non-negative integer.");
      }
      return Math.min(n, MAX_LIMIT);
    } catch (NumberFormatException e) {
      throw Errors.badRequest("limit must be an integer.");
    }
  }

  private static RuntimeException namespaceNotFound(String namespace) {
    return Errors.notFound("Metadata definition namespace=" + namespace + " was not found.");
  }

  private static RuntimeException itemNotFound(String namespace, MetadefJson.Kind kind, String name) {
    return Errors.notFound("Metadata definition " + kind.column + " " + name + " was not found in namespace " + namespace + ".");
  }

  private void publish(JsonObject namespace, String action) {
    ResourceEvents.publish(vertx, namespace.getString("owner"), EVENT_TYPE, namespace.getString("namespace"), action, namespace);
  }

  /** A change inside a namespace is an update of the namespace (its owner is looked up afresh). */
  private void publishChange(String namespace, String action) {
    pool.preparedQuery("SELECT * FROM metadef_namespaces WHERE namespace = $1").execute(Tuple.of(namespace))
      .onSuccess(rows -> rows.forEach(r -> publish(MetadefJson.namespace(r), action)));
  }
}
