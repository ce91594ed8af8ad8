package dev.walrus.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.TopicConfig;
import dev.walrus.Walrus;
import dev.walrus.WalrusHealth;
import dev.walrus.testkit.Payloads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walrus class Javadoc, "Interrupts": a call whose thread is interrupted before or during
 * it completes as if it had not been, keeps the interrupt status, never poisons the
 * instance and never loses or corrupts an entry or a cursor. Covers the calls and
 * situations {@code InterruptTest} does not: the allocation-free reads, topic lifecycle
 * and configuration calls, an interrupt raised inside a handler, a reader interrupted
 * while it waits for a consumer another thread's handler holds, AtLeastOnce cursors and
 * creating a namespace from an interrupted thread.
 */
class AuditInterruptTest {
  private static final String T = "t";

  @TempDir Path dir;

  private Walrus open(ReadConsistency c, String schedule) {
    FsyncSchedule s =
        schedule.equals("syncEach")
            ? FsyncSchedule.syncEach()
            : FsyncSchedule.milliseconds(3_600_000);
    return AuditSupport.open(dir, c, s);
  }

  private static byte[] p(long offset) {
    return Payloads.of(T, offset, 900);
  }

  private static <R> R interrupted(Supplier<R> op) {
    Thread.currentThread().interrupt();
    try {
      return op.get();
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt status is kept").isTrue();
    }
  }

  private static void interruptedRun(Runnable op) {
    interrupted(
        () -> {
          op.run();
          return null;
        });
  }

  private static void assertHealthy(Walrus w) {
    assertThat(w.health().state()).isEqualTo(WalrusHealth.State.OPEN);
  }

