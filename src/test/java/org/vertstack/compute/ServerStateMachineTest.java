package org.vertstack.compute;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vertstack.testing.TestCloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every server action in every state, against the status Nova answers (nova/compute/api.py's
 * check_instance_state and check_instance_lock, nova/api/openstack/compute/server_tags.py). The
 * table is written from Nova's rules, not from this code. A cell whose answer changes nothing
 * (409, 400, a read) is tried on one server per state; a cell that starts an operation gets a
 * fresh server in that state, and the operation must then settle without ERROR.
 */
class ServerStateMachineTest extends SharedCloudComputeTest {

  /** Nova's answers; LOCKED is an ACTIVE server its owner locked, acted on by the owner. */
  private static final String TABLE = """
    action           ACTIVE SHUTOFF PAUSED SUSPENDED VERIFY_RESIZE SHELVED_OFFLOADED ERROR LOCKED
    os-start         409    202     409    409       409           409               409   409
    os-stop          202    409     409    409       409           409               202   409
    reboot-soft      202    409     409    409       409           409               409   409
    reboot-hard      202    202     202    202       409           409               202   409
    pause            202    409     409    409       409           409               409   409
    unpause          409    409     202    409       409           409               409   409
    suspend          202    409     409    409       409           409               409   409
    resume           409    409     409    202       409           409               409   409
    createImage      202    202     202    202       409           409               409   202
    rebuild          202    202     409    409       409           409               202   409
    resize           202    202     409    409       409           409               409   409
    confirmResize    409    409     409    409       204           409               409   409
    revertResize     409    409     409    409       202           409               409   409
    shelve           202    202     202    202       409           409               409   409
    shelveOffload    409    409     409    409       409           409               409   409
    unshelve         409    409     409    409       409           202               409   409
    restore          409    409     409    409       409           409               409   409
    lock             202    202     202    202       202           202               202   202
    console          200    200     200    200       200           409               200   200
    metadata         200    200     200    200       409           409               409   409
    tag              201    201     201    201       409           201               409   201
    resize-no-flavor 400    400     400    400       400           400               400   400
    bogus-action     400    400     400    400       400           400               400   400
    """;

  static String token;

  @BeforeAll
  static void setUp() throws Exception {
    JsonObject user = f.cloud.projectWithUser("member").await();
    token = user.getString("token");
    var raised = f.call(admin, HttpMethod.PUT, "/os-quota-sets/" + user.getString("project_id"), new JsonObject().put("quota_set",
      new JsonObject().put("instances", 100).put("cores", 200).put("ram", 100_000)));
    assertThat(raised.statusCode()).as(raised.bodyAsString()).isEqualTo(200);
  }

  /** The request each row of the table makes: {method, path suffix, body}. */
  private static Object[] request(String action) {
    JsonObject body = switch (action) {
      case "reboot-soft" -> new JsonObject().put("reboot", new JsonObject().put("type", "SOFT"));
      case "reboot-hard" -> new JsonObject().put("reboot", new JsonObject().put("type", "HARD"));
      case "createImage" -> new JsonObject().put("createImage", new JsonObject().put("name", TestCloud.unique("sm")));
      case "rebuild" -> new JsonObject().put("rebuild", new JsonObject().put("imageRef", image));
      case "resize" -> new JsonObject().put("resize", new JsonObject().put("flavorRef", "1"));
      case "resize-no-flavor" -> new JsonObject().put("resize", new JsonObject());
      case "console" -> new JsonObject().put("os-getConsoleOutput", new JsonObject().put("length", 5));
      case "bogus-action" -> new JsonObject().putNull("teleport");
      case "metadata", "tag" -> null;
      default -> new JsonObject().putNull(action);
    };
    return switch (action) {
      case "metadata" -> new Object[] {HttpMethod.POST, "/metadata", new JsonObject().put("metadata", new JsonObject().put("k", "v"))};
      case "tag" -> new Object[] {HttpMethod.PUT, "/tags/sm", null};
      default -> new Object[] {HttpMethod.POST, "/action", body};
    };
  }

