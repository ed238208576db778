package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.events.ResourceEvents;
import org.vertstack.common.http.Errors;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.http.FailureHandler;
import org.vertstack.common.http.RouteInventory;
import org.vertstack.common.policy.Target;
import org.vertstack.objectstore.ObjectStoreRuntime;
import org.vertstack.objectstore.ObjectStoreSettings;
import org.vertstack.objectstore.db.ContainerDb;
import org.vertstack.objectstore.db.ListQuery;
import org.vertstack.objectstore.storage.ObjectClient;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * The Swift v1 proxy on the front door: /object-store/v1/AUTH_&lt;project&gt;[/container[/object]]
 * and /info. Thin: parses, authorises, then calls the container database or the object servers.
 * One instance per front-door verticle (its own HTTP client to the object servers).
 */
public final class SwiftApi {

  static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  final Vertx vertx;
  final ContainerDb db;
  final ObjectClient objects;
  final TokenVerifier verifier;
  final ObjectStoreSettings settings;
  final ObjectService objectService;
  final ObjectHandler objectHandler;
  final MetaQuotas metaQuotas;
  private final ContainerLookup containers;

  public SwiftApi(Vertx vertx, JsonObject config, TokenVerifier verifier, ObjectStoreRuntime runtime) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.objectService = ObjectService.create(vertx, config, runtime);
    this.settings = objectService.settings;
    this.db = objectService.db;
    this.objects = objectService.objects;
    this.containers = objectService.containers;
    this.metaQuotas = objectService.metaQuotas;
    this.objectHandler = new ObjectHandler(objectService);
  }

  /** What {@link #dispatch} serves, for the route inventory. */
  private static final java.util.List<String> ENDPOINTS = java.util.List.of(
    "GET /object-store/v1/:account", "HEAD /object-store/v1/:account", "POST /object-store/v1/:account",
    "PUT /object-store/v1/:account", "DELETE /object-store/v1/:account",
    "GET /object-store/v1/:account/:container", "HEAD /object-store/v1/:account/:container",
    "PUT /object-store/v1/:account/:container", "POST /object-store/v1/:account/:container",
    "DELETE /object-store/v1/:account/:container",
    "GET /object-store/v1/:account/:container/:object", "HEAD /object-store/v1/:account/:container/:object",
    "PUT /object-store/v1/:account/:container/:object", "POST /object-store/v1/:account/:container/:object",
    "DELETE /object-store/v1/:account/:container/:object", "COPY /object-store/v1/:account/:container/:object");

  public void mount(Router root) {
    root.get("/info").handler(this::info);
    root.get("/object-store/info").handler(this::info);
    root.get("/object-store/v1/info").handler(this::info);
    root.get("/object-store/healthcheck").handler(this::healthcheck);
    root.get("/object-store/crossdomain.xml").handler(this::crossdomain);
    root.get("/crossdomain.xml").handler(this::crossdomain);
    root.route("/object-store/v1/*").putMetadata(RouteInventory.TEMPLATES, ENDPOINTS).handler(this::dispatch);
  }

  // ---- entry

  private void dispatch(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    req.pause();
    // a body no handler read (a POST or DELETE with one) is drained once the answer is sent, or the
    // paused request would stall the connection for the client's next request
    ctx.addEndHandler(v -> {
      if (!req.isEnded()) {
        req.resume();
      }
    });
    transId(ctx);
    HttpServerResponse resp = ctx.response();
    defaultContentType(ctx);
    // user content must never run as this origin (the dashboard's): every answer of the
    // object store, objects and error pages alike, is a sandboxed document and is not sniffed
    resp.putHeader("Content-Security-Policy", "sandbox").putHeader("X-Content-Type-Options", "nosniff");
    Future<?> done;
    try {
      String raw = req.path();
      if (!raw.startsWith(SwiftPath.PREFIX)) {
        throw Errors.notFound("Not Found");
      }
      SwiftPath path = SwiftPath.parse(raw);
      done = caller(ctx, path).compose(caller -> route(ctx, path, caller));
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onFailure(err -> fail(ctx, err));
  }

  private Future<?> route(RoutingContext ctx, SwiftPath path, Caller caller) {
    String method = ctx.request().method().name();
    // a form upload is allowed by its signature, whoever sends it (Swift's formpost runs before auth)
    if ("POST".equals(method) && path.container() != null && FormPost.applies(ctx.request())) {
      return FormPost.handle(this, ctx, path);
    }
    if (path.container() == null) {
      return switch (method) {
        case "GET", "HEAD" -> accountGet(ctx, path, caller);
        case "POST" -> accountPost(ctx, path, caller);
        // an account is made and removed with its project: only its bulk operations are writes here
        case "PUT" -> !caller.mayWrite(path.projectId()) ? Future.failedFuture(caller.denied())
          : ctx.request().params().contains("extract-archive") ? BulkExtract.run(this, ctx, path, caller)
          : Future.failedFuture(Errors.of(405, "Method Not Allowed"));
        case "DELETE" -> !caller.mayWrite(path.projectId()) ? Future.failedFuture(caller.denied())
          : ctx.request().params().contains("bulk-delete") ? bulkDelete(ctx, path, caller)
          : Future.failedFuture(Errors.of(405, "Method Not Allowed"));
        case "OPTIONS" -> options(ctx);
        default -> Future.failedFuture(Errors.of(405, "Method Not Allowed"));
      };
    }
    if (path.object() == null) {
      return switch (method) {
        case "GET", "HEAD" -> containerGet(ctx, path, caller);
        case "PUT" -> ctx.request().params().contains("extract-archive") ? BulkExtract.run(this, ctx, path, caller)
          : containerPut(ctx, path, caller);
        case "POST" -> containerPost(ctx, path, caller);
        case "DELETE" -> containerDelete(ctx, path, caller);
        case "OPTIONS" -> options(ctx);
        default -> Future.failedFuture(Errors.of(405, "Method Not Allowed"));
      };
    }
    if ("PUT".equals(method) && ctx.request().params().contains("extract-archive")) {
      return BulkExtract.run(this, ctx, path, caller);
    }
    if (path.object().endsWith("/") && StaticWeb.webMode(ctx, caller)) {
      // a "directory" of a website container: its index page or listing
      return containerInfo(path.account(), path.container()).<Void>compose(info -> StaticWeb.enabled(info)
        && (caller.mayRead(path.projectId()) || caller.allowedBy(info.getJsonObject("meta").getString("x-container-read"), false))
        ? StaticWeb.serve(this, ctx, path, info, caller, path.object()).mapEmpty() : objectHandler.handle(ctx, path, caller).mapEmpty());
    }
    return objectHandler.handle(ctx, path, caller);
  }

  private Future<?> options(RoutingContext ctx) {
    ctx.response().setStatusCode(200).putHeader("Allow", "HEAD, GET, PUT, POST, DELETE, COPY, OPTIONS").end();
    return Future.succeededFuture();
  }

  /** The token's caller; without a token, a TempURL caller or anonymous (ACLs may still allow). */
  private Future<Caller> caller(RoutingContext ctx, SwiftPath path) {
    HttpServerRequest req = ctx.request();
    // a signed URL is judged by its signature alone, token or not (Swift's tempurl runs before auth)
    if ((req.getParam("temp_url_sig") != null || req.getParam("temp_url_expires") != null)
      && req.method() != io.vertx.core.http.HttpMethod.OPTIONS) {
      return TempUrl.check(this, ctx, path).map(grant -> new Caller(null, grant));
    }
    String token = req.getHeader("X-Auth-Token");
    if (token == null) {
      token = req.getHeader("X-Storage-Token");
    }
    if (token != null) {
      return verifier.verify(token).map(auth -> new Caller(auth, null));
    }
    return Future.succeededFuture(Caller.ANONYMOUS);
  }

  /** Swift's transaction id, answered as X-Trans-Id and X-Openstack-Request-Id (Tempest checks both). */
  private static void transId(RoutingContext ctx) {
    String txId = "tx" + UUID.randomUUID().toString().replace("-", "").substring(0, 21) + "-" + String.format(Locale.ROOT, "%010x", System.currentTimeMillis() / 1000);
    ctx.response().putHeader("X-Trans-Id", txId).putHeader("X-Openstack-Request-Id", txId);
  }

  /** Swift answers every response, bodiless ones too, with a Content-Type (Tempest checks it). */
  static void defaultContentType(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      if (!ctx.response().headers().contains("Content-Type")) {
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8");
      }
    });
  }

  // ---- /healthcheck, /crossdomain.xml (public, as Swift's middlewares)

  private void healthcheck(RoutingContext ctx) {
    transId(ctx);
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("OK");
  }

  /** Swift's default policy: Flash clients of any site may call the API (it takes tokens, not cookies). */
  static final String CROSS_DOMAIN_POLICY = "<?xml version=\"1.0\"?>\n"
    + "<!DOCTYPE cross-domain-policy SYSTEM \"http://www.adobe.com/xml/dtds/cross-domain-policy.dtd\" >\n"
    + "<cross-domain-policy>\n<allow-access-from domain=\"*\" secure=\"false\" />\n</cross-domain-policy>";

  private void crossdomain(RoutingContext ctx) {
    transId(ctx);
    ctx.response().putHeader("Content-Type", "application/xml; charset=utf-8").end(CROSS_DOMAIN_POLICY);
  }

  // ---- /info

  private void info(RoutingContext ctx) {
    transId(ctx);
    JsonObject swift = new JsonObject()
      .put("version", "2.30.0")
      .put("max_file_size", settings.maxObjectSize())
      .put("max_object_name_length", SwiftPath.MAX_OBJECT_NAME)
      .put("max_container_name_length", SwiftPath.MAX_CONTAINER_NAME)
      .put("container_listing_limit", ListQuery.MAX_LIMIT)
      .put("account_listing_limit", ListQuery.MAX_LIMIT)
      .put("max_meta_name_length", Metadata.MAX_NAME)
      .put("max_meta_value_length", Metadata.MAX_VALUE)
      .put("max_meta_count", Metadata.MAX_COUNT)
      .put("max_meta_overall_size", Metadata.MAX_OVERALL)
      .put("max_header_size", 8192)
      .put("extra_header_count", 0)
      .put("strict_cors_mode", true)
      .put("allow_account_management", false)
      .put("account_autocreate", true)
      .put("policies", new JsonArray().add(new JsonObject().put("name", "Policy-0").put("default", true)));
    JsonObject body = new JsonObject()
      .put("swift", swift)
      .put("tempurl", new JsonObject().put("methods", new JsonArray().add("GET").add("HEAD").add("PUT").add("POST").add("DELETE"))
        .put("incoming_remove_headers", new JsonArray()).put("outgoing_remove_headers", new JsonArray())
        .put("allowed_digests", new JsonArray().add("sha1").add("sha256").add("sha512")))
      .put("slo", new JsonObject().put("max_manifest_segments", 1000).put("max_manifest_size", 8 * 1024 * 1024)
        .put("min_segment_size", 1).put("yield_frequency", 10))
      .put("dlo", new JsonObject().put("max_segments", 10000))
      .put("bulk_delete", new JsonObject().put("max_deletes_per_request", 10000).put("max_failed_deletes", 1000))
      .put("bulk_upload", new JsonObject().put("max_containers_per_extraction", BulkExtract.MAX_CONTAINERS)
        .put("max_failed_extractions", BulkExtract.MAX_FAILED))
      .put("formpost", new JsonObject())
      .put("staticweb", new JsonObject())
      .put("crossdomain", new JsonObject().put("cross_domain_policy", "<allow-access-from domain=\"*\" secure=\"false\" />"))
      .put("container_sync", new JsonObject().put("realms", new JsonObject().put(ContainerSync.REALM.toUpperCase(Locale.ROOT),
        new JsonObject().put("clusters", new JsonObject().put(ContainerSync.CLUSTER.toUpperCase(Locale.ROOT), new JsonObject())))))
      .put("versioned_writes", new JsonObject().put("allowed_flags", new JsonArray().add("x-versions-location").add("x-history-location")))
      .put("account_quotas", new JsonObject())
      .put("container_quotas", new JsonObject());
    ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  // ---- accounts

  private Future<?> accountGet(RoutingContext ctx, SwiftPath path, Caller caller) {
    if (!caller.may("object_store:read_account", path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    boolean head = "HEAD".equals(ctx.request().method().name());
    return db.account(path.account()).compose(acct -> {
      HttpServerResponse resp = ctx.response();
      resp.putHeader("X-Account-Container-Count", String.valueOf(acct.getLong("containers")))
        .putHeader("X-Account-Object-Count", String.valueOf(acct.getLong("objects")))
        .putHeader("X-Account-Bytes-Used", String.valueOf(acct.getLong("bytes")))
        .putHeader("X-Timestamp", swiftTimestamp(acct.getLong("created")))
        .putHeader("X-Account-Storage-Policy-Policy-0-Container-Count", String.valueOf(acct.getLong("containers")))
        .putHeader("X-Account-Storage-Policy-Policy-0-Object-Count", String.valueOf(acct.getLong("objects")))
        .putHeader("X-Account-Storage-Policy-Policy-0-Bytes-Used", String.valueOf(acct.getLong("bytes")));
      JsonObject meta = acct.getJsonObject("meta").copy();
      if (!caller.may("object_store:show_temp_url_keys", path.projectId())) {
        hideTempUrlKeys(meta, "x-account-meta-");
      }
      Metadata.toHeaders(meta, resp.headers());
      if (head) {
        resp.setStatusCode(204).end();
        return Future.succeededFuture();
      }
      ListQuery q = listQuery(ctx.request(), false);
      return db.listContainers(path.account(), q).map(list -> {
        Listing.render(ctx, list, "account", path.account());
        return null;
      });
    });
  }

  private Future<?> accountPost(RoutingContext ctx, SwiftPath path, Caller caller) {
    if (!caller.may("object_store:write_account", path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    if (ctx.request().params().contains("bulk-delete")) {
      return BulkDelete.run(this, ctx, path);
    }
    JsonObject changes = Metadata.fromHeaders(ctx.request().headers(), "account");
    if (changes.containsKey(MetaQuotas.ACCOUNT_BYTES)) {
      // an account's quota is the reseller's to set, not the account owner's (Swift's account_quotas)
      if (!caller.isResellerAdmin()) {
        return Future.failedFuture(Errors.forbidden("Forbidden"));
      }
      MetaQuotas.validate(changes, MetaQuotas.ACCOUNT_BYTES);
    }
    return db.updateAccountMeta(path.account(), changes).map(v -> {
      metaQuotas.forgetAccount(path.account());
      ctx.response().setStatusCode(204).end();
      return null;
    });
  }

  private Future<?> bulkDelete(RoutingContext ctx, SwiftPath path, Caller caller) {
    if (!caller.mayWrite(path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    return BulkDelete.run(this, ctx, path);
  }

  // ---- containers

  /** Creates the container of {@code path} unless it exists (bulk extraction); true when it was created. */
  Future<Boolean> ensureContainer(SwiftPath path) {
    return containerInfo(path.account(), path.container()).compose(info -> info != null ? Future.succeededFuture(false)
      : db.updateAccountMeta(path.account(), new JsonObject())
        .compose(v -> db.putContainer(path.account(), path.container(), new JsonObject()))
        .map(created -> {
          forgetContainer(path.account(), path.container());
          if (created) {
            ResourceEvents.publish(vertx, path.projectId(), "object-store.container", path.container(), "created",
              new JsonObject().put("name", path.container()).put("account", path.account()));
          }
          return created;
        }));
  }

  /** The container's info (meta, counters), cached briefly; null when it does not exist. */
  Future<JsonObject> containerInfo(String account, String container) {
    return containers.info(account, container);
  }

  void forgetContainer(String account, String container) {
    containers.forget(account, container);
  }

  private Future<?> containerGet(RoutingContext ctx, SwiftPath path, Caller caller) {
    boolean head = "HEAD".equals(ctx.request().method().name());
    return db.container(path.account(), path.container()).compose(info -> {
      String readGrant = info == null ? null : info.getJsonObject("meta").getString("x-container-read");
      if (StaticWeb.webMode(ctx, caller) && StaticWeb.enabled(info)) {
        // a web listing is read as the container's objects are: the read ACL need not allow listings
        boolean objectAcl = caller.allowedBy(readGrant, false);
        if (!caller.may("object_store:read_container", Target.project(path.projectId(), null).flag("read_acl", objectAcl))) {
          return Future.failedFuture(caller.denied());
        }
        return StaticWeb.serve(this, ctx, path, info, caller, "");
      }
      boolean readAcl = info != null && caller.allowedBy(readGrant, true);
      if (!caller.may("object_store:read_container", Target.project(path.projectId(), null).flag("read_acl", readAcl))) {
        return Future.failedFuture(caller.denied());
      }
      if (info == null) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      HttpServerResponse resp = ctx.response();
      resp.putHeader("X-Container-Object-Count", String.valueOf(info.getLong("objects")))
        .putHeader("X-Container-Bytes-Used", String.valueOf(info.getLong("bytes")))
        .putHeader("X-Timestamp", swiftTimestamp(info.getLong("created")))
        .putHeader("X-Storage-Policy", "Policy-0")
        .putHeader("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(info.getLong("created"))));
      JsonObject meta = info.getJsonObject("meta").copy();
      if (!caller.may("object_store:show_acls", path.projectId())) {
        meta.remove("x-container-read");
        meta.remove("x-container-write");
      }
      if (!caller.may("object_store:show_temp_url_keys", path.projectId())) {
        hideTempUrlKeys(meta, "x-container-meta-");
        meta.remove(ContainerSync.SYNC_KEY);
      }
      Metadata.toHeaders(meta, resp.headers());
      if (head) {
        resp.setStatusCode(204).end();
        return Future.succeededFuture();
      }
      return db.listObjects(path.account(), path.container(), listQuery(ctx.request(), true)).map(list -> {
        Listing.render(ctx, list, "container", path.container());
        return null;
      });
    });
  }

  private Future<?> containerPut(RoutingContext ctx, SwiftPath path, Caller caller) {
    if (!caller.may("object_store:write_container", path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    if (path.container().contains("/")) {
      return Future.failedFuture(Errors.badRequest("Container names cannot contain '/'"));
    }
    JsonObject meta = Metadata.fromHeaders(ctx.request().headers(), "container");
    checkVersionsLocation(meta);
    MetaQuotas.validate(meta, MetaQuotas.CONTAINER_BYTES, MetaQuotas.CONTAINER_COUNT);
    ContainerSync.validate(meta);
    Caller.checkWriteAcl(meta.getString("x-container-write"));
    return db.updateAccountMeta(path.account(), new JsonObject())
      .compose(v -> db.putContainer(path.account(), path.container(), meta))
      .map(created -> {
        forgetContainer(path.account(), path.container());
        if (created) {
          ResourceEvents.publish(vertx, path.projectId(), "object-store.container", path.container(), "created",
            new JsonObject().put("name", path.container()).put("account", path.account()));
        }
        ctx.response().setStatusCode(created ? 201 : 202).putHeader("Content-Type", "text/html; charset=UTF-8").end();
        return null;
      });
  }

  /**
   * TempURL keys are shown only to who may write the account (as in Swift): anyone who can
   * merely read it, or read a container through an ACL, could otherwise sign writes.
   */
  private static void hideTempUrlKeys(JsonObject meta, String prefix) {
    meta.remove(prefix + "temp-url-key");
    meta.remove(prefix + "temp-url-key-2");
  }

  private static void checkVersionsLocation(JsonObject meta) {
    for (String key : new String[] {"x-versions-location", "x-history-location"}) {
      String v = meta.getString(key);
      if (v != null && !v.isEmpty()) {
        String decoded = SwiftPath.decode(v);
        if (decoded.contains("/") || decoded.length() > SwiftPath.MAX_CONTAINER_NAME) {
          throw Errors.badRequest(key + " must be a container name");
        }
      }
    }
    if (meta.getString("x-versions-location") != null && !meta.getString("x-versions-location").isEmpty()
      && meta.getString("x-history-location") != null && !meta.getString("x-history-location").isEmpty()) {
      throw Errors.badRequest("Only one of X-Versions-Location or X-History-Location may be provided");
    }
  }

  private Future<?> containerPost(RoutingContext ctx, SwiftPath path, Caller caller) {
    if (!caller.may("object_store:write_container", path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    JsonObject meta = Metadata.fromHeaders(ctx.request().headers(), "container");
    checkVersionsLocation(meta);
    MetaQuotas.validate(meta, MetaQuotas.CONTAINER_BYTES, MetaQuotas.CONTAINER_COUNT);
    ContainerSync.validate(meta);
    Caller.checkWriteAcl(meta.getString("x-container-write"));
    if (ctx.request().getParam("bulk-delete") != null) {
      return Future.failedFuture(Errors.badRequest("bulk-delete is an account request"));
    }
    return db.updateContainerMeta(path.account(), path.container(), meta).compose(found -> {
      forgetContainer(path.account(), path.container());
      if (!found) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      ResourceEvents.publish(vertx, path.projectId(), "object-store.container", path.container(), "updated",
        new JsonObject().put("name", path.container()).put("account", path.account()));
      ctx.response().setStatusCode(204).end();
      return Future.succeededFuture();
    });
  }

  private Future<?> containerDelete(RoutingContext ctx, SwiftPath path, Caller caller) {
    if (!caller.may("object_store:write_container", path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    return db.deleteContainer(path.account(), path.container()).compose(status -> {
      forgetContainer(path.account(), path.container());
      if (status == 404) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      if (status == 409) {
        return Future.failedFuture(Errors.conflict("There was a conflict when trying to complete your request."));
      }
      ResourceEvents.publish(vertx, path.projectId(), "object-store.container", path.container(), "deleted",
        new JsonObject().put("name", path.container()).put("account", path.account()));
      ctx.response().setStatusCode(204).end();
      return Future.succeededFuture();
    });
  }

  static ListQuery listQuery(HttpServerRequest req, boolean container) {
    int limit = ListQuery.MAX_LIMIT;
    String l = req.getParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        throw Errors.of(412, "Value of limit must be a positive integer");
      }
      if (limit < 0) {
        throw Errors.of(412, "Value of limit must be a positive integer");
      }
      if (limit > ListQuery.MAX_LIMIT) {
        throw Errors.of(412, "Maximum limit is " + ListQuery.MAX_LIMIT);
      }
    }
    String prefix = param(req, "prefix");
    String delimiter = param(req, "delimiter");
    String path = container ? param(req, "path") : null;
    if (path != null) {
      prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
      delimiter = "/";
    }
    if (delimiter != null && delimiter.length() > 1) {
      throw Errors.of(412, "Bad delimiter");
    }
    String reverse = req.getParam("reverse");
    boolean rev = reverse != null && Metadata.truthy(reverse);
    return new ListQuery(limit, param(req, "marker"), param(req, "end_marker"), prefix, delimiter, rev);
  }

  /** A query parameter, checked as strict UTF-8 without NUL. */
  private static String param(HttpServerRequest req, String name) {
    String v = req.getParam(name);
    if (v == null) {
      return null;
    }
    if (v.indexOf('\0') >= 0 || v.indexOf('\uFFFD') >= 0) {
      throw Errors.of(412, "Invalid UTF8 or contains NULL");
    }
    return v;
  }

  static String swiftTimestamp(long millis) {
    return String.format(Locale.ROOT, "%d.%05d", millis / 1000, (millis % 1000) * 100);
  }

  static String swiftTimestampFromTs(String ts) {
    long micros = Long.parseLong(ts);
    return String.format(Locale.ROOT, "%d.%05d", micros / 1_000_000, (micros % 1_000_000) / 10);
  }

  // ---- errors

  /** Swift's error bodies: a short HTML page with the status line (the status from the kit's one mapping). */
  void fail(RoutingContext ctx, Throwable err) {
    FailureHandler.Outcome outcome = FailureHandler.classify(ctx, err, 0);
    if (outcome != null) {
      sendError(ctx, outcome.status(), outcome.message());
    }
  }

  static void sendError(RoutingContext ctx, int status, String message) {
    HttpServerResponse resp = ctx.response();
    HttpServerRequest req = ctx.request();
    if (resp.ended() || resp.closed()) {
      return;
    }
    if (resp.headWritten()) {
      resp.reset();
      return;
    }
    if (!req.isEnded()) {
      req.resume();
    }
    String reason = ErrorFormat.reason(status);
    String body = "<html><h1>" + reason + "</h1><p>" + escape(message == null ? reason : message) + "</p></html>";
    resp.setStatusCode(status).putHeader("Content-Type", "text/html; charset=UTF-8");
    if (status == 401) {
      resp.putHeader("WWW-Authenticate", "Keystone uri='/identity/v3'");
    }
    if ("HEAD".equals(req.method().name()) || status == 304 || status == 204) {
      resp.putHeader("Content-Length", String.valueOf(status == 304 || status == 204 ? 0 : body.length())).end();
    } else {
      resp.end(body);
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static MultiMap headers(RoutingContext ctx) {
    return ctx.request().headers();
  }
}
