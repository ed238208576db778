package org.vertstack.common.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.db.Databases;

/**
 * The live feed's event log on a controller. One controller at a time is the cluster's
 * sequencer (it holds a cluster-wide lock; another takes over within a second or two when it
 * dies): it numbers every resource event of {@link ResourceEvents#ADDRESS} and publishes the
 * numbered event to every controller on {@link #NUMBERED}, and writes it to the shared table
 * (PostgreSQL, pruned to the log size). Every controller keeps the last N numbered events in an
 * {@link EventLog} and republishes each on this node only, encoded once as the feed message text
 * with its id in a header: on {@link #FEED_ALL} and on its project's own address ({@link #feedOf}).
 * Per-project addresses make feed isolation structural: a project-scoped subscriber never even
 * receives another project's event. Ids are the cluster's, so a cursor replays on any controller.
 *
 * <p>Replays are served on {@link #REPLAY}: {"after": id, "project_id": id|null, "max": n}
 * answers an {@link EventLog.Page} as JSON, from memory, or from the shared table for events
 * older than memory holds. Without a database (tests) the log is this node's memory only.
 */
public class EventLogVerticle extends VerticleBase {

  public static final String FEED_ALL = "vertstack.events.feed.all";
  public static final String REPLAY = "vertstack.events.replay";
  /** Numbered events, from the sequencer to every controller. */
  public static final String NUMBERED = "vertstack.events.numbered";
  /** Header of a feed message: the event's id. */
  public static final String ID_HEADER = "id";
  /**
   * Header of a feed message: the id this node's log last restarted at ({@link EventLog#restartedAt}).
   * A subscriber whose position is older than the id before it was never handed the events in
   * between (this node missed them on the event bus) and must read them from the log first.
   */
  public static final String RESTART_HEADER = "restart";
  /**
   * This node's log restarted (body: the id it restarted at, a Long): published on this node only,
   * so that every subscriber behind it catches up at once, not at its project's next event.
   */
  public static final String RESTARTED = "vertstack.events.feed.restarted";
  private static final String FEED_PROJECT = "vertstack.events.feed.project.";
  private static final String SEQUENCER_LOCK = "vertstack.events.sequencer";
  private static final int MAX_PAGE = 1000;
  private static final long FLUSH_MS = 200;
  /** How often a replay waits for the table to hold the ids it is missing, a flush apart. */
  private static final int TABLE_WAITS = 10;

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final Logger LOG = LoggerFactory.getLogger(EventLogVerticle.class);

