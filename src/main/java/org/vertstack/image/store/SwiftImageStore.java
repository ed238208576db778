package org.vertstack.image.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import org.vertstack.common.http.Errors;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Image bytes in the object store, in the image service's own account (never the user's):
 * {@code <public-url>/object-store/v1/AUTH_<service project>/<container>/<name>}, through the
 * store's plain streaming PUT/GET/DELETE with a service token.
 */
public final class SwiftImageStore implements ImageStore {

  private final HttpClient client;
  private final String base;
  private final String container;
  private final ServiceAuth auth;
  private final AtomicBoolean containerReady = new AtomicBoolean();

  public SwiftImageStore(HttpClient client, String publicUrl, String container, ServiceAuth auth) {
    this.client = client;
    this.base = publicUrl + "/object-store/v1/AUTH_";
    this.container = container;
    this.auth = auth;
  }

  @Override
  public String id() {
    return "swift";
  }

  @Override
  public String description() {
    return "VertStack object store (the image service's account)";
  }

  @Override
  public String location(String name) {
    // the account is the service project's, known only once authenticated: named by its container
    return "swift+config://vertstack/" + container + "/" + name;
  }

  private Future<RequestOptions> options(HttpMethod method, String name) {
    return auth.token().map(t -> new RequestOptions()
      .setMethod(method)
      .setAbsoluteURI(base + t.projectId() + "/" + container + (name == null ? "" : "/" + name))
      .putHeader("X-Auth-Token", t.token()));
  }

  private Future<Void> ensureContainer() {
    if (containerReady.get()) {
      return Future.succeededFuture();
    }
    return options(HttpMethod.PUT, null)
      .compose(client::request)
      .compose(req -> req.send())
      .compose(resp -> {
        int s = resp.statusCode();
        if (s == 401) {
          auth.invalidate();
        }
        if (s != 201 && s != 202 && s != 204) {
          return Future.failedFuture(Errors.of(503, "The object store refused the image container (" + s + ")."));
        }
        containerReady.set(true);
        return Future.succeededFuture();
      });
  }

  @Override
  public Future<Void> put(String name, ReadStream<Buffer> data, long contentLength) {
    data.pause();
    return ensureContainer()
      .compose(v -> options(HttpMethod.PUT, name))
      .compose(o -> client.request(o.putHeader("Content-Type", "application/octet-stream")))
      .recover(err -> {
        data.resume();
        return Future.failedFuture(err);
      })
      .compose(req -> {
        if (contentLength >= 0) {
          req.putHeader("Content-Length", Long.toString(contentLength));
        } else {
          req.setChunked(true);
        }
        // No exceptionHandler on req: with one set, the pipe below stalled after a few MB (lost drain).
        Future<HttpClientResponse> response = req.response();
        Future<Void> sent = data.pipe().endOnFailure(false).to(req);
        Promise<Void> outcome = Promise.promise();
        sent.onFailure(err -> {
          // the upload failed on our side: abort the PUT so the store never commits a partial object
          // (our reason first: the reset fails the response at once, and that must not win)
          outcome.tryFail(err);
          req.reset(0, err);
        });
        response.onComplete(ar -> {
          if (ar.failed()) {
            // the store went away mid-upload: fail now rather than wait on a pipe that will never drain
            req.reset(0, ar.cause());
            outcome.tryFail(Errors.of(503, "The object store connection failed: " + ar.cause().getMessage()));
            return;
          }
          int s = ar.result().statusCode();
          if (s == 401) {
            auth.invalidate();
          }
          if (s != 201) {
            req.reset();
            outcome.tryFail(Errors.of(503, "The object store did not store the image (" + s + ")."));
            return;
          }
          sent.onComplete(x -> {
            if (x.succeeded()) {
              outcome.tryComplete();
            }
          });
        });
        return outcome.future();
      });
  }

  @Override
  public Future<ReadStream<Buffer>> get(String name, long start, long endInclusive) {
    return options(HttpMethod.GET, name).compose(o -> {
      if (start > 0 || endInclusive >= 0) {
        o.putHeader("Range", "bytes=" + start + "-" + (endInclusive >= 0 ? endInclusive : ""));
      }
      return client.request(o);
    }).compose(HttpClientRequest::send).compose(resp -> {
      resp.pause();
      int s = resp.statusCode();
      if (s == 200 || s == 206) {
        return Future.succeededFuture(resp);
      }
      resp.resume();
      if (s == 401) {
        auth.invalidate();
      }
      if (s == 404) {
        return Future.failedFuture(Errors.notFound("Image data not found in the object store."));
      }
      return Future.failedFuture(Errors.of(503, "The object store did not return the image (" + s + ")."));
    });
  }

  @Override
  public Future<Void> delete(String name) {
    return options(HttpMethod.DELETE, name).compose(client::request).compose(HttpClientRequest::send).compose(resp -> {
      int s = resp.statusCode();
      if (s == 204 || s == 200 || s == 404) {
        return Future.succeededFuture();
      }
      if (s == 401) {
        auth.invalidate();
      }
      return Future.failedFuture(Errors.of(503, "The object store did not delete the image (" + s + ")."));
    });
  }
}
