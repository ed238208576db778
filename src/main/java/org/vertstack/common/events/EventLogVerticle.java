package org.vertstack.common.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Numbers every resource event of {@link ResourceEvents#ADDRESS}, keeps the last N in an
 * {@link EventLog}, and republishes each on this node only, encoded once as the feed message
 * text with its id in a header: on {@link #FEED_ALL} and on its project's own address ({@link #feedOf}). Per-project addresses make feed isolation structural:
 * a project-scoped subscriber never even receives another project's event.
 *
 * <p>Replays are served on {@link #REPLAY}: {"after": id, "project_id": id|null, "max": n}
 * answers an {@link EventLog.Page} as JSON. One instance per node.
 */
public class EventLogVerticle extends VerticleBase {

  public static final String FEED_ALL = "vertstack.events.feed.all";
  public static final String REPLAY = "vertstack.events.replay";
  /** Header of a feed message: the event's id. */
  public static final String ID_HEADER = "id";
  private static final String FEED_PROJECT = "vertstack.events.feed.project.";
  private static final int MAX_PAGE = 1000;

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private EventLog log;

  /** The feed message of an event, as subscribers receive it: {"type": "event", "id", ...}. */
  public static String feedMessage(JsonObject event) {
    return new JsonObject().put("type", "event").mergeIn(event).encode();
  }

  public static String feedOf(String projectId) {
    return FEED_PROJECT + projectId;
  }

  @Override
  public Future<?> start() {
    int capacity = config().getInteger("event-log-size", 10_000);
    // Microseconds since the epoch: ids stay increasing across restarts of the node.
    log = new EventLog(capacity, System.currentTimeMillis() * 1000);
    var events = vertx.eventBus().<JsonObject>consumer(ResourceEvents.ADDRESS, msg -> {
      JsonObject event = log.append(msg.body());
      // Encoded once for every subscriber: a String crosses the local event bus without a copy.
      DeliveryOptions options = new DeliveryOptions(LOCAL).addHeader(ID_HEADER, String.valueOf(event.getLong("id")));
      String text = feedMessage(event);
      vertx.eventBus().publish(FEED_ALL, text, options);
      String project = event.getString("project_id");
      if (project != null) {
        vertx.eventBus().publish(feedOf(project), text, options);
      }
    });
    var replay = vertx.eventBus().<JsonObject>localConsumer(REPLAY, msg -> {
      JsonObject q = msg.body();
      int max = Math.max(1, Math.min(MAX_PAGE, q.getInteger("max", MAX_PAGE)));
      msg.reply(log.since(q.getLong("after", log.lastId()), q.getString("project_id"), max).toJson());
    });
    return Future.all(events.completion(), replay.completion());
  }
}
