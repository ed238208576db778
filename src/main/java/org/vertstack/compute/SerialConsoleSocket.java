package org.vertstack.compute;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.serviceproxy.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.auth.TokenAuthority;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.policy.ComputePolicy;
import org.vertstack.common.policy.Target;

import java.time.Instant;
import java.util.UUID;

/**
 * GET /compute/v2.1/servers/{id}/serial-console: a WebSocket to the guest's serial port, through
 * the compute agent of its host ({@link ConsoleRelay}). Protocol: the client's first message is
 * {"token": "&lt;keystone token&gt;"} (never in the URL, which ends up in logs); the server checks
 * it, finds the server as the token's project sees it (another project's server is not found),
 * applies {@link ComputePolicy#SERIAL_CONSOLE}, and answers {"type": "ready"}. Then every binary
 * (or text) frame from the client is typed into the guest and the guest's output comes as binary
 * frames. The token is checked again on each revocation and every half minute: a revoked or
 * expired token ends the session. Close codes as the live feed's, plus 4004 (no such server) and
 * 4009 (the server is not running or its host has no console).
 */
final class SerialConsoleSocket implements Handler<RoutingContext> {

  static final short BAD_REQUEST = 4000;
  static final short UNAUTHORIZED = 4001;
  static final short FORBIDDEN = 4003;
  static final short NOT_FOUND = 4004;
  static final short CONFLICT = 4009;

  private static final Logger LOG = LoggerFactory.getLogger(SerialConsoleSocket.class);
  private static final long AUTH_TIMEOUT_MS = 10_000;
  private static final long PING_MS = 15_000;
  private static final long RECHECK_MS = 30_000;

  private final Vertx vertx;
  private final TokenVerifier verifier;
  private final Servers servers;