  private EventLog log;
  private EventLogTable table;
  /** Set while this controller is the sequencer: the next id it hands out. */
  private long nextId = -1;
  private Lock sequencer;
  private boolean stopped;

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
    JsonObject platform = config().getJsonObject("platform");
    Future<Long> first;
    if (platform != null && platform.getJsonObject("database-connect") != null) {
      table = new EventLogTable(Databases.pool(vertx, platform, EventLogTable.SCHEMA), capacity);
      first = Databases.migrate(vertx, platform, EventLogTable.SCHEMA).compose(v -> table.maxId()).map(max -> max + 1);
      vertx.setPeriodic(FLUSH_MS, id -> table.flush().onFailure(err -> LOG.warn("event log: {}", err.getMessage())));
      vertx.setPeriodic(10_000, id -> table.prune().onFailure(err -> LOG.warn("event log: {}", err.getMessage())));
    } else {
      // Microseconds since the epoch: ids stay increasing across restarts of the node.
      first = Future.succeededFuture(System.currentTimeMillis() * 1000);
    }
    return first.compose(firstId -> {
      log = new EventLog(capacity, firstId);
      var events = vertx.eventBus().<JsonObject>consumer(ResourceEvents.ADDRESS, msg -> {
        if (nextId >= 0) {
          JsonObject numbered = msg.body().copy().put("id", nextId++);
          if (table != null) {
            table.add(numbered);
          }
          vertx.eventBus().publish(NUMBERED, numbered);
        }
      });
      var numbered = vertx.eventBus().<JsonObject>consumer(NUMBERED, msg -> deliver(msg.body()));
      var replay = vertx.eventBus().<JsonObject>localConsumer(REPLAY, msg -> {
        JsonObject q = msg.body();
        int max = Math.max(1, Math.min(MAX_PAGE, q.getInteger("max", MAX_PAGE)));
        long after = q.getLong("after", log.lastId());
        if (table == null || after >= log.oldestId() - 1) {
          msg.reply(log.since(after, q.getString("project_id"), max).toJson());
        } else {
          fromTable(after, q.getString("project_id"), max, TABLE_WAITS)
            .onSuccess(page -> msg.reply(page.toJson()))
            .onFailure(err -> msg.fail(500, err.getMessage()));
        }
      });
      return Future.all(events.completion(), numbered.completion(), replay.completion());
    }).compose(v -> lead());
  }

  /**
   * A replay page of events older than this controller's memory. The table may not hold them all
   * yet (this controller saw them live before the sequencer's next batch write): then the page
   * waits for the write, a flush apart; ids still missing after that were never written, and the
   * page is a gap, so the subscriber gets a reset instead of a silent hole.
   */
  private Future<EventLog.Page> fromTable(long after, String projectId, int max, int waits) {
    return table.since(after, log.oldestId(), projectId, max, log.lastId()).compose(read -> {
      if (read.complete() || read.page().gap()) {
        return Future.succeededFuture(read.page());
      }
      if (waits > 0) {
        return vertx.timer(FLUSH_MS).compose(t -> fromTable(after, projectId, max, waits - 1));
      }
      LOG.warn("event log: ids after {} are missing from the table; the replay is answered with a reset", after);
      EventLog.Page page = read.page();
      return Future.succeededFuture(new EventLog.Page(true, page.events(), page.more(), page.scannedTo(), page.lastId()));
    });
  }

  /** Appends a numbered event to this controller's memory and hands it to the local feeds. */
  private void deliver(JsonObject event) {
    long lastSeen = log.lastId();
    if (!log.accept(event)) {
      return;
    }
    // Encoded once for every subscriber: a String crosses the local event bus without a copy.
    DeliveryOptions options = new DeliveryOptions(LOCAL).addHeader(ID_HEADER, String.valueOf(event.getLong("id")))
      .addHeader(RESTART_HEADER, String.valueOf(log.restartedAt()));
    String text = feedMessage(event);
    vertx.eventBus().publish(FEED_ALL, text, options);
    String project = event.getString("project_id");
    if (project != null) {
      vertx.eventBus().publish(feedOf(project), text, options);
    }
    if (log.restartedAt() > lastSeen + 1) {
      LOG.info("event log: ids {} to {} did not reach this controller; its feeds read them from the table",
        lastSeen + 1, log.restartedAt() - 1);
      vertx.eventBus().publish(RESTARTED, log.restartedAt(), LOCAL);
    }
  }

  /**
   * Tries to become the sequencer; keeps trying while another controller is. Completes after the
   * first attempt, so a lone controller numbers events as soon as it has started.
   */
  private Future<Void> lead() {
    return vertx.sharedData().getLockWithTimeout(SEQUENCER_LOCK, 1000).compose(lock -> {
      if (stopped) {
        lock.release();
        return Future.<Void>succeededFuture();
      }
      sequencer = lock;
      // continue after every id handed out so far: those stored, and those this node saw live
      return (table == null ? Future.succeededFuture(0L) : table.maxId()).map(stored -> {
        nextId = Math.max(log.lastId(), stored) + 1;
        LOG.info("this controller numbers the cluster's resource events from {}", nextId);
        return (Void) null;
      });
    }, err -> {
      if (!stopped) {
        vertx.setTimer(50, id -> lead());
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    // twice: the first may only be the write already under way
    Future<Void> flushed = table == null ? Future.succeededFuture() : table.flush().transform(x -> table.flush());
    return flushed.andThen(x -> {
      if (sequencer != null) {
        sequencer.release();
      }
    });
  }
}
