package org.vertstack.image;

import io.vertx.core.MultiMap;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /v2/images as SQL: Glance's visibility rules, filters, sorting and keyset pagination
 * (the marker's sort values bound the next page, so deep pages cost the same as the first).
 */
final class ImageQuery {

  static final int DEFAULT_LIMIT = 25;
  static final int MAX_LIMIT = 1000;

  /** Sort keys and the non-null SQL expression each sorts by (so keyset comparisons work with NULLs). */
  private static final Map<String, String> SORT_KEYS;

  static {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("name", "coalesce(name, '')");
    keys.put("status", "status");
    keys.put("container_format", "coalesce(container_format, '')");
    keys.put("disk_format", "coalesce(disk_format, '')");
    keys.put("size", "coalesce(size, -1)");
    keys.put("virtual_size", "coalesce(virtual_size, -1)");
    keys.put("id", "id");
    keys.put("created_at", "created_at");
    keys.put("updated_at", "updated_at");
    keys.put("visibility", "visibility");
    keys.put("owner", "coalesce(owner, '')");
    keys.put("min_disk", "min_disk");
    keys.put("min_ram", "min_ram");
    SORT_KEYS = java.util.Collections.unmodifiableMap(keys);
  }

  /** The keys a list may be sorted by (Glance's own list). */
  static Set<String> sortKeys() {
    return SORT_KEYS.keySet();
  }

  private static final Set<String> KNOWN = Set.of("limit", "marker", "sort_key", "sort_dir", "sort", "name", "status",
    "visibility", "owner", "tag", "member_status", "size_min", "size_max", "created_at", "updated_at", "os_hidden",
    "disk_format", "container_format", "protected", "id", "size", "checksum", "os_hash_value");

  private final AuthContext auth;
  private final MultiMap params;
  final int limit;
  final String marker;
  private final List<String> sortKeys = new ArrayList<>();
  private final List<Boolean> ascending = new ArrayList<>();

  private ImageQuery(AuthContext auth, MultiMap params) {
    this.auth = auth;
    this.params = params;
    this.limit = limit(params.get("limit"));
    String m = params.get("marker");
    this.marker = m == null || m.isEmpty() ? null : m;
    parseSort();
  }

  static ImageQuery parse(AuthContext auth, MultiMap params) {
    return new ImageQuery(auth, params);
  }

  private static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(raw.trim());
      if (n < 0) {
        throw Errors.badRequest("limit param must be positive");
      }
      return Math.min(n, MAX_LIMIT);
    } catch (NumberFormatException e) {
      throw Errors.badRequest("limit param must be an integer");
    }
  }

  private void parseSort() {
    List<String> keys = params.getAll("sort_key");
    List<String> dirs = params.getAll("sort_dir");
    String sort = params.get("sort");
    if (sort != null && (!keys.isEmpty() || !dirs.isEmpty())) {
      throw Errors.badRequest("The 'sort' parameter cannot be combined with 'sort_key' or 'sort_dir'.");
    }
    if (sort != null) {
      for (String part : sort.split(",")) {
        String[] kd = part.trim().split(":");
        addSort(kd[0].trim(), kd.length > 1 ? kd[1].trim() : "desc");
      }
    } else {
      for (String k : keys) {
        for (String one : k.split(",")) {
          addSort(one.trim(), null);
        }
      }
      if (dirs.size() > 1 && dirs.size() != sortKeys.size()) {
        throw Errors.badRequest("Number of sort dirs does not match the number of sort keys");
      }
      for (int i = 0; i < sortKeys.size(); i++) {
        String dir = dirs.isEmpty() ? "desc" : dirs.size() == 1 ? dirs.get(0) : dirs.get(i);
        ascending.set(i, direction(dir));
      }
    }
    if (sortKeys.isEmpty()) {
      addSort("created_at", "desc");
    }
    if (!sortKeys.contains("id")) {
      // id is the tie-breaker that makes the order total, so pages never repeat or skip
      sortKeys.add("id");
      ascending.add(ascending.get(ascending.size() - 1));
    }
  }

  private void addSort(String key, String dir) {
    if (!SORT_KEYS.containsKey(key)) {
      throw Errors.badRequest("Invalid sort key: " + key + ". It should be one of: " + String.join(", ", SORT_KEYS.keySet()));
    }
    if (sortKeys.contains(key)) {
      throw Errors.badRequest("Sort key " + key + " given twice.");
    }
    sortKeys.add(key);
    ascending.add(dir == null || direction(dir));
  }

  private static boolean direction(String dir) {
    return switch (dir.toLowerCase()) {
      case "asc" -> true;
      case "desc" -> false;
      default -> throw Errors.badRequest("Invalid sort direction: " + dir + ". It should be asc or desc.");
    };
  }

  String sortColumns() {
    return String.join(", ", sortKeys.stream().map(SORT_KEYS::get).toList());
  }

  record Sql(String text, Tuple args) {
  }

  /** The page's SELECT; {@code markerRow} holds the marker's sort values in {@link #sortColumns()} order. */
  Sql select(Row markerRow) {
    Tuple args = Tuple.tuple();
    List<String> where = new ArrayList<>();
    String project = auth.projectId();
    boolean admin = ImageService.POLICY.allowed(auth, "get_images_all_projects", org.vertstack.common.policy.Target.none());
    String memberStatus = memberStatus();
    // clauses are built only where used: every placeholder must appear in the SQL
    java.util.function.Supplier<String> member = () -> memberStatus.equals("all")
      ? "EXISTS (SELECT 1 FROM members m WHERE m.image_id = images.id AND m.member = " + arg(args, project) + ")"
      : "EXISTS (SELECT 1 FROM members m WHERE m.image_id = images.id AND m.member = " + arg(args, project)
        + " AND m.status = " + arg(args, memberStatus) + ")";
    java.util.function.Supplier<String> own = () -> "owner = " + arg(args, project);
    String visibility = params.get("visibility");
    if (visibility == null) {
      if (!admin) {
        where.add("(" + own.get() + " OR visibility = 'public' OR (visibility = 'shared' AND " + member.get() + "))");
      }
    } else {
      switch (visibility) {
        case "public", "community" -> where.add("visibility = " + arg(args, visibility));
        case "private" -> where.add("visibility = 'private'" + (admin ? "" : " AND " + own.get()));
        case "shared" -> where.add("visibility = 'shared'"
          + (admin && params.get("member_status") == null ? "" : " AND (" + own.get() + " OR " + member.get() + ")"));
        case "all" -> {
          if (!admin) {
            where.add("(" + own.get() + " OR visibility IN ('public', 'community') OR (visibility = 'shared' AND " + member.get() + "))");
          }
        }
        default -> throw Errors.badRequest("Invalid visibility value: " + visibility);
      }
    }
    String hidden = params.get("os_hidden");
    where.add("os_hidden = " + arg(args, hidden != null && bool("os_hidden", hidden)));
    String name = params.get("name");
    if (name != null) {
      inOrEquals(where, args, "name", name);
    }
    for (String col : List.of("status", "disk_format", "container_format", "owner", "id", "checksum", "os_hash_value")) {
      String v = params.get(col);
      if (v != null) {
        inOrEquals(where, args, col, v);
      }
    }
    String prot = params.get("protected");
    if (prot != null) {
      where.add("protected = " + arg(args, bool("protected", prot)));
    }
    List<String> tags = params.getAll("tag");
    if (!tags.isEmpty()) {
      where.add("tags @> " + arg(args, tags.toArray(new String[0])) + "::text[]");
    }
    String size = params.get("size");
    if (size != null) {
      where.add("size = " + arg(args, number("size", size)));
    }
    String sizeMin = params.get("size_min");
    if (sizeMin != null) {
      where.add("size >= " + arg(args, number("size_min", sizeMin)));
    }
    String sizeMax = params.get("size_max");
    if (sizeMax != null) {
      where.add("size <= " + arg(args, number("size_max", sizeMax)));
    }
    for (String col : List.of("created_at", "updated_at")) {
      for (String v : params.getAll(col)) {
        where.add(timeFilter(args, col, v));
      }
    }
    for (String key : params.names()) {
      if (!KNOWN.contains(key)) {
        // free-form property filter, e.g. ?os_distro=debian
        where.add("properties ->> " + arg(args, key) + " = " + arg(args, params.get(key)));
      }
    }
    if (markerRow != null) {
      where.add(keyset(args, markerRow));
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(ImageJson.COLUMNS).append(" FROM images");
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY ");
    for (int i = 0; i < sortKeys.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(SORT_KEYS.get(sortKeys.get(i))).append(ascending.get(i) ? " ASC" : " DESC");
    }
    sql.append(" LIMIT ").append(limit);
    return new Sql(sql.toString(), args);
  }

  /** (k1, k2, ...) strictly after the marker in the page order, one direction per key. */
  private String keyset(Tuple args, Row m) {
    List<String> alternatives = new ArrayList<>();
    for (int i = 0; i < sortKeys.size(); i++) {
      StringBuilder and = new StringBuilder("(");
      for (int j = 0; j < i; j++) {
        and.append(SORT_KEYS.get(sortKeys.get(j))).append(" = ").append(arg(args, m.getValue(j))).append(" AND ");
      }
      and.append(SORT_KEYS.get(sortKeys.get(i))).append(ascending.get(i) ? " > " : " < ").append(arg(args, m.getValue(i))).append(")");
      alternatives.add(and.toString());
    }
    return "(" + String.join(" OR ", alternatives) + ")";
  }

  private String memberStatus() {
    String s = params.get("member_status");
    if (s == null) {
      return "accepted";
    }
    if (!Set.of("accepted", "pending", "rejected", "all").contains(s)) {
      throw Errors.badRequest("Invalid status value: " + s);
    }
    return s;
  }

  private static void inOrEquals(List<String> where, Tuple args, String col, String value) {
    if (value.startsWith("in:")) {
      List<String> values = new ArrayList<>();
      for (String v : value.substring(3).split(",")) {
        String t = v.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
          t = t.substring(1, t.length() - 1);
        }
        values.add(t);
      }
      where.add(col + " = ANY(" + arg(args, values.toArray(new String[0])) + "::text[])");
    } else {
      where.add(col + " = " + arg(args, value));
    }
  }

  private static String timeFilter(Tuple args, String col, String value) {
    int colon = value.indexOf(':');
    String op = colon > 0 ? value.substring(0, colon) : "eq";
    String when = colon > 0 && Set.of("gt", "gte", "lt", "lte", "eq", "neq").contains(op) ? value.substring(colon + 1) : value;
    if (when.equals(value)) {
      op = "eq";
    }
    OffsetDateTime t;
    try {
      t = OffsetDateTime.parse(when.endsWith("Z") || when.matches(".*[+-]\\d\\d:\\d\\d$") ? when : when + "Z");
    } catch (DateTimeParseException e) {
      throw Errors.badRequest("Unable to filter on " + col + ": '" + when + "' is not an ISO 8601 date-time.");
    }
    String sqlOp = switch (op) {
      case "gt" -> ">";
      case "gte" -> ">=";
      case "lt" -> "<";
      case "lte" -> "<=";
      case "neq" -> "<>";
      default -> "=";
    };
    return col + " " + sqlOp + " " + arg(args, t);
  }

  private static long number(String key, String raw) {
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid value for " + key + ": " + raw);
    }
  }

  private static boolean bool(String key, String raw) {
    return switch (raw.toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw Errors.badRequest("Invalid value for " + key + ": " + raw);
    };
  }

  private static String arg(Tuple args, Object value) {
    args.addValue(value);
    return "$" + args.size();
  }

  /** /v2/images with this query's parameters, the marker replaced (null: the first page). */
  String link(String newMarker) {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> e : params.entries()) {
      if (e.getKey().equals("marker")) {
        continue;
      }
      q.append(q.length() == 0 ? "?" : "&").append(enc(e.getKey())).append('=').append(enc(e.getValue()));
    }
    if (newMarker != null) {
      q.append(q.length() == 0 ? "?" : "&").append("marker=").append(enc(newMarker));
      if (params.get("limit") == null) {
        q.append("&limit=").append(limit);
      }
    }
    return "/v2/images" + q;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
