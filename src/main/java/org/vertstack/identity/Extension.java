package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

/** One extension resource: answers an action with {"status", "body"}. */
interface Extension {

  Future<JsonObject> handle(AuthContext caller, String action, Request request);

  /** The parts of one HTTP request an extension needs. */
  record Request(JsonObject params, JsonObject query, JsonObject body) {

    String param(String name) {
      return params.getString(name);
    }

    /** The body's one member object ({"trust": {...}}), 400 when missing. */
    JsonObject member(String name) {
      if (body == null || !(body.getValue(name) instanceof JsonObject o)) {
        throw Errors.badRequest("'" + name + "' is a required property.");
      }
      return o;
    }
  }

  static JsonObject reply(int status, JsonObject body) {
    JsonObject r = new JsonObject().put("status", status);
    if (body != null) {
      r.put("body", body);
    }
    return r;
  }

  /** A reply with response headers ({"X-Subject-Token": ...}). */
  static JsonObject withHeaders(JsonObject reply, JsonObject headers) {
    return reply.put("headers", headers);
  }

  static JsonObject ok(JsonObject body) {
    return reply(200, body);
  }

  static JsonObject created(JsonObject body) {
    return reply(201, body);
  }

  static JsonObject noContent() {
    return reply(204, null);
  }

  static RuntimeException unknownAction(String action) {
    return Errors.notFound("The resource could not be found.");
  }
}
