package org.vertstack.common.module;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The modules found on the class path ({@link ServiceLoader}), the ones a node runs, and the
 * orders they start (dependencies first) and mount in.
 */
public final class Modules {

  private Modules() {
  }

  /** Every module on the class path, in the order the service files list them. */
  @SuppressWarnings("rawtypes")
  public static List<ServiceModule<?>> discovered() {
    List<ServiceModule<?>> out = new ArrayList<>();
    for (ServiceModule m : ServiceLoader.load(ServiceModule.class, Modules.class.getClassLoader())) {
      out.add(m);
    }
    return out;
  }

  /** The node roles named in a configuration. */
  public static Set<String> roles(JsonObject config) {
    Set<String> roles = new HashSet<>();
    config.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    return roles;
  }

  /** The discovered modules that run on a node of these roles, in start order. */
  public static List<ServiceModule<?>> forRoles(Set<String> roles) {
    return startOrder(discovered().stream().filter(m -> m.roles().stream().anyMatch(roles::contains)).toList());
  }

  /**
   * Dependencies first (a module's {@code requires} that do not run here are ignored); otherwise
   * the given order. A cycle is a programming error and fails the start.
   */
  public static List<ServiceModule<?>> startOrder(List<ServiceModule<?>> modules) {
    Map<String, ServiceModule<?>> byName = new LinkedHashMap<>();
    modules.forEach(m -> {
      if (byName.put(m.name(), m) != null) {
        throw new IllegalStateException("two modules are named " + m.name());
      }
    });
    List<ServiceModule<?>> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    while (ordered.size() < modules.size()) {
      ServiceModule<?> next = modules.stream()
        .filter(m -> !done.contains(m.name()))
        .filter(m -> m.requires().stream().filter(byName::containsKey).allMatch(done::contains))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("modules require each other in a cycle: "
          + modules.stream().filter(m -> !done.contains(m.name())).map(ServiceModule::name).toList()));
      ordered.add(next);
      done.add(next.name());
    }
    return ordered;
  }

  /** The order the front door mounts them in: by {@code mountOrder}, then start order. */
  public static List<StartedModule<?>> mountOrder(List<StartedModule<?>> started) {
    List<StartedModule<?>> out = new ArrayList<>(started);
    out.sort(Comparator.comparingInt(s -> s.module().mountOrder())); // stable: ties keep start order
    return out;
  }
}
