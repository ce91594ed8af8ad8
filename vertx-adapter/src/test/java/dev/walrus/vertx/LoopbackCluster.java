package dev.walrus.vertx;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts clustered Vert.x nodes with Hazelcast configured programmatically for loopback
 * only: members bind and talk on 127.0.0.1, join by TCP-IP with member 127.0.0.1,
 * multicast and auto-detection off, no phone-home. The cluster name is unique per test
 * run so nothing else can join.
 */
final class LoopbackCluster {
  private LoopbackCluster() {}

  static Config hazelcast(String clusterName) {
    return hazelcast(clusterName, "127.0.0.1");
  }

  /**
   * @param clusterName the cluster's unique name
   * @param member where to find a member: {@code 127.0.0.1} (ports 5701-5703) or
   *     {@code 127.0.0.1:port} (a child JVM joining its parent's node)
   */
  static Config hazelcast(String clusterName, String member) {
    Config cfg = new Config();
    cfg.setClusterName(clusterName);
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    // A member killed with kill -9 is dropped after 10 s without heartbeats (default 60 s).
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(5701).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember(member);
    // The maps Vert.x uses (as in vertx-hazelcast's default-cluster.xml).
    cfg.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    cfg.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    cfg.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return cfg;
  }

  static Future<Vertx> node(String clusterName) {
    return node(new HazelcastClusterManager(hazelcast(clusterName)));
  }

  /** @return the Hazelcast port of a started node's member, for children to join */
  static int port(HazelcastClusterManager manager) {
    return manager.getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort();
  }

  static Future<Vertx> node(HazelcastClusterManager manager) {
    VertxOptions opts =
        new VertxOptions()
            .setEventBusOptions(
                new EventBusOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setClusterPublicHost("127.0.0.1"));
    return Vertx.builder().with(opts).withClusterManager(manager).buildClustered();
  }
}