  private static int send(String id, String action) {
    Object[] req = request(action);
    var r = f.call(token, (HttpMethod) req[0], "/servers/" + id + req[1], (JsonObject) req[2]);
    if (r.statusCode() == 409) {
      assertThat(r.bodyAsJsonObject().getJsonObject("conflictingRequest").getString("message")).as(action).isNotBlank();
    }
    return r.statusCode();
  }

  private static void act(String id, String as, JsonObject body) {
    var r = f.call(as, HttpMethod.POST, "/servers/" + id + "/action", body);
    assertThat(r.statusCode()).as(body.encode() + ": " + r.bodyAsString()).isBetween(202, 204);
  }

  /** A fresh server in the named state. */
  private static String serverIn(String state) throws InterruptedException {
    String id = f.boot(token, "sm-" + state.toLowerCase(), image, "42");
    f.awaitStatus(token, id, "ACTIVE");
    switch (state) {
      case "ACTIVE" -> { }
      case "SHUTOFF" -> act(id, token, new JsonObject().putNull("os-stop"));
      case "PAUSED" -> act(id, token, new JsonObject().putNull("pause"));
      case "SUSPENDED" -> act(id, token, new JsonObject().putNull("suspend"));
      case "VERIFY_RESIZE" -> act(id, token, new JsonObject().put("resize", new JsonObject().put("flavorRef", "1")));
      case "SHELVED_OFFLOADED" -> act(id, token, new JsonObject().putNull("shelve"));
      case "ERROR" -> act(id, admin, new JsonObject().put("os-resetState", new JsonObject().put("state", "error")));
      case "LOCKED" -> act(id, token, new JsonObject().putNull("lock"));
      default -> throw new IllegalArgumentException(state);
    }
    String status = "LOCKED".equals(state) ? "ACTIVE" : state;
    f.awaitStatus(token, id, status);
    return id;
  }

  /** Waits until nothing is under way on the server (the operation a cell started has ended). */
  private static JsonObject settle(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject s = null;
    while (System.nanoTime() < deadline) {
      s = f.server(token, id);
      if (s.getString("OS-EXT-STS:task_state") == null && !"BUILD".equals(s.getString("status"))) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server never settled: " + s);
  }

  private static void delete(String id) throws InterruptedException {
    f.call(admin, HttpMethod.DELETE, "/servers/" + id, null);
    f.awaitGone(token, id);
  }

  @Test
  void everyActionInEveryStateAnswersAsNovaDoes() throws Exception {
    List<String> lines = TABLE.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String[] states = lines.get(0).split("\\s+");
    Map<String, int[]> expected = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split("\\s+");
      int[] codes = new int[states.length - 1];
      for (int i = 1; i < cells.length; i++) {
        codes[i - 1] = Integer.parseInt(cells[i]);
      }
      expected.put(cells[0], codes);
    }
    List<String> mismatches = new ArrayList<>();
    for (int s = 1; s < states.length; s++) {
      String state = states[s];
      String shared = serverIn(state);
      List<String> starting = new ArrayList<>();
      for (var row : expected.entrySet()) {
        int want = row.getValue()[s - 1];
        boolean startsSomething = want == 202 || want == 204;
        if (startsSomething) {
          starting.add(row.getKey());
          continue;
        }
        int got = send(shared, row.getKey());
        if (got != want) {
          mismatches.add(row.getKey() + " in " + state + ": " + got + ", Nova answers " + want);
        }
      }
      // nothing above may have moved the shared server out of its state
      String status = f.server(token, shared).getString("status");
      assertThat(status).as("the shared " + state + " server").isEqualTo("LOCKED".equals(state) ? "ACTIVE" : state);
      delete(shared);
      for (String action : starting) {
        String id = serverIn(state);
        int got = send(id, action);
        if (got != expected.get(action)[s - 1]) {
          mismatches.add(action + " in " + state + ": " + got + ", Nova answers " + expected.get(action)[s - 1]);
        } else {
          JsonObject after = settle(id);
          boolean resetToError = "ERROR".equals(state);
          if (!resetToError && "ERROR".equals(after.getString("status"))) {
            mismatches.add(action + " in " + state + " was accepted but ended in ERROR: " + after.getJsonObject("fault"));
          }
        }
        delete(id);
      }
    }
    assertThat(mismatches).isEmpty();
  }
}
