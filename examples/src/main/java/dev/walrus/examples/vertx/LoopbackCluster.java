package dev.walrus.examples.vertx;

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
 * A clustered Vert.x node whose Hazelcast member is configured in code for loopback only:
 * binds 127.0.0.1, joins by TCP-IP with member 127.0.0.1, multicast and auto-detection
 * off, no phone-home. For several machines, replace 127.0.0.1 by the machines' addresses
 * (see docs/VERTX.md).
 */
public final class LoopbackCluster {
  private LoopbackCluster() {}

  /**
   * @param clusterName the Hazelcast cluster name (nodes with another name never join)
   * @return the Hazelcast configuration
   */
  public static Config hazelcast(String clusterName) {
    Config cfg = new Config();
    cfg.setClusterName(clusterName);
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(5701).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    cfg.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    cfg.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    cfg.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return cfg;
  }

  /**
   * @param clusterName the cluster name
   * @return a future of a clustered Vert.x whose event bus listens on 127.0.0.1
   */
  public static Future<Vertx> node(String clusterName) {
    VertxOptions opts =
        new VertxOptions()
            .setEventBusOptions(
                new EventBusOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setClusterPublicHost("127.0.0.1"));
    return Vertx.builder()
        .with(opts)
        .withClusterManager(new HazelcastClusterManager(hazelcast(clusterName)))
        .buildClustered();
  }
}
