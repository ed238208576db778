package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.vertstack.common.http.Errors;
import org.vertstack.image.store.IdentityServiceAuth;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base images on a compute node, in {@code <state-dir>/compute/base/<image id>}: fetched once
 * from the image service's HTTP API with the requesting user's token (as Nova does: a private
 * image is readable by its project, not by the nova service user), else the nova service user's, streamed to a temporary
 * file with back-pressure and renamed into place, so a half-fetched image is never used.
 * Concurrent builds from one image share one download.
 */
final class ImageCache {

  private final Vertx vertx;
  private final HttpClient http;
  private final String publicUrl;
  private final Path dir;
  private final IdentityServiceAuth auth;
  private final Map<String, Future<Path>> inFlight = new ConcurrentHashMap<>();

  ImageCache(Vertx vertx, String publicUrl, Path baseDir) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
    this.publicUrl = publicUrl;
    this.dir = baseDir;
    this.auth = new IdentityServiceAuth(vertx, "nova");
  }

  Future<Path> fetch(String imageId, String userToken) {
    if (!imageId.matches("[0-9a-fA-F-]{1,64}")) {
      return Future.failedFuture(Errors.badRequest("Invalid image id."));
    }
    Path target = dir.resolve(imageId);
    return vertx.fileSystem().exists(target.toString()).compose(cached -> {
      if (cached) {
        return Future.succeededFuture(target);
      }
      return inFlight.computeIfAbsent(imageId, id -> download(id, target, userToken)
        .onComplete(x -> inFlight.remove(id)));
    });
  }

  private Future<Path> download(String imageId, Path target, String userToken) {
    Path partial = dir.resolve(imageId + ".part-" + java.util.UUID.randomUUID());
    var fs = vertx.fileSystem();
    return fs.mkdirs(dir.toString())
      .compose(v -> userToken != null ? Future.succeededFuture(userToken) : auth.token().map(t -> t.token()))
      .compose(token -> fs.open(partial.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(file -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(publicUrl + "/image/v2/images/" + imageId + "/file")
            .putHeader("X-Auth-Token", token))
          .compose(req -> req.send())
          .compose(resp -> {
            if (resp.statusCode() != 200) {
              return file.close().compose(x -> Future.failedFuture(
                new IllegalStateException("The image service answered " + resp.statusCode() + " for the bytes of image " + imageId + ".")));
            }
            return resp.pipeTo(file); // closes the file at the end
          })))
      .compose(v -> fs.move(partial.toString(), target.toString()))
      .map(target)
      .onFailure(err -> fs.delete(partial.toString()));
  }
}