  SerialConsoleSocket(Vertx vertx, TokenVerifier verifier, Servers servers) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.servers = servers;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().setStatusCode(426).putHeader("Upgrade", "websocket").putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("upgradeRequired", new JsonObject().put("code", 426)
          .put("message", "This is a WebSocket endpoint: open it as one and send {\"token\": ...} first.")).encode());
      return;
    }
    String serverId = ctx.pathParam("id");
    ctx.request().toWebSocket()
      .onSuccess(ws -> new Session(ws, serverId).start())
      .onFailure(err -> LOG.debug("serial console upgrade failed: {}", err.getMessage()));
  }

  private enum State { AUTH, OPENING, OPEN, CLOSED }

  private final class Session {
    private final ServerWebSocket ws;
    private final String serverId;
    private final String relay = ConsoleRelay.ADDRESS_PREFIX + UUID.randomUUID();
    private State state = State.AUTH;
    private String token;
    private MessageConsumer<Buffer> output;
    private MessageConsumer<JsonObject> revocations;
    private long authTimer = -1;
    private long pingTimer = -1;
    private long recheckTimer = -1;
    private long expiryTimer = -1;

    Session(ServerWebSocket ws, String serverId) {
      this.ws = ws;
      this.serverId = serverId;
    }

    void start() {
      authTimer = vertx.setTimer(AUTH_TIMEOUT_MS, id -> close(UNAUTHORIZED, "no authentication message in time"));
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(this::type);
      ws.closeHandler(v -> release());
      ws.exceptionHandler(err -> LOG.debug("serial console socket: {}", err.getMessage()));
    }

    private void onText(String text) {
      if (state == State.OPEN) {
        type(Buffer.buffer(text));
        return;
      }
      if (state != State.AUTH) {
        return; // typed before the console is ready: dropped, as a terminal drops keys before login
      }
      state = State.OPENING;
      vertx.cancelTimer(authTimer);
      try {
        token = new JsonObject(text).getString("token");
      } catch (DecodeException | ClassCastException e) {
        close(BAD_REQUEST, "the first message must be {\"token\": ...}");
        return;
      }
      if (token == null || token.isBlank()) {
        close(UNAUTHORIZED, "no token");
        return;
      }
      verifier.verify(token)
        .onFailure(err -> close(UNAUTHORIZED, "the token is not valid"))
        .onSuccess(this::open);
    }

    private void open(AuthContext auth) {
      io.vertx.core.Future.succeededFuture(auth).compose(a -> servers.load(a, serverId))
        .compose(inst -> {
          ComputePolicy.RULES.check(auth, ComputePolicy.SERIAL_CONSOLE, Target.project(inst.getString("project_id"), null));
          if (!running(inst)) {
            throw new ServiceException(409, "Server " + serverId + " is not running: start it first.");
          }
          if (state == State.CLOSED) {
            throw new ServiceException(409, "closed");
          }
          output = vertx.eventBus().consumer(relay + ".out", msg -> {
            if ("closed".equals(msg.headers().get(ConsoleRelay.OP))) {
              output.unregister();
              output = null;
              close(CONFLICT, msg.body().toString());
            } else {
              ws.writeBinaryMessage(msg.body());
            }
          });
          return output.completion().compose(v -> ComputeAgent.createProxy(vertx, inst.getString("host")).openConsole(serverId, relay));
        })
        .onSuccess(v -> live(auth))
        .onFailure(err -> close(closeCode(err), reason(err)));
    }

    private void live(AuthContext auth) {
      if (state == State.CLOSED) {
        // the page left while the console opened: end the relay that has just started
        vertx.eventBus().send(relay + ".in", Buffer.buffer(), new DeliveryOptions().addHeader(ConsoleRelay.OP, "close"));
        return;
      }
      state = State.OPEN;
      ws.writeTextMessage(new JsonObject().put("type", "ready").put("server_id", serverId).encode());
      pingTimer = vertx.setPeriodic(PING_MS, id -> vertx.eventBus().send(relay + ".in", Buffer.buffer(),
        new DeliveryOptions().addHeader(ConsoleRelay.OP, "ping")));
      revocations = vertx.eventBus().localConsumer(TokenAuthority.REVOCATIONS, msg -> {
        recheck();
        vertx.setTimer(200, id -> recheck()); // the verifier hears of it through its own consumer
      });
      recheckTimer = vertx.setPeriodic(RECHECK_MS, id -> recheck());
      long untilExpiry = Math.max(1, auth.expiresAt().toEpochMilli() - Instant.now().toEpochMilli() + 5);
      expiryTimer = vertx.setTimer(untilExpiry, id -> recheck());
    }

    private void recheck() {
      if (state == State.OPEN) {
        verifier.verify(token).onFailure(err -> close(UNAUTHORIZED, "the token expired or was revoked"));
      }
    }

    private void type(Buffer keys) {
      if (state == State.OPEN && keys.length() > 0) {
        vertx.eventBus().send(relay + ".in", keys);
      }
    }

    private void close(short code, String reason) {
      if (state == State.CLOSED) {
        return;
      }
      release();
      // a close reason is at most 123 bytes
      String said = reason.length() > 120 ? reason.substring(0, 120) : reason;
      ws.close(code, said).onFailure(err -> LOG.debug("closing a serial console: {}", err.getMessage()));
    }

    private void release() {
      State was = state;
      state = State.CLOSED;
      vertx.cancelTimer(authTimer);
      vertx.cancelTimer(pingTimer);
      vertx.cancelTimer(recheckTimer);
      vertx.cancelTimer(expiryTimer);
      if (revocations != null) {
        revocations.unregister();
      }
      if (was == State.OPEN || was == State.OPENING) {
        vertx.eventBus().send(relay + ".in", Buffer.buffer(), new DeliveryOptions().addHeader(ConsoleRelay.OP, "close"));
      }
      if (output != null) {
        output.unregister();
        output = null;
      }
    }
  }

  /** ACTIVE with no task under way, on a host: a guest whose serial port is there to open. */
  static boolean running(JsonObject inst) {
    return "ACTIVE".equals(InstanceStates.status(inst.getString("vm_state"), inst.getString("task_state")))
      && inst.getString("host") != null;
  }

  private static int status(Throwable err) {
    if (err instanceof ServiceException se) {
      return se.failureCode();
    }
    if (err instanceof ReplyException re) {
      return re.failureCode();
    }
    return 500;
  }

  private static short closeCode(Throwable err) {
    return switch (status(err)) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 409, 503 -> CONFLICT;
      default -> (short) 1011;
    };
  }

  private static String reason(Throwable err) {
    return status(err) >= 500 && status(err) != 503 ? "the console could not be opened" : String.valueOf(err.getMessage());
  }
}
