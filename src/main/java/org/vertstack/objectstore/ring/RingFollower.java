package org.vertstack.objectstore.ring;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps a node on the cloud's newest ring: at start it registers the node's own devices (a
 * storage node) or asks for the ring (a controller without devices), then installs every newer
 * version announced on {@link RingService#CHANGED}, and checks now and then in case an
 * announcement was missed.
 */
public final class RingFollower {

  private static final Logger LOG = LoggerFactory.getLogger(RingFollower.class);
  private static final long POLL_MS = 30_000;
  private static final long START_WAIT_MS = 120_000;

  private final Vertx vertx;
  private final RingService rings;
  private final Consumer<Ring> install;
  private long version = -1;

  private RingFollower(Vertx vertx, Consumer<Ring> install) {
    this.vertx = vertx;
    this.rings = RingService.createProxy(vertx);
    this.install = install;
  }

  /**
   * Registers {@code localDevices} (empty on a node without devices) and installs the ring;
   * succeeds with the ring, or null when the cloud has no ring yet (no storage node so far).
   */
  public static Future<Ring> start(Vertx vertx, List<Device> localDevices, Consumer<Ring> install) {
    RingFollower follower = new RingFollower(vertx, install);
    vertx.eventBus().<JsonObject>consumer(RingService.CHANGED, msg -> follower.offer(msg.body()));
    vertx.setPeriodic(POLL_MS, id -> follower.rings.current().onSuccess(follower::offer));
    JsonArray devices = new JsonArray(localDevices.stream().map(Device::toJson).toList());
    long deadline = System.currentTimeMillis() + START_WAIT_MS;
    return follower.first(devices, deadline).map(json -> {
      follower.offer(json);
      return json.isEmpty() ? null : Ring.fromJson(json);
    });
  }

  /** A storage node may start before any controller: it waits for one (up to two minutes). */
  private Future<JsonObject> first(JsonArray devices, long deadline) {
    Future<JsonObject> ask = devices.isEmpty() ? rings.current() : rings.register(devices);
    return ask.recover(err -> {
      boolean noController = err instanceof io.vertx.core.eventbus.ReplyException re
        && re.failureType() != io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE;
      if (!noController || System.currentTimeMillis() > deadline) {
        return Future.failedFuture(err);
      }
      LOG.info("waiting for a controller to serve the object ring: {}", err.getMessage());
      Promise<Void> later = Promise.promise();
      vertx.setTimer(1000, id -> later.complete());
      return later.future().compose(v -> first(devices, deadline));
    });
  }

  private synchronized void offer(JsonObject json) {
    if (json == null || json.isEmpty()) {
      return;
    }
    Ring ring = Ring.fromJson(json);
    if (ring.version() > version) {
      version = ring.version();
      install.accept(ring);
      LOG.info("object ring version {} in use ({} devices)", ring.version(), ring.devices().size());
    }
  }
}
