package org.vertstack.image;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The image section of the configuration, with its defaults in one place, and the paths the
 * image service keeps under the node's state directory.
 */
public record ImageSettings(JsonObject section, Path stateDir, String publicUrl, String region) {

  public static ImageSettings from(JsonObject config) {
    return new ImageSettings(config.getJsonObject("image", new JsonObject()), Path.of(config.getString("state-dir")),
      config.getString("public-url"), config.getString("region", "RegionOne"));
  }

  /** "swift" (the object store's service account), "file" (under the state dir) or "auto". */
  public String store() {
    return section.getString("store", "auto");
  }

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
