package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.crash.CrashChild;
import dev.walrus.internal.config.ConfigResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 9: the descriptors an instance holds are bounded by
 * {@code walrus.maxOpenFiles}, not by the number of data files. With a bound of 4 and tens
 * of data files, appends, single and batch reads, reclamation and a reopen all work, and
 * the process never holds more than the bound (plus the two lock files) for the
 * namespace's files. Counted in {@code /proc/self/fd}, on every backend.
 */
@EnabledOnOs(OS.LINUX)
class DescriptorsTest {
  private static final int BOUND = 4;

  /** {@code LOCK} and {@code OWNER}, held open for the instance's lifetime, outside the bound. */
  private static final int LOCK_FILES = 2;

  private static final String[] TOPICS = {"a", "b", "c"};

  @TempDir Path dir;
  private String before;

  @BeforeEach
  void limit() {
    before = System.getProperty(ConfigResolver.MAX_OPEN_FILES);
    System.setProperty(ConfigResolver.MAX_OPEN_FILES, Integer.toString(BOUND));
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(ConfigResolver.MAX_OPEN_FILES);
    } else {
      System.setProperty(ConfigResolver.MAX_OPEN_FILES, before);
    }
  }

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .fsyncSchedule(FsyncSchedule.milliseconds(3_600_000))
        .quiet(true)
        .open();
  }

  /** @return how many of this process's descriptors are open on files in the namespace */
  private long descriptorsInNamespace() throws IOException {
    Path real = dir.toRealPath();
    long n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(real) && !target.equals(real)) {
            n++;
          }
        } catch (IOException e) {
          // closed meanwhile (the listing's own descriptor)
        }
      }
    }
    return n;
  }

  private long dataFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("wal-")).count();
    }
  }

  private void readAll(Walrus w, String consumer, long[] ends) {
    for (int t = 0; t < TOPICS.length; t++) {
      long next = 0;
      while (next < ends[t]) {
        if (next % 2 == 0) {
          Entry e = w.readNext(TOPICS[t], consumer, true).orElseThrow();
          assertThat(e.offset()).isEqualTo(next);
          assertThat(Arrays.equals(e.data(), CrashChild.payload(TOPICS[t], next))).isTrue();
          next++;
        } else {
          List<Entry> got = w.batchReadForTopic(TOPICS[t], consumer, 2000, true);
          for (Entry e : got) {
            assertThat(e.offset()).isEqualTo(next);
            assertThat(Arrays.equals(e.data(), CrashChild.payload(TOPICS[t], next))).isTrue();
            next++;
          }
        }
      }
    }
  }

  @Test
  void aBoundThatIsNotAPositiveIntegerIsRefusedNamingIt() {
    for (String bad : new String[] {"0", "-3", "many"}) {
      System.setProperty(ConfigResolver.MAX_OPEN_FILES, bad);
      org.assertj.core.api.Assertions.assertThatThrownBy(this::open)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining(ConfigResolver.MAX_OPEN_FILES)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void moreDataFilesThanTheBoundWorkAndHoldAtMostTheBound() throws IOException {
    long[] ends = new long[TOPICS.length];
    try (Walrus w = open()) {
      for (int round = 0; round < 300; round++) {
        if (round == 1) {
          for (String t : TOPICS) {
            w.checkpoint(t, "holder", 0); // the topics exist now: keeps every file
          }
        }
        for (int t = 0; t < TOPICS.length; t++) {
          if (round % 3 == 0) {
            w.batchAppendForTopic(
                TOPICS[t],
                List.of(
                    CrashChild.payload(TOPICS[t], ends[t]),
                    CrashChild.payload(TOPICS[t], ends[t] + 1)));
            ends[t] += 2;
          } else {
            assertThat(w.appendForTopic(TOPICS[t], CrashChild.payload(TOPICS[t], ends[t])))
                .isEqualTo(ends[t]);
            ends[t]++;
          }
        }
        assertThat(descriptorsInNamespace())
            .as("round %d", round)
            .isLessThanOrEqualTo(BOUND + LOCK_FILES);
      }
      w.sync();
      assertThat(dataFiles()).as("many more files than descriptors").isGreaterThan(4 * BOUND);
      readAll(w, "reader", ends);
      assertThat(descriptorsInNamespace()).isLessThanOrEqualTo(BOUND + LOCK_FILES);
    }
    try (Walrus w = open()) {
      assertThat(descriptorsInNamespace())
          .as("after recovery")
          .isLessThanOrEqualTo(BOUND + LOCK_FILES);
      for (int t = 0; t < TOPICS.length; t++) {
        assertThat(w.stats(TOPICS[t]).orElseThrow().nextOffset())
            .as("end of %s", TOPICS[t])
            .isEqualTo(ends[t]);
        assertThat(w.stats(TOPICS[t]).orElseThrow().firstOffset())
            .as("first of %s", TOPICS[t])
            .isZero();
      }
      readAll(w, "again", ends);
      // Everyone reads everything: the files are reclaimed, through evicted descriptors too.
      long files = dataFiles();
      for (String t : TOPICS) {
        w.removeConsumer(t, "holder");
        w.removeConsumer(t, "again");
        while (w.readNext(t, true).isPresent()) {
          // the shared cursor catches up
        }
      }
      w.reclaim();
      assertThat(dataFiles()).as("reclaimed").isLessThan(files);
      assertThat(descriptorsInNamespace()).isLessThanOrEqualTo(BOUND + LOCK_FILES);
      for (int t = 0; t < TOPICS.length; t++) {
        assertThat(w.appendForTopic(TOPICS[t], CrashChild.payload(TOPICS[t], ends[t])))
            .isEqualTo(ends[t]);
      }
    }
  }
}
