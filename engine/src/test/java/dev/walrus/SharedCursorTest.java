package dev.walrus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §4.3: every topic's shared cursor exists from its first entry and holds files like
 * any cursor; {@code sharedCursor(false)} turns it off for applications that read only
 * through named consumers.
 */
class SharedCursorTest {
  private static final int N = 1000;

  @TempDir Path dir;

  private Walrus open(boolean shared) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .sharedCursor(shared)
        .open();
  }

  private static byte[] payload(long i) {
    return ("event-" + i + "-" + "x".repeat(40)).getBytes(UTF_8);
  }

  private long dataFiles() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-.*\\.log")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void appendAll(Walrus w, long from, long to) {
    for (long i = from; i < to; i++) {
      assertThat(w.appendForTopic("events", payload(i))).isEqualTo(i);
    }
  }

  /** Consumes from {@code from} until at least {@code to}; returns the next offset. */
  private static long consume(Walrus w, String consumer, long from, long to) {
    long next = from;
    while (next < to) {
      List<Entry> got =
          consumer == null
              ? w.batchReadForTopic("events", 4096, true)
              : w.batchReadForTopic("events", consumer, 4096, true);
      assertThat(got).isNotEmpty();
      for (Entry e : got) {
        assertThat(e.offset()).isEqualTo(next);
        assertThat(e.data()).isEqualTo(payload(next));
        next++;
      }
    }
    return next;
  }

  @Test
  void sharedCursorHoldsFilesANamedConsumerHasConsumed() {
    try (Walrus w = open(true)) {
      appendAll(w, 0, N);
      consume(w, "billing", 0, N);
      w.reclaim();
      assertThat(w.stats("events").orElseThrow().firstOffset())
          .as("nothing the shared cursor has not read is deleted")
          .isZero();
      assertThat(w.stats("events").orElseThrow().unread())
          .containsEntry(TopicStats.DEFAULT_CONSUMER, (long) N)
          .containsEntry("billing", 0L);
      Entry first = w.readNext("events", true).orElseThrow();
      assertThat(first.offset()).isZero();
      assertThat(first.data()).isEqualTo(payload(0));
    }
    try (Walrus w = open(true)) {
      // the shared cursor's position survives the restart like any cursor's
      assertThat(w.readNext("events", false).orElseThrow().offset()).isEqualTo(1);
      consume(w, null, 1, N);
      w.reclaim();
      assertThat(dataFiles())
          .as("files once both cursors have read everything")
          .isLessThanOrEqualTo(1);
      assertThat(w.readNext("events", true)).isEmpty();
    }
  }

  @Test
  void sharedCursorExistsFromTheFirstEntryOfEveryTopic() {
    try (Walrus w = open(true)) {
      w.appendForTopic("t", new byte[] {1});
      assertThat(w.stats("t").orElseThrow().unread())
          .containsOnlyKeys(TopicStats.DEFAULT_CONSUMER)
          .containsEntry(TopicStats.DEFAULT_CONSUMER, 1L);
    }
  }

  @Test
  void withTheSharedCursorOffNamedConsumersAloneDecideAndSharedCallsAreRefused() {
    try (Walrus w = open(false)) {
      appendAll(w, 0, N);
      long files = dataFiles();
      consume(w, "billing", 0, N);
      w.reclaim();
      assertThat(dataFiles()).isLessThan(files).isLessThanOrEqualTo(1);
      TopicStats before = w.stats("events").orElseThrow();
      assertThat(before.unread()).containsOnlyKeys("billing");
      assertThatThrownBy(() -> w.readNext("events", true))
          .isInstanceOf(SharedCursorDisabledException.class)
          .hasMessageContaining("sharedCursor(false)")
          .hasMessageContaining("'events'");
      assertThatThrownBy(() -> w.readNext("events", false))
          .isInstanceOf(SharedCursorDisabledException.class);
      assertThatThrownBy(() -> w.batchReadForTopic("events", 100, true))
          .isInstanceOf(SharedCursorDisabledException.class);
      assertThatThrownBy(() -> w.checkpoint("events", before.firstOffset()))
          .isInstanceOf(SharedCursorDisabledException.class);
      assertThatThrownBy(() -> w.readNext("never-written", true))
          .isInstanceOf(SharedCursorDisabledException.class);
      assertThat(w.stats("events").orElseThrow()).isEqualTo(before);
    }
  }

  @Test
  void aTopicWithoutARecordedSharedCursorGetsOneAtItsFirstRetainedOffsetAtOpen() {
    long first;
    long billing;
    try (Walrus w = open(false)) {
      appendAll(w, 0, N);
      billing = consume(w, "billing", 0, N / 2);
      w.reclaim();
      first = w.stats("events").orElseThrow().firstOffset();
      assertThat(first).as("billing's reads let files go").isPositive();
    }
    try (Walrus w = open(true)) {
      assertThat(w.stats("events").orElseThrow().unread())
          .containsEntry(TopicStats.DEFAULT_CONSUMER, N - first);
      consume(w, "billing", billing, N);
      w.reclaim();
      assertThat(w.stats("events").orElseThrow().firstOffset())
          .as("the shared cursor now holds the files it has not read")
          .isEqualTo(first);
      assertThat(w.readNext("events", true).orElseThrow().offset()).isEqualTo(first);
    }
  }

  @Test
  void underAtLeastOnceReclamationKeepsWhatACrashWouldReplay() {
    try (Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .namespace(null)
            .blockSize(4096)
            .blocksPerFile(2)
            .consistency(ReadConsistency.atLeastOnce(N))
            .open()) {
      appendAll(w, 0, N);
      consume(w, null, 0, N - 100); // read, not yet persisted (every N checkpoints)
      w.reclaim();
      assertThat(w.stats("events").orElseThrow().firstOffset())
          .as("entries read since the last persisted position are kept")
          .isZero();
    }
  }

  @Test
  void aRecordedSharedCursorIsIgnoredWhileOffAndResumesWhenOnAgain() {
    try (Walrus w = open(true)) {
      appendAll(w, 0, N);
      for (int i = 0; i < 100; i++) {
        w.readNext("events", true);
      }
    }
    try (Walrus w = open(false)) {
      assertThat(w.stats("events").orElseThrow().unread()).doesNotContainKey("");
    }
    try (Walrus w = open(true)) {
      assertThat(w.readNext("events", false).orElseThrow().offset())
          .as("resumes where it was")
          .isEqualTo(100);
    }
    long first;
    try (Walrus w = open(false)) {
      // Billing starts at the oldest retained entry: while the shared cursor was on (at
      // 100), files wholly below it may have been reclaimed (whether the first one is, and
      // before which close, depends on where block ends fall and on the reclaimer's timing).
      long start = w.stats("events").orElseThrow().firstOffset();
      assertThat(start).isBetween(0L, 100L);
      consume(w, "billing", start, N / 2);
      w.reclaim();
      first = w.stats("events").orElseThrow().firstOffset();
      assertThat(first).as("while off, it holds nothing").isGreaterThan(100).isLessThan(N);
    }
    try (Walrus w = open(true)) {
      assertThat(w.readNext("events", true).orElseThrow().offset())
          .as("what it had not read was reclaimed meanwhile")
          .isEqualTo(first);
    }
  }
}
