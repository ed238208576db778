package org.vertstack.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The image section of the configuration, with its defaults in one place, and the paths the
 * image service keeps under the node's state directory.
 */
public record ImageSettings(JsonObject section, Path stateDir, String publicUrl, String region) {

  public static ImageSettings from(JsonObject config) {
    return new ImageSettings(config.getJsonObject("image", new JsonObject()), Path.of(config.getString("state-dir")),
      config.getString("public-url"), config.getString("region", "RegionOne"));
  }

  /**
   * The default store, where uploads go when the client names none: "swift" (the object store's
   * service account), "file" (under the state dir) or "auto" (swift when the node serves the
   * object store, else file).
   */
  public String store() {
    return section.getString("store", "auto");
  }

  /**
   * The enabled stores (Glance's enabled_backends): "file", "swift", or both, as a list or a
   * comma-separated string; "auto": both when the node serves the object store, else file.
   */
  public List<String> stores(boolean objectStoreHere) {
    Object raw = section.getValue("stores", "auto");
    List<String> ids = new ArrayList<>();
    if (raw instanceof JsonArray a) {
      a.forEach(x -> ids.add(String.valueOf(x).trim()));
    } else {
      for (String part : String.valueOf(raw).split(",")) {
        if (!part.isBlank()) {
          ids.add(part.trim());
        }
      }
    }
    if (ids.equals(List.of("auto"))) {
      return objectStoreHere ? List.of("file", "swift") : List.of("file");
    }
    for (String id : ids) {
      if (!KINDS.contains(id)) {
        throw new IllegalArgumentException("image.stores: unknown store " + id + " (known: " + KINDS + ")");
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("image.stores: at least one store must be enabled");
    }
    return List.copyOf(new java.util.LinkedHashSet<>(ids));
  }

  /** The default store's id, resolving "auto". */
  public String defaultStore(boolean objectStoreHere) {
    String kind = store();
    return "auto".equals(kind) ? (objectStoreHere ? "swift" : "file") : kind;
  }

  /** The store kinds this service has. */
  static final List<String> KINDS = List.of("file", "swift");

  /** The Swift container of the image bytes. */
  public String container() {
    return section.getString("container", "glance");
  }

  public long maxImageBytes() {
    return section.getLong("max-image-bytes", 5L << 30);
  }

  /** Whether the node imports the bootable tiny guest as a public image at its first start. */
  public boolean tinyGuest() {
    return section.getBoolean("tiny-guest", true);
  }

  /** Where a built tiny guest is kept across state directories (building one takes a while). */
  public Path tinyGuestCache() {
    return Path.of(section.getString("tiny-guest-cache", "/var/tmp/vertstack-guest"));
  }

  /** A kernel to build the tiny guest with; empty: the machine's. */
  public String tinyGuestKernel() {
    return section.getString("tiny-guest-kernel", "");
  }

  /** The file store's directory. */
  public Path fileStoreDir() {
    return stateDir.resolve("images");
  }

  /** This node's stable id for its uploads. */
  public Path nodeIdFile() {
    return stateDir.resolve("image").resolve("node-id");
  }

  /** The node's image cache (Glance's image cache API). */
  public Path cacheDir() {
    return stateDir.resolve("image").resolve("cache");
  }

  /** A tiny guest the operator put in the state dir. */
  public Path ownTinyGuest(String file) {
    return stateDir.resolve("guest").resolve(file);
  }
}
