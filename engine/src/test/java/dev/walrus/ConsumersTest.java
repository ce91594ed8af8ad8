package dev.walrus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named consumers, checkpoints without reading, stats (issue 2, item 3). */
class ConsumersTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(4).open();
  }

  private static void fill(Walrus w, String topic, int n) {
    for (int i = 0; i < n; i++) {
      w.appendForTopic(topic, ("v" + i).getBytes(UTF_8));
    }
  }

  @Test
  void namedConsumersHaveIndependentCursorsBesideTheSharedOne() {
    try (Walrus w = open()) {
      fill(w, "t", 5);
      assertThat(w.readNext("t", true).orElseThrow().offset()).isZero();
      assertThat(w.readNext("t", "billing", true).orElseThrow().offset()).isZero();
      assertThat(w.readNext("t", "billing", true).orElseThrow().offset()).isEqualTo(1);
      assertThat(w.readNext("t", "search", true).orElseThrow().offset()).isZero();
      assertThat(w.readNext("t", true).orElseThrow().offset()).isEqualTo(1);
      assertThat(w.position("t", "billing")).isEqualTo(2);
      assertThat(w.position("t", "search")).isEqualTo(1);
    }
  }

  /** Everything the shared cursor consumed, in files that are full, may now be reclaimed. */
  private static void consumeAllThroughTheSharedCursor(Walrus w) {
    while (w.readNext("t", true).isPresent()) {
      // the shared cursor reads everything
    }
    w.reclaim();
  }

  @Test
  void aConsumerCheckpointedBeforeTheTopicsFirstEntryHoldsWhatIsAppendedLater() {
    try (Walrus w = open()) {
      w.checkpoint("t", "late", 0); // registered before any entry exists
      assertThat(w.topics()).doesNotContain("t");
      assertThat(w.stats("t")).isEmpty();
      fill(w, "t", 2000); // many 4 KiB blocks, several files
      assertThat(w.topics()).contains("t");
      consumeAllThroughTheSharedCursor(w);
      assertThat(w.readNext("t", "late", true).orElseThrow().offset())
          .as("nothing the registered consumer had not read was reclaimed")
          .isZero();
    }
  }

  @Test
  void aConsumerRegisteredBeforeAnyEntrySurvivesARestart() {
    try (Walrus w = open()) {
      w.checkpoint("t", "late", 0);
    }
    try (Walrus w = open()) {
      assertThat(w.topics()).doesNotContain("t");
      fill(w, "t", 2000);
      consumeAllThroughTheSharedCursor(w);
      assertThat(w.position("t", "late")).isZero();
      assertThat(w.readNext("t", "late", true).orElseThrow().dataAsString()).isEqualTo("v0");
    }
  }

  @Test
  void cursorsSurviveRestart() {
    try (Walrus w = open()) {
      fill(w, "t", 300);
      for (int i = 0; i < 123; i++) {
        w.readNext("t", "a", true);
      }
      w.batchReadForTopic("t", "b", 20, true); // "v0".."v9": 2 bytes each
      w.readNext("t", true);
    }
    try (Walrus w = open()) {
      assertThat(w.readNext("t", "a", true).orElseThrow().offset()).isEqualTo(123);
      assertThat(w.position("t", "b")).isEqualTo(10);
      assertThat(w.readNext("t", true).orElseThrow().offset()).isEqualTo(1);
    }
  }

  @Test
  void checkpointMovesAConsumerWithoutReadingAndIsPersisted() {
    try (Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .blockSize(4096)
            .blocksPerFile(4)
            .consistency(ReadConsistency.atLeastOnce(1000))
            .open()) {
      fill(w, "t", 1000);
      w.checkpoint("t", "holder", 0); // a cursor at 0 keeps every file from reclamation
      w.checkpoint("t", "indexer", 777);
      assertThat(w.readNext("t", "indexer", false).orElseThrow().dataAsString()).isEqualTo("v777");
      w.checkpoint("t", "indexer", 5); // backwards within the retained range
      assertThat(w.readNext("t", "indexer", true).orElseThrow().offset()).isEqualTo(5);
      w.checkpoint("t", "indexer", 1000); // the end: nothing to read
      assertThat(w.readNext("t", "indexer", true)).isEmpty();
      w.checkpoint("t", "indexer", 900);
    }
    try (Walrus w = open()) {
      // persisted at once, even under AtLeastOnce(1000)
      assertThat(w.readNext("t", "indexer", true).orElseThrow().offset()).isEqualTo(900);
    }
  }

  @Test
  void checkpointOutsideTheRetainedRangeIsRefused() {
    try (Walrus w = open()) {
      fill(w, "t", 10);
      assertThatThrownBy(() -> w.checkpoint("t", "c", 11))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("11");
      assertThatThrownBy(() -> w.checkpoint("t", "c", -1))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("-1");
      assertThatThrownBy(() -> w.checkpoint("nope", "c", 3))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("nope");
      assertThat(w.position("t", "c")).isZero();
    }
  }

  @Test
  void askingForAPositionCreatesNoCursor() {
    try (Walrus w = open()) {
      fill(w, "t", 3);
      assertThat(w.position("t", "ghost")).isZero();
      assertThat(w.stats("t").orElseThrow().unread()).doesNotContainKey("ghost");
    }
  }

  @Test
  void statsCountEntriesBytesAndUnreadPerConsumer() {
    try (Walrus w = open()) {
      fill(w, "t", 20);
      w.readNext("t", true);
      for (int i = 0; i < 5; i++) {
        w.readNext("t", "c", true);
      }
      TopicStats s = w.stats("t").orElseThrow();
      assertThat(s.topic()).isEqualTo("t");
      assertThat(s.firstOffset()).isZero();
      assertThat(s.nextOffset()).isEqualTo(20);
      assertThat(s.retainedEntries()).isEqualTo(20);
      assertThat(s.retainedBytes()).isGreaterThanOrEqualTo(20 * 32);
      assertThat(s.unread())
          .containsEntry(TopicStats.DEFAULT_CONSUMER, 19L)
          .containsEntry("c", 15L);
      assertThat(w.stats("missing")).isEmpty();
    }
  }

  @Test
  void removedConsumerStartsOverFromTheOldestEntry() {
    try (Walrus w = open()) {
      fill(w, "t", 10);
      w.checkpoint("t", "c", 7);
      assertThat(w.removeConsumer("t", "c")).isTrue();
      assertThat(w.removeConsumer("t", "c")).isFalse();
      assertThat(w.stats("t").orElseThrow().unread()).doesNotContainKey("c");
    }
    try (Walrus w = open()) {
      assertThat(w.readNext("t", "c", true).orElseThrow().offset()).isZero();
    }
  }

  @Test
  void consumersCompeteOnTheSharedCursorWithoutDuplicates() throws Exception {
    try (Walrus w = open()) {
      fill(w, "t", 20_000);
      java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.concurrent.atomic.AtomicInteger dups =
          new java.util.concurrent.atomic.AtomicInteger();
      Thread[] ts = new Thread[4];
      for (int i = 0; i < ts.length; i++) {
        ts[i] =
            new Thread(
                () -> {
                  while (true) {
                    var e = w.readNext("t", "workers", true);
                    if (e.isEmpty()) {
                      return;
                    }
                    if (!seen.add(e.get().offset())) {
                      dups.incrementAndGet();
                    }
                  }
                });
        ts[i].start();
      }
      for (Thread t : ts) {
        t.join();
      }
      assertThat(dups.get()).isZero();
      assertThat(seen).hasSize(20_000);
    }
  }
}
