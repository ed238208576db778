package org.vertstack.compute;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;

/**
 * The compute side of networking: what the compute service will ask of the network service
 * (not written yet). Until a network service registers at {@link #ADDRESS}, a server asking for
 * networks is refused with 400 (only {@code "none"} boots).
 */
@VertxGen
@ProxyGen
public interface PortBinding {

  String ADDRESS = "network.port-binding";

  /** Checks the requested networks/ports ([{uuid}|{port}|{fixed_ip}] or "auto") for the caller. */
  Future<Void> validate(AuthContext caller, JsonArray requested);

  /** Creates or binds the ports of an instance on a host; answers the VIF details per port. */
  Future<JsonArray> bindPorts(AuthContext caller, String instanceId, String host, JsonArray requested);

  /** Unbinds and deletes the ports the compute service created for the instance. */
  Future<Void> unbindPorts(String instanceId);

  /** Network info of an instance as the server's "addresses" shows it. */
  Future<JsonObject> addresses(String instanceId);

  static PortBinding createProxy(Vertx vertx) {
    return org.vertstack.common.module.Services.proxy(vertx, PortBinding.class, ADDRESS, options -> new PortBindingVertxEBProxy(vertx, ADDRESS, options));
  }
}
