package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.nio.file.Path;

/**
 * Streams a captured disk to the image service's HTTP API ({@code PUT /image/v2/images/{id}/file})
 * with the token of the user who asked for the snapshot, so the image service's own policy, quota
 * and format checks apply to it as to any upload. The file is read with back-pressure.
 */
final class SnapshotUpload {

  private final Vertx vertx;
  private final HttpClient http;
  private final String publicUrl;

  SnapshotUpload(Vertx vertx, String publicUrl) {
    this.vertx = vertx;
    // one connection per upload: an upload the image service refuses before reading its body (the
    // image deleted meanwhile) leaves that body half sent, and a pooled connection would carry it
    // into the next upload (which then hung, or was answered 400)
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.publicUrl = publicUrl;
  }

  Future<Void> upload(String imageId, Path file, String token) {
    return vertx.fileSystem().props(file.toString()).compose(props -> vertx.fileSystem()
      .open(file.toString(), new OpenOptions().setRead(true))
      .compose(in -> http.request(new RequestOptions().setMethod(HttpMethod.PUT)
          .setAbsoluteURI(publicUrl + "/image/v2/images/" + imageId + "/file")
          .putHeader("X-Auth-Token", token)
          .putHeader("Content-Type", "application/octet-stream")
          .putHeader("Content-Length", String.valueOf(props.size())))
        .compose(req -> req.send(in))
        .compose(resp -> resp.body().compose(body -> resp.statusCode() == 204 ? Future.<Void>succeededFuture()
          : Future.failedFuture(new IllegalStateException("The image service answered " + resp.statusCode()
            + " to the snapshot's upload: " + body.toString())))
        .eventually(() -> in.close().otherwise((Void) null)))));
  }
}
