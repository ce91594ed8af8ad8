package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SyncEach group commit: concurrent blocking appends (to one topic and to many) share
 * writes and forces, yet each caller is told exactly what became of its own entry: an
 * acknowledged entry is there after a reopen, at the offset it was given, and an entry
 * whose group failed is never visible. Runs on the execution's backend.
 */
class GroupCommitTest {
  @TempDir Path dir;

  private static final int THREADS = 24;
  private static final int PER_THREAD = 40;

  private static byte[] payload(int thread, int i) {
    return ("p-" + thread + "-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private Walrus.Builder syncEach() {
    return Walrus.builder()
        .dataDir(dir)
        .blockSize(4096)
        .blocksPerFile(8)
        .fsyncSchedule(FsyncSchedule.syncEach());
  }

  /** Topic -> offset -> payload, as acknowledged. */
  private final Map<String, Map<Long, String>> acked = new ConcurrentHashMap<>();

  private void ack(String topic, long offset, byte[] p) {
    String prev =
        acked
            .computeIfAbsent(topic, k -> new ConcurrentHashMap<>())
            .put(offset, new String(p, StandardCharsets.UTF_8));
    assertThat(prev).as("offset %d of %s given twice", offset, topic).isNull();
  }

  private interface Producer {
    void run(int thread) throws Exception;
  }

  private static void runAll(Producer p) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int id = t;
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  p.run(id);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Everything acknowledged, and nothing else, is read back after a reopen. */
  private void assertExactlyTheAcknowledgedAfterReopen() {
    assertAcknowledgedAfterReopen(true);
  }

  /**
   * Everything acknowledged is read back after a reopen, at its offset; with {@code exact},
   * nothing else is (a poisoned instance's unacknowledged writes may survive, as in a crash).
   */
  private void assertAcknowledgedAfterReopen(boolean exact) {
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(8).open()) {
      for (String topic : w.topics()) {
        Map<Long, String> got = new HashMap<>();
        List<Entry> es;
        while (!(es = w.batchReadForTopic(topic, "check", 1 << 20, true)).isEmpty()) {
          es.forEach(e -> got.put(e.offset(), e.dataAsString()));
        }
        Map<Long, String> want = acked.getOrDefault(topic, Map.of());
        if (exact) {
          assertThat(got).as("topic %s", topic).isEqualTo(want);
        } else {
          assertThat(got).as("topic %s", topic).containsAllEntriesOf(want);
        }
      }
      assertThat(acked.keySet()).isSubsetOf(w.topics());
    }
  }

  @Test
  void concurrentAppendsToOneTopicGetContiguousOffsetsAndAllSurviveAReopen() throws Exception {
    try (Walrus w = syncEach().open()) {
      runAll(
          id -> {
            for (int i = 0; i < PER_THREAD; i++) {
              byte[] p = payload(id, i);
              ack("one", w.appendForTopic("one", p), p);
            }
          });
      assertThat(acked.get("one").keySet())
          .hasSize(THREADS * PER_THREAD)
          .allMatch(o -> o >= 0 && o < THREADS * PER_THREAD);
      assertThat(w.stats("one").orElseThrow().nextOffset()).isEqualTo(THREADS * PER_THREAD);
    }
    assertExactlyTheAcknowledgedAfterReopen();
  }

  @Test
  void concurrentAppendsToManyTopicsAllSurviveAReopen() throws Exception {
    try (Walrus w = syncEach().open()) {
      runAll(
          id -> {
            for (int i = 0; i < PER_THREAD; i++) {
              String topic = "t" + (id + i) % 7;
              byte[] p = payload(id, i);
              ack(topic, w.appendForTopic(topic, p), p);
            }
          });
    }
    assertExactlyTheAcknowledgedAfterReopen();
  }