  /** The allocation-free reads and lifecycle calls with the interrupt status set. */
  @ParameterizedTest
  @ValueSource(strings = {"syncEach", "milliseconds"})
  void viewReadsAndLifecycleCallsCompleteWhenInterrupted(String schedule) {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce(), schedule)) {
      for (long i = 0; i < 60; i++) {
        long off = i;
        assertThat(interrupted(() -> w.appendForTopic(T, p(off)))).isEqualTo(i);
      }
      List<Long> seen = new ArrayList<>();
      assertThat(interrupted(() -> w.readNext(T, "h", true, (o, ts, pl) -> seen.add(o)))).isTrue();
      assertThat(interrupted(() -> w.batchRead(T, "h", 5 * 900, true, (o, ts, pl) -> seen.add(o))))
          .isPositive();
      long afterBatch = seen.get(seen.size() - 1) + 1;
      assertThat(interrupted(() -> w.readNext(T, "h", false, (o, ts, pl) -> {}))).isTrue();
      assertThat(w.position(T, "h")).isEqualTo(afterBatch);
      interruptedRun(
          () -> w.setTopicConfig("cfg", TopicConfig.unlimited().withRetention(Duration.ofDays(3))));
      interruptedRun(() -> w.setTopicConfig(T, TopicConfig.unlimited()));
      assertThat(interrupted(() -> w.clearTopicConfig(T))).isTrue();
      interruptedRun(() -> w.checkpoint(T, "gone", 2));
      assertThat(interrupted(() -> w.removeConsumer(T, "gone"))).isTrue();
      interruptedRun(() -> w.appendForTopic("doomed", new byte[] {1}));
      assertThat(interrupted(() -> w.deleteTopic("doomed"))).isTrue();
      assertThat(interrupted(() -> w.offsetForTime(T, Instant.EPOCH)).getAsLong()).isZero();
      interruptedRun(w::reclaim);
      assertThat(interrupted(() -> w.stats(T)).orElseThrow().nextOffset()).isEqualTo(60);
      assertHealthy(w);
      assertThat(w.appendForTopic(T, p(60))).isEqualTo(60);
      assertThat(seen).isEqualTo(contiguous(0, afterBatch));
    }
    try (Walrus w = open(ReadConsistency.strictlyAtOnce(), schedule)) {
      assertThat(w.position(T, "h")).isGreaterThan(1);
      assertThat(w.stats(T).orElseThrow().unread()).doesNotContainKey("gone");
      assertThat(w.topics()).containsExactly(T);
      assertThat(w.topicConfig("cfg").retention()).contains(Duration.ofDays(3));
      assertThat(w.topicConfig(T)).isEqualTo(TopicConfig.unlimited());
      assertThat(w.appendForTopic("doomed", new byte[] {2})).isEqualTo(1);
      verifyAll(w, 61);
    }
  }

  /** A handler that interrupts its own thread: the read and the rest of its batch complete. */
  @Test
  void anInterruptRaisedInsideAHandlerFailsNothing() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce(), "syncEach")) {
      for (long i = 0; i < 40; i++) {
        w.appendForTopic(T, p(i));
      }
      List<Long> seen = new ArrayList<>();
      try {
        int n =
            w.batchRead(
                T,
                "h",
                1 << 20,
                true,
                (o, ts, pl) -> {
                  seen.add(o);
                  Thread.currentThread().interrupt();
                });
        assertThat(n).isEqualTo(seen.size());
        assertThat(w.readNext(T, "h", true, (o, ts, pl) -> seen.add(o))).isEqualTo(n < 40);
        w.checkpoint(T, "h2", 10);
        w.appendForTopic(T, p(40));
      } finally {
        assertThat(Thread.interrupted()).isTrue();
      }
      assertHealthy(w);
      assertThat(seen).isEqualTo(contiguous(0, seen.size()));
      assertThat(w.position(T, "h")).isEqualTo(seen.size());
    }
    try (Walrus w = open(ReadConsistency.strictlyAtOnce(), "syncEach")) {
      assertThat(w.position(T, "h2")).isEqualTo(10);
      verifyAll(w, 41);
    }
  }

  /**
   * A reader of a consumer whose cursor another thread's handler holds waits; interrupted
   * while waiting it still completes once the handler returns, gets the next entry (not
   * the one the handler had), and keeps its interrupt status.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aReaderInterruptedWhileWaitingForAHeldConsumerCompletes(boolean batch) throws Exception {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce(), "milliseconds")) {
      for (long i = 0; i < 10; i++) {
        w.appendForTopic(T, p(i));
      }
      CountDownLatch inHandler = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicReference<Throwable> holderFailed = new AtomicReference<>();
      Thread holder =
          new Thread(
              () -> {
                try {
                  w.readNext(
                      T,
                      "c",
                      true,
                      (o, ts, pl) -> {
                        inHandler.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          throw new AssertionError(e);
                        }
                      });
                } catch (Throwable t) {
                  holderFailed.set(t);
                }
              });
      holder.start();
      assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicReference<Object> got = new AtomicReference<>();
      AtomicReference<Throwable> waiterFailed = new AtomicReference<>();
      AtomicReference<Boolean> kept = new AtomicReference<>();
      Thread waiter =
          new Thread(
              () -> {
                try {
                  got.set(
                      batch
                          ? w.batchReadForTopic(T, "c", 900, true)
                          : w.readNext(T, "c", true).orElseThrow());
                } catch (Throwable t) {
                  waiterFailed.set(t);
                } finally {
                  kept.set(Thread.currentThread().isInterrupted());
                }
              });
      waiter.start();
      // wait until the waiter is parked on the held cursor, then interrupt it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (waiter.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      waiter.interrupt();
      release.countDown();
      holder.join(10_000);
      waiter.join(10_000);
      assertThat(holderFailed.get()).isNull();
      assertThat(waiterFailed.get()).as("the interrupted waiter").isNull();
      assertThat(kept.get()).as("the waiter's interrupt status").isTrue();
      Entry e = batch ? ((List<?>) got.get()).toArray(new Entry[0])[0] : (Entry) got.get();
      assertThat(e.offset()).isEqualTo(1);
      assertThat(e.data()).isEqualTo(p(1));
      assertHealthy(w);
      assertThat(w.position(T, "c")).isEqualTo(2);
    }
    try (Walrus w = open(ReadConsistency.strictlyAtOnce(), "milliseconds")) {
      assertThat(w.position(T, "c")).isEqualTo(2);
    }
  }

  /**
   * AtLeastOnce{1000}: consuming reads and a close from an interrupted thread; close
   * persists every cursor, so the reopened cursors are exactly where the reads left them.
   */
  @Test
  void atLeastOnceCursorsArePersistedByAnInterruptedClose() {
    ReadConsistency alo = ReadConsistency.atLeastOnce(1000);
    Walrus w = open(alo, "milliseconds");
    for (long i = 0; i < 50; i++) {
      w.appendForTopic(T, p(i));
    }
    for (int i = 0; i < 7; i++) {
      interrupted(() -> w.readNext(T, true).orElseThrow());
      interrupted(() -> w.readNext(T, "n", true).orElseThrow());
    }
    interrupted(() -> w.batchReadForTopic(T, "b", 3 * 900, true));
    interrupted(() -> w.batchRead(T, "v", 4 * 900, true, (o, ts, pl) -> {}));
    long b = w.position(T, "b");
    long v = w.position(T, "v");
    interruptedRun(w::close);
    try (Walrus again = open(alo, "milliseconds")) {
      assertThat(again.position(T)).isEqualTo(7);
      assertThat(again.position(T, "n")).isEqualTo(7);
      assertThat(again.position(T, "b")).isEqualTo(b);
      assertThat(again.position(T, "v")).isEqualTo(v);
    }
  }

  /** Creating a new namespace (directories, lock files, journal) from an interrupted thread. */
  @Test
  void anInterruptedThreadCreatesANewNamespace() {
    Path fresh = dir.resolve("a/b/c");
    Walrus w =
        interrupted(
            () ->
                Walrus.builder()
                    .dataDir(fresh)
                    .namespace("k")
                    .fsyncSchedule(FsyncSchedule.syncEach())
                    .quiet(true)
                    .open());
    interrupted(() -> w.batchAppendForTopic(T, List.of(p(0), p(1))));
    interruptedRun(w::close);
    try (Walrus again = Walrus.builder().dataDir(fresh).namespace("k").quiet(true).open()) {
      assertThat(again.stats(T).orElseThrow().nextOffset()).isEqualTo(2);
      assertThat(again.readNext(T, true).orElseThrow().data()).isEqualTo(p(0));
    }
  }

  private static List<Long> contiguous(long from, long to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  private static void verifyAll(Walrus w, long n) {
    for (long i = 0; i < n; i++) {
      Entry e = w.readNext(T, "verify", true).orElseThrow();
      assertThat(e.offset()).isEqualTo(i);
      assertThat(e.data()).isEqualTo(p(i));
    }
    assertThat(w.readNext(T, "verify", true)).isEmpty();
  }
}
