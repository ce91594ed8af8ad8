package dev.walrus.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.Walrus;
import dev.walrus.testkit.MemoryTempDir;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash that cuts a data file anywhere inside the small blocks topics start with (512,
 * 1,024, 2,048 bytes, two topics' blocks interleaved and sharing pages) leaves each topic
 * a prefix of what it was given, every entry intact; the topic goes on at the end of that
 * prefix, and what it appends then survives the next restart. The file is cut short, or
 * zeroed from the cut on (a lost page-cache tail), at every 24th byte of its used part.
 */
class SmallBlockCutTest {
  @TempDir(factory = MemoryTempDir.class)
  Path tmp;

  private static Walrus open(Path dir) {
    return Walrus.builder()
        .dataDir(dir)
        .blockSize(4096) // blocks of 512, 1024, 2048, then 4096 bytes
        .blocksPerFile(4)
        .fsyncSchedule(FsyncSchedule.noFsync())
        .quiet(true)
        .open();
  }

  private static byte[] payload(String topic, long offset) {
    byte[] b = new byte[40 + (int) (offset * 37 % 150)];
    Arrays.fill(b, (byte) (topic.hashCode() * 31 + offset));
    return b;
  }

  @Test
  void aCutInsideInterleavedSmallBlocksKeepsAPrefixOfEachTopic() throws IOException {
    Path golden = tmp.resolve("golden");
    Map<String, Integer> written = new HashMap<>(Map.of("a", 0, "b", 0));
    try (Walrus w = open(golden)) {
      // Turns of a few entries each: the topics roll through their small blocks in turn,
      // so their blocks alternate in the file.
      for (int turn = 0; turn < 8; turn++) {
        for (String t : List.of("a", "b")) {
          for (int i = 0; i < 2 + turn; i++) {
            int n = written.get(t);
            w.appendForTopic(t, payload(t, n));
            written.put(t, n + 1);
          }
        }
      }
    }
    Path data = dataFiles(golden).get(0);
    long used = usedLength(data);
    assertThat(used).as("small blocks: the topics fit the first file").isLessThan(16384);

    int cases = 0;
    for (long p = 0; p <= used; p += 24) {
      for (boolean zero : new boolean[] {false, true}) {
        Path dir = tmp.resolve("case");
        copy(golden, dir);
        try (RandomAccessFile raf =
            new RandomAccessFile(dir.resolve(data.getFileName()).toFile(), "rw")) {
          if (zero) {
            raf.seek(p);
            raf.write(new byte[(int) (used - p)]);
            dropSealAcross(raf, p);
          } else {
            raf.setLength(p);
          }
        }
        Map<String, Long> kept = new HashMap<>();
        try (Walrus w = open(dir)) {
          for (String t : List.of("a", "b")) {
            List<Entry> all = readAll(w, t);
            String what = "topic " + t + ", cut at " + p + " (zero=" + zero + ")";
            assertThat((long) all.size()).as(what).isLessThanOrEqualTo(written.get(t));
            for (int i = 0; i < all.size(); i++) {
              assertThat(all.get(i).offset()).as(what).isEqualTo(i);
              assertThat(all.get(i).data()).as(what).isEqualTo(payload(t, i));
            }
            long next = w.appendForTopic(t, payload(t, all.size()));
            assertThat(next).as(what + ": goes on after its prefix").isEqualTo(all.size());
            kept.put(t, next + 1);
          }
        }
        try (Walrus w = open(dir)) {
          for (String t : List.of("a", "b")) {
            assertThat(w.stats(t).orElseThrow().nextOffset())
                .as("topic %s after a cut at %d (zero=%s), restarted", t, p, zero)
                .isEqualTo(kept.get(t));
          }
        }
        delete(dir);
        cases++;
      }
    }
    assertThat(cases).isGreaterThan(300);
  }

  private static List<Entry> readAll(Walrus w, String t) {
    List<Entry> all = new ArrayList<>();
    if (w.stats(t).isEmpty()) {
      return all;
    }
    List<Entry> got;
    while (!(got = w.batchReadForTopic(t, 1 << 20, true)).isEmpty()) {
      all.addAll(got);
    }
    return all;
  }

  /**
   * Zeroes the seal of the block that {@code cut} falls inside, if any. A writer seals a
   * block only once the entries it describes are as durable as the fsync schedule makes
   * them, so a crash that loses the bytes after {@code cut} cannot keep a seal vouching
   * for them (under {@code NoFsync} nothing is promised: the golden copy is written that
   * way only to be quick). A file cut short needs nothing: recovery scans its last block.
   */
  private static void dropSealAcross(RandomAccessFile raf, long cut) throws IOException {
    long pos = 0;
    while (pos + 24 <= cut) {
      raf.seek(pos);
      if (Integer.reverseBytes(raf.readInt()) != 0x424C4157) {
        return;
      }
      raf.seek(pos + 5);
      int nameLength = raf.readUnsignedByte();
      raf.seek(pos + 16);
      long length = Long.reverseBytes(raf.readLong());
      if (cut < pos + length) {
        long seal = pos + ((40 + nameLength + 7) / 8 * 8);
        if (seal < cut) {
          raf.seek(seal);
          raf.write(new byte[48]);
        }
        return;
      }
      pos += length;
    }
  }

  /** The end of the last block, walking the block headers' lengths from the file's start. */
  private static long usedLength(Path f) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      long pos = 0;
      while (pos + 24 <= raf.length()) {
        raf.seek(pos);
        if (Integer.reverseBytes(raf.readInt()) != 0x424C4157) {
          break;
        }
        raf.seek(pos + 16);
        pos += Long.reverseBytes(raf.readLong());
      }
      return pos;
    }
  }

  private static List<Path> dataFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
    }
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
