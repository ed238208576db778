package org.vertstack.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An API's table of declared request schemas: "POST /v2.1/flavors takes schemas/flavor-create.json",
 * "GET /v2.1/servers takes query parameters as in schemas/servers-query.json". {@link #install} puts
 * each schema on its route ahead of the API's own handler (parameters before the body), so the
 * handler only ever reads a request that matched. Built once per API (immutable), schemas read from the class path
 * beside the API's class.
 */
public final class RequestSchemas {

  /** One route's schema. */
  public record Entry(HttpMethod method, String path, BodySchema schema) {
  }

  /** One route's query or path parameter schema. */
  public record ParameterEntry(HttpMethod method, String path, ParameterSchema schema) {
  }

  private final List<Entry> entries;
  private final List<ParameterEntry> parameters;

  private RequestSchemas(List<Entry> entries, List<ParameterEntry> parameters) {
    this.entries = List.copyOf(entries);
    this.parameters = List.copyOf(parameters);
  }

  public static Builder beside(Class<?> owner) {
    return new Builder(owner);
  }

  public List<Entry> entries() {
    return entries;
  }

  public List<ParameterEntry> parameters() {
    return parameters;
  }

  /** Only the parameter schemas: for an API that checks bodies at another point of its chain. */
  public RequestSchemas parametersOnly() {
    return new RequestSchemas(List.of(), parameters);
  }

  /** Only the body schemas. */
  public RequestSchemas bodiesOnly() {
    return new RequestSchemas(entries, List.of());
  }

  private void installParameters(Router router) {
    for (ParameterEntry e : parameters) {
      router.route(e.method(), e.path()).putMetadata(RouteInventory.GUARD, true).handler(e.schema());
    }
  }

  /**
   * Adds a validating route for each entry; call it after the authentication handler and before the
   * API's routes (a route added later for the same path runs after it). {@code body} reads the body
   * first (a BodyHandler; it reads a request once however often it is on the path).
   */
  public void install(Router router, Handler<RoutingContext> body) {
    installParameters(router);
    for (Entry e : entries) {
      router.route(e.method(), e.path()).putMetadata(RouteInventory.GUARD, true).handler(body).handler(e.schema());
    }
  }

  /** {@link #install(Router, Handler)} for a router that reads every body already (a BodyHandler on all its routes). */
  public void install(Router router) {
    installParameters(router);
    for (Entry e : entries) {
      router.route(e.method(), e.path()).putMetadata(RouteInventory.GUARD, true).handler(e.schema());
    }
  }

  /**
   * {@link #install(Router)} with a gate ahead of each body schema, chosen per entry: e.g. the
   * policy check Keystone makes before it validates a body, so a caller refused whatever it sends
   * is told 403, not 400.
   */
  public void installBehind(Router router, Function<Entry, Handler<RoutingContext>> gate) {
    installParameters(router);
    for (Entry e : entries) {
      router.route(e.method(), e.path()).putMetadata(RouteInventory.GUARD, true).handler(gate.apply(e)).handler(e.schema());
    }
  }

  public static final class Builder {
    private final Class<?> owner;
    private final List<Entry> entries = new ArrayList<>();
    private final List<ParameterEntry> parameters = new ArrayList<>();

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

    /** The query parameters of {@code method path}, checked against {@code resource}. */
    public Builder query(HttpMethod method, String path, String resource) {
      parameters.add(new ParameterEntry(method, path, ParameterSchema.resource(owner, resource, ParameterSchema.Source.QUERY)));
      return this;
    }

    /** The query parameters of {@code GET path}. */
    public Builder query(String path, String resource) {
      return query(HttpMethod.GET, path, resource);
    }

    /** The query parameters of {@code method path}, against a schema built in code. */
    public Builder query(HttpMethod method, String path, ParameterSchema schema) {
      parameters.add(new ParameterEntry(method, path, schema));
      return this;
    }

    /** The path parameters of {@code method path} (e.g. ":id"), checked against {@code resource}. */
    public Builder pathParameters(HttpMethod method, String path, String resource) {
      parameters.add(new ParameterEntry(method, path, ParameterSchema.resource(owner, resource, ParameterSchema.Source.PATH)));
      return this;
    }

    public RequestSchemas build() {
      return new RequestSchemas(entries, parameters);
    }
  }
}
