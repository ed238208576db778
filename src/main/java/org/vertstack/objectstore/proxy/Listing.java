package org.vertstack.objectstore.proxy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/** Renders account and container listings as JSON, plain text or XML (format= or Accept). */
final class Listing {

  private Listing() {
  }

  static void render(RoutingContext ctx, JsonArray list, String kind, String name) {
    String format = ctx.request().getParam("format");
    String accept = ctx.request().getHeader("Accept");
    if (format == null) {
      format = accept == null ? "plain" : accept.contains("application/json") ? "json"
        : accept.contains("/xml") ? "xml" : "plain";
    }
    format = format.toLowerCase(Locale.ROOT);
    var resp = ctx.response();
    switch (format) {
      case "json" -> resp.setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8").end(list.encode());
      case "xml" -> resp.setStatusCode(200).putHeader("Content-Type", "application/xml; charset=utf-8").end(xml(list, kind, name));
      default -> {
        if (list.isEmpty()) {
          resp.setStatusCode(204).putHeader("Content-Type", "text/plain; charset=utf-8").end();
          return;
        }
        StringBuilder b = new StringBuilder();
        for (Object o : list) {
          JsonObject j = (JsonObject) o;
          b.append(j.containsKey("subdir") ? j.getString("subdir") : j.getString("name")).append('\n');
        }
        resp.setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8").end(b.toString());
      }
    }
  }

  private static String xml(JsonArray list, String kind, String name) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append('<').append(kind).append(" name=\"").append(esc(name)).append("\">");
    String item = "account".equals(kind) ? "container" : "object";
    for (Object o : list) {
      JsonObject j = (JsonObject) o;
      if (j.containsKey("subdir")) {
        b.append("<subdir name=\"").append(esc(j.getString("subdir"))).append("\"><name>")
          .append(esc(j.getString("subdir"))).append("</name></subdir>");
        continue;
      }
      b.append('<').append(item).append('>');
      j.forEach(e -> b.append('<').append(e.getKey()).append('>').append(esc(String.valueOf(e.getValue())))
        .append("</").append(e.getKey()).append('>'));
      b.append("</").append(item).append('>');
    }
    b.append("</").append(kind).append('>');
    return b.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
