package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.testkit.CountingScheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 6 over the bus: 10,000 bus tails on 10,000 topics, opened from one context,
 * share the binding's context, one lease-sweep timer and a 4-thread ReactiveWalrus pool;
 * only the sessions of the topics appended to are woken. Credit patterns: one credit per
 * entry ({@code grant(1)}), a large credit, a flowing {@link BusTailStream}, and closed
 * sessions. Not timed.
 */
class ManyBusTailsTest extends BusFixture {
  private static final int TAILS = 10_000;
  private static final int THREADS = 4;

  /** Appended to: each kind of tail (i % 4) twice. */
  private static final Set<Integer> APPENDED = Set.of(400, 401, 402, 403, 996, 997, 998, 999);

  /** A bounded pool that counts the tasks given to it and those not finished yet. */
  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static int liveThreads() {
    return Thread.getAllStackTraces().size();
  }

  /** Opens every tail on {@code ctx}, as a verticle would; completes once all are open. */
  private static Future<List<Object>> openAll(
      Context ctx, WalrusBusClient client, AtomicIntegerArray got) {
    Promise<List<Object>> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          List<Future<?>> fs = new ArrayList<>();
          for (int i = 0; i < TAILS; i++) {
            int index = i;
            String topic = "b" + i;
            StartPosition start = StartPosition.checkpointed();
            switch (i % 4) {
              case 0: // one credit at a time
                {
                  BusTail[] self = new BusTail[1];
                  fs.add(
                      client
                          .tail(
                              topic,
                              "c",
                              start,
                              1,
                              e -> {
                                got.incrementAndGet(index);
                                self[0].ack(e.offset()).grant(1);
                              })
                          .onSuccess(t -> self[0] = t));
                  break;
                }
              case 1: // a large credit
                fs.add(client.tail(topic, "c", start, 1_000_000, e -> got.incrementAndGet(index)));
                break;
              case 2: // a flowing ReadStream
                fs.add(
                    client
                        .tailStream(topic, "c", start, 16)
                        .onSuccess(s -> s.handler(e -> got.incrementAndGet(index))));
                break;
              default: // closed before anything is appended
                fs.add(
                    client
                        .tail(topic, "c", start, 16, e -> got.incrementAndGet(index))
                        .compose(t -> t.close().map(t)));
            }
          }
          Future.all(fs).map(cf -> cf.<Object>list()).onComplete(p);
        });
    return p.future();
  }

  @Test
  void aThousandBusTailsShareAFewThreadsAndOnlyTheAppendedOnesWake(Vertx vertx) throws Exception {
    CountingScheduler pool = new CountingScheduler(THREADS, "bus");
    wal = engine().open();
    rw = ReactiveWalrus.builder(wal).scheduler(pool).build();
    WalrusBinding binding = bind(vertx, BindOptions.defaults());
    WalrusBusClient client = WalrusBusClient.create(vertx);
    Context ctx = vertx.getOrCreateContext();
    AtomicIntegerArray got = new AtomicIntegerArray(TAILS);
    await(binding.expose("warm-up")); // the binding's context runs: its threads exist
    int threadsBefore = liveThreads();
    long heapBefore = usedHeapAfterGc();

    await(openAll(ctx, client, got));
    // A round trip through the binding's context: every session it opened has asked its
    // tail for the first credits by then.
    await(binding.expose("sync"));
    await("every tail started", () -> pool.idle());
    poll("the closed sessions ended", () -> binding.activeTails() == TAILS - TAILS / 4);

    long heapPerTail = (usedHeapAfterGc() - heapBefore) / TAILS;
    int threadsAfter = liveThreads();
    System.out.printf(
        "ManyBusTailsTest: %,d idle bus tails (both ends, one JVM): %,d B of heap each;"
            + " live threads %d -> %d%n",
        TAILS, heapPerTail, threadsBefore, threadsAfter);
    assertThat(threadsAfter - threadsBefore)
        .as("threads added by %,d bus tails", TAILS)
        .isLessThanOrEqualTo(THREADS + 2); // the pool's threads and its evictor
    assertThat(heapPerTail)
        .as("heap per idle bus tail, both ends (this bound only catches regressions)")
        .isLessThan(16 * 1024);

    int tasksBefore = pool.scheduled();
    for (int i : APPENDED) {
      wal.appendForTopic("b" + i, ("e" + i).getBytes());
    }
    await(
        "the appended topics' open tails got their entries",
        () -> {
          for (int i : APPENDED) {
            if (i % 4 != 3 && got.get(i) != 1) {
              return false;
            }
          }
          return true;
        });
    await("the woken tails went idle", () -> pool.idle());
    int woken = pool.scheduled() - tasksBefore;
    // 6 open sessions of the appended topics: a drain each, and one more for the credit
    // that follows an entry (grant(1), the stream's refill); the 744 others nothing.
    assertThat(woken).as("drain tasks run for 8 appends").isBetween(6, 3 * 6);

    Map<Integer, Integer> delivered = new TreeMap<>();
    for (int i = 0; i < TAILS; i++) {
      if (got.get(i) != 0) {
        delivered.put(i, got.get(i));
      }
    }
    Map<Integer, Integer> expected = new TreeMap<>();
    for (int i : APPENDED) {
      if (i % 4 != 3) {
        expected.put(i, 1);
      }
    }
    assertThat(delivered).as("tails that received entries").isEqualTo(expected);
    await(binding.unbind());
    rw.close();
    pool.dispose();
  }
}
