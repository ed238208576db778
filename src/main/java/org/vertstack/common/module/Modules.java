package org.vertstack.common.module;

import org.vertstack.identity.IdentityModule;

import java.util.List;
import java.util.Set;

/** Every module of the cloud, in start order (identity first: the others need its keys). */
public final class Modules {

  private Modules() {
  }

  public static List<ServiceModule> all() {
    return List.of(
      new IdentityModule(),
      new org.vertstack.objectstore.ObjectStoreModule(),
      new org.vertstack.image.ImageModule(),
      new org.vertstack.compute.ComputeModule(),
      new org.vertstack.dashboard.DashboardModule()); // last: its static files catch what no API took
  }

  /** The node roles named in a configuration. */
  public static Set<String> roles(io.vertx.core.json.JsonObject config) {
    Set<String> roles = new java.util.HashSet<>();
    config.getJsonArray("roles", new io.vertx.core.json.JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    return roles;
  }

  public static List<ServiceModule> forRoles(Set<String> roles) {
    return all().stream().filter(m -> m.roles().stream().anyMatch(roles::contains)).toList();
  }
}
