package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;
import org.vertstack.common.policy.Target;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.vertstack.compute.ComputeRules.check;

/**
 * os-server-external-events: other services (networking, block storage) tell compute that
 * something happened to a server's port or volume. Each event is answered with its own code: 200
 * taken, 404 no such server, 422 the server is on no host; the request is 200 when all were taken,
 * 207 when some were, 404 (Nova's error) when none. No networking or volume service runs yet, so a taken event
 * changes nothing here (there is no port or volume to refresh); it is logged.
 */
final class ExternalEvents {

  private static final Logger LOG = LoggerFactory.getLogger(ExternalEvents.class);
  private static final Set<String> STATUSES = Set.of("failed", "completed", "in-progress");

  record Result(int status, JsonObject body) {
  }

  private final Pool db;

  ExternalEvents(Pool db) {
    this.db = db;
  }

  private static Set<String> names(Microversion mv) {
    Set<String> names = new LinkedHashSet<>(List.of("network-changed", "network-vif-plugged", "network-vif-unplugged",
      "network-vif-deleted"));
    if (mv.atLeast(2, 51)) {
      names.add("volume-extended");
    }
    if (mv.atLeast(2, 76)) {
      names.add("power-update");
    }
    return names;
  }

  Future<Result> create(AuthContext caller, JsonObject body, Microversion mv) {
    check(caller, "os-server-external-events:create", Target.none());
    if (!(body.getValue("events") instanceof JsonArray events) || events.isEmpty()) {
      throw Errors.badRequest("Invalid input for field/attribute events: a non-empty array of events is required.");
    }
    Set<String> names = names(mv);
    for (Object o : events) {
      if (!(o instanceof JsonObject e)) {
        throw Errors.badRequest("Invalid input for field/attribute events: each event must be an object.");
      }
      for (String key : e.fieldNames()) {
        if (!Set.of("name", "server_uuid", "status", "tag").contains(key)) {
          throw Errors.badRequest("Invalid input for field/attribute events: additional property '" + key + "' is not allowed.");
        }
      }
      if (!(e.getValue("name") instanceof String name) || !names.contains(name)) {
        throw Errors.badRequest("Invalid input for field/attribute name: '" + e.getValue("name") + "' is not one of " + names + ".");
      }
      if (!(e.getValue("server_uuid") instanceof String)) {
        throw Errors.badRequest("Invalid input for field/attribute server_uuid: a string is required.");
      }
      Object status = e.getValue("status");
      if (status != null && !STATUSES.contains(status)) {
        throw Errors.badRequest("Invalid input for field/attribute status: '" + status + "' is not one of " + STATUSES + ".");
      }
      Object tag = e.getValue("tag");
      if (tag != null && (!(tag instanceof String t) || t.length() > 255)) {
        throw Errors.badRequest("Invalid input for field/attribute tag: a string of at most 255 characters is required.");
      }
    }
    String[] ids = events.stream().map(o -> ((JsonObject) o).getString("server_uuid")).distinct().toArray(String[]::new);
    return db.preparedQuery("SELECT id, host FROM instances WHERE id = ANY($1) AND NOT deleted").execute(Tuple.of(ids)).map(rows -> {
      Map<String, String> hosts = new HashMap<>();
      for (Row r : rows) {
        hosts.put(r.getString("id"), r.getString("host") == null ? "" : r.getString("host"));
      }
      JsonArray out = new JsonArray();
      int taken = 0;
      for (Object o : events) {
        JsonObject e = ((JsonObject) o).copy();
        if (!e.containsKey("status")) {
          e.put("status", "completed");
        }
        String host = hosts.get(e.getString("server_uuid"));
        int code = host == null ? 404 : host.isEmpty() ? 422 : 200;
        if (code == 200) {
          taken++;
          LOG.info("external event {} ({}) for server {} on {}: nothing to refresh without a networking or volume service",
            e.getString("name"), e.getString("status"), e.getString("server_uuid"), host);
        }
        out.add(e.put("code", code));
      }
      if (taken == 0) {
        throw Errors.notFound("No instances found for any event.");
      }
      return new Result(taken == events.size() ? 200 : 207, new JsonObject().put("events", out));
    });
  }
}
