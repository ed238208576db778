package org.vertstack.compute;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * The compute side of block storage: what the compute service will ask of the volume service
 * (not written yet). Until one registers at {@link #ADDRESS}, a {@code block_device_mapping_v2}
 * naming volumes is refused with 400; local (image) root disks need nothing from it.
 */
@VertxGen
@ProxyGen
public interface BlockDevices {

  String ADDRESS = "volume.block-devices";

  /** Checks a block_device_mapping_v2 list (volumes exist, are available, the caller may use them). */
  Future<Void> validate(AuthContext caller, JsonArray mappings);

  /** Reserves and attaches the volumes to an instance on a host; answers the connection info. */
  Future<JsonArray> attach(AuthContext caller, String instanceId, String host, JsonArray mappings);

  /** Detaches every volume of the instance (deleting those marked delete_on_termination). */
  Future<Void> detachAll(String instanceId);

  /** The volumes attached to an instance as os-extended-volumes shows them. */
  Future<JsonObject> attachments(String instanceId);

  static BlockDevices createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, BlockDevices.class, ADDRESS, options -> new BlockDevicesVertxEBProxy(vertx, ADDRESS, options));
  }
}
