package dev.walrus.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import dev.walrus.testkit.MemoryTempDir;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §4.4: a batch cut at any byte boundary is wholly present or wholly absent after
 * recovery. The batch spans two blocks; the data file is truncated at, and separately torn
 * (zeroed) from, every byte position inside it. Runs on every backend with the suite.
 */
class BatchAtomicityTest {
  @TempDir(factory = MemoryTempDir.class)
  Path tmp;

  private static Walrus open(Path dir) {
    // Every block 4096 bytes (no growth): the cut positions below are computed from that.
    return Walrus.builder()
        .dataDir(dir)
        .blockSize(4096)
        .firstBlockSize(4096)
        .blocksPerFile(4)
        .open();
  }

  private static byte[] payload(int i) {
    byte[] b = new byte[90 + i % 13];
    Arrays.fill(b, (byte) (i * 7 + 1));
    return b;
  }

  @Test
  void aBatchCutAtEveryByteIsWhollyPresentOrWhollyAbsent() throws IOException {
    Path golden = tmp.resolve("golden");
    int before = 28; // leaves room for only a few batch entries in the first block
    int batchSize = 12;
    try (Walrus w = open(golden)) {
      for (int i = 0; i < before; i++) {
        w.appendForTopic("t", payload(i));
      }
      List<byte[]> batch = new ArrayList<>();
      for (int i = before; i < before + batchSize; i++) {
        batch.add(payload(i));
      }
      w.batchAppendForTopic("t", batch);
    }
    Path data;
    try (Stream<Path> s = Files.list(golden)) {
      data = s.filter(p -> p.getFileName().toString().startsWith("wal-")).findFirst().orElseThrow();
    }
    long batchStart = 96; // first entry of block 0: align8(40 + 1) + a 48-byte seal
    for (int i = 0; i < before; i++) {
      batchStart += (28 + payload(i).length + 7) / 8 * 8;
    }
    long batchEnd = 4096 + 96 + 4096; // well past the batch's last entry in block 1

    int cases = 0;
    // every byte of the batch's part in the first block and of the second block's header
    // and first entry; every 29th byte after that
    for (long p = batchStart; p < batchEnd; p += (p < 4096 + 96 + 160 ? 1 : 29)) {
      for (boolean zero : new boolean[] {false, true}) {
        Path dir = tmp.resolve("case");
        copy(golden, dir);
        Path f = dir.resolve(data.getFileName());
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
          if (zero) {
            raf.seek(p);
            raf.write(new byte[(int) (batchEnd - p)]);
          } else {
            raf.setLength(p);
          }
        }
        List<Entry> all = new ArrayList<>();
        try (Walrus w = open(dir)) {
          List<Entry> got;
          while (!(got = w.batchReadForTopic("t", 1 << 20, true)).isEmpty()) {
            all.addAll(got);
          }
          long next = w.appendForTopic("t", new byte[] {42});
          assertThat(next).as("next offset after cut at %d", p).isEqualTo(all.size());
        }
        assertThat(all.size())
            .as("cut at %d (zero=%s): the batch is all or nothing", p, zero)
            .isIn(before, before + batchSize);
        for (Entry e : all) {
          assertThat(e.data()).isEqualTo(payload((int) e.offset()));
        }
        delete(dir);
        cases++;
      }
    }
    assertThat(cases).isGreaterThan(900);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
