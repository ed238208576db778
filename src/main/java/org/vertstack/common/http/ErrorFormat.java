package org.vertstack.common.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonObject;

/** How one OpenStack API spells an error body; each service's router picks its own. */
public interface ErrorFormat {

  String contentType();

  String render(int status, String message);

  /** Keystone: {"error": {"code": 404, "title": "Not Found", "message": "..."}}. */
  ErrorFormat KEYSTONE = json((status, message) -> new JsonObject().put("error", new JsonObject()
    .put("code", status).put("title", reason(status)).put("message", message)));

  /** Nova and Cinder: {"itemNotFound": {"code": 404, "message": "..."}}. */
  ErrorFormat NOVA = json((status, message) -> new JsonObject().put(novaKey(status), new JsonObject()
    .put("code", status).put("message", message)));

  /** Glance v2 and Swift: a small plain text body. */
  ErrorFormat PLAIN = new ErrorFormat() {
    @Override
    public String contentType() {
      return "text/plain; charset=UTF-8";
    }

    @Override
    public String render(int status, String message) {
      return status + " " + reason(status) + "\n\n" + message + "\n";
    }
  };

  /** Swift: a short HTML page with the reason and the message. */
  ErrorFormat SWIFT = new ErrorFormat() {
    @Override
    public String contentType() {
      return "text/html; charset=UTF-8";
    }

    @Override
    public String render(int status, String message) {
      String m = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
      return "<html><h1>" + reason(status) + "</h1><p>" + m + "</p></html>";
    }
  };

  static ErrorFormat json(java.util.function.BiFunction<Integer, String, JsonObject> body) {
    return new ErrorFormat() {
      @Override
      public String contentType() {
        return "application/json";
      }

      @Override
      public String render(int status, String message) {
        return body.apply(status, message).encode();
      }
    };
  }

  static String reason(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }

  private static String novaKey(int status) {
    return switch (status) {
      case 400 -> "badRequest";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "itemNotFound";
      case 405 -> "methodNotAllowed";
      case 409 -> "conflictingRequest";
      case 413 -> "overLimit";
      case 415 -> "badMediaType";
      case 501 -> "notImplemented";
      case 503 -> "serviceUnavailable";
      default -> "computeFault";
    };
  }
}
