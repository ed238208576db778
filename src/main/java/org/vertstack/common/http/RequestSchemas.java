package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * An API's table of declared request-body schemas: "POST /v2.1/flavors takes schemas/flavor-create.json".
 * {@link #install} puts each schema on its route ahead of the API's own handler, so the handler only
 * ever reads a body that matched. Built once per API (immutable), schemas read from the class path
 * beside the API's class.
 */
public final class RequestSchemas {

  /** One route's schema. */
  public record Entry(HttpMethod method, String path, BodySchema schema) {
  }

  private final List<Entry> entries;

  private RequestSchemas(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static Builder beside(Class<?> owner) {
    return new Builder(owner);
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * Adds a validating route for each entry; call it after the authentication handler and before the
   * API's routes (a route added later for the same path runs after it). {@code body} reads the body
   * first (a BodyHandler; it reads a request once however often it is on the path).
   */
  public void install(Router router, Handler<RoutingContext> body) {
    for (Entry e : entries) {
      router.route(e.method(), e.path()).putMetadata(RouteInventory.GUARD, true).handler(body).handler(e.schema());
    }
  }

  /** {@link #install(Router, Handler)} for a router that reads every body already (a BodyHandler on all its routes). */
  public void install(Router router) {
    for (Entry e : entries) {
      router.route(e.method(), e.path()).putMetadata(RouteInventory.GUARD, true).handler(e.schema());
    }
  }

  public static final class Builder {
    private final Class<?> owner;
    private final List<Entry> entries = new ArrayList<>();

    private Builder(Class<?> owner) {
      this.owner = owner;
    }

    /** {@code resource} is relative to the owner's package, e.g. "schemas/flavor-create.json". */
    public Builder body(HttpMethod method, String path, String resource) {
      entries.add(new Entry(method, path, BodySchema.resource(owner, resource)));
      return this;
    }

    /** A schema built in code (e.g. from the schema an API publishes). */
    public Builder body(HttpMethod method, String path, BodySchema schema) {
      entries.add(new Entry(method, path, schema));
      return this;
    }

    public Builder post(String path, String resource) {
      return body(HttpMethod.POST, path, resource);
    }

    public Builder put(String path, String resource) {
      return body(HttpMethod.PUT, path, resource);
    }

    public Builder patch(String path, String resource) {
      return body(HttpMethod.PATCH, path, resource);
    }

    public RequestSchemas build() {
      return new RequestSchemas(entries);
    }
  }
}