  @Test
  void singleAndBatchAppendsMixedOnOneTopicAllSurviveAReopen() throws Exception {
    try (Walrus w = syncEach().open()) {
      runAll(
          id -> {
            for (int i = 0; i < PER_THREAD; i++) {
              byte[] p = payload(id, i);
              if (id % 4 == 0 && i + 1 < PER_THREAD) { // a batch holds the lock meanwhile
                byte[] q = payload(id, ++i);
                long first = w.batchAppendForTopic("one", List.of(p, q));
                ack("one", first, p);
                ack("one", first + 1, q);
              } else {
                ack("one", w.appendForTopic("one", p), p);
              }
            }
          });
      assertThat(acked.get("one")).hasSize(THREADS * PER_THREAD);
    }
    assertExactlyTheAcknowledgedAfterReopen();
  }

  @Test
  void aFailedGroupWriteFailsItsCallersOnlyAndNoneOfItIsVisible() throws Exception {
    FaultyStorage s = new FaultyStorage();
    AtomicInteger rolledBack = new AtomicInteger();
    try (Walrus w = syncEach().storageBackend(s).open()) {
      w.checkpoint("one", "holder", 0); // keeps files from reclamation
      runAll(
          id -> {
            for (int i = 0; i < PER_THREAD; i++) {
              if (id == 0 && i == PER_THREAD / 2) {
                s.failWriteIn.set(3); // a few writes from now, amid the others' groups
              }
              byte[] p = payload(id, i);
              try {
                ack("one", w.appendForTopic("one", p), p);
              } catch (WriteRolledBackException e) {
                rolledBack.incrementAndGet(); // this caller's entry is not acknowledged
              }
            }
          });
      assertThat(rolledBack).hasPositiveValue();
      assertThat(acked.get("one")).hasSize(THREADS * PER_THREAD - rolledBack.get());
      assertThat(w.health().isOpen()).isTrue(); // a rolled-back write does not poison
    }
    assertExactlyTheAcknowledgedAfterReopen();
  }

  @Test
  void aFailedForcePoisonsAndEveryCallerNotAcknowledgedGetsTheTypedError() throws Exception {
    FaultyStorage s = new FaultyStorage();
    AtomicInteger failed = new AtomicInteger();
    try (Walrus w = syncEach().storageBackend(s).open()) {
      runAll(
          id -> {
            for (int i = 0; i < PER_THREAD; i++) {
              if (id == 0 && i == PER_THREAD / 2) {
                s.failForceIn.set(2);
              }
              byte[] p = payload(id, i);
              try {
                ack("t" + id % 3, w.appendForTopic("t" + id % 3, p), p);
              } catch (FatalIOException | WalrusPoisonedException e) {
                failed.incrementAndGet();
                return; // the instance refuses work from now on
              }
            }
          });
      assertThat(failed).hasPositiveValue(); // and no producer hangs (runAll returned)
      assertThat(w.health().state()).isEqualTo(WalrusHealth.State.POISONED);
    }
    assertAcknowledgedAfterReopen(false);
  }

  @Test
  void interruptsNeitherFailNorLoseAnAppendAndAreKept() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> producers = new ArrayList<>();
    AtomicInteger kept = new AtomicInteger();
    try (Walrus w = syncEach().open()) {
      CountDownLatch ready = new CountDownLatch(THREADS);
      Thread storm =
          new Thread(
              () -> {
                try {
                  ready.await();
                } catch (InterruptedException e) {
                  return;
                }
                while (!done.get()) {
                  for (Thread t : producers) {
                    t.interrupt();
                  }
                  Thread.onSpinWait();
                }
              });
      for (int t = 0; t < THREADS; t++) {
        int id = t;
        producers.add(
            new Thread(
                () -> {
                  ready.countDown();
                  for (int i = 0; i < PER_THREAD; i++) {
                    byte[] p = payload(id, i);
                    ack("one", w.appendForTopic("one", p), p);
                    if (Thread.interrupted()) {
                      kept.incrementAndGet(); // the interrupt came back to the caller
                    }
                  }
                }));
      }
      storm.start();
      producers.forEach(Thread::start);
      for (Thread t : producers) {
        t.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(t.isAlive()).isFalse();
      }
      done.set(true);
      storm.join();
      assertThat(acked.get("one")).hasSize(THREADS * PER_THREAD);
      assertThat(kept).hasPositiveValue();
      assertThat(w.health().isOpen()).isTrue();
    }
    assertExactlyTheAcknowledgedAfterReopen();
  }
}
