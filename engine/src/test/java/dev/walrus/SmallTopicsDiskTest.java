package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many small topics take about their bytes of disk: a topic's first block is 512 bytes,
 * and the blocks of all topics are laid end to end in one sparse data file, sharing its
 * pages. Measured as the file system allocated it ({@code stat -c %b}), under the default
 * configuration (10 MiB blocks).
 */
class SmallTopicsDiskTest {
  @TempDir Path dir;

  @Test
  void twoThousandSmallTopicsAllocateAtMostTwiceTheirBytes() throws Exception {
    int topics = 2_000;
    try (Walrus w =
        Walrus.builder().dataDir(dir).fsyncSchedule(FsyncSchedule.noFsync()).quiet(true).open()) {
      for (int i = 0; i < topics; i++) {
        for (int k = 0; k < 3; k++) {
          w.appendForTopic("t" + i, new byte[100]);
        }
      }
    }
    List<Path> data;
    try (Stream<Path> s = Files.list(dir)) {
      data = s.filter(p -> p.getFileName().toString().startsWith("wal-")).toList();
    }
    assertThat(data).as("one data file holds them all").hasSize(1);
    long entryBytes = topics * 3L * 128; // a 100-byte entry takes 128 bytes
    long allocated = allocatedBytes(data.get(0));
    assertThat(allocated).isLessThanOrEqualTo(2 * entryBytes);
    // And they all read back after a restart.
    try (Walrus w = Walrus.builder().dataDir(dir).quiet(true).open()) {
      assertThat(w.stats("t" + (topics - 1)).orElseThrow().nextOffset()).isEqualTo(3);
      assertThat(w.stats("t0").orElseThrow().nextOffset()).isEqualTo(3);
    }
  }

  /**
   * The reader follows each block header's length, whatever the configuration that wrote
   * it: growing blocks open under fixed ones (what an engine before growing blocks does)
   * and fixed ones under growing ones, every entry read back, each topic continued.
   */
  @Test
  void blocksOfAnyLengthOpenUnderAnotherBlockConfiguration() {
    Walrus.Builder growing =
        Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(8).quiet(true);
    Walrus.Builder fixed =
        Walrus.builder()
            .dataDir(dir)
            .blockSize(1 << 20)
            .firstBlockSize(1 << 20)
            .blocksPerFile(4)
            .quiet(true);
    int topics = 40;
    try (Walrus w = growing.open()) {
      for (int i = 0; i < topics; i++) {
        for (int k = 0; k < i; k++) { // 0 to 39 entries: 1 to 5 blocks of 512 to 4096 bytes
          w.appendForTopic("t" + i, payload(i, k));
        }
      }
    }
    for (Walrus.Builder b : List.of(fixed, growing, fixed)) {
      try (Walrus w = b.open()) {
        for (int i = 1; i < topics; i++) {
          String t = "t" + i;
          long next = w.stats(t).orElseThrow().nextOffset();
          for (long k = w.position(t); k < next; k++) {
            assertThat(w.readNext(t, true).orElseThrow().data()).isEqualTo(payload(i, (int) k));
          }
          assertThat(w.appendForTopic(t, payload(i, (int) next))).isEqualTo(next);
        }
      }
    }
  }

  private static byte[] payload(int topic, int k) {
    byte[] b = new byte[60 + (topic * 7 + k * 13) % 200];
    java.util.Arrays.fill(b, (byte) (topic * 31 + k));
    return b;
  }

  /** Bytes the file system allocated for {@code f} (Linux {@code stat}; skipped elsewhere). */
  private static long allocatedBytes(Path f) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no stat command: " + e);
      return -1;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    Assumptions.assumeTrue(p.waitFor() == 0, "stat failed: " + out);
    String[] parts = out.split(" ");
    return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
  }
}
