package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.http.Errors;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One Keystone collection mapped to one table: rendering rows as the API shows them, list
 * filters (exact and Keystone's name__contains family), insert, partial update and delete.
 * Column names only ever come from the specification here, values are always bound parameters.
 */
final class Table {

  enum Type { TEXT, BOOL, LONG, JSON, TIME }

  record Column(String json, String sql, Type type, boolean filter, boolean updatable) {
  }

  static Column text(String name, boolean filter, boolean updatable) {
    return new Column(name, name, Type.TEXT, filter, updatable);
  }

  static Column bool(String name, boolean filter, boolean updatable) {
    return new Column(name, name, Type.BOOL, filter, updatable);
  }

  static Column json(String name, boolean updatable) {
    return new Column(name, name, Type.JSON, false, updatable);
  }

  static Column number(String name, boolean filter, boolean updatable) {
    return new Column(name, name, Type.LONG, filter, updatable);
  }

  static final DateTimeFormatter KEYSTONE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  final String table;
  final String collection;
  final String member;
  final Map<String, Column> columns = new LinkedHashMap<>();
  private final String selectList;

  Table(String table, String collection, String member, Column... columns) {
    this.table = table;
    this.collection = collection;
    this.member = member;
    this.columns.put("id", text("id", true, false));
    for (Column c : columns) {
      this.columns.put(c.json(), c);
    }
    this.selectList = this.columns.values().stream().map(Column::sql).collect(Collectors.joining(", "));
  }

  String select() {
    return "SELECT " + selectList + " FROM " + table;
  }

  JsonObject render(Row row, String baseUrl) {
    JsonObject out = new JsonObject();
    for (Column c : columns.values()) {
      out.put(c.json(), value(row, c));
    }
    out.put("links", new JsonObject().put("self", baseUrl + "/v3/" + collection + "/" + row.getString("id")));
    return out;
  }

  private static Object value(Row row, Column c) {
    return switch (c.type()) {
      case TEXT -> row.getString(c.sql());
      case BOOL -> row.getBoolean(c.sql());
      case LONG -> row.getLong(c.sql());
      case JSON -> row.getValue(c.sql());
      case TIME -> {
        OffsetDateTime t = row.getOffsetDateTime(c.sql());
        yield t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(KEYSTONE_TIME);
      }
    };
  }

  Future<JsonObject> get(SqlClient db, String id, String baseUrl) {
    return db.preparedQuery(select() + " WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw Errors.notFound("Could not find " + member + ": " + id + ".");
      }
      return render(rows.iterator().next(), baseUrl);
    });
  }

  /** Optional lookup: null when absent. */
  Future<JsonObject> find(SqlClient db, String id, String baseUrl) {
    return db.preparedQuery(select() + " WHERE id = $1").execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? null : render(rows.iterator().next(), baseUrl));
  }

  /**
   * Lists rows matching the query parameters that name filterable columns; extra SQL conditions
   * (already parameterised from $1) may be given by the caller for scoping.
   */
  Future<JsonArray> list(SqlClient db, JsonObject query, String baseUrl, List<String> extraWhere, List<Object> extraArgs) {
    List<String> where = new ArrayList<>(extraWhere);
    List<Object> args = new ArrayList<>(extraArgs);
    for (String key : query.fieldNames()) {
      String raw = query.getString(key);
      String field = key;
      String op = "eq";
      int sep = key.indexOf("__");
      if (sep > 0) {
        field = key.substring(0, sep);
        op = key.substring(sep + 2);
      }
      Column c = columns.get(field);
      if (c == null || !c.filter()) {
        continue;
      }
      args.add(op.equals("eq") ? coerce(c, raw) : likePattern(op, raw));
      String p = "$" + args.size();
      where.add(switch (op) {
        case "eq" -> c.sql() + " = " + p;
        case "contains", "startswith", "endswith" -> c.sql() + " LIKE " + p;
        case "icontains", "istartswith", "iendswith" -> c.sql() + " ILIKE " + p;
        default -> throw Errors.badRequest("Unsupported filter operator: " + op);
      });
    }
    String sql = select() + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY " + orderBy();
    return db.preparedQuery(sql).execute(Tuple.from(args)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(render(r, baseUrl)));
      return out;
    });
  }

  private String orderBy() {
    return columns.containsKey("name") ? "lower(name), id" : "id";
  }

  private static String likePattern(String op, String raw) {
    String escaped = raw.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return switch (op) {
      case "startswith", "istartswith" -> escaped + "%";
      case "endswith", "iendswith" -> "%" + escaped;
      default -> "%" + escaped + "%";
    };
  }

  static Object coerce(Column c, String raw) {
    return switch (c.type()) {
      case BOOL -> {
        Boolean b = org.vertstack.common.http.Json.queryBoolean(raw);
        yield b;
      }
      case LONG -> {
        try {
          yield Long.parseLong(raw);
        } catch (NumberFormatException e) {
          throw Errors.badRequest("'" + c.json() + "' must be an integer.");
        }
      }
      default -> raw;
    };
  }

  Future<JsonObject> insert(SqlClient db, Map<String, Object> values, String baseUrl) {
    List<String> names = new ArrayList<>(values.keySet());
    String cols = String.join(", ", names);
    String params = java.util.stream.IntStream.rangeClosed(1, names.size()).mapToObj(i -> "$" + i).collect(Collectors.joining(", "));
    String sql = "INSERT INTO " + table + " (" + cols + ") VALUES (" + params + ") RETURNING " + selectList;
    return db.preparedQuery(sql).execute(Tuple.from(new ArrayList<>(values.values())))
      .recover(this::translate)
      .map(rows -> render(rows.iterator().next(), baseUrl));
  }

  Future<JsonObject> update(SqlClient db, String id, Map<String, Object> values, String baseUrl) {
    if (values.isEmpty()) {
      return get(db, id, baseUrl);
    }
    List<Object> args = new ArrayList<>(values.values());
    List<String> sets = new ArrayList<>();
    int i = 1;
    for (String name : values.keySet()) {
      sets.add(name + " = $" + i++);
    }
    args.add(id);
    String sql = "UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE id = $" + i + " RETURNING " + selectList;
    return db.preparedQuery(sql).execute(Tuple.from(args))
      .recover(this::translate)
      .map(rows -> {
        if (rows.size() == 0) {
          throw Errors.notFound("Could not find " + member + ": " + id + ".");
        }
        return render(rows.iterator().next(), baseUrl);
      });
  }

  Future<Void> delete(SqlClient db, String id) {
    return db.preparedQuery("DELETE FROM " + table + " WHERE id = $1").execute(Tuple.of(id))
      .recover(this::translate)
      .map(rows -> {
        if (rows.rowCount() == 0) {
          throw Errors.notFound("Could not find " + member + ": " + id + ".");
        }
        return null;
      });
  }

  /** Constraint violations become the 4xx Keystone gives for them. */
  <T> Future<T> translate(Throwable err) {
    if (err instanceof PgException pg) {
      String state = pg.getSqlState();
      if ("23505".equals(state)) {
        return Future.failedFuture(Errors.conflict("Conflict occurred attempting to store " + member + " - Duplicate entry."));
      }
      if ("23503".equals(state)) {
        return Future.failedFuture(pg.getMessage() != null && pg.getMessage().contains("is still referenced")
          ? Errors.conflict("Cannot delete " + member + ": it is still in use.")
          : Errors.badRequest("A referenced resource of this " + member + " does not exist."));
      }
      if ("23514".equals(state) || "22001".equals(state) || "22P02".equals(state)) {
        return Future.failedFuture(Errors.badRequest("Invalid value for " + member + "."));
      }
    }
    return Future.failedFuture(err);
  }

  /** Reads the updatable fields present in a request body, checking their types. */
  Map<String, Object> updatableValues(JsonObject body) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Column c : columns.values()) {
      if (c.updatable() && body.containsKey(c.json())) {
        values.put(c.sql(), checked(c, body.getValue(c.json())));
      }
    }
    return values;
  }

  static Object checked(Column c, Object v) {
    if (v == null) {
      return null;
    }
    boolean ok = switch (c.type()) {
      case TEXT -> v instanceof String s && s.length() <= 255 || (v instanceof String && c.json().equals("description"));
      case BOOL -> v instanceof Boolean;
      case LONG -> v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
      case JSON -> v instanceof JsonArray || v instanceof JsonObject;
      case TIME -> v instanceof String;
    };
    if (!ok) {
      throw Errors.badRequest("Invalid input for field '" + c.json() + "': expected " + c.type().name().toLowerCase() + ".");
    }
    if (c.type() == Type.LONG) {
      return ((Number) v).longValue();
    }
    if (c.type() == Type.TEXT && ((String) v).length() > 65535) {
      throw Errors.badRequest("Field '" + c.json() + "' is too long.");
    }
    return v;
  }

}
