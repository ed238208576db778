package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.Errors;
import org.vertstack.objectstore.db.ListQuery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Swift's staticweb: a container (or a "directory" of it: a path ending in '/') served as a
 * website to anonymous readers (or with {@code X-Web-Mode: true}). {@code X-Container-Meta-Web-Index}
 * names the page served for a directory, {@code -Web-Listings: true} renders an HTML listing when
 * there is no such page, with {@code -Web-Listings-CSS} as its style sheet. A directory asked
 * without its trailing slash is redirected to it (relative links then resolve). Reading still
 * needs the container's read ACL ({@code .r:*} for the public); listings also {@code .rlistings}.
 */
final class StaticWeb {

  private StaticWeb() {
  }

  /** A website request: a GET or HEAD without a token, or one that asks for web mode. */
  static boolean webMode(RoutingContext ctx, Caller caller) {
    String method = ctx.request().method().name();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return false;
    }
    return (caller.auth() == null && !caller.isTempUrl()) || Metadata.truthy(ctx.request().getHeader("X-Web-Mode"));
  }

  /** Whether the container is a website (has an index page or listings). */
  static boolean enabled(JsonObject info) {
    if (info == null) {
      return false;
    }
    JsonObject meta = info.getJsonObject("meta");
    String index = meta.getString("x-container-meta-web-index");
    return (index != null && !index.isEmpty()) || Metadata.truthy(meta.getString("x-container-meta-web-listings"));
  }

  /** Serves the directory {@code prefix} ("" for the container's root) of a website container. */
  static Future<?> serve(SwiftApi api, RoutingContext ctx, SwiftPath path, JsonObject info, Caller caller, String prefix) {
    String raw = ctx.request().path();
    if (!raw.endsWith("/")) {
      String query = ctx.request().query();
      ctx.response().setStatusCode(301).putHeader("Location", raw + "/" + (query == null ? "" : "?" + query))
        .putHeader("Content-Type", "text/html; charset=UTF-8").end();
      return Future.succeededFuture();
    }
    JsonObject meta = info.getJsonObject("meta");
    String index = meta.getString("x-container-meta-web-index");
    boolean listings = Metadata.truthy(meta.getString("x-container-meta-web-listings"));
    Future<Boolean> hasIndex = index == null || index.isEmpty() ? Future.succeededFuture(false)
      : api.db.objectExists(path.account(), path.container(), prefix + index);
    return hasIndex.compose(found -> {
      if (found) {
        return api.objectHandler.handle(ctx, new SwiftPath(path.account(), path.projectId(), path.container(), prefix + index), caller);
      }
      if (!listings) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      if (caller.auth() == null && !caller.allowedBy(meta.getString("x-container-read"), true)) {
        return Future.failedFuture(caller.denied());
      }
      return api.db.listObjects(path.account(), path.container(), new ListQuery(ListQuery.MAX_LIMIT, null, null,
        prefix.isEmpty() ? null : prefix, "/", false)).map(list -> {
          String page = page(raw, prefix, meta.getString("x-container-meta-web-listings-css"), list);
          ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=UTF-8");
          if ("HEAD".equals(ctx.request().method().name())) {
            ctx.response().putHeader("Content-Length", String.valueOf(page.getBytes(StandardCharsets.UTF_8).length)).end();
          } else {
            ctx.response().end(page);
          }
          return null;
        });
    });
  }

  static String page(String title, String prefix, String css, JsonArray list) {
    StringBuilder b = new StringBuilder("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
      + "\"http://www.w3.org/TR/html4/loose.dtd\">\n<html>\n <head>\n  <title>Listing of ").append(esc(title)).append("</title>\n");
    if (css != null && !css.isEmpty()) {
      boolean absolute = css.startsWith("/") || css.contains("://");
      String depth = "../".repeat((int) prefix.chars().filter(c -> c == '/').count());
      b.append("  <link rel=\"stylesheet\" type=\"text/css\" href=\"").append(esc(absolute ? css : depth + css)).append("\" />\n");
    }
    b.append(" </head>\n <body>\n  <h1 id=\"title\">Listing of ").append(esc(title)).append("</h1>\n  <table id=\"listing\">\n")
      .append("   <tr id=\"heading\"><th class=\"colname\">Name</th><th class=\"colsize\">Size</th><th class=\"coldate\">Date</th></tr>\n");
    if (!prefix.isEmpty()) {
      b.append("   <tr id=\"parent\" class=\"item\"><td class=\"colname\"><a href=\"../\">../</a></td>"
        + "<td class=\"colsize\">&nbsp;</td><td class=\"coldate\">&nbsp;</td></tr>\n");
    }
    for (Object o : list) {
      JsonObject item = (JsonObject) o;
      boolean dir = item.containsKey("subdir");
      String name = (dir ? item.getString("subdir") : item.getString("name")).substring(prefix.length());
      b.append("   <tr class=\"item ").append(dir ? "subdir" : "type-file").append("\"><td class=\"colname\"><a href=\"")
        .append(esc(href(name))).append("\">").append(esc(name)).append("</a></td><td class=\"colsize\">")
        .append(dir ? "&nbsp;" : String.valueOf(item.getLong("bytes"))).append("</td><td class=\"coldate\">")
        .append(dir ? "&nbsp;" : esc(String.valueOf(item.getString("last_modified")))).append("</td></tr>\n");
    }
    return b.append("  </table>\n </body>\n</html>\n").toString();
  }

  private static String href(String name) {
    StringBuilder b = new StringBuilder();
    for (String part : name.split("/", -1)) {
      if (b.length() > 0 || name.startsWith("/")) {
        b.append('/');
      }
      b.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  private static String esc(String s) {
    return SwiftApi.escape(s).replace("\"", "&quot;");
  }
}
