package org.vertstack.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest in the build cache is reused only when this jar's script built it. */
class TinyGuestCacheTest {

  @TempDir
  Path cache;

  @Test
  void aGuestBuiltByThisJarsScriptIsReused() throws Exception {
    try (InputStream in = TinyGuest.class.getResourceAsStream("/guest/make-tiny-guest.sh")) {
      Files.write(cache.resolve("make-tiny-guest.sh"), in.readAllBytes());
    }
    assertThat(TinyGuest.builtByThisScript(cache)).isTrue();
  }

  @Test
  void aGuestBuiltByAnOlderScriptIsBuiltAgain() throws Exception {
    Files.writeString(cache.resolve("make-tiny-guest.sh"), "#!/bin/bash\n# an older guest that cannot read the config drive\n");
    assertThat(TinyGuest.builtByThisScript(cache)).isFalse();
  }

  @Test
  void aGuestWithoutItsScriptIsBuiltAgain() throws Exception {
    assertThat(TinyGuest.builtByThisScript(cache)).isFalse();
  }
}
