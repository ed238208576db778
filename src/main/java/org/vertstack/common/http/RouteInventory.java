package org.vertstack.common.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The endpoints a router serves (sub-routers included), read from its routes: a method and a
 * path template with {@code :param} segments. A route that dispatches a whole subtree itself
 * (Swift's) lists its endpoints in the route's {@link #TEMPLATES} metadata ("METHOD /path").
 * Routes without a path (catch-alls) and handlers shared by a subtree ("/v2/*") are not endpoints.
 */
public final class RouteInventory {

  /** Route metadata: a List of "METHOD /path/:param" strings for a route that dispatches itself. */
  public static final String TEMPLATES = "vertstack.route-templates";

  /** Route metadata: the route only guards the endpoint routed after it (a request schema), it is not one itself. */
  public static final String GUARD = "vertstack.route-guard";

  private RouteInventory() {
  }

  public record Endpoint(HttpMethod method, String path) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  public static List<Endpoint> of(Router root) {
    Set<Endpoint> out = new LinkedHashSet<>();
    walk(root, "", out);
    return new ArrayList<>(out);
  }

  private static void walk(Router router, String prefix, Set<Endpoint> out) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        walk(route.getSubRouter(), prefix + trimEnd(path == null ? "" : path), out);
        continue;
      }
      if (Boolean.TRUE.equals(route.getMetadata(GUARD))) {
        continue;
      }
      List<?> templates = route.getMetadata(TEMPLATES);
      if (templates != null) {
        for (Object t : templates) {
          String[] parts = t.toString().split(" ", 2);
          out.add(new Endpoint(HttpMethod.valueOf(parts[0]), prefix + parts[1]));
        }
        continue;
      }
      Set<HttpMethod> declared = route.methods() == null ? Set.of() : route.methods();
      if (path == null || (path.endsWith("/") && path.length() > 1 && declared.isEmpty())) {
        continue;
      }
      Set<HttpMethod> methods = declared.isEmpty() ? Set.of(HttpMethod.GET) : declared;
      for (HttpMethod m : methods) {
        out.add(new Endpoint(m, prefix + path));
      }
    }
  }

  private static String trimEnd(String path) {
    String p = path.endsWith("*") ? path.substring(0, path.length() - 1) : path;
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
