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
 * bound to the configured address so nothing is sent to an interface we did not choose.
 */
public final class Clustering {

  private Clustering() {
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
    hz.setClusterName("vertstack");
    hz.getNetworkConfig().setPort(cluster.getInteger("port")).setPortAutoIncrement(false);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(host);
    hz.setProperty("hazelcast.local.localAddress", host);
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
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
