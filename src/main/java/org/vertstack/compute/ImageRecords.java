package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

/**
 * Image records made and removed for snapshots and shelving, through the image service's HTTP API
 * with the requesting user's token (never its tables): the image service's policy, quota and
 * property schema apply exactly as they would to the user's own request, and its refusal
 * (400/403/413) reaches the user with the image service's message.
 */
final class ImageRecords {

  private final HttpClient http;
  private final String imagesUrl;

  ImageRecords(Vertx vertx, String publicUrl) {
    this.http = vertx.createHttpClient();
    this.imagesUrl = publicUrl + "/image/v2/images";
  }

  /** POST /v2/images: answers the new (queued) image. */
  Future<JsonObject> create(String token, JsonObject image) {
    return send(HttpMethod.POST, imagesUrl, token, Buffer.buffer(image.encode())).map(resp -> {
      if (resp.status() != 201) {
        String message = "The image service refused the snapshot's image (" + resp.status() + "): " + resp.body();
        throw resp.status() >= 400 && resp.status() < 500 ? Errors.of(resp.status() == 401 ? 403 : resp.status(), message)
          : new IllegalStateException(message);
      }
      return new JsonObject(resp.body());
    });
  }

  /** DELETE /v2/images/{id}; a missing image is fine. */
  Future<Void> delete(String token, String imageId) {
    return send(HttpMethod.DELETE, imagesUrl + "/" + imageId, token, null).compose(resp -> resp.status() == 204 || resp.status() == 404
      ? Future.succeededFuture()
      : Future.failedFuture(new IllegalStateException("deleting image " + imageId + ": " + resp.status() + " " + resp.body())));
  }

  private record Answer(int status, String body) {
  }

  private Future<Answer> send(HttpMethod method, String url, String token, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).putHeader("X-Auth-Token", token);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
      .compose(req -> body == null ? req.send() : req.send(body))
      .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString())));
  }
}
