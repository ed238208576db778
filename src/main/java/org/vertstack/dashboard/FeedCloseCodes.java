package org.vertstack.dashboard;

/** WebSocket close codes of the live feed (4000-4999 are for applications, RFC 6455 7.4.2). */
public final class FeedCloseCodes {

  /** No, bad, expired or revoked token. */
  public static final short UNAUTHORIZED = 4001;
  /** The token may not do what was asked (all_projects without the admin role, no project). */
  public static final short FORBIDDEN = 4003;
  /** The first message was not the JSON object the protocol expects. */
  public static final short BAD_REQUEST = 4000;
  /** The client reads slower than events arrive; reconnect with "since" to catch up. */
  public static final short TOO_SLOW = 4008;

  private FeedCloseCodes() {
  }
}
