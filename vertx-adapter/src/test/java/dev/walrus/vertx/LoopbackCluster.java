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
    Config cfg = new Config();
    cfg.setClusterName(clusterName);
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.socket.bind.any", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(5701).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    // The maps Vert.x uses (as in vertx-hazelcast's default-cluster.xml).
    cfg.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    cfg.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    cfg.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return cfg;
  }

  static Future<Vertx> node(String clusterName) {
    return node(new HazelcastClusterManager(hazelcast(clusterName)));
  }

  static Future<Vertx> node(HazelcastClusterManager manager) {
    VertxOptions opts = new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1"));
    return Vertx.builder().with(opts)
        .withClusterManager(manager)
        .buildClustered();
  }
}
