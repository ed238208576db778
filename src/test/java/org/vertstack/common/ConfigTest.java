package org.vertstack.common;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vertstack.common.config.Config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration layers: defaults < file < VERTSTACK_* environment < flags. */
class ConfigTest {

  @Test
  void defaultsShipInTheJar() {
    JsonObject c = Config.load(new String[0], Map.of());
    assertThat(c.getJsonObject("http").getInteger("port")).isEqualTo(8080);
    assertThat(c.getString("state-dir")).isEqualTo("./data");
    assertThat(c.getJsonArray("roles")).containsExactly("controller", "compute", "storage");
  }

  @Test
  void eachLayerOverridesTheOneBefore(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vs.json");
    Files.writeString(file, "{\"http\": {\"port\": 9000, \"host\": \"0.0.0.0\"}, \"region\": \"FromFile\"}");
    Map<String, String> env = Map.of("VERTSTACK_HTTP_PORT", "9100", "VERTSTACK_IDENTITY_ADMIN_PASSWORD", "from-env",
      "VERTSTACK_ROLES", "storage,compute");
    JsonObject c = Config.load(new String[] {"--config", file.toString(), "--port", "9200", "--set", "identity.token-ttl-seconds=60"}, env);
    assertThat(c.getJsonObject("http").getInteger("port")).isEqualTo(9200);
    assertThat(c.getJsonObject("http").getString("host")).isEqualTo("0.0.0.0");
    assertThat(c.getString("region")).isEqualTo("FromFile");
    assertThat(c.getJsonObject("identity").getString("admin-password")).isEqualTo("from-env");
    assertThat(c.getJsonObject("identity").getLong("token-ttl-seconds")).isEqualTo(60);
    assertThat(c.getJsonArray("roles")).containsExactly("storage", "compute");
  }

  @Test
  void badFlagsAreReportedNotIgnored() {
    assertThatThrownBy(() -> Config.load(new String[] {"--bogus"}, Map.of())).hasMessageContaining("unknown option --bogus");
    assertThatThrownBy(() -> Config.load(new String[] {"--port", "eighty"}, Map.of())).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Config.load(new String[] {"--port"}, Map.of())).hasMessageContaining("needs a value");
  }
}
