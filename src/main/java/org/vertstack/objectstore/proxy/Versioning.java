package org.vertstack.objectstore.proxy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.vertstack.objectstore.storage.Timestamps;

import java.nio.charset.StandardCharsets;

/**
 * Object versioning. X-Versions-Location (stack): an overwrite first copies the old object to
 * &lt;versions&gt;/&lt;len:03x&gt;&lt;name&gt;/&lt;timestamp&gt;, a delete restores the newest copy. X-History-Location:
 * overwrites and deletes both keep the old copy; a delete restores nothing.
 */
final class Versioning {

  private Versioning() {
  }

  private static String location(JsonObject info) {
    if (info == null) {
      return null;
    }
    JsonObject meta = info.getJsonObject("meta");
    String v = meta.getString("x-versions-location");
    if (v != null && !v.isEmpty()) {
      return v;
    }
    String hst = meta.getString("x-history-location");
    return hst != null && !hst.isEmpty() ? hst : null;
  }

  private static boolean history(JsonObject info) {
    String hst = info.getJsonObject("meta").getString("x-history-location");
    return hst != null && !hst.isEmpty();
  }

  static String prefix(String object) {
    return String.format("%03x", object.getBytes(StandardCharsets.UTF_8).length) + object + "/";
  }

  static Future<Void> beforeOverwrite(ObjectService h, SwiftPath path, JsonObject info) {
    String loc = location(info);
    if (loc == null) {
      return Future.succeededFuture();
    }
    return archive(h, path, SwiftPath.decode(loc));
  }

  private static Future<Void> archive(ObjectService h, SwiftPath path, String versions) {
    return h.objects.get(h.hash(path), -1, -1, true).compose(f -> {
      if (f.status() != 200) {
        return Future.succeededFuture();
      }
      String name = prefix(path.object()) + SwiftApi.swiftTimestampFromTs(f.meta().getString("ts"));
      return h.copyInternal(path, new SwiftPath(path.account(), path.projectId(), versions, name));
    });
  }

  static Future<Void> beforeDelete(ObjectService h, SwiftPath path, JsonObject info) {
    String loc = location(info);
    if (loc == null || !history(info)) {
      return Future.succeededFuture();
    }
    return archive(h, path, SwiftPath.decode(loc));
  }

  /** Stack mode: puts the newest archived copy back. True when one was restored. */
  static Future<Boolean> afterDelete(ObjectService h, SwiftPath path, JsonObject info) {
    String loc = location(info);
    if (loc == null || history(info)) {
      return Future.succeededFuture(false);
    }
    String versions = SwiftPath.decode(loc);
    return h.list(path.account(), versions, prefix(path.object()), 1, true).compose(list -> {
      if (list.isEmpty()) {
        return Future.succeededFuture(false);
      }
      SwiftPath newest = new SwiftPath(path.account(), path.projectId(), versions, list.getJsonObject(0).getString("name"));
      return h.copyInternal(newest, path).compose(v -> h.remove(newest)).map(x -> true);
    });
  }

  static String now() {
    return Timestamps.next();
  }
}
