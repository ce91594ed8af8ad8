package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.testkit.CountingScheduler;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;

/**
 * Issue 20, item 6: 10,000 concurrent tails on 10,000 topics share a scheduler of 4
 * threads, cost little memory each while idle, and only the tails of a topic that is
 * appended to are woken (no polling: the scheduler runs no task for the others). Every
 * demand pattern is in the crowd: unbounded, {@code request(1)} per entry,
 * {@code take(1)}, cancelled, a MANUAL tail and a spinning one. Not timed.
 */
class ManyTailsTest extends WalrusFixture {
  private static final int TAILS = 10_000;
  private static final int THREADS = 4;

  /** Appended to: each kind of tail (i % 4) twice. */
  private static final Set<Integer> APPENDED =
      Set.of(4000, 4001, 4002, 4003, 9996, 9997, 9998, 9999);

  /** A bounded pool that counts the tasks given to it and those not finished yet. */

  /** Requests one entry at a time, as a slow consumer does. */
  static final class OneByOne extends BaseSubscriber<ReceivedEntry> {
    private final AtomicIntegerArray got;
    private final int index;

    OneByOne(AtomicIntegerArray got, int index) {
      this.got = got;
      this.index = index;
    }

    @Override
    protected void hookOnSubscribe(Subscription s) {
      s.request(1);
    }

    @Override
    protected void hookOnNext(ReceivedEntry e) {
      got.incrementAndGet(index);
      request(1);
    }
  }

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

  @Test
  void tenThousandTailsShareAFewThreadsAndOnlyTheAppendedOnesWake() {
    CountingScheduler pool = new CountingScheduler(THREADS, "many");
    wal = engine().open();
    rw = ReactiveWalrus.builder(wal).scheduler(pool).build();
    AtomicIntegerArray got = new AtomicIntegerArray(TAILS);
    AtomicInteger manual = new AtomicInteger();
    AtomicInteger spinning = new AtomicInteger();
    int threadsBefore = liveThreads();
    long heapBefore = usedHeapAfterGc();

    List<Disposable> cancelled = new ArrayList<>();
    for (int i = 0; i < TAILS; i++) {
      int index = i;
      String topic = "t" + i;
      switch (i % 4) {
        case 0: // unbounded, the shared cursor
          rw.tail(topic).subscribe(e -> got.incrementAndGet(index));
          break;
        case 1: // request(1) per entry, a named consumer
          rw.tail(topic, TailOptions.forConsumer("c")).subscribe(new OneByOne(got, index));
          break;
        case 2: // take(1): cancels itself once it has its entry
          rw.tail(topic, TailOptions.forConsumer("c"))
              .take(1)
              .subscribe(e -> got.incrementAndGet(index));
          break;
        default: // cancelled before anything is appended
          cancelled.add(
              rw.tail(topic, TailOptions.forConsumer("c"))
                  .subscribe(e -> got.incrementAndGet(index)));
      }
    }
    rw.tail("t4000", TailOptions.forConsumer("m").checkpointMode(CheckpointMode.MANUAL))
        .subscribe(
            e -> {
              e.acknowledge();
              manual.incrementAndGet();
            });
    rw.tail(
            "t4001",
            TailOptions.forConsumer("s")
                .waitStrategy(WaitStrategy.spinThenPark(Duration.ofNanos(50_000))))
        .subscribe(e -> spinning.incrementAndGet());
    await("every tail started", () -> pool.idle());

    long heapPerTail = (usedHeapAfterGc() - heapBefore) / TAILS;
    int threadsAfter = liveThreads();
    System.out.printf(
        "ManyTailsTest: %,d idle tails: %,d B of heap each; live threads %d -> %d%n",
        TAILS, heapPerTail, threadsBefore, threadsAfter);
    assertThat(threadsAfter - threadsBefore)
        .as("threads added by %,d tails", TAILS)
        .isLessThanOrEqualTo(THREADS + 2); // the pool's threads and its evictor
    assertThat(heapPerTail)
        .as("heap per idle tail (target 2 KiB; this bound only catches regressions)")
        .isLessThan(4096);

    cancelled.forEach(Disposable::dispose);
    await("the cancelled tails finished", () -> pool.idle());

    int tasksBefore = pool.scheduled();
    for (int i : APPENDED) {
      wal.appendForTopic("t" + i, bytes("e" + i));
    }
    await(
        "the appended topics' live tails got their entries",
        () -> {
          for (int i : APPENDED) {
            if (i % 4 != 3 && got.get(i) != 1) {
              return false;
            }
          }
          return manual.get() == 1 && spinning.get() == 1;
        });
    await("the woken tails went idle", () -> pool.idle());
    int woken = pool.scheduled() - tasksBefore;
    // 6 live tails of the appended topics, the MANUAL and the spinning one: one drain
    // each, and a take(1) tail one more to end; the 9,992 others nothing.
    assertThat(woken).as("drain tasks run for 8 appends").isBetween(8, 2 * 8);

    rw.close(); // completes every tail: nothing can be delivered after this
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
    assertThat(manual.get()).isEqualTo(1);
    assertThat(spinning.get()).isEqualTo(1);
    pool.dispose();
  }

  /**
   * An idle tail lets go of what it delivered: an AUTO tail whose demand is used up, and a
   * MANUAL tail whose subscriber acknowledged everything (the acknowledgment wakes it to do
   * so), keep no reference to the entries' payloads. Watched through weak references.
   */
  @Test
  void anIdleTailHoldsNoEntryItIsDoneWith() {
    open();
    for (int i = 0; i < 5; i++) {
      wal.appendForTopic("auto", new byte[1024]);
      wal.appendForTopic("manual", new byte[1024]);
    }
    List<WeakReference<byte[]>> payloads = new CopyOnWriteArrayList<>();
    BaseSubscriber<ReceivedEntry> auto =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription s) {
            s.request(3); // then no more demand: the tail waits with it used up
          }

          @Override
          protected void hookOnNext(ReceivedEntry e) {
            payloads.add(new WeakReference<>(e.data()));
          }
        };
    rw.tail("auto", TailOptions.forConsumer("a")).subscribe(auto);
    rw.tail("manual", TailOptions.forConsumer("m").checkpointMode(CheckpointMode.MANUAL))
        .subscribe(
            e -> {
              payloads.add(new WeakReference<>(e.data()));
              e.acknowledge(); // after the entry was taken: the tail is woken to let it go
            });
    await("8 entries delivered", () -> payloads.size() == 8);
    await(
        "no delivered payload is reachable",
        () -> {
          System.gc();
          return payloads.stream().allMatch(w -> w.get() == null);
        });
    auto.dispose();
  }
}
