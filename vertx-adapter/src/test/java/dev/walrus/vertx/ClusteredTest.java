package dev.walrus.vertx;

import static dev.walrus.testkit.Offsets.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.StartPosition;
import dev.walrus.testkit.Poll;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered Vert.x nodes on 127.0.0.1 (Hazelcast, loopback only): the topic is bound
 * on node 1; a client on node 2 appends to it and tails it. One cluster for the class
 * (starting Hazelcast members is the slow part).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteredTest {
  static final long TIMEOUT_S = 30;

  @TempDir static Path dir;

  Vertx node1;
  Vertx node2;
  Walrus wal;
  ReactiveWalrus rw;
  WalrusBinding binding;
  final Queue<Throwable> vertxErrors = new ConcurrentLinkedQueue<>();
  volatile boolean node2Leaving;

  @BeforeAll
  void startCluster() throws Exception {
    String name = "walrus-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    HazelcastClusterManager m1 = new HazelcastClusterManager(LoopbackCluster.hazelcast(name));
    HazelcastClusterManager m2 = new HazelcastClusterManager(LoopbackCluster.hazelcast(name));
    node1 = await(LoopbackCluster.node(m1));
    node2 = await(LoopbackCluster.node(m2));
    // Both members formed one cluster, on loopback only.
    assertThat(m1.getNodes()).hasSize(2);
    for (HazelcastClusterManager m : List.of(m1, m2)) {
      assertThat(m.getHazelcastInstance().getCluster().getMembers())
          .allSatisfy(
              member ->
                  assertThat(member.getAddress().getInetAddress().isLoopbackAddress()).isTrue());
    }
    node1.exceptionHandler(vertxErrors::add);
    node2.exceptionHandler(
        e -> {
          if (!node2Leaving) { // a node shutting down may report its own shutdown races
            vertxErrors.add(e);
          }
        });
    wal = Walrus.builder().dataDir(dir).blockSize(64 * 1024).blocksPerFile(16).quiet(true).open();
    rw = ReactiveWalrus.create(wal);
    binding =
        await(
            WalrusEventBus.bind(
                node1,
                rw,
                BindOptions.defaults().exposeTopics("orders").tailLease(Duration.ofMillis(1500))));
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (binding != null) {
      await(binding.unbind());
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (Vertx v : new Vertx[] {node2, node1}) {
      if (v != null) {
        closing.add(v.close());
      }
    }
    try {
      await(Future.join(closing));
    } finally {
      vertxErrors.forEach(Throwable::printStackTrace);
    }
    if (rw != null) {
      rw.close();
    }
    if (wal != null) {
      wal.close();
    }
    assertThat(vertxErrors).as("exceptions on Vert.x threads").isEmpty();
  }

  /** Appends through node 2 once the binding's addresses are visible there. */
  @Test
  void aSecondNodeAppendsTailsWithCreditsAndLeavesWithoutDamage() throws Exception {
    WalrusBusClient remote = WalrusBusClient.create(node2, "walrus", Duration.ofSeconds(10));
    // Registrations propagate through the cluster map; retry until node 2 sees them.
    pollFuture("binding visible from node 2", () -> remote.append("orders", Buffer.buffer("o0")));

    // 1. ordered appends from node 2: sequential requests get consecutive offsets
    Promise<List<Long>> offsets = Promise.promise();
    node2.runOnContext(
        v -> {
          List<Long> got = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (int i = 1; i < 100; i++) {
            int n = i;
            chain =
                chain.compose(
                    x ->
                        remote
                            .append("orders", Buffer.buffer("o" + n))
                            .onSuccess(got::add)
                            .mapEmpty());
          }
          chain
              .compose(
                  x ->
                      remote.appendBatch(
                          "orders", List.of(Buffer.buffer("o100"), Buffer.buffer("o101"))))
              .onSuccess(got::addAll)
              .map(x -> got)
              .onComplete(offsets);
        });
    List<Long> appended = await(offsets.future());
    assertThat(appended).hasSize(101).isSorted().doesNotHaveDuplicates();
    assertThat(appended.get(0)).isEqualTo(1L);
    assertThat(appended.get(100)).isEqualTo(101L);
    assertThat(wal.readNext("orders", "peek", false).map(Entry::dataAsString)).contains("o0");

    // 2. tail from node 2 with flow control
    List<Entry> got = new CopyOnWriteArrayList<>();
    BusTail tail =
        await(remote.tail("orders", "remote-consumer", StartPosition.earliest(), 20, got::add));
    poll("20 entries on node 2", () -> got.size() == 20);
    JsonObject status = await(tail.status());
    assertThat(status.getLong("granted")).isEqualTo(20L);
    assertThat(status.getLong("sent")).isEqualTo(20L); // 102 available, 20 granted
    tail.ack(19).grant(30);
    poll("50 entries on node 2", () -> got.size() == 50);
    assertThat(got).extracting(Entry::offset).containsExactlyElementsOf(range(0, 50));
    assertThat(got.get(49).dataAsString()).isEqualTo("o49");
    await(tail.checkpoint(29)); // 0..29 processed and persisted
    tail.ack(39); // 30..39 acknowledged, not checkpointed
    JsonObject afterAck = await(tail.status()); // control messages are ordered: ack applied
    assertThat(afterAck.getLong("unacked")).isEqualTo(10L);
    assertThat(wal.position("orders", "remote-consumer")).isEqualTo(30L);

    // 3. node 2 leaves the cluster without closing its tail
    Vertx leaving = node2;
    node2 = null;
    node2Leaving = true;
    await(leaving.close());
    poll("session released after node 2 left", () -> binding.activeTails() == 0);
    // acknowledged progress checkpointed; delivered-but-unacked entries 40..49 not lost
    assertThat(wal.position("orders", "remote-consumer")).isEqualTo(40L);

    // 4. nothing corrupted: node 1 keeps appending with the next offset, and a tail of the
    // same consumer resumes at 40 and sees every later entry exactly once, in order
    WalrusBusClient local = WalrusBusClient.create(node1);
    assertThat(await(local.append("orders", Buffer.buffer("o102")))).isEqualTo(102L);
    List<Entry> resumed = new CopyOnWriteArrayList<>();
    BusTail t2 =
        await(
            local.tail(
                "orders", "remote-consumer", StartPosition.checkpointed(), 1000, resumed::add));
    poll("resumed tail", () -> resumed.size() == 63);
    assertThat(resumed).extracting(Entry::offset).containsExactlyElementsOf(range(40, 103));
    await(t2.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return Futures.await(f, TIMEOUT_S);
  }

  static void poll(String what, BooleanSupplier condition) {
    Poll.until(what, Duration.ofSeconds(TIMEOUT_S), condition);
  }

  /** Retries an operation that fails with NO_HANDLERS until it succeeds or the deadline. */
  static <T> T pollFuture(String what, java.util.function.Supplier<Future<T>> op) throws Exception {
    return Futures.retry(what, TIMEOUT_S, EnumSet.of(ReplyFailure.NO_HANDLERS), op);
  }
}
