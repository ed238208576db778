package org.vertstack.objectstore.proxy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.serviceproxy.ServiceException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.vertstack.common.http.Errors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Swift's bulk archive extraction: PUT /v1/AUTH_a[/container[/prefix]]?extract-archive=tar|tar.gz|tar.bz2
 * stores each file of the archive as an object (at the account level the first path segment
 * names the container, created when missing). The body is decoded on a worker thread as it
 * arrives and each member is streamed into its object with back-pressure both ways
 * ({@link BlockingBody}, {@link PushedBody}): nothing is held whole. Answers 200 with Swift's
 * summary (files created, per-file errors), as text or JSON by Accept. Limits as Swift's:
 * {@value #MAX_CONTAINERS} new containers per archive, {@value #MAX_FAILED} failed files.
 */
final class BulkExtract {

  private static final String DECODERS = "vertstack-bulk-extract";
  private static final int DECODER_THREADS = 4;

  static final int MAX_CONTAINERS = 10_000;
  static final int MAX_FAILED = 1_000;
  private static final int CHUNK = 64 * 1024;
  private static final Set<String> FORMATS = Set.of("tar", "tar.gz", "tar.bz2");

  private BulkExtract() {
  }

  static Future<?> run(SwiftApi api, RoutingContext ctx, SwiftPath path, Caller caller) {
    String format = ctx.request().getParam("extract-archive");
    if (format == null || !FORMATS.contains(format)) {
      return Future.failedFuture(Errors.badRequest("Unsupported archive format: use tar, tar.gz or tar.bz2"));
    }
    if (!caller.mayWrite(path.projectId())) {
      return Future.failedFuture(caller.denied());
    }
    HttpServerRequest req = ctx.request();
    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      req.response().writeContinue();
    }
    Context context = api.vertx.getOrCreateContext();
    BlockingBody body = new BlockingBody(req, context);
    Summary summary = new Summary();
    // archives are decoded on a small pool of their own: a few slow uploads must not hold the
    // workers that every other disk read and write of this node waits for
    WorkerExecutor decoders = api.vertx.createSharedWorkerExecutor(DECODERS, DECODER_THREADS);
    return decoders.executeBlocking(() -> {
      extract(api, context, path, body, format, summary);
      return summary;
    }, false).onComplete(done -> decoders.close()).map(s -> {
      String accept = req.getHeader("Accept");
      JsonObject result = new JsonObject().put("Number Files Created", s.created)
        .put("Response Body", s.fatal == null ? "" : s.fatal)
        .put("Response Status", s.fatal != null || !s.errors.isEmpty() ? "400 Bad Request" : "201 Created")
        .put("Errors", s.errors);
      render(ctx, result, accept);
      return null;
    });
  }

  /** Swift's bulk summary: JSON for an Accept of JSON, else "Key: value" lines. */
  static void render(RoutingContext ctx, JsonObject result, String accept) {
    if (accept != null && accept.contains("json")) {
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8").end(result.encode());
      return;
    }
    StringBuilder b = new StringBuilder();
    result.forEach(e -> {
      b.append(e.getKey()).append(": ");
      if (e.getValue() instanceof JsonArray errors) {
        b.append('\n');
        errors.forEach(err -> b.append(((JsonArray) err).getString(0)).append(", ").append(((JsonArray) err).getString(1)).append('\n'));
      } else {
        b.append(e.getValue()).append('\n');
      }
    });
    ctx.response().setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8").end(b.toString());
  }

  static final class Summary {
    int created;
    String fatal;
    final JsonArray errors = new JsonArray();
  }

  /** On a worker: decodes the archive and stores its files one after the other. */
  private static void extract(SwiftApi api, Context context, SwiftPath base, InputStream body, String format, Summary s) {
    Set<String> seen = new HashSet<>();
    int[] newContainers = {0};
    try (InputStream decoded = switch (format) {
      case "tar.gz" -> new GzipCompressorInputStream(body, true);
      case "tar.bz2" -> new BZip2CompressorInputStream(body, true);
      default -> body;
    }; TarArchiveInputStream tar = new TarArchiveInputStream(decoded)) {
      TarArchiveEntry entry;
      byte[] chunk = new byte[CHUNK];
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        if (s.errors.size() >= MAX_FAILED) {
          s.fatal = "Max. failed extractions (" + MAX_FAILED + ") reached";
          break;
        }
        String name = entry.getName();
        SwiftPath dst;
        try {
          dst = destination(base, name);
        } catch (RuntimeException bad) {
          s.errors.add(new JsonArray().add(name).add("400 Bad Request"));
          continue;
        }
        if (entry.getSize() > api.settings.maxObjectSize()) {
          s.errors.add(new JsonArray().add(name).add("413 Request Entity Too Large"));
          continue;
        }
        if (seen.add(dst.container())) {
          boolean created = await(context, () -> api.ensureContainer(dst));
          if (created && ++newContainers[0] > MAX_CONTAINERS) {
            s.fatal = "More than " + MAX_CONTAINERS + " containers to create from tar.";
            break;
          }
        }
        PushedBody member = new PushedBody(context);
        long size = entry.getSize();
        CompletableFuture<Void> stored = start(context, () -> api.containerInfo(dst.account(), dst.container()).compose(info ->
          api.objectService.store(dst, info, Upload.of(member, size), ObjectHeaders.newMeta(dst, MultiMap.caseInsensitiveMultiMap()),
            null)).onComplete(ar -> member.abandon()).mapEmpty());
        int n;
        boolean consumed = true;
        while ((n = tar.read(chunk)) > 0) {
          if (!member.push(Buffer.buffer(java.util.Arrays.copyOf(chunk, n)))) {
            consumed = false;
            break;
          }
        }
        if (consumed) {
          member.end();
        }
        try {
          stored.get();
          s.created++;
        } catch (ExecutionException failed) {
          int status = failed.getCause() instanceof ServiceException se ? se.failureCode() : 503;
          s.errors.add(new JsonArray().add(name).add(status + " " + io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase()));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      s.fatal = "Invalid Tar File: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.fatal = "Interrupted";
    }
  }

  /** Where a member goes: under the request's container (and prefix), or, at the account, in the container its path starts with. */
  static SwiftPath destination(SwiftPath base, String member) {
    String name = member;
    while (name.startsWith("./") || name.startsWith("/")) {
      name = name.startsWith("./") ? name.substring(2) : name.substring(1);
    }
    String container;
    String object;
    if (base.container() == null) {
      int slash = name.indexOf('/');
      if (slash <= 0 || slash == name.length() - 1) {
        throw Errors.badRequest("Invalid Path: " + member);
      }
      container = name.substring(0, slash);
      object = name.substring(slash + 1);
    } else {
      container = base.container();
      object = (base.object() == null ? "" : base.object() + "/") + name;
    }
    if (container.getBytes(StandardCharsets.UTF_8).length > SwiftPath.MAX_CONTAINER_NAME || object.isEmpty()) {
      throw Errors.badRequest("Invalid Path: " + member);
    }
    SwiftPath.checkObjectName(object);
    return new SwiftPath(base.account(), base.projectId(), container, object);
  }

  private static CompletableFuture<Void> start(Context context, java.util.function.Supplier<Future<Void>> call) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        call.get().onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(null);
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  private static <T> T await(Context context, java.util.function.Supplier<Future<T>> call) throws InterruptedException, IOException {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    try {
      return done.get();
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    }
  }
}
