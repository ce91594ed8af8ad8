package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.crash.CrashChild;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12 item 1, one operation at a time, on every backend: a caller whose thread is
 * interrupted completes its operation and keeps its interrupt status; the instance is not
 * poisoned, no shared file is closed for anyone else, and what the operation did is there
 * after a reopen. (Before the fix the interrupted {@code FileChannel} closed with
 * {@code ClosedByInterruptException} and every later call failed.)
 */
class InterruptTest {
  private static final String T = "t";

  @TempDir Path dir;

  private Walrus open(String schedule) {
    FsyncSchedule s =
        schedule.equals("syncEach")
            ? FsyncSchedule.syncEach()
            : FsyncSchedule.milliseconds(3_600_000);
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .fsyncSchedule(s)
        .quiet(true)
        .open();
  }

  private static byte[] p(long offset) {
    return CrashChild.payload(T, offset);
  }

  /** Runs {@code op} with the interrupt status set and checks it is still set after. */
  private static void interrupted(Walrus w, Consumer<Walrus> op) {
    Thread.currentThread().interrupt();
    try {
      op.accept(w);
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt status is kept").isTrue();
    }
  }

  private static void checkHealthy(Walrus w, long end) {
    assertThat(w.appendForTopic(T, p(end))).isEqualTo(end);
    Optional<Entry> e = w.readNext(T, "other", false);
    assertThat(e).isPresent();
    assertThat(e.get().data()).isEqualTo(p(e.get().offset()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"syncEach", "milliseconds"})
  void eachInterruptedOperationCompletesAndLeavesTheInstanceHealthy(String schedule) {
    try (Walrus w = open(schedule)) {
      interrupted(w, x -> assertThat(x.appendForTopic(T, p(0))).isZero());
      interrupted(
          w, x -> assertThat(x.batchAppendForTopic(T, List.of(p(1), p(2), p(3)))).isEqualTo(1));
      checkHealthy(w, 4);
      interrupted(w, x -> assertThat(x.readNext(T, "c", true).get().offset()).isZero());
      interrupted(w, x -> assertThat(x.readNext(T, true).get().offset()).isZero());
      interrupted(w, x -> assertThat(x.readNext(T, "c", false).get().offset()).isEqualTo(1));
      interrupted(w, x -> assertThat(x.batchReadForTopic(T, "b", 1 << 20, true)).hasSize(5));
      interrupted(w, x -> x.checkpoint(T, "k", 3));
      interrupted(w, Walrus::sync);
      checkHealthy(w, 5);
      // a thread that keeps its interrupt status and goes on working
      Thread.currentThread().interrupt();
      try {
        for (long i = 6; i < 200; i++) {
          assertThat(w.appendForTopic(T, p(i))).isEqualTo(i);
          assertThat(w.readNext(T, "c", true).get().offset()).isEqualTo(i - 5);
        }
        w.sync();
      } finally {
        assertThat(Thread.interrupted()).isTrue();
      }
      checkHealthy(w, 200);
    }
    try (Walrus w = open(schedule)) {
      assertThat(w.position(T, "c")).isEqualTo(195);
      TopicStats st = w.stats(T).orElseThrow();
      assertThat(st.nextOffset() - st.unread().get(TopicStats.DEFAULT_CONSUMER))
          .as("shared")
          .isEqualTo(1);
      assertThat(w.position(T, "b")).isEqualTo(5);
      assertThat(w.position(T, "k")).isEqualTo(3);
      for (long i = 0; i <= 200; i++) {
        Entry e = w.readNext(T, "verify", true).orElseThrow();
        assertThat(e.offset()).isEqualTo(i);
        assertThat(Arrays.equals(e.data(), p(i))).isTrue();
      }
      assertThat(w.readNext(T, "verify", true)).isEmpty();
    }
  }

  /** Opening (lock files, recovery, the journal) and closing with the interrupt status set. */
  @ParameterizedTest
  @ValueSource(strings = {"syncEach", "milliseconds"})
  void anInterruptedThreadOpensAndClosesANamespace(String schedule) {
    try (Walrus w = open(schedule)) {
      for (long i = 0; i < 50; i++) {
        w.appendForTopic(T, p(i));
      }
    }
    Walrus[] opened = new Walrus[1];
    Thread.currentThread().interrupt();
    try {
      opened[0] = open(schedule);
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt status is kept").isTrue();
    }
    interrupted(opened[0], w -> checkHealthy(w, 50));
    interrupted(opened[0], Walrus::close);
    try (Walrus w = open(schedule)) {
      assertThat(w.stats(T).orElseThrow().nextOffset()).isEqualTo(51);
    }
  }

  /** {@code Future.cancel(true)} and {@code shutdownNow()} interrupt pool threads mid-call. */
  @Test
  void cancelledTasksAndShutdownNowLeaveTheInstanceHealthy() throws Exception {
    try (Walrus w = open("syncEach")) {
      w.appendForTopic(T, p(0));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 20; round++) {
          CountDownLatch working = new CountDownLatch(1);
          int skip = round;
          Future<?> f =
              pool.submit(
                  () -> {
                    try {
                      for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                        w.readNext(T, "c", false);
                        w.checkpoint(T, "k", 1);
                        if (i == skip) {
                          working.countDown(); // cancelled some calls in: anywhere in one of them
                        }
                      }
                    } finally {
                      working.countDown();
                    }
                  });
          working.await();
          f.cancel(true);
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      checkHealthy(w, 1);
      assertThat(w.position(T, "k")).isEqualTo(1);
    }
  }
}
