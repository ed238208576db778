package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.vertstack.common.http.Errors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Swift's formpost: a browser form POSTs files (multipart/form-data) straight into a container,
 * allowed by a signature made with the account's or container's TempURL key over
 * "path\nredirect\nmax_file_size\nmax_file_count\nexpires". Each file becomes the object
 * &lt;path's object prefix&gt;&lt;filename&gt;, streamed as it arrives (never held whole). Answers 201
 * "201 Created" (or a 303 to {@code redirect} with status and message); an expired form or a
 * wrong signature is a 401 "FormPost: ...", other bad forms a 400.
 */
final class FormPost {

  private FormPost() {
  }

  /** Whether a POST is a form upload (Swift's test: multipart/form-data with a boundary). */
  static boolean applies(HttpServerRequest req) {
    String ct = req.getHeader("Content-Type");
    if (ct == null) {
      return false;
    }
    String lower = ct.toLowerCase(Locale.ROOT);
    return lower.startsWith("multipart/form-data") && lower.contains("boundary=");
  }

  static Future<?> handle(SwiftApi api, RoutingContext ctx, SwiftPath path) {
    HttpServerRequest req = ctx.request();
    Promise<Void> failed = Promise.promise();
    List<String> stored = new ArrayList<>();
    Future<Void>[] chain = new Future[] {Future.succeededFuture()};
    Form[] form = {null};
    req.setExpectMultipart(true);
    // a body that is no multipart form fails the decoder: the request then never ends
    req.exceptionHandler(err -> failed.tryFail(Errors.badRequest("FormPost: invalid form: " + err.getMessage())));
    req.uploadHandler(upload -> {
      upload.pause();
      if (failed.future().isComplete()) {
        drain(upload);
        return;
      }
      // the form fields before this file are read once the decoder has handed them over
      chain[0] = chain[0].compose(v -> nextTick(api))
        .compose(v -> form[0] != null ? Future.succeededFuture(form[0]) : Form.check(api, req, path).onSuccess(f -> form[0] = f))
        .compose(f -> storeOne(api, path, f, upload, stored))
        .onFailure(err -> {
          drain(upload);
          failed.tryFail(err);
        });
    });
    Future<Void> all = req.end().compose(v -> chain[0]).compose(v -> {
      if (form[0] == null) {
        // no file at all: the form is still checked first, as Swift's
        return Form.check(api, req, path).compose(f -> Future.failedFuture(Errors.badRequest("FormPost: no files to process")));
      }
      return Future.succeededFuture();
    });
    req.resume();
    // the first failure answers (a file's, as soon as it happens), else the end of the form
    Promise<Void> outcome = Promise.promise();
    failed.future().onFailure(outcome::tryFail);
    // tried, not completed: after a file's failure answered, the form's end must not complete it again
    all.onComplete(ar -> {
      if (ar.succeeded()) {
        outcome.tryComplete();
      } else {
        outcome.tryFail(ar.cause());
      }
    });
    return outcome.future().map(v -> {
      respond(ctx, form[0].redirect(), 201, "");
      return null;
    });
  }

  private static Future<Void> nextTick(SwiftApi api) {
    Promise<Void> p = Promise.promise();
    api.vertx.getOrCreateContext().runOnContext(v -> p.complete());
    return p.future();
  }

  private static Future<Void> storeOne(SwiftApi api, SwiftPath path, Form form, HttpServerFileUpload upload, List<String> stored) {
    if (upload.filename() == null || upload.filename().isEmpty()) {
      drain(upload);
      return Future.succeededFuture();
    }
    if (stored.size() >= form.maxFileCount()) {
      return Future.failedFuture(Errors.badRequest("FormPost: max file count exceeded"));
    }
    String name = (path.object() == null ? "" : path.object()) + upload.filename();
    SwiftPath.checkObjectName(name);
    SwiftPath dst = new SwiftPath(path.account(), path.projectId(), path.container(), name);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (upload.contentType() != null) {
      headers.set("Content-Type", upload.contentType());
    }
    stored.add(name);
    return api.containerInfo(path.account(), path.container()).compose(info -> {
      if (info == null) {
        return Future.failedFuture(Errors.notFound("Not Found"));
      }
      JsonObject meta = ObjectHeaders.newMeta(dst, headers);
      CappedBody body = new CappedBody(upload, form.maxFileSize(), Errors.badRequest("FormPost: max_file_size exceeded"));
      // the write resumes the (paused) upload once it is ready for its bytes
      return api.objectService.store(dst, info, Upload.of(body, -1), meta, null).mapEmpty();
    });
  }

  private static void drain(HttpServerFileUpload upload) {
    upload.handler(b -> { });
    upload.exceptionHandler(e -> { });
    upload.resume();
  }

  private static void respond(RoutingContext ctx, String redirect, int status, String message) {
    String line = status + " " + (status == 201 ? "Created" : "");
    if (redirect == null || redirect.isEmpty()) {
      String body = message.isEmpty() ? line : line + "\r\nFormPost: " + message;
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain").end(body);
      return;
    }
    String location = redirect + (redirect.contains("?") ? "&" : "?") + "status=" + status + "&message="
      + URLEncoder.encode(message, StandardCharsets.UTF_8);
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Content-Type", "text/html; charset=UTF-8")
      .end("<html><body><p><a href=\"" + SwiftApi.escape(location).replace("\"", "&quot;") + "\">Click to continue...</a></p></body></html>");
  }

  /** The checked form fields. */
  record Form(String redirect, long maxFileSize, int maxFileCount) {

    static Future<Form> check(SwiftApi api, HttpServerRequest req, SwiftPath path) {
      MultiMap f = req.formAttributes();
      String redirect = f.get("redirect") == null ? "" : f.get("redirect");
      String maxSize = f.get("max_file_size");
      String maxCount = f.get("max_file_count");
      String expiresRaw = f.get("expires");
      String signature = f.get("signature");
      long expires;
      long size;
      int count;
      try {
        expires = expiresRaw == null || expiresRaw.isEmpty() ? 0 : Long.parseLong(expiresRaw.trim());
      } catch (NumberFormatException e) {
        return Future.failedFuture(Errors.badRequest("FormPost: expired not an integer"));
      }
      if (expires < System.currentTimeMillis() / 1000) {
        return Future.failedFuture(Errors.unauthorized("FormPost: Form Expired"));
      }
      try {
        size = Long.parseLong(maxSize == null ? "" : maxSize.trim());
        count = Integer.parseInt(maxCount == null ? "" : maxCount.trim());
      } catch (NumberFormatException e) {
        return Future.failedFuture(Errors.badRequest("FormPost: max_file_size and max_file_count must be integers"));
      }
      if (signature == null || signature.isEmpty() || size < 0 || count < 0) {
        return Future.failedFuture(Errors.unauthorized("FormPost: Invalid Signature"));
      }
      String tail = "\n" + redirect + "\n" + maxSize + "\n" + maxCount + "\n" + expiresRaw;
      // signed over Swift's path (/v1/...) or this cloud's (/object-store/v1/...), as TempURL
      List<String> bodies = List.of("/v1" + req.path().substring(SwiftPath.PREFIX.length() - 1) + tail, req.path() + tail);
      return TempUrl.keys(api, path).compose(keys -> {
        for (String key : keys) {
          for (String body : bodies) {
            if (TempUrl.matches(key, body, signature)) {
              return Future.succeededFuture(new Form(redirect, size, count));
            }
          }
        }
        return Future.failedFuture(Errors.unauthorized("FormPost: Invalid Signature"));
      });
    }
  }
}
