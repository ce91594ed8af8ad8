package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 items 2 and 5: {@code offsetForTime} (found from block metadata and one block
 * scan) matches a linear scan of the entries on random data, before and after a restart,
 * and after retention dropped the oldest blocks.
 */
class OffsetForTimeTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000L);

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(3)
        .clock(clock::get)
        .quiet(true)
        .open();
  }

  /** The reference: the first entry (at or after {@code first}) stamped at or after t. */
  private static OptionalLong linear(List<Entry> entries, long first, Instant t) {
    for (Entry e : entries) {
      if (e.offset() >= first && !e.timestamp().isBefore(t)) {
        return OptionalLong.of(e.offset());
      }
    }
    return OptionalLong.empty();
  }

  private static List<Entry> peekAll(Walrus w, String topic) {
    List<Entry> out = new ArrayList<>();
    String c = "scan-" + System.nanoTime();
    for (var e = w.readNext(topic, c, true); e.isPresent(); e = w.readNext(topic, c, true)) {
      out.add(e.get());
    }
    w.removeConsumer(topic, c);
    return out;
  }

  private static void check(Walrus w, List<Entry> entries, Random rnd, String when) {
    long first = w.stats("t").orElseThrow().firstOffset();
    long lo = entries.get(0).timestampMicros() - 5;
    long hi = entries.get(entries.size() - 1).timestampMicros() + 5;
    List<Instant> probes = new ArrayList<>();
    for (Entry e : entries) {
      if (rnd.nextInt(20) == 0) {
        probes.add(e.timestamp()); // exact hits
        probes.add(e.timestamp().plusNanos(1)); // just after: rounds up to the next µs
        probes.add(e.timestamp().minusNanos(1));
      }
    }
    for (int i = 0; i < 300; i++) {
      long m = lo + (long) (rnd.nextDouble() * (hi - lo));
      probes.add(Instant.EPOCH.plusNanos(m * 1_000L + rnd.nextInt(1_000)));
    }
    probes.add(Instant.EPOCH);
    probes.add(Instant.MIN);
    probes.add(Instant.MAX);
    for (Instant t : probes) {
      assertThat(w.offsetForTime("t", t))
          .as(when + ": at " + t)
          .isEqualTo(linear(entries, first, t));
    }
  }

  @Test
  void matchesALinearScanOnRandomData() {
    Random rnd = new Random(18);
    List<Entry> entries;
    try (Walrus w = open()) {
      for (int i = 0; i < 3000; i++) {
        int step = rnd.nextInt(10);
        clock.addAndGet(step < 3 ? 0 : step < 9 ? rnd.nextInt(3000) : -rnd.nextInt(100_000));
        if (rnd.nextInt(10) == 0) {
          List<byte[]> batch = new ArrayList<>();
          for (int j = rnd.nextInt(20); j >= 0; j--) {
            batch.add(new byte[rnd.nextInt(300)]);
          }
          w.batchAppendForTopic("t", batch);
        } else {
          w.appendForTopic("t", new byte[rnd.nextInt(300)]);
        }
        w.appendForTopic("other", new byte[10]); // interleaved blocks of another topic
      }
      entries = peekAll(w, "t");
      check(w, entries, rnd, "while open");
      assertThat(w.offsetForTime("nope", Instant.EPOCH)).isEmpty();
    }
    try (Walrus w = open()) {
      check(w, entries, rnd, "after a restart");
      // Retention drops the oldest blocks: the answer is never below the first retained.
      w.setTopicConfig("t", TopicConfig.unlimited().withRetentionBytes(20_000));
      w.reclaim();
      long first = w.stats("t").orElseThrow().firstOffset();
      assertThat(first).isPositive();
      check(w, entries, rnd, "after retention");
      assertThat(w.offsetForTime("t", Instant.EPOCH)).hasValue(first);
    }
  }
}
