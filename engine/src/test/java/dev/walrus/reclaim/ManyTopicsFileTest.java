package dev.walrus.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data file of small blocks holds a block of each of many topics; once every one of
 * them is consumed the file is reclaimed (the reclaimer takes each topic's retention lock,
 * more than it nests on its own stack), and while one of them is not, it stays.
 */
class ManyTopicsFileTest {
  private static final int TOPICS = 1_500;

  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .consistency(ReadConsistency.strictlyAtOnce())
        .quiet(true)
        .open();
  }

  @Test
  void aFileHoldingManyTopicsGoesOnceEveryOneIsConsumed() throws IOException {
    try (Walrus w = open()) {
      for (int i = 0; i < TOPICS; i++) {
        w.appendForTopic("t" + i, new byte[100]);
      }
    }
    List<Path> first = dataFiles();
    assertThat(first).hasSize(1);
    try (Walrus w = open()) {
      for (int i = 1; i < TOPICS; i++) { // all but t0
        assertThat(w.readNext("t" + i, true)).isPresent();
      }
      w.appendForTopic("t1", new byte[100]); // a block in a new file: the first is complete
      w.reclaim();
      assertThat(dataFiles()).as("t0 is not consumed").containsAll(first);
      assertThat(w.readNext("t0", true)).isPresent();
      w.reclaim();
      assertThat(dataFiles()).as("every topic consumed").doesNotContainAnyElementsOf(first);
      assertThat(w.stats("t0").orElseThrow().nextOffset()).isEqualTo(1);
    }
  }

  private List<Path> dataFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
    }
  }
}
