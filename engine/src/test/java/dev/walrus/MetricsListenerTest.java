package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's metrics hook: what a {@link WalrusMetricsListener} is told, that a detached
 * one is told nothing, and that a failing one breaks nothing.
 */
class MetricsListenerTest {
  private static final String T = "metrics";

  @TempDir Path dir;

  /** Counts everything it is told. */
  static final class Counting implements WalrusMetricsListener {
    final AtomicLong appends = new AtomicLong();
    final AtomicLong appendBytes = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong batchEntries = new AtomicLong();
    final AtomicLong batchBytes = new AtomicLong();
    final AtomicLong readEntries = new AtomicLong();
    final AtomicLong readBytes = new AtomicLong();
    final AtomicLong fsyncs = new AtomicLong();
    final AtomicLong negativeNanos = new AtomicLong();
    final AtomicLong created = new AtomicLong();
    final AtomicLong reclaimed = new AtomicLong();
    final AtomicInteger poisoned = new AtomicInteger();

    @Override
    public void onAppend(String topic, long bytes, long nanos) {
      appends.incrementAndGet();
      appendBytes.addAndGet(bytes);
      negative(nanos);
    }

    @Override
    public void onBatchAppend(String topic, int entries, long bytes, long nanos) {
      batches.incrementAndGet();
      batchEntries.addAndGet(entries);
      batchBytes.addAndGet(bytes);
      negative(nanos);
    }

    @Override
    public void onRead(String topic, int entries, long bytes) {
      readEntries.addAndGet(entries);
      readBytes.addAndGet(bytes);
    }

    @Override
    public void onFsync(int files, long nanos) {
      fsyncs.incrementAndGet();
      negative(nanos);
    }

    @Override
    public void onFileCreated() {
      created.incrementAndGet();
    }

    @Override
    public void onFileReclaimed() {
      reclaimed.incrementAndGet();
    }

    @Override
    public void onPoisoned(Throwable cause) {
      poisoned.incrementAndGet();
    }

    private void negative(long nanos) {
      if (nanos < 0) {
        negativeNanos.incrementAndGet();
      }
    }
  }

