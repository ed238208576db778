package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.auth.AuthContext;
import org.vertstack.common.http.Errors;

import java.util.Map;

/** Routes each extension call to the class that owns the resource. */
final class IdentityExtensionsImpl implements IdentityExtensions {

  private final Map<String, Extension> resources;

  IdentityExtensionsImpl(Map<String, Extension> resources) {
    this.resources = Map.copyOf(resources);
  }

  @Override
  public Future<JsonObject> call(AuthContext caller, JsonObject request) {
    try {
      Extension e = resources.get(request.getString("resource", ""));
      if (e == null) {
        throw Errors.notFound("The resource could not be found.");
      }
      return e.handle(caller, request.getString("action", ""), new Extension.Request(
        request.getJsonObject("params", new JsonObject()), request.getJsonObject("query", new JsonObject()),
        request.getJsonObject("body")));
    } catch (RuntimeException err) {
      return Future.failedFuture(err);
    }
  }
}
