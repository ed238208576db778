package org.vertstack.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.TokenAuthority;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.EventLogVerticle;
import org.vertstack.common.policy.FrontDoorPolicy;
import org.vertstack.common.policy.Target;

import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One subscriber of the live feed. Protocol (all text frames, JSON):
 * <ol>
 *   <li>client: {"token": "...", "since": cursor?, "all_projects": false} (the token may instead
 *       come in Sec-WebSocket-Protocol; then the first message carries only the options)</li>
 *   <li>server: {"type": "ready", ...}; then the events after "since" from the event log, or
 *       {"type": "reset"} if the log no longer holds them (the client reloads its lists)</li>
 *   <li>server: {"type": "live", "cursor": id}, then every new event: {"type": "event", "id", ...}</li>
 * </ol>
 * Live events that arrive while the replay runs are held (bounded) and deduplicated by id. When
 * this node's log restarts after the subscriber's position (the node missed events on the event
 * bus, so they never came live: told by a notice and by each event's header), the session goes
 * back to the log (the shared table) for the hole: those events in order, or a reset, never a
 * silent gap.
 * Writes go to a bounded queue while the socket is not writable; when it overflows the client
 * is too slow and is closed with {@link FeedCloseCodes#TOO_SLOW}. The token is re-checked at its
 * expiry, on each revocation event and periodically; a failed check closes the socket.
 */
final class EventFeedSession {

  private static final Logger LOG = LoggerFactory.getLogger(EventFeedSession.class);

  private enum State { AUTH, VERIFYING, REPLAY, LIVE, CLOSED }

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final TokenVerifier verifier;
  private final FeedOptions options;
  private final String protocolToken;

  private State state = State.AUTH;
  private String token;
  private String projectFilter;           // null: all projects (admin)
  private long scannedTo;                 // the log position this subscriber has caught up to
  private boolean pageWanted;             // a replay page waits for the socket to drain
  private boolean liveOverflow;
  private boolean announcedLive;          // "live" is sent once, even after a later catch-up
  private long logRestartedAt;            // the newest restart of this node's log seen
  private final ArrayDeque<Message<String>> heldLive = new ArrayDeque<>();
  private final ArrayDeque<String> outbox = new ArrayDeque<>();
  private MessageConsumer<String> feed;
  private MessageConsumer<JsonObject> revocations;
  private MessageConsumer<Long> restarts;
  private long authTimer = -1;
  private long expiryTimer = -1;
  private long recheckTimer = -1;

  EventFeedSession(Vertx vertx, ServerWebSocket ws, TokenVerifier verifier, FeedOptions options, String protocolToken) {
    this.vertx = vertx;
    this.ws = ws;
    this.verifier = verifier;
    this.options = options;
    this.protocolToken = protocolToken;
  }

  void start() {
    authTimer = vertx.setTimer(options.authTimeoutMs(),
      id -> close(FeedCloseCodes.UNAUTHORIZED, "no authentication message in time"));
    ws.textMessageHandler(this::onMessage);
    ws.drainHandler(v -> flush());
    ws.closeHandler(v -> release());
    ws.exceptionHandler(err -> LOG.debug("feed socket: {}", err.getMessage()));
  }

  private void onMessage(String text) {
    if (state != State.AUTH) {
      return; // the protocol has one client message; later ones are ignored
    }
    JsonObject hello;
    try {
      hello = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      close(FeedCloseCodes.BAD_REQUEST, "the first message must be a JSON object");
      return;
    }
    Object since = hello.getValue("since");
    if (since != null && !(since instanceof Number)) {
      close(FeedCloseCodes.BAD_REQUEST, "since must be an event id (a number)");
      return;
    }
    token = hello.getValue("token") instanceof String t ? t : protocolToken;
    boolean allProjects = Boolean.TRUE.equals(hello.getValue("all_projects"));
    state = State.VERIFYING;
    vertx.cancelTimer(authTimer);
    verifier.verify(token)
      .onSuccess(auth -> subscribe(auth, since == null ? null : ((Number) since).longValue(), allProjects))
      .onFailure(err -> close(FeedCloseCodes.UNAUTHORIZED, "the token is not valid"));
  }

  private void subscribe(AuthContext auth, Long since, boolean allProjects) {
    if (state == State.CLOSED) {
      return;
    }
    if (allProjects && !FrontDoorPolicy.RULES.allowed(auth, "dashboard:event_feed_all_projects", Target.none())) {
      close(FeedCloseCodes.FORBIDDEN, "all_projects requires the admin role");
      return;
    }
    if (!allProjects && !FrontDoorPolicy.RULES.allowed(auth, "dashboard:event_feed", Target.project(auth.projectId(), null))) {
      close(FeedCloseCodes.FORBIDDEN, "a project-scoped token is required");
      return;
    }
    projectFilter = allProjects ? null : auth.projectId();
    state = State.REPLAY;
    String address = allProjects ? EventLogVerticle.FEED_ALL : EventLogVerticle.feedOf(projectFilter);
    feed = vertx.eventBus().localConsumer(address, this::onLive);
    restarts = vertx.eventBus().localConsumer(EventLogVerticle.RESTARTED, msg -> onLogRestart(msg.body()));
    // local: the node's TokenVerifier already receives revocations from the cluster
    revocations = vertx.eventBus().localConsumer(TokenAuthority.REVOCATIONS, msg -> {
      recheck();
      // the verifier learns of the revocation through its own consumer: check again once it has
      vertx.setTimer(200, id -> recheck());
    });
    long untilExpiry = Math.max(1, auth.expiresAt().toEpochMilli() - Instant.now().toEpochMilli() + 5);
    expiryTimer = vertx.setTimer(untilExpiry, id -> recheck());
    recheckTimer = vertx.setPeriodic(options.recheckMs(), id -> {
      recheck();
      if (state != State.CLOSED) {
        ws.writePing(Buffer.buffer()); // keeps a quiet feed under the front door's idle timeout
      }
    });
    send(new JsonObject().put("type", "ready")
      .put("project_id", projectFilter)
      .put("all_projects", allProjects)
      .put("user_id", auth.userId())
      .put("expires_at", auth.expiresAt().toString()));
    feed.completion()
      .onSuccess(v -> requestPage(since))
      .onFailure(err -> close((short) 1011, "cannot subscribe"));
  }

  /** Asks the event log for the events after a cursor (null: none, just the current position). */
  private void requestPage(Long after) {
    pageWanted = false;
    JsonObject query = new JsonObject().put("project_id", projectFilter).put("max", options.replayPage());
    if (after != null) {
      query.put("after", after);
    }
    vertx.eventBus().<JsonObject>request(EventLogVerticle.REPLAY, query)
      .onSuccess(reply -> onPage(reply.body(), after == null))
      .onFailure(err -> close((short) 1011, "the event log is not available"));
  }

  private void onPage(JsonObject page, boolean positionOnly) {
    if (state != State.REPLAY) {
      return;
    }
    // A gap on a later page too: the shared log can be pruned between two pages of one replay.
    if (page.getBoolean("gap") && !positionOnly) {
      send(new JsonObject().put("type", "reset").put("cursor", page.getLong("last_id"))
        .put("message", "Events after your cursor are no longer in the log: reload your lists."));
      scannedTo = page.getLong("last_id");
      goLive();
      return;
    }
    for (Object e : page.getJsonArray("events")) {
      sendText(EventLogVerticle.feedMessage((JsonObject) e));
    }
    scannedTo = page.getLong("scanned_to");
    if (page.getBoolean("more")) {
      if (outbox.isEmpty() && !ws.writeQueueFull()) {
        requestPage(scannedTo);
      } else {
        pageWanted = true;
      }
    } else {
      goLive();
    }
  }

  private void goLive() {
    if (liveOverflow) {
      // events were dropped from the hold while replaying; they are in the log: read on
      liveOverflow = false;
      heldLive.clear();
      requestPage(scannedTo);
      return;
    }
    if (behindLogRestart()) {
      requestPage(scannedTo); // the log restarted while this replay ran: read on through the hole
      return;
    }
    state = State.LIVE;
    if (!announcedLive) {
      announcedLive = true;
      send(new JsonObject().put("type", "live").put("cursor", scannedTo));
    }
    while (state == State.LIVE && !heldLive.isEmpty()) {
      deliver(heldLive.poll());
    }
  }

  private void onLive(Message<String> e) {
    if (state == State.LIVE) {
      deliver(e);
    } else if (state == State.REPLAY) {
      if (heldLive.size() >= options.maxQueued()) {
        liveOverflow = true;
      } else {
        heldLive.add(e);
      }
    }
  }

  private void deliver(Message<String> e) {
    long id = Long.parseLong(e.headers().get(EventLogVerticle.ID_HEADER));
    logRestartedAt = Math.max(logRestartedAt, Long.parseLong(e.headers().get(EventLogVerticle.RESTART_HEADER)));
    if (id <= scannedTo) {
      return;
    }
    if (behindLogRestart()) {
      // hold this event (and those that follow) until the replay of the hole reaches it
      heldLive.addFirst(e);
      catchUp();
      return;
    }
    scannedTo = id;
    sendText(e.body());
  }

  private void onLogRestart(long restartedAt) {
    logRestartedAt = Math.max(logRestartedAt, restartedAt);
    if (state == State.LIVE && behindLogRestart()) {
      catchUp();
    }
  }

  /** Ids after this subscriber's position never came live: this node's log skipped them. */
  private boolean behindLogRestart() {
    return scannedTo < logRestartedAt - 1;
  }

  /** Back to the log (the shared table) for the ids this node missed; live events are held meanwhile. */
  private void catchUp() {
    state = State.REPLAY;
    requestPage(scannedTo);
  }

  private void send(JsonObject message) {
    sendText(message.encode());
  }

  private void sendText(String text) {
    if (state == State.CLOSED) {
      return;
    }
    if (outbox.isEmpty() && !ws.writeQueueFull()) {
      ws.writeTextMessage(text);
      return;
    }
    if (outbox.size() >= options.maxQueued()) {
      close(FeedCloseCodes.TOO_SLOW, "client too slow: reconnect with since to catch up");
      return;
    }
    outbox.add(text);
  }

  private void flush() {
    while (!outbox.isEmpty() && !ws.writeQueueFull() && state != State.CLOSED) {
      ws.writeTextMessage(outbox.poll());
    }
    if (outbox.isEmpty() && pageWanted && state == State.REPLAY) {
      requestPage(scannedTo);
    }
  }

  private void recheck() {
    if (state == State.CLOSED || token == null) {
      return;
    }
    verifier.verify(token).onFailure(err -> close(FeedCloseCodes.UNAUTHORIZED, "the token expired or was revoked"));
  }

  private void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    release();
    ws.close(code, reason);
  }

  private void release() {
    state = State.CLOSED;
    for (long timer : new long[] {authTimer, expiryTimer, recheckTimer}) {
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
    }
    if (feed != null) {
      feed.unregister();
    }
    if (revocations != null) {
      revocations.unregister();
    }
    if (restarts != null) {
      restarts.unregister();
    }
    outbox.clear();
    heldLive.clear();
  }
}
