package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.testkit.Payloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 4: {@code deleteTopic} removes a topic's entries, cursors and configuration,
 * durably; its files go as their other topics allow; a re-created topic continues its
 * offsets. (Crashes during a deletion: {@code lifecycle.LifecycleCrashTest}.)
 */
class DeleteTopicTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .quiet(true)
        .open();
  }

  private long dataFiles() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-.*\\.log")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aDeletedTopicIsGoneWithItsCursorsAndItsFilesAndOthersAreUntouched() {
    try (Walrus w = open()) {
      for (long i = 0; i < 300; i++) {
        w.appendForTopic("doomed", Payloads.of("doomed", i, 200));
      }
      w.appendForTopic("kept", "k0".getBytes());
      w.readNext("doomed", "c", true);
      w.readNext("doomed", true);
      long files = dataFiles();
      assertThat(files).isGreaterThan(3);

      assertThat(w.deleteTopic("doomed")).isTrue();
      assertThat(w.deleteTopic("doomed")).isFalse();
      assertThat(w.deleteTopic("never")).isFalse();
      assertThat(w.topics()).containsExactly("kept");
      assertThat(w.stats("doomed")).isEmpty();
      assertThat(w.readNext("doomed", true)).isEmpty();
      assertThat(w.readNext("doomed", "c", false)).isEmpty();
      assertThat(w.batchReadForTopic("doomed", 1 << 20, false)).isEmpty();
      assertThat(w.removeConsumer("doomed", "c")).isFalse();
      assertThat(w.position("doomed", "c")).isEqualTo(300);
      w.reclaim();
      // Only the file being written remains (it holds "kept"'s entry, and the last of doomed).
      assertThat(dataFiles()).isLessThanOrEqualTo(2);
      assertThat(w.readNext("kept", true).orElseThrow().dataAsString()).isEqualTo("k0");
    }
    try (Walrus w = open()) {
      assertThat(w.topics()).containsExactly("kept");
      assertThat(w.stats("doomed")).isEmpty();
      assertThat(w.readNext("doomed", "c", true)).isEmpty();
    }
  }

  @Test
  void aReCreatedTopicContinuesItsOffsetsWithFreshCursors() {
    try (Walrus w = open()) {
      for (int i = 0; i < 10; i++) {
        w.appendForTopic("t", new byte[] {(byte) i});
      }
      w.readNext("t", "c", true);
      w.deleteTopic("t");
      assertThat(w.appendForTopic("t", "again".getBytes())).isEqualTo(10);
      assertThat(w.topics()).containsExactly("t");
      TopicStats s = w.stats("t").orElseThrow();
      assertThat(s.firstOffset()).isEqualTo(10);
      assertThat(s.retainedEntries()).isEqualTo(1);
      assertThat(s.unread()).containsOnlyKeys(TopicStats.DEFAULT_CONSUMER);
      Entry e = w.readNext("t", "c", true).orElseThrow(); // a new consumer "c"
      assertThat(e.offset()).isEqualTo(10);
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("again");
    }
    try (Walrus w = open()) {
      assertThat(w.appendForTopic("t", "third".getBytes())).isEqualTo(11);
      assertThat(w.position("t", "c")).isEqualTo(11);
      assertThat(w.deleteTopic("t")).isTrue();
    }
    try (Walrus w = open()) {
      assertThat(w.topics()).isEmpty();
      assertThat(w.appendForTopic("t", "fourth".getBytes())).isEqualTo(12);
    }
  }
}
