package org.vertstack.common.policy;

/**
 * The front door's own routes, outside the OpenStack APIs: the health check and the metrics
 * (open, for load balancers and Prometheus; they carry no tenant data, which the isolation
 * matrix checks), Swift's cross-domain policy for Flash clients at the root, and the dashboard's live feed of resource events (a WebSocket: the first
 * message carries the token; a project's events go to that project's tokens, every project's to
 * the cloud's admin).
 */
public final class FrontDoorPolicy {

  private FrontDoorPolicy() {
  }

  public static final Policy RULES = Policy.of(
    "front_door:health", "anyone",
    "front_door:metrics", "anyone",
    "front_door:crossdomain", "anyone",
    "dashboard:event_feed", "project_reader",
    "dashboard:event_feed_all_projects", "system_admin");

  public static final RouteRules ROUTES = RouteRules.of(RULES,
    "GET /healthz", "front_door:health",
    "GET /metrics", "front_door:metrics",
    "GET /crossdomain.xml", "front_door:crossdomain",
    "GET /v1/events", "dashboard:event_feed");
}
