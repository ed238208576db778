package org.vertstack.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Joins a Vert.x cluster over Hazelcast with an explicit TCP/IP member list (no multicast),
 * bound to the configured address only (Hazelcast and the event bus), under the configured
 * cluster name and password ({@code cluster.name}, {@code cluster.password}).
 */
public final class Clustering {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Clustering.class);

  private Clustering() {
  }

  /**
   * Hazelcast only lets in members whose cluster name is equal. With a password, the name is the
   * configured one followed by a digest of name and password, so a member without the password
   * cannot join (and the password itself never goes over the wire).
   */
  static String clusterName(String name, String password) {
    if (password == null || password.isEmpty()) {
      LOG.warn("cluster.password is not set: any process that reaches a member's cluster port can join as {}", name);
      return name;
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
        .digest((name + "\u0000" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return name + "-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Future<Vertx> start(VertxOptions options, JsonObject cluster) {
    String host;
    try {
      // Hazelcast wants an address; a host name (as in docker/compose.yaml) is resolved once here.
      host = java.net.InetAddress.getByName(cluster.getString("host")).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return Future.failedFuture(new IllegalArgumentException("cluster.host " + cluster.getString("host") + " does not resolve"));
    }
    // Before Hazelcast's first log line, so that it logs through SLF4J like the rest.
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(clusterName(cluster.getString("name", "vertstack"), cluster.getString("password", "")));
    hz.getNetworkConfig().setPort(cluster.getInteger("port")).setPortAutoIncrement(false);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(host);
    hz.setProperty("hazelcast.local.localAddress", host);
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // a member that stops answering is out within seconds, so its services and locks move on
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(cluster.getInteger("member-timeout-seconds", 15)));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    cluster.getJsonArray("members").forEach(m -> join.getTcpIpConfig().addMember(m.toString()));
    options.setEventBusOptions(new EventBusOptions()
      .setHost(host)
      .setClusterPublicHost(host)
      .setPort(cluster.getInteger("event-bus-port", 0)));
    return Vertx.builder()
      .with(options)
      .withClusterManager(new HazelcastClusterManager(hz))
      .buildClustered();
  }
}
