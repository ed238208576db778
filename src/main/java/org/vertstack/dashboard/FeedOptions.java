package org.vertstack.dashboard;

import io.vertx.core.json.JsonObject;

/** Limits of the live feed, from the "dashboard" config section. */
public record FeedOptions(int maxQueued, long authTimeoutMs, long recheckMs, int replayPage) {

  public static FeedOptions from(JsonObject config) {
    JsonObject d = config.getJsonObject("dashboard", new JsonObject());
    return new FeedOptions(
      d.getInteger("feed-max-queued-messages", 1000),
      d.getLong("feed-auth-timeout-ms", 10_000L),
      d.getLong("feed-token-recheck-ms", 30_000L),
      d.getInteger("feed-replay-page", 200));
  }
}
