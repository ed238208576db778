package org.vertstack.common.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** Command-line flags: a few named ones plus --set key.path=value for anything else. */
final class Flags {

  private static final Map<String, String> NAMED = Map.of(
    "--port", "http.port",
    "--host", "http.host",
    "--state-dir", "state-dir",
    "--roles", "roles",
    "--database-url", "database.url",
    "--public-url", "public-url",
    "--cluster-members", "cluster.members",
    "--cluster-host", "cluster.host",
    "--cluster-port", "cluster.port");

  String configFile;
  final Map<String, String> values = new LinkedHashMap<>();

  static Flags parse(String[] args) {
    Flags flags = new Flags();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--set")) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--cluster" -> flags.values.put("cluster.enabled", "true");
        case "--config" -> flags.configFile = value != null ? value : next(args, ++i, arg);
        case "--set" -> {
          String pair = next(args, ++i, arg);
          int sep = pair.indexOf('=');
          if (sep <= 0) {
            throw new IllegalArgumentException("--set expects key.path=value, got " + pair);
          }
          flags.values.put(pair.substring(0, sep), pair.substring(sep + 1));
        }
        default -> {
          String key = NAMED.get(arg);
          if (key == null) {
            throw new IllegalArgumentException("unknown option " + arg + usage());
          }
          flags.values.put(key, value != null ? value : next(args, ++i, arg));
        }
      }
    }
    return flags;
  }

  void applyTo(JsonObject config) {
    values.forEach((key, value) -> Config.set(config, key, value));
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value" + usage());
    }
    return args[i];
  }

  static String usage() {
    return "\nusage: java -jar vertstack.jar [--port N] [--host ADDR] [--state-dir DIR] [--roles controller,compute,storage]"
      + " [--database-url postgresql://user:pass@host:port/db] [--public-url URL] [--config FILE]"
      + " [--cluster] [--cluster-host ADDR] [--cluster-port N] [--cluster-members h:p,h:p] [--set key.path=value]";
  }
}
