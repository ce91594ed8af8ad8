package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.testkit.Payloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 items 3 and 5: retention by age and by size bounds the disk of a topic nobody
 * reads; a cursor behind it resumes at the first retained offset and its skip is counted;
 * per-topic configuration survives restarts. The clock is the test's (no sleeps).
 */
class RetentionTest {
  private static final long SECOND = 1_000_000L;

  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_700_000_000L * SECOND);

  private Walrus.Builder builder() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .clock(clock::get)
        .quiet(true);
  }

  private long dataFiles() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-.*\\.log")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] payload(long i) {
    return Payloads.of("t", i, 200);
  }

  @Test
  void ageRetentionBoundsTheDiskOfATopicNobodyReads() {
    try (Walrus w = builder().retention(Duration.ofSeconds(10)).open()) {
      long maxFiles = 0;
      for (long i = 0; i < 3000; i++) {
        clock.addAndGet(SECOND / 10); // 100 entries per 10 s: about 5 blocks
        assertThat(w.appendForTopic("t", payload(i))).isEqualTo(i);
        if (i % 50 == 0) {
          w.reclaim();
          maxFiles = Math.max(maxFiles, dataFiles());
        }
      }
      w.reclaim();
      assertThat(maxFiles).as("data files at most").isLessThanOrEqualTo(6);
      TopicStats s = w.stats("t").orElseThrow();
      // What is kept: whole blocks whose newest entry is younger than 10 s, plus the newest.
      assertThat(s.retainedEntries()).isBetween(100L, 100L + 2 * 4096 / 100);
      Entry first = w.readNext("t", false).orElseThrow();
      assertThat(first.offset()).isEqualTo(s.firstOffset());
      assertThat(first.data()).isEqualTo(payload(first.offset()));
      // The shared cursor never read anything: everything below the first retained offset
      // was deleted before it read it, and it says so.
      assertThat(s.skipped(TopicStats.DEFAULT_CONSUMER)).isEqualTo(s.firstOffset());
      assertThat(w.position("t")).isEqualTo(s.firstOffset());
    }
  }

  @Test
  void sizeRetentionBoundsTheDiskOfATopicNobodyReads() {
    try (Walrus w = builder().sharedCursor(false).open()) {
      w.setTopicConfig("t", TopicConfig.unlimited().withRetentionBytes(3 * 4096));
      long maxFiles = 0;
      for (long i = 0; i < 3000; i++) {
        w.appendForTopic("t", payload(i));
        if (i % 20 == 0) {
          w.reclaim();
          maxFiles = Math.max(maxFiles, dataFiles());
          TopicStats s = w.stats("t").orElseThrow();
          assertThat(s.retainedBytes()).isLessThanOrEqualTo(3 * 4096 + 4096 + 256);
        }
      }
      assertThat(maxFiles).isLessThanOrEqualTo(4);
      w.reclaim();
      TopicStats s = w.stats("t").orElseThrow();
      assertThat(s.retainedBytes()).isLessThanOrEqualTo(3 * 4096);
      assertThat(s.nextOffset()).isEqualTo(3000);
    }
  }

  @Test
  void aSlowConsumerPastRetentionResumesAtTheFirstRetainedOffsetAndSeesTheSkip() {
    try (Walrus w = builder().sharedCursor(false).open()) {
      for (long i = 0; i < 500; i++) {
        w.appendForTopic("t", payload(i));
      }
      for (int i = 0; i < 5; i++) {
        assertThat(w.readNext("t", "slow", true).orElseThrow().offset()).isEqualTo(i);
      }
      assertThat(w.readNext("t", "fast", true)).isPresent();
      w.checkpoint("t", "fast", 490);
      w.setTopicConfig("t", TopicConfig.unlimited().withRetentionBytes(4 * 4096));
      w.reclaim();
      TopicStats s = w.stats("t").orElseThrow();
      long first = s.firstOffset();
      assertThat(first).isGreaterThan(5).isLessThan(490);
      assertThat(s.skipped("slow")).isEqualTo(first - 5);
      assertThat(s.skipped("fast")).isZero();
      assertThat(s.skippedByRetention()).containsOnlyKeys("slow", "fast");
      Entry next = w.readNext("t", "slow", true).orElseThrow();
      assertThat(next.offset()).isEqualTo(first);
      assertThat(next.data()).isEqualTo(payload(first));
      assertThat(w.readNext("t", "fast", true).orElseThrow().offset()).isEqualTo(490);
    }
    // The overtaken cursor was persisted where it resumed.
    try (Walrus w = builder().sharedCursor(false).open()) {
      long first = w.stats("t").orElseThrow().firstOffset();
      assertThat(w.position("t", "slow")).isEqualTo(first + 1);
    }
  }

  @Test
  void perTopicConfigurationSurvivesRestartsAndOverridesTheDefault() {
    TopicConfig own = TopicConfig.unlimited().withRetention(Duration.ofMinutes(5));
    try (Walrus w = builder().retentionBytes(1 << 20).open()) {
      assertThat(w.topicConfig("a")).isEqualTo(TopicConfig.unlimited().withRetentionBytes(1 << 20));
      w.setTopicConfig("a", own);
      w.setTopicConfig("exempt", TopicConfig.unlimited());
      w.setTopicConfig("gone", own);
      w.appendForTopic("gone", new byte[1]);
      assertThat(w.deleteTopic("gone")).isTrue(); // forgets its configuration too
      assertThat(w.topicConfig("a")).isEqualTo(own);
      assertThat(w.topics()).doesNotContain("a", "exempt"); // configured, no entries yet
    }
    try (Walrus w = builder().open()) {
      assertThat(w.topicConfig("a")).isEqualTo(own);
      assertThat(w.topicConfig("exempt").isUnlimited()).isTrue();
      assertThat(w.topicConfig("gone")).isEqualTo(TopicConfig.unlimited());
      assertThat(w.topicConfig("b")).isEqualTo(TopicConfig.unlimited());
      assertThat(w.topics()).isEmpty();
      assertThat(w.clearTopicConfig("a")).isTrue();
      assertThat(w.clearTopicConfig("a")).isFalse();
    }
    try (Walrus w = builder().retention(Duration.ofHours(1)).open()) {
      assertThat(w.topicConfig("a"))
          .isEqualTo(TopicConfig.unlimited().withRetention(Duration.ofHours(1)));
      assertThat(w.topicConfig("exempt")).isEqualTo(TopicConfig.unlimited());
    }
  }

  @Test
  void anExemptTopicKeepsEverythingWhileTheDefaultDropsOthers() {
    try (Walrus w = builder().retentionBytes(2 * 4096).sharedCursor(false).open()) {
      w.setTopicConfig("keep", TopicConfig.unlimited());
      for (long i = 0; i < 400; i++) {
        w.appendForTopic("keep", payload(i));
        w.appendForTopic("drop", payload(i));
      }
      w.reclaim();
      assertThat(w.stats("keep").orElseThrow().firstOffset()).isZero();
      assertThat(w.stats("keep").orElseThrow().retainedEntries()).isEqualTo(400);
      assertThat(w.stats("drop").orElseThrow().firstOffset()).isPositive();
    }
  }

  @Test
  void badConfigurationIsRefused() {
    assertThatThrownBy(() -> TopicConfig.unlimited().withRetention(Duration.ZERO))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TopicConfig.unlimited().withRetention(Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TopicConfig.unlimited().withRetention(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TopicConfig.unlimited().withRetentionBytes(0))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Walrus.builder().retentionBytes(-5))
        .isInstanceOf(InvalidArgumentException.class);
    try (Walrus w = builder().open()) {
      assertThatThrownBy(() -> w.setTopicConfig("t", null))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> w.setTopicConfig("", TopicConfig.unlimited()))
          .isInstanceOf(InvalidTopicException.class);
    }
  }
}
