package org.vertstack.objectstore.ring;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.vertstack.common.auth.AuthHandler;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.Json;
import org.vertstack.common.policy.ObjectStorePolicy;
import org.vertstack.common.policy.Target;

import java.util.Map;

/**
 * The operator's API of the object ring, mounted at {@code /object-store/ring} (JSON, Keystone's
 * error body):
 * <pre>
 * GET    /                  the ring: version, devices with their slots and targets, balance
 * POST   /devices           {"device": {name, zone, weight, host, port, path}}: add and rebalance (201)
 * PATCH  /devices/{id}      {"device": {"weight": w}}: reweight and rebalance (0 drains)
 * DELETE /devices/{id}      remove and rebalance
 * POST   /rebalance         move what an earlier rebalance left (one replica per partition per round)
 * </pre>
 * Each change is the ring's next version in PostgreSQL, announced to every node; the replicators
 * then move the bytes. Answers carry {@code moved}: the replica slots that changed device.
 */
public final class RingApi {

  private final Vertx vertx;
  private final RingService rings;

  private RingApi(Vertx vertx) {
    this.vertx = vertx;
    this.rings = RingService.createProxy(vertx);
  }

  public static Router router(Vertx vertx, TokenVerifier verifier, BodyHandler json) {
    RingApi api = new RingApi(vertx);
    Router r = Router.router(vertx);
    r.route().handler(new AuthHandler(verifier));
    r.get("/").handler(ctx -> api.show(ctx));
    // who may change the ring is decided before the request's body is read: a refusal says nothing of it
    r.post("/*").handler(api::mayChange);
    r.patch("/*").handler(api::mayChange);
    r.delete("/*").handler(api::mayChange);
    r.post("/devices").handler(json).handler(ctx -> api.change(ctx, 201, new JsonObject().put("action", "add")
      .put("device", Json.object(Json.body(ctx), "device"))));
    r.patch("/devices/:id").handler(json).handler(ctx -> api.change(ctx, 200, new JsonObject().put("action", "set_weight")
      .put("id", id(ctx)).put("weight", Json.object(Json.body(ctx), "device").getValue("weight"))));
    r.delete("/devices/:id").handler(ctx -> api.change(ctx, 200, new JsonObject().put("action", "remove").put("id", id(ctx))));
    r.post("/rebalance").handler(ctx -> api.change(ctx, 200, new JsonObject().put("action", "rebalance")));
    return r;
  }

  private static int id(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    if (raw == null || !raw.matches("[0-9]{1,9}")) {
      throw Errors.notFound("No device " + raw + " in the ring.");
    }
    return Integer.parseInt(raw);
  }

  private void show(RoutingContext ctx) {
    ObjectStorePolicy.RULES.authorize(AuthHandler.of(ctx), "object_store:get_ring", Target.none())
      .compose(v -> rings.current())
      .onSuccess(json -> {
        if (json.isEmpty()) {
          ctx.fail(Errors.notFound("The cloud has no object ring yet: no storage node has registered."));
        } else {
          ctx.json(new JsonObject().put("ring", summary(Ring.fromJson(json))));
        }
      })
      .onFailure(ctx::fail);
  }

  private void mayChange(RoutingContext ctx) {
    ObjectStorePolicy.RULES.authorize(AuthHandler.of(ctx), "object_store:update_ring", Target.none())
      .onSuccess(v -> ctx.next()).onFailure(ctx::fail);
  }

  private void change(RoutingContext ctx, int status, JsonObject request) {
    rings.change(request).onSuccess(answer -> {
      Ring ring = Ring.fromJson(answer.getJsonObject("ring"));
      JsonObject summary = summary(ring);
      ResourceEvents.publish(vertx, null, "object-store.ring", "ring", "updated",
        new JsonObject().put("version", ring.version()).put("action", request.getString("action")).put("moved", answer.getInteger("moved")));
      ctx.response().setStatusCode(status);
      ctx.json(new JsonObject().put("ring", summary).put("moved", answer.getInteger("moved")));
    }).onFailure(ctx::fail);
  }

  /** The ring as an operator reads it: no partition table, but each device's share. */
  public static JsonObject summary(Ring ring) {
    Map<Integer, Integer> load = ring.load();
    Map<Integer, Double> targets = ring.targets();
    JsonArray devices = new JsonArray();
    for (Device d : ring.devices()) {
      devices.add(d.toJson().put("slots", load.getOrDefault(d.id(), 0))
        .put("target", Math.round(targets.getOrDefault(d.id(), 0.0) * 10) / 10.0));
    }
    JsonObject json = ring.toJson();
    return new JsonObject().put("version", ring.version()).put("part_power", ring.partPower()).put("replicas", ring.replicas())
      .put("partitions", ring.partitions()).put("balance", Math.round(ring.balance() * 100) / 100.0)
      .put("devices", devices).put("retired", json.getJsonArray("retired"));
  }
}
