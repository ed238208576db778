package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.vertstack.compute.hypervisor.Hypervisor;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The controller's side of the power-state sync (Nova's _sync_power_states): what a host's agent
 * sees (periodically, and on every libvirt lifecycle event) is applied to the settled instances of
 * that host. Instances with an operation under way, or changed after the agent looked, are left
 * alone: the operation's own result, or a newer report, decides them.
 */
final class PowerSync {

  private static final String SETTLED = """
    SELECT id, vm_state, power_state FROM instances
    WHERE host_id = $1 AND NOT deleted AND task_state IS NULL AND vm_state = ANY('{active,stopped,paused,suspended,error}')
      AND updated_at < to_timestamp($2 / 1000.0)""";

  private final Pool db;
  private final Servers servers;

  PowerSync(Pool db, Servers servers) {
    this.db = db;
    this.servers = servers;
  }

  Future<Void> sync(String hostId, JsonObject report) {
    long takenAt = report.getLong("taken_at", System.currentTimeMillis());
    boolean complete = report.getBoolean("complete", false);
    JsonObject states = report.getJsonObject("power_states", new JsonObject());
    return db.preparedQuery(SETTLED).execute(Tuple.of(hostId, takenAt)).compose(rows -> {
      List<Future<?>> updates = new ArrayList<>();
      for (Row r : rows) {
        String id = r.getString("id");
        Integer found = states.getInteger(id);
        if (found == null && !complete) {
          continue;
        }
        int power = found == null ? Hypervisor.NOSTATE : found;
        String vm = r.getString("vm_state");
        String newVm = vm;
        JsonObject fault = null;
        if (!InstanceStates.ERROR.equals(vm)) {
          newVm = InstanceStates.fromPower(power, vm);
          if (power == Hypervisor.NOSTATE) {
            fault = new JsonObject().put("code", 500).put("created", Servers.time(OffsetDateTime.now()))
              .put("message", "The instance's domain vanished from its host.");
          }
        }
        if (newVm.equals(vm) && power == r.getInteger("power_state")) {
          continue;
        }
        updates.add(db.preparedQuery("UPDATE instances SET vm_state = $2, power_state = $3, fault = coalesce($4, fault), "
            + "updated_at = now() WHERE id = $1 AND NOT deleted AND task_state IS NULL AND vm_state = $5 "
            + "AND updated_at < to_timestamp($6 / 1000.0) RETURNING *")
          .execute(Tuple.of(id, newVm, power, fault, vm, takenAt))
          .onSuccess(u -> u.forEach(x -> servers.publishState(ServerView.row(x)))));
      }
      return Future.join(updates).mapEmpty();
    });
  }
}
