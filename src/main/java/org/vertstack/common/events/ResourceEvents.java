package org.vertstack.common.events;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The resource-event stream. Every create, update, delete or state change of a resource is
 * published once on {@link #ADDRESS}: the live feeds, telemetry and tests consume it.
 */
public final class ResourceEvents {

  public static final String ADDRESS = "vertstack.events";

  private ResourceEvents() {
  }

  /**
   * @param projectId the owning project (null for cloud-wide resources such as domains and roles)
   * @param type      resource type, e.g. "identity.project", "object-store.object"
   * @param id        the resource id
   * @param action    created | updated | deleted | or a new state such as "active"
   * @param resource  the resource as the API shows it (may be empty for deletes)
   */
  public static void publish(Vertx vertx, String projectId, String type, String id, String action, JsonObject resource) {
    vertx.eventBus().publish(ADDRESS, event(projectId, type, id, action, resource));
  }

  public static JsonObject event(String projectId, String type, String id, String action, JsonObject resource) {
    return new JsonObject()
      .put("project_id", projectId)
      .put("resource_type", type)
      .put("resource_id", id)
      .put("action", action)
      .put("state", resource != null && resource.containsKey("status") ? resource.getValue("status") : action)
      .put("time", Instant.now().toString())
      .put("resource", resource == null ? new JsonObject() : resource);
  }
}
