package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 1: every entry carries its append time, non-decreasing within a topic. */
class TimestampsTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000L);

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .clock(clock::get)
        .quiet(true)
        .open();
  }

  private static List<Entry> all(Walrus w, String topic, String consumer) {
    List<Entry> out = new ArrayList<>();
    for (var e = w.readNext(topic, consumer, true); e.isPresent(); ) {
      out.add(e.get());
      e = w.readNext(topic, consumer, true);
    }
    return out;
  }

  @Test
  void entriesCarryTheClocksTimeSharedByABatchAndNeverGoingBackwards() {
    List<Long> expected = new ArrayList<>();
    try (Walrus w = open()) {
      for (int i = 0; i < 100; i++) { // several blocks: sealed ones and the open one
        clock.addAndGet(1_000);
        w.appendForTopic("t", new byte[i]);
        expected.add(clock.get());
      }
      clock.addAndGet(5);
      w.batchAppendForTopic("t", List.of(new byte[1], new byte[2], new byte[3]));
      expected.addAll(List.of(clock.get(), clock.get(), clock.get()));
      long last = clock.get();
      clock.addAndGet(-10_000_000); // the clock steps back ten seconds
      w.appendForTopic("t", new byte[4]);
      expected.add(last); // repeats the last timestamp
      List<Entry> read = all(w, "t", "c");
      assertThat(read).extracting(Entry::timestampMicros).containsExactlyElementsOf(expected);
      Entry first = read.get(0);
      assertThat(first.timestamp())
          .isEqualTo(Instant.ofEpochSecond(0, expected.get(0) * 1_000L))
          .isEqualTo(Instant.EPOCH.plusNanos(expected.get(0) * 1_000L));
    }
    // After a restart: the timestamps are read back from disk, and stay non-decreasing.
    try (Walrus w = open()) {
      assertThat(all(w, "t", "d"))
          .extracting(Entry::timestampMicros)
          .containsExactlyElementsOf(expected);
      w.appendForTopic("t", new byte[5]); // the clock is still behind
      List<Entry> tail = all(w, "t", "c");
      assertThat(tail).hasSize(1);
      assertThat(tail.get(0).timestampMicros()).isEqualTo(expected.get(expected.size() - 1));
    }
  }

  @Test
  void aHundredByteEntryStillTakes128BytesOnDisk() {
    try (Walrus w = open()) {
      for (int i = 0; i < 3; i++) {
        w.appendForTopic("t", new byte[100]);
      }
      // One block (a topic's first, 512 bytes): its header (40 + name, aligned to 8: 48)
      // and seal (48), then 3 entries.
      assertThat(w.stats("t").orElseThrow().retainedBytes()).isEqualTo(96 + 3 * 128);
    }
  }

  @Test
  void entryTimestampAccessors() {
    Entry e = new Entry("t", 3, 1_500_000L, new byte[0]);
    assertThat(e.timestamp()).isEqualTo(Instant.ofEpochSecond(1, 500_000_000));
    assertThat(new Entry("t", 3, new byte[0]).timestamp()).isEqualTo(Instant.EPOCH);
    assertThat(new Entry("t", 3, -1L, new byte[0]).timestamp())
        .isEqualTo(Instant.EPOCH.minusNanos(1_000));
    assertThat(e).isEqualTo(new Entry("t", 3, new byte[0])); // identity ignores the time
  }
}