  private Walrus.Builder builder(FsyncSchedule schedule) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .fsyncSchedule(schedule)
        .blockSize(4096)
        .blocksPerFile(1)
        .sharedCursor(false)
        .quiet(true);
  }

  private static byte[] bytes(int n) {
    return new byte[n];
  }

  @Test
  void appendsBatchesAndReadsAreReportedWithTheirSizes() throws Exception {
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.noFsync()).open();
        AutoCloseable h = w.addMetricsListener(c)) {
      w.appendForTopic(T, bytes(10));
      w.appendForTopic(T, bytes(5));
      w.batchAppendForTopic(T, List.of(bytes(1), bytes(2), bytes(3)));
      w.batchAppendForTopic(T, List.of()); // nothing appended: not reported

      assertThat(c.appends).hasValue(2);
      assertThat(c.appendBytes).hasValue(15);
      assertThat(c.batches).hasValue(1);
      assertThat(c.batchEntries).hasValue(3);
      assertThat(c.batchBytes).hasValue(6);
      assertThat(c.negativeNanos).hasValue(0);

      assertThat(w.readNext(T, "a", true)).isPresent();
      assertThat(w.batchReadForTopic(T, "a", 1 << 20, false)).hasSize(4); // a peek counts too
      assertThat(c.readEntries).hasValue(5);
      assertThat(c.readBytes).hasValue(21);
      w.batchReadForTopic(T, "a", 1 << 20, true);
      assertThat(w.readNext(T, "a", true)).isEmpty(); // nothing read: not reported
      assertThat(c.readEntries).hasValue(9);
    }
  }

  @Test
  void aRefusedAppendIsNotReported() throws Exception {
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.noFsync()).maxEntryBytes(8).open();
        AutoCloseable h = w.addMetricsListener(c)) {
      assertThatThrownBy(() -> w.appendForTopic(T, bytes(9)))
          .isInstanceOf(EntryTooLargeException.class);
      assertThat(c.appends).hasValue(0);
    }
  }

  @Test
  void aDetachedListenerIsToldNothing() throws Exception {
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.syncEach()).open()) {
      AutoCloseable h = w.addMetricsListener(c);
      w.appendForTopic(T, bytes(1));
      h.close();
      h.close(); // idempotent
      w.appendForTopic(T, bytes(1));
      w.batchAppendForTopic(T, List.of(bytes(1)));
      w.readNext(T, "a", true);
      w.sync();
      assertThat(c.appends).hasValue(1);
      assertThat(c.batches).hasValue(0);
      assertThat(c.readEntries).hasValue(0);
      assertThat(c.fsyncs).hasValue(0);
    }
  }

  @Test
  void aThrowingListenerBreaksNothingAndTheOthersAreStillTold() throws Exception {
    WalrusMetricsListener bad =
        new WalrusMetricsListener() {
          @Override
          public void onAppend(String topic, long bytes, long nanos) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onRead(String topic, int entries, long bytes) {
            throw new IllegalStateException("listener bug");
          }
        };
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.noFsync()).open();
        AutoCloseable h1 = w.addMetricsListener(bad);
        AutoCloseable h2 = w.addMetricsListener(c)) {
      assertThat(w.appendForTopic(T, "x".getBytes(StandardCharsets.UTF_8))).isEqualTo(0);
      assertThat(w.appendForTopic(T, "y".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
      assertThat(w.readNext(T, "a", true)).map(Entry::dataAsString).contains("x");
      assertThat(c.appends).hasValue(2);
      assertThat(c.readEntries).hasValue(1);
      assertThat(w.position(T, "a")).isEqualTo(1); // the read's checkpoint was kept
    }
  }

  @Test
  void aNullListenerIsRefused() {
    try (Walrus w = builder(FsyncSchedule.noFsync()).open()) {
      assertThatThrownBy(() -> w.addMetricsListener(null))
          .isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void periodicForcesAreReportedUnderMilliseconds() throws Exception {
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.milliseconds(5)).open();
        AutoCloseable h = w.addMetricsListener(c)) {
      w.appendForTopic(T, bytes(1));
      Poll.until("a periodic force", Duration.ofSeconds(20), () -> c.fsyncs.get() > 0);
      assertThat(c.negativeNanos).hasValue(0);
    }
  }

  @Test
  void underSyncEachAnExplicitSyncIsAForceAndAnIdleOneIsNot() throws Exception {
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.syncEach()).open();
        AutoCloseable h = w.addMetricsListener(c)) {
      w.appendForTopic(T, bytes(1));
      assertThat(c.fsyncs).hasValue(0); // DSYNC writes: no force pass per append
      w.sync();
      long after = c.fsyncs.get();
      assertThat(after).isPositive();
      w.sync(); // nothing written since: nothing to force
      w.sync();
      assertThat(c.fsyncs).hasValue(after);
    }
  }

  @Test
  void filesCreatedAndReclaimedAreReported() throws Exception {
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.noFsync()).open();
        AutoCloseable h = w.addMetricsListener(c)) {
      for (int i = 0; i < 6; i++) {
        w.appendForTopic(T, bytes(3000)); // one 4 KiB block per entry, one block per file
      }
      assertThat(c.created.get()).isGreaterThanOrEqualTo(5);
      assertThat(c.reclaimed).hasValue(0);
      while (!w.batchReadForTopic(T, "a", 1 << 20, true).isEmpty()) {
        // consume everything
      }
      w.reclaim();
      Poll.until("files reclaimed", Duration.ofSeconds(20), () -> c.reclaimed.get() >= 4);
    }
  }

  @Test
  void poisoningIsReportedOnce() throws Exception {
    FaultyStorage s = new FaultyStorage();
    Counting c = new Counting();
    try (Walrus w = builder(FsyncSchedule.syncEach()).storageBackend(s).open();
        AutoCloseable h = w.addMetricsListener(c)) {
      w.appendForTopic(T, bytes(1));
      s.failForceIn.set(1);
      assertThatThrownBy(w::sync).isInstanceOf(FatalIOException.class);
      assertThatThrownBy(() -> w.appendForTopic(T, bytes(1)))
          .isInstanceOf(WalrusPoisonedException.class);
      assertThat(c.poisoned).hasValue(1);
      assertThat(c.appends).hasValue(1);
    }
  }
}
