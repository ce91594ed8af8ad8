package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.internal.core.BufferPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 3 against issue 20's memory bound: a hot sequential reader keeps its
 * read-ahead buffer between reads (no take and give per read), but only while it has unread
 * bytes in it, only with one of the process's {@value BufferPool#MAX_KEPT} permits, and only
 * until it stops reading (about two seconds), the instance closes, or it catches up. Reads
 * return the same entries either way. Runs on every backend.
 */
class KeptReadAheadTest {
  @TempDir Path dir;

  private static final BufferPool POOL = BufferPool.shared();

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .sharedCursor(false)
        .blockSize(1 << 20)
        .firstBlockSize(1 << 20) // one block: the read-ahead window spans every entry
        .fsyncSchedule(FsyncSchedule.milliseconds(3_600_000))
        .quiet(true)
        .open();
  }

  private static byte[] payload(int i) {
    byte[] b = new byte[100];
    for (int k = 0; k < b.length; k++) {
      b[k] = (byte) (i * 31 + k);
    }
    return b;
  }

  private static void fill(Walrus w, String topic, int n) {
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(payload(i));
    }
    w.batchAppendForTopic(topic, batch);
  }

  private static void assertEntry(Walrus w, String topic, String consumer, int expected) {
    Entry e = w.readNext(topic, consumer, true).orElseThrow();
    assertThat(e.offset()).isEqualTo(expected);
    assertThat(e.data()).isEqualTo(payload(expected));
  }

  /** Polls until {@code value} is {@code expected}, for at most 10 seconds. */
  private static void eventually(IntSupplier value, int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (value.getAsInt() != expected && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertThat(value.getAsInt()).isEqualTo(expected);
  }

  @Test
  void aReaderPartWayThroughKeepsItsBufferUntilItStopsReading() {
    int before = POOL.keptNow();
    try (Walrus w = open()) {
      fill(w, "t", 100);
      for (int i = 0; i < 10; i++) {
        assertEntry(w, "t", "c", i);
      }
      assertThat(POOL.keptNow()).isEqualTo(before + 1); // 90 entries still buffered
      eventually(POOL::keptNow, before); // it stopped reading: the sweep took it back
      for (int i = 10; i < 20; i++) { // and the next read borrows again
        assertEntry(w, "t", "c", i);
      }
    }
    assertThat(POOL.keptNow()).isEqualTo(before);
  }

  @Test
  void aReaderThatCaughtUpKeepsNothing() {
    int before = POOL.keptNow();
    try (Walrus w = open()) {
      fill(w, "t", 5);
      for (int i = 0; i < 5; i++) {
        assertEntry(w, "t", "c", i);
      }
      assertThat(POOL.keptNow()).isEqualTo(before); // a tail waiting at the end holds nothing
      assertThat(w.readNext("t", "c", true)).isEmpty();
      assertThat(POOL.keptNow()).isEqualTo(before);
    }
  }

  @Test
  void closingGivesEveryKeptBufferBack() {
    int before = POOL.keptNow();
    Walrus w = open();
    fill(w, "t", 100);
    assertEntry(w, "t", "a", 0);
    assertEntry(w, "t", "b", 0);
    assertThat(POOL.keptNow()).isEqualTo(before + 2);
    w.close();
    assertThat(POOL.keptNow()).isEqualTo(before);
  }

  @Test
  void atMostTheProcessBoundKeepAtOnceAndEveryReadIsStillRight() {
    int before = POOL.keptNow();
    int consumers = BufferPool.MAX_KEPT + 20;
    try (Walrus w = open()) {
      fill(w, "t", 50);
      for (int round = 0; round < 3; round++) {
        for (int c = 0; c < consumers; c++) {
          assertEntry(w, "t", "c" + c, round);
        }
        assertThat(POOL.keptNow()).isLessThanOrEqualTo(BufferPool.MAX_KEPT);
      }
      assertThat(POOL.keptNow()).isEqualTo(Math.min(BufferPool.MAX_KEPT, before + consumers));
    }
    assertThat(POOL.keptNow()).isEqualTo(before);
  }

  @Test
  void peeksKeepNothing() {
    int before = POOL.keptNow();
    try (Walrus w = open()) {
      fill(w, "t", 100);
      Entry e = w.readNext("t", "never-registered", false).orElseThrow();
      assertThat(e.offset()).isZero();
      assertThat(POOL.keptNow()).isEqualTo(before);
    }
  }

  @Test
  void aRemovedConsumerOrADeletedTopicIsNotReadThroughItsOldCursor() {
    try (Walrus w = open()) {
      fill(w, "t", 100);
      for (int i = 0; i < 3; i++) {
        assertEntry(w, "t", "c", i); // the instance now remembers this cursor
      }
      assertThat(w.removeConsumer("t", "c")).isTrue();
      assertEntry(w, "t", "c", 0); // a new cursor, from the first retained entry
      assertEntry(w, "t", "c", 1);
      assertThat(w.deleteTopic("t")).isTrue();
      assertThat(w.readNext("t", "c", true)).isEmpty();
      fill(w, "t", 2); // the topic again: offsets go on after the deleted ones
      Entry e = w.readNext("t", "c", true).orElseThrow();
      assertThat(e.offset()).isEqualTo(100);
      assertThat(e.data()).isEqualTo(payload(0));
    }
  }
}
