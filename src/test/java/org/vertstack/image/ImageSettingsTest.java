package org.vertstack.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.vertstack.image.store.FileImageStore;
import org.vertstack.image.store.ImageStores;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** image.stores and image.store: which stores are enabled, and which one is the default. */
class ImageSettingsTest {

  static ImageSettings settings(JsonObject image) {
    return ImageSettings.from(new JsonObject().put("image", image).put("state-dir", "/tmp/x").put("public-url", "http://h"));
  }

  @Test
  void byDefaultBothStoresWhereTheObjectStoreRunsWithItAsTheDefault() {
    ImageSettings auto = settings(new JsonObject());
    assertThat(auto.stores(true)).containsExactly("file", "swift");
    assertThat(auto.defaultStore(true)).isEqualTo("swift");
    assertThat(auto.stores(false)).containsExactly("file");
    assertThat(auto.defaultStore(false)).isEqualTo("file");
  }

  @Test
  void storesAreAListOrCommaSeparatedAndOnlyKnownOnes() {
    assertThat(settings(new JsonObject().put("stores", "swift, file,swift")).stores(true)).containsExactly("swift", "file");
    assertThat(settings(new JsonObject().put("stores", new JsonArray().add("file"))).stores(true)).containsExactly("file");
    assertThat(settings(new JsonObject().put("store", "file")).defaultStore(true)).isEqualTo("file");
    assertThatThrownBy(() -> settings(new JsonObject().put("stores", "file,ceph")).stores(true)).hasMessageContaining("ceph");
    assertThatThrownBy(() -> settings(new JsonObject().put("stores", "")).stores(true)).hasMessageContaining("at least one");
  }

  @Test
  void theDefaultStoreMustBeEnabled() {
    var file = new FileImageStore(null, Path.of("/tmp/x"));
    assertThat(new ImageStores(List.of(file), "file").defaultId()).isEqualTo("file");
    assertThatThrownBy(() -> new ImageStores(List.of(file), "swift")).hasMessageContaining("swift");
  }
}
