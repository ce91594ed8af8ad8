package dev.walrus.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.walrus.Entry;
import dev.walrus.NamespaceFiles;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.testkit.MemoryTempDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery: a namespace written once (several interleaved topics, batches, large entries,
 * cursors, two sessions, many small files) is copied for every mutation (truncation, torn
 * tails, byte flips, a truncated cursor journal) and reopened; what comes back must be a
 * prefix of what was written per topic, batches whole or absent, never a wrong entry,
 * cursors at or behind where they were, and new offsets must never repeat surviving ones.
 *
 * <p>The on-disk layout is parsed here independently of the engine, from the format
 * documented in {@code EntryFormat} and {@code BlockHeader}, to aim mutations precisely.
 */
class RecoveryTest {
  private static final String[] TOPICS = {"alpha", "beta", "gamma", "delta"};
  private static final String VERIFIER = "recovery-verifier";
  private static final String HOLDER = "recovery-holder";
  private static final int BLOCK_MAGIC = 0x424C4157;
  private static final int FLAG_MORE = 1;

  @TempDir(factory = MemoryTempDir.class)
  static Path shared;

  /** The namespace written once; every test works on copies. */
  private static Path golden;

  /** What was written: topic -> payload by offset. */
  private static final Map<String, List<byte[]>> model = new TreeMap<>();

  /** Every batch that was appended. */
  private static final List<Batch> batches = new ArrayList<>();

  /** Cursor positions at the final close: topic -> consumer ("" = shared) -> next offset. */
  private static final Map<String, Map<String, Long>> cursorsAtClose = new TreeMap<>();

  /** First retained offset per topic at the final close (reclamation may have run). */
  private static final Map<String, Long> firstAtClose = new TreeMap<>();

  @TempDir(factory = MemoryTempDir.class)
  Path work;

  record Batch(String topic, long first, int count) {
    boolean strictlyInside(long offset) {
      return offset > first && offset < first + count;
    }
  }

  // ------------------------------------------------------------------ setup

  static Walrus open(Path dir) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .maxEntryBytes(6000)
        .open();
  }

  @BeforeAll
  static void writeGolden() throws IOException {
    golden = shared.resolve("golden");
    Files.createDirectories(golden);
    for (String t : TOPICS) {
      model.put(t, new ArrayList<>());
    }
    Map<String, Map<String, Long>> cursors = new TreeMap<>();
    Random rnd = new Random(0x5EED_0001L);
    try (Walrus w = open(golden)) {
      for (int i = 0; i < 1400; i++) {
        step(w, rnd, cursors, i);
      }
    }
    try (Walrus w = open(golden)) {
      // the second session continues every chain from the first
      for (int i = 1400; i < 1750; i++) {
        step(w, rnd, cursors, i);
      }
      // finish with batches, some spanning blocks, so the unsealed tails hold batches
      for (int round = 0; round < 2; round++) {
        for (String t : TOPICS) {
          batch(w, rnd, t, 20 + rnd.nextInt(26));
        }
      }
      for (String t : TOPICS) {
        append(w, t, payload(rnd, t));
      }
      for (String t : TOPICS) {
        batch(w, rnd, t, 3 + rnd.nextInt(8));
      }
      for (String t : TOPICS) {
        TopicStats s = w.stats(t).orElseThrow();
        assertThat(s.nextOffset()).isEqualTo(model.get(t).size());
        firstAtClose.put(t, s.firstOffset());
        Map<String, Long> m = new TreeMap<>();
        s.unread().forEach((c, unread) -> m.put(c, s.nextOffset() - unread));
        cursorsAtClose.put(t, m);
      }
    }
    // the state we recorded is the one the engine reports
    for (String t : TOPICS) {
      Map<String, Long> expected = new TreeMap<>(cursors.getOrDefault(t, Map.of()));
      expected.putIfAbsent("", 0L); // every topic's shared cursor exists from its first entry
      assertThat(cursorsAtClose.get(t))
          .as("cursors of %s at close", t)
          .containsExactlyInAnyOrderEntriesOf(expected);
    }
    assertThat(dataFiles(golden).size()).as("the data spans several files").isGreaterThan(6);
  }

  private static void step(Walrus w, Random rnd, Map<String, Map<String, Long>> cursors, int i) {
    int op = rnd.nextInt(100);
    String t = TOPICS[rnd.nextInt(TOPICS.length)];
    if (op < 68) {
      append(w, t, payload(rnd, t));
    } else if (op < 78) {
      batch(w, rnd, t, 2 + rnd.nextInt(12));
    } else if (op < 87) {
      consume(w, cursors, "alpha", "", rnd);
    } else if (op < 93) {
      consume(w, cursors, "beta", "c1", rnd);
    } else if (op < 97) {
      consume(w, cursors, "gamma", "c2", rnd);
    } else if (i < 1100) {
      consume(w, cursors, "delta", "gone", rnd);
    }
    if (i == 1100) {
      assertThat(w.removeConsumer("delta", "gone")).isTrue();
      cursors.get("delta").remove("gone");
    }
    if (i == 800) {
      // a named consumer placed by checkpoint rather than by reading
      long to = model.get("beta").size() / 2;
      w.checkpoint("beta", "c3", to);
      cursors.computeIfAbsent("beta", k -> new TreeMap<>()).put("c3", to);
    }
  }

  private static byte[] payload(Random rnd, String topic) {
    int len =
        topic.equals("gamma") && rnd.nextInt(100) < 3
            ? 4097 + rnd.nextInt(1900) // larger than a block: gets a block of its own size
            : rnd.nextInt(160);
    byte[] b = new byte[len];
    rnd.nextBytes(b);
    return b;
  }

  private static void append(Walrus w, String t, byte[] p) {
    long off = w.appendForTopic(t, p);
    assertThat(off).isEqualTo(model.get(t).size());
    model.get(t).add(p);
  }

  private static void batch(Walrus w, Random rnd, String t, int n) {
    List<byte[]> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[rnd.nextInt(150)];
      rnd.nextBytes(b);
      ps.add(b);
    }
    long first = w.batchAppendForTopic(t, ps);
    assertThat(first).isEqualTo(model.get(t).size());
    model.get(t).addAll(ps);
    batches.add(new Batch(t, first, n));
  }

  private static void consume(
      Walrus w, Map<String, Map<String, Long>> cursors, String t, String consumer, Random rnd) {
    List<Entry> got;
    if (rnd.nextBoolean()) {
      Optional<Entry> e = consumer.isEmpty() ? w.readNext(t, true) : w.readNext(t, consumer, true);
      got = e.map(List::of).orElse(List.of());
    } else {
      long budget = rnd.nextInt(500);
      got =
          consumer.isEmpty()
              ? w.batchReadForTopic(t, budget, true)
              : w.batchReadForTopic(t, consumer, budget, true);
    }
    if (model.get(t).isEmpty()) {
      assertThat(got).isEmpty(); // no topic yet: nothing read, no cursor created
      return;
    }
    Map<String, Long> m = cursors.computeIfAbsent(t, k -> new TreeMap<>());
    long pos = m.getOrDefault(consumer, 0L);
    for (Entry e : got) {
      assertThat(e.offset()).isEqualTo(pos);
      assertThat(e.data()).isEqualTo(model.get(t).get((int) pos));
      pos++;
    }
    m.put(consumer, pos);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void reopenRestoresEveryEntryOffsetAndCursor() throws IOException {
    Path dir = copyOfGolden("clean");
    Map<String, List<byte[]>> expected = new TreeMap<>();
    model.forEach((t, l) -> expected.put(t, new ArrayList<>(l)));
    Map<String, Map<String, Long>> cursors = new TreeMap<>();
    cursorsAtClose.forEach((t, m) -> cursors.put(t, new TreeMap<>(m)));

    try (Walrus w = open(dir)) {
      assertThat(w.topics()).containsExactlyInAnyOrder(TOPICS);
      for (String t : TOPICS) {
        assertThat(w.stats(t).orElseThrow().firstOffset())
            .as("first retained offset of %s", t)
            .isEqualTo(firstAtClose.get(t));
      }
      for (String t : TOPICS) {
        assertExactly(w, t, expected.get(t), cursors.get(t));
      }
      assertThat(w.stats("delta").orElseThrow().unread())
          .as("removed consumer stays removed")
          .doesNotContainKey("gone");
      // a third session on top of the recovered chains
      Random rnd = new Random(7);
      for (int i = 0; i < 300; i++) {
        String t = TOPICS[rnd.nextInt(TOPICS.length)];
        byte[] p = payload(rnd, t);
        assertThat(w.appendForTopic(t, p)).isEqualTo(expected.get(t).size());
        expected.get(t).add(p);
      }
      List<byte[]> b = List.of(new byte[] {1}, new byte[] {2, 2}, new byte[0]);
      assertThat(w.batchAppendForTopic("delta", b)).isEqualTo(expected.get("delta").size());
      expected.get("delta").addAll(b);
      for (int i = 0; i < 5; i++) {
        Entry e = w.readNext("alpha", true).orElseThrow();
        long pos = cursors.get("alpha").get("");
        assertThat(e.offset()).isEqualTo(pos);
        assertThat(e.data()).isEqualTo(expected.get("alpha").get((int) pos));
        cursors.get("alpha").put("", pos + 1);
      }
    }
    try (Walrus w = open(dir)) {
      for (String t : TOPICS) {
        assertExactly(w, t, expected.get(t), cursors.get(t));
      }
    }
  }

  /** Truncates the last data file at every position around its tail and at random ones. */
  @Test
  void truncatedLastDataFileRecoversAPrefix() throws IOException {
    Path last = lastDataFile(golden);
    long size = Files.size(last);
    List<BlockInfo> blocks = parseBlocks(last);
    long tail = blocks.stream().mapToLong(BlockInfo::dataEnd).max().orElse(0);
    TreeSet<Long> positions = new TreeSet<>();
    for (long p = Math.max(0, tail - 160); p <= Math.min(size, tail + 16); p++) {
      positions.add(p);
    }
    for (BlockInfo b : blocks) {
      for (long p = b.base - 2; p <= b.base + 50; p += 2) {
        if (p >= 0 && p <= size) {
          positions.add(p);
        }
      }
    }
    Random rnd = new Random(42);
    for (int i = 0; i < 30; i++) {
      positions.add((long) rnd.nextInt((int) size + 1));
    }
    positions.add(0L);
    positions.add(size - 1);

    runMutations(
        "truncate",
        positions,
        (dir, p) -> {
          try (FileChannel ch = FileChannel.open(lastDataFile(dir), StandardOpenOption.WRITE)) {
            ch.truncate(p);
          }
        },
        p -> {
          Map<String, long[]> bounds = new HashMap<>();
          for (String t : TOPICS) {
            long full = model.get(t).size();
            // entry level: entries wholly before the cut may survive
            long entryLevel = full;
            // block level: a block that no longer fits in the file may be dropped whole
            long blockLevel = full;
            for (BlockInfo b : blocks) {
              if (!b.topic.equals(t)) {
                continue;
              }
              if (b.base + b.length > p) {
                blockLevel = Math.min(blockLevel, b.firstOffset);
              }
              for (Frame f : b.frames) {
                if (f.pos + HEADER + f.len > p) {
                  entryLevel = Math.min(entryLevel, f.offset);
                }
              }
            }
            bounds.put(
                t, new long[] {commitAtOrBelow(t, blockLevel), commitAtOrBelow(t, entryLevel)});
          }
          return bounds;
        });
  }

  /**
   * A crash while writing a block of a preallocated file leaves zeros after the torn
   * point: zero the rest of each unsealed (tail) block from every position near its end.
   *
   * <p>ENGINE BUG (reported to the lead): fails while a batch that spans two blocks is cut
   * at recovery; the emptied second block stays linked, and after the next append reads
   * throw CorruptEntryException ("found offset N" for a later expected offset).
   */
  @Test
  void tornTailInUnsealedBlocksIsCutAtTheFirstBadEntry() throws IOException {
    Path last = lastDataFile(golden);
    byte[] original = Files.readAllBytes(last);
    List<BlockInfo> unsealed = parseBlocks(last).stream().filter(b -> !b.sealed).toList();
    assertThat(unsealed).as("the last file holds unsealed tail blocks").isNotEmpty();
    BlockInfo lastAllocated = unsealed.get(unsealed.size() - 1);
    Map<Long, BlockInfo> blockAt = new HashMap<>();
    TreeSet<Long> positions = new TreeSet<>();
    Random rnd = new Random(43);
    for (BlockInfo b : unsealed) {
      long start = b.base + b.entriesStart;
      int step = b == lastAllocated ? 1 : 8;
      for (long p = Math.max(start, b.dataEnd() - 160); p <= b.dataEnd(); p += step) {
        positions.add(p);
      }
      for (int i = 0; i < 8; i++) {
        positions.add(start + rnd.nextInt((int) (b.dataEnd() - start + 1)));
      }
    }
    for (long p : positions) {
      for (BlockInfo b : unsealed) {
        if (p >= b.base && p < b.base + b.length) {
          blockAt.put(p, b);
        }
      }
    }

    runMutations(
        "zero-tail",
        positions,
        (dir, p) -> {
          BlockInfo b = blockAt.get(p);
          zero(lastDataFile(dir), p, b.base + b.length);
        },
        p -> {
          BlockInfo b = blockAt.get(p);
          Map<String, long[]> bounds = fullBounds();
          long k = cutAfterZeroing(original, b, p);
          bounds.put(b.topic, new long[] {k, k});
          return bounds;
        });
  }

  /**
   * Every batch with entries in an unsealed block: zero from inside each of its entries
   * (and from inside the frame after it); the batch must be wholly absent or wholly present.
   *
   * <p>ENGINE BUG (reported to the lead): fails while a batch that spans two blocks is cut
   * at recovery; the emptied second block stays linked, and after the next append reads
   * throw CorruptEntryException ("found offset N" for a later expected offset).
   */
  @Test
  void tornBatchIsWhollyPresentOrWhollyAbsent() throws IOException {
    Path last = lastDataFile(golden);
    byte[] original = Files.readAllBytes(last);
    List<BlockInfo> unsealed = parseBlocks(last).stream().filter(b -> !b.sealed).toList();
    Map<Long, BlockInfo> blockAt = new HashMap<>();
    Map<Long, Batch> batchAt = new HashMap<>();
    List<Long> positions = new ArrayList<>();
    int spanning = 0;
    for (BlockInfo b : unsealed) {
      for (Frame f : b.frames) {
        Batch batch = batchOf(b.topic, f.offset);
        if (batch == null) {
          continue;
        }
        if (batch.first < b.firstOffset) {
          spanning++;
        }
        long p = f.pos + 4 + (f.offset * 7) % (20 + f.len); // inside header or payload
        positions.add(p);
        blockAt.put(p, b);
        batchAt.put(p, batch);
      }
    }
    assertThat(positions).as("batches in unsealed blocks").hasSizeGreaterThan(20);
    assertThat(spanning)
        .as("entries of batches that began in an earlier (sealed) block")
        .isPositive();

    runMutations(
        "torn-batch",
        new TreeSet<>(positions),
        (dir, p) -> {
          BlockInfo b = blockAt.get(p);
          zero(lastDataFile(dir), p, b.base + b.length);
        },
        p -> {
          Batch batch = batchAt.get(p);
          Map<String, long[]> bounds = fullBounds();
          long k = cutAfterZeroing(original, blockAt.get(p), p);
          if (k != batch.first) {
            // only when zeroing changed no checksummed byte of this entry (already zero)
            assertThat(k)
                .as("cut for a torn batch")
                .isGreaterThanOrEqualTo(batch.first + batch.count);
          }
          bounds.put(batch.topic, new long[] {k, k});
          return bounds;
        });
  }

  /**
   * Flips one checksummed byte of every entry of every unsealed tail block (the tail entry
   * of each topic included): the topic is cut just before the damaged entry (or before its
   * batch) and the damaged entry is never returned.
   *
   * <p>ENGINE BUG (reported to the lead): fails while a batch that spans two blocks is cut
   * at recovery; the emptied second block stays linked, and after the next append reads
   * throw CorruptEntryException ("found offset N" for a later expected offset).
   */
  @Test
  void flippedByteInTailEntriesCutsTheTail() throws IOException {
    Path last = lastDataFile(golden);
    List<BlockInfo> unsealed = parseBlocks(last).stream().filter(b -> !b.sealed).toList();
    Map<Long, BlockInfo> blockAt = new HashMap<>();
    Map<Long, Frame> frameAt = new HashMap<>();
    Set<String> tailEntriesHit = new TreeSet<>();
    Random rnd = new Random(44);
    for (BlockInfo b : unsealed) {
      for (Frame f : b.frames) {
        // the payload when there is one (the tail entry's payload as the brief asks), else the
        // header
        long p = f.len > 0 ? f.pos + HEADER + rnd.nextInt(f.len) : f.pos + rnd.nextInt(HEADER);
        blockAt.put(p, b);
        frameAt.put(p, f);
        if (f.offset == model.get(b.topic).size() - 1) {
          tailEntriesHit.add(b.topic);
        }
      }
    }
    assertThat(tailEntriesHit).as("topics whose tail entry is in the last file").isNotEmpty();

    runMutations(
        "flip-tail",
        new TreeSet<>(blockAt.keySet()),
        (dir, p) -> flip(lastDataFile(dir), p, (byte) (1 + (p % 255))),
        p -> {
          Frame f = frameAt.get(p);
          BlockInfo b = blockAt.get(p);
          Map<String, long[]> bounds = fullBounds();
          long k = commitAtOrBelow(b.topic, f.offset);
          bounds.put(b.topic, new long[] {k, k});
          return bounds;
        });
  }

  /**
   * Random byte flips anywhere in the data files: opening may fail cleanly, reading may
   * fail cleanly with a {@link WalrusException}, but a wrong entry is never returned and
   * nothing hangs.
   */
  @Test
  void randomByteFlipsNeverYieldAWrongEntry() throws IOException {
    List<Path> files = dataFiles(golden);
    Random rnd = new Random(45);
    List<String> failures = new ArrayList<>();
    int opened = 0;
    for (int i = 0; i < 80; i++) {
      Path dir = copyOfGolden("flip-" + i);
      Path f = dir.resolve(files.get(rnd.nextInt(files.size())).getFileName());
      List<BlockInfo> blocks = parseBlocks(f);
      BlockInfo b = blocks.get(rnd.nextInt(blocks.size()));
      long p = b.base + rnd.nextInt((int) (b.dataEnd() - b.base));
      flip(f, p, (byte) (1 + rnd.nextInt(255)));
      String where = f.getFileName() + " @" + p;
      try (Walrus w = open(dir)) {
        opened++;
        for (String t : TOPICS) {
          List<Entry> got = new ArrayList<>();
          try {
            readAll(w, t, got);
          } catch (WalrusException e) {
            // a clean error: acceptable for corruption inside a sealed (trusted) block
          }
          long expect = got.isEmpty() ? 0 : got.get(0).offset();
          if (expect > maxReclaimable(t)) {
            failures.add(
                where + ": topic " + t + " starts at " + expect + ", beyond what was consumed");
          }
          for (Entry e : got) {
            if (e.offset() != expect
                || e.offset() >= model.get(t).size()
                || !Arrays.equals(e.data(), model.get(t).get((int) e.offset()))) {
              failures.add(
                  where
                      + ": topic "
                      + t
                      + " returned a wrong entry "
                      + e
                      + " (expected offset "
                      + expect
                      + ")");
              break;
            }
            expect++;
          }
        }
      } catch (WalrusException e) {
        // a clean error at open is acceptable
      } catch (RuntimeException | Error e) {
        failures.add(where + ": " + e);
      }
      NamespaceFiles.deleteTree(dir);
    }
    assertNoFailures("random flips", 80, failures);
    assertThat(opened).as("most single flips must still open").isGreaterThan(40);
  }

  /** Truncates cursors.log at every position near its end, at its start, and at random. */
  @Test
  void truncatedCursorJournalKeepsCursorsAtOrBehind() throws IOException {
    long size = Files.size(golden.resolve("cursors.log"));
    TreeSet<Long> positions = new TreeSet<>();
    for (long p = Math.max(0, size - 200); p <= size; p++) {
      positions.add(p);
    }
    for (long p = 0; p <= 24; p++) {
      positions.add(p);
    }
    Random rnd = new Random(46);
    for (int i = 0; i < 40; i++) {
      positions.add((long) rnd.nextInt((int) size));
    }
    List<String> failures = new ArrayList<>();
    for (long p : positions) {
      Path dir = copyOfGolden("journal-" + p);
      try (FileChannel ch =
          FileChannel.open(dir.resolve("cursors.log"), StandardOpenOption.WRITE)) {
        ch.truncate(p);
      }
      try {
        checkCursorsAtOrBehind(dir, true);
      } catch (Throwable e) {
        failures.add("cursors.log truncated at " + p + ": " + e);
      }
      NamespaceFiles.deleteTree(dir);
    }
    assertNoFailures("journal truncation", positions.size(), failures);
  }

  /**
   * ENGINE BUG (reported to the lead, see the report): the data files are untouched, yet
   * losing cursors.log (its FLOOR records) makes recovery treat the gap a reclaimed file
   * left in a topic's chain as lost data: it marks every later block of the topic DEAD (a
   * permanent seal) and drops acknowledged entries that were never consumed. Expected:
   * every entry in a surviving file is still readable and offsets do not go backwards.
   */
  @Test
  void lostCursorJournalDoesNotDropEntriesOfSurvivingFiles() throws IOException {
    Path dir = work.resolve("lost-journal");
    Files.createDirectories(dir);
    int n = 400; // 100-byte entries, about 31 a block: 13 blocks over 4 files
    try (Walrus w = open(dir)) {
      w.appendForTopic("held", new byte[100]); // no cursor: keeps the first file alive
      for (int i = 0; i < n; i++) {
        assertThat(w.appendForTopic("x", xPayload(i))).isEqualTo(i);
      }
      long before = dataFiles(dir).size();
      for (int i = 0; i < 250; i++) {
        assertThat(w.readNext("x", true).orElseThrow().offset()).isEqualTo(i);
      }
      w.reclaim();
      assertThat(dataFiles(dir).size())
          .as("the second file (all x, consumed) is reclaimed")
          .isLessThan((int) before);
      assertThat(dir.resolve("wal-00000000000000000001.log")).exists();
    }
    try (FileChannel ch = FileChannel.open(dir.resolve("cursors.log"), StandardOpenOption.WRITE)) {
      ch.truncate(8); // keep only the journal's header
    }
    try (Walrus w = open(dir)) {
      TopicStats s = w.stats("x").orElseThrow();
      assertThat(s.nextOffset()).as("offsets of x never go backwards").isEqualTo(n);
      List<Entry> got = new ArrayList<>();
      readAll(w, "x", got);
      Map<Long, Entry> byOffset = new HashMap<>();
      for (Entry e : got) {
        assertThat(e.data()).isEqualTo(xPayload((int) e.offset()));
        byOffset.put(e.offset(), e);
      }
      for (long off = 250; off < n; off++) {
        assertThat(byOffset)
            .as("unconsumed entry %d of x in a surviving file", off)
            .containsKey(off);
      }
    }
  }

  private static byte[] xPayload(int i) {
    byte[] b = new byte[100];
    Arrays.fill(b, (byte) i);
    b[0] = (byte) (i >> 8);
    return b;
  }

  /** Flips bytes in cursors.log: a clean error or cursors at or behind, never ahead. */
  @Test
  void flippedCursorJournalBytesGiveACleanErrorOrOlderCursors() throws IOException {
    long size = Files.size(golden.resolve("cursors.log"));
    Random rnd = new Random(47);
    List<String> failures = new ArrayList<>();
    int opened = 0;
    for (int i = 0; i < 80; i++) {
      Path dir = copyOfGolden("jflip-" + i);
      long p = i < 8 ? i : size - 1 - rnd.nextInt((int) Math.min(size - 8, 4000));
      flip(dir.resolve("cursors.log"), p, (byte) (1 + rnd.nextInt(255)));
      try {
        if (checkCursorsAtOrBehind(dir, false)) {
          opened++;
        }
      } catch (Throwable e) {
        failures.add("cursors.log flipped at " + p + ": " + e);
      }
      NamespaceFiles.deleteTree(dir);
    }
    assertNoFailures("journal flips", 80, failures);
    assertThat(opened).as("flips past the header open with older cursors").isGreaterThan(60);
  }

  // ------------------------------------------------------------------ checks

  private boolean checkCursorsAtOrBehind(Path dir, boolean mustOpen) {
    Walrus w;
    try {
      w = open(dir);
    } catch (WalrusException e) {
      if (mustOpen) {
        throw e;
      }
      return false;
    }
    try (w) {
      for (String t : TOPICS) {
        TopicStats s = w.stats(t).orElseThrow();
        for (Map.Entry<String, Long> c : cursorsAtClose.get(t).entrySet()) {
          Long unread = s.unread().get(c.getKey());
          if (unread != null) {
            assertThat(s.nextOffset() - unread)
                .as("cursor '%s' of %s", c.getKey(), t)
                .isLessThanOrEqualTo(c.getValue())
                .isGreaterThanOrEqualTo(0);
          }
        }
        // whatever is read is what was written
        List<Entry> peek = w.batchReadForTopic(t, "journal-check", 1 << 16, false);
        for (Entry e : peek) {
          assertThat(e.offset()).isLessThan(model.get(t).size());
          assertThat(e.data())
              .as("%s @%d", t, e.offset())
              .isEqualTo(model.get(t).get((int) e.offset()));
        }
        w.removeConsumer(t, "journal-check");
      }
    }
    return true;
  }

  private void assertExactly(Walrus w, String t, List<byte[]> expected, Map<String, Long> cursors) {
    TopicStats s = w.stats(t).orElseThrow();
    assertThat(s.nextOffset()).as("next offset of %s", t).isEqualTo(expected.size());
    Map<String, Long> got = new TreeMap<>();
    s.unread().forEach((c, u) -> got.put(c, s.nextOffset() - u));
    assertThat(got).as("cursors of %s", t).containsExactlyInAnyOrderEntriesOf(cursors);
    List<Entry> all = new ArrayList<>();
    long first = readAll(w, t, all);
    for (long pos : cursors.values()) {
      assertThat(first)
          .as("only consumed entries of %s may be reclaimed", t)
          .isLessThanOrEqualTo(pos);
    }
    assertThat(all).as("entries of %s", t).hasSize((int) (expected.size() - first));
    for (Entry e : all) {
      assertThat(e.topic()).isEqualTo(t);
      assertThat(e.offset()).isEqualTo(first);
      assertThat(e.data()).as("%s @%d", t, first).isEqualTo(expected.get((int) first));
      first++;
    }
  }

  /**
   * Reads a topic from its first retained entry with a throw-away named consumer. An
   * unmoving second consumer (placed by a checkpoint) keeps the verifier's reads from letting
   * the reclaimer delete anything; both are removed afterwards.
   *
   * @return the offset of the first entry read, or the first retained offset if none
   */
  private static long readAll(Walrus w, String t, List<Entry> out) {
    if (w.stats(t).isEmpty()) {
      return 0;
    }
    while (true) { // a peek creates no cursor, so the holder is placed by a checkpoint
      try {
        w.checkpoint(t, HOLDER, w.stats(t).orElseThrow().firstOffset());
        break;
      } catch (dev.walrus.InvalidArgumentException raced) {
        // reclamation raised the first retained offset meanwhile: try again
      }
    }
    try {
      for (int guard = 0; guard < 100_000; guard++) {
        List<Entry> b = w.batchReadForTopic(t, VERIFIER, Long.MAX_VALUE, true);
        if (b.isEmpty()) {
          return out.isEmpty() ? w.stats(t).orElseThrow().firstOffset() : out.get(0).offset();
        }
        out.addAll(b);
      }
      throw new AssertionError("reading " + t + " never ends");
    } finally {
      w.removeConsumer(t, VERIFIER);
      w.removeConsumer(t, HOLDER);
    }
  }

  interface Mutation {
    void apply(Path dir, long position) throws IOException;
  }

  interface Bounds {
    /** @return per topic the inclusive range {min, max} the surviving prefix length may take */
    Map<String, long[]> at(long position);
  }

  /**
   * Applies each mutation to a fresh copy, reopens, checks every topic is a prefix of what
   * was written within the expected bounds with whole batches and cursors at or behind,
   * appends one marker per topic (offsets must not repeat surviving ones), reopens again
   * and checks the markers are there after the prefix.
   */
  private void runMutations(String label, Set<Long> positions, Mutation m, Bounds bounds)
      throws IOException {
    List<String> failures = new ArrayList<>();
    for (long p : positions) {
      Path dir = copyOfGolden(label + "-" + p);
      m.apply(dir, p);
      try {
        verifyMutated(dir, bounds.at(p));
      } catch (Throwable e) {
        failures.add(label + " @" + p + ": " + e);
      }
      NamespaceFiles.deleteTree(dir);
    }
    assertNoFailures(label, positions.size(), failures);
  }

  private void verifyMutated(Path dir, Map<String, long[]> bounds) {
    Map<String, Long> prefix = new HashMap<>();
    Map<String, Long> markerAt = new HashMap<>();
    try (Walrus w = open(dir)) {
      for (String t : TOPICS) {
        List<Entry> got = new ArrayList<>();
        long first = readAll(w, t, got);
        long k = checkPrefix(t, first, got);
        long[] range = bounds.get(t);
        assertThat(k).as("surviving prefix of %s", t).isBetween(range[0], range[1]);
        prefix.put(t, k);
      }
      for (String t : TOPICS) {
        Optional<TopicStats> s = w.stats(t);
        long next = s.map(TopicStats::nextOffset).orElse(0L);
        long mustReach = prefix.get(t);
        if (s.isPresent()) {
          for (Map.Entry<String, Long> u : s.get().unread().entrySet()) {
            long pos = next - u.getValue();
            Long before = cursorsAtClose.get(t).get(u.getKey());
            if (before != null) {
              assertThat(pos).as("cursor '%s' of %s", u.getKey(), t).isLessThanOrEqualTo(before);
            }
            mustReach = Math.max(mustReach, pos);
          }
        }
        long off = w.appendForTopic(t, marker(t));
        assertThat(off)
            .as("offset of a new append to %s", t)
            .isEqualTo(next)
            .isGreaterThanOrEqualTo(mustReach);
        markerAt.put(t, off);
      }
    }
    try (Walrus w = open(dir)) {
      for (String t : TOPICS) {
        List<Entry> got = new ArrayList<>();
        long first = readAll(w, t, got);
        assertThat(got).as("%s after the second reopen", t).isNotEmpty();
        Entry mark = got.remove(got.size() - 1);
        assertThat(mark.offset()).as("marker of %s", t).isEqualTo(markerAt.get(t));
        assertThat(mark.data()).isEqualTo(marker(t));
        assertThat(checkPrefix(t, first, got))
            .as("prefix of %s after the second reopen", t)
            .isEqualTo(prefix.get(t));
        assertThat(w.stats(t).orElseThrow().nextOffset()).isEqualTo(markerAt.get(t) + 1);
      }
    }
  }

  /** Checks the entries are model entries at consecutive offsets from first; returns the end. */
  private static long checkPrefix(String t, long first, List<Entry> got) {
    List<byte[]> written = model.get(t);
    assertThat(first)
        .as("first retained offset of %s (only consumed entries may go)", t)
        .isLessThanOrEqualTo(maxReclaimable(t));
    long expect = first;
    for (Entry e : got) {
      assertThat(e.topic()).isEqualTo(t);
      assertThat(e.offset()).as("offsets of %s are consecutive", t).isEqualTo(expect);
      assertThat(e.offset())
          .as("%s returned an offset never written", t)
          .isLessThan(written.size());
      assertThat(e.data()).as("payload of %s @%d", t, expect).isEqualTo(written.get((int) expect));
      expect++;
    }
    for (Batch b : batches) {
      if (b.topic.equals(t) && expect > b.first && expect < b.first + b.count) {
        fail(
            "batch [%d, %d) of %s is partially present: entries end at %d",
            b.first, b.first + b.count, t, expect);
      }
    }
    return expect;
  }

  /** @return the highest first-retained offset reclamation may legitimately reach */
  private static long maxReclaimable(String t) {
    Map<String, Long> c = cursorsAtClose.get(t);
    long min = c.values().stream().mapToLong(Long::longValue).min().orElse(0);
    return Math.max(firstAtClose.get(t), min);
  }

  /**
   * @return where a topic's entries must end after zeroing [p, end of block b): at the commit
   *     point at or below the first entry whose checksummed bytes changed
   */
  private static long cutAfterZeroing(byte[] original, BlockInfo b, long p) {
    long cut = model.get(b.topic).size();
    for (Frame f : b.frames) {
      boolean intact = true;
      for (long q = Math.max(p, f.pos); q < f.pos + HEADER + f.len; q++) {
        if (original[(int) q] != 0) {
          intact = false;
          break;
        }
      }
      if (!intact) {
        cut = f.offset;
        break;
      }
    }
    return commitAtOrBelow(b.topic, cut);
  }

  private static byte[] marker(String t) {
    return ("marker-" + t).getBytes(StandardCharsets.UTF_8);
  }

  /** @return the largest commit point at or below {@code offset} (a batch start if inside one) */
  private static long commitAtOrBelow(String t, long offset) {
    Batch b = batchOf(t, offset);
    return b != null && b.strictlyInside(offset) ? b.first : offset;
  }

  private static Batch batchOf(String t, long offset) {
    for (Batch b : batches) {
      if (b.topic.equals(t) && offset >= b.first && offset < b.first + b.count) {
        return b;
      }
    }
    return null;
  }

  private static Map<String, long[]> fullBounds() {
    Map<String, long[]> m = new HashMap<>();
    for (String t : TOPICS) {
      long n = model.get(t).size();
      m.put(t, new long[] {n, n});
    }
    return m;
  }

  private static void assertNoFailures(String label, int runs, List<String> failures) {
    if (failures.isEmpty()) {
      return;
    }
    // group by kind (digits masked) so one root cause shows as one line with a count
    Map<String, List<String>> kinds = new TreeMap<>();
    for (String f : failures) {
      String msg = f.substring(f.indexOf(':') + 1);
      kinds
          .computeIfAbsent(
              msg.replaceAll("\\d+", "#").replaceAll("\\s+", " "), k -> new ArrayList<>())
          .add(f);
    }
    fail(
        "%d of %d %s cases failed, %d kinds; one example of each kind:%n%s",
        failures.size(),
        runs,
        label,
        kinds.size(),
        kinds.values().stream()
            .map(l -> "[" + l.size() + "x] " + l.get(0))
            .limit(15)
            .collect(Collectors.joining("\n")));
  }

  // ------------------------------------------------------------------ files

  private Path copyOfGolden(String name) throws IOException {
    return NamespaceFiles.copy(golden, work.resolve(name));
  }

  static List<Path> dataFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-.*\\.log")).sorted().toList();
    }
  }

  static Path lastDataFile(Path dir) throws IOException {
    List<Path> files = dataFiles(dir);
    return files.get(files.size() - 1);
  }

  private static void zero(Path file, long from, long to) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate((int) (to - from)), from);
    }
  }

  private static void flip(Path file, long pos, byte xor) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, pos);
      b.put(0, (byte) (b.get(0) ^ xor));
      b.clear();
      ch.write(b, pos);
    }
  }

  // ------------------------------------------------------------------ format parser

  record Frame(long pos, long offset, int len, int flags) {}

  record BlockInfo(
      long base,
      long length,
      String topic,
      long firstOffset,
      int entriesStart,
      boolean sealed,
      List<Frame> frames) {
    long dataEnd() {
      if (frames.isEmpty()) {
        return base + entriesStart;
      }
      Frame f = frames.get(frames.size() - 1);
      return f.pos + align8(24 + f.len);
    }
  }

  /** Entry header and seal sizes of format version 2, as FORMAT.md documents them. */
  private static final int HEADER = 28;

  private static final int SEAL = 48;

  private static long align8(long n) {
    return (n + 7) & ~7L;
  }

  /** Walks a data file's blocks and valid entries as documented in BlockHeader/EntryFormat. */
  static List<BlockInfo> parseBlocks(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    List<BlockInfo> out = new ArrayList<>();
    CRC32C crc = new CRC32C();
    long pos = 0;
    while (pos + 48 <= all.length && b.getInt((int) pos) == BLOCK_MAGIC) {
      int at = (int) pos;
      int nameLen = b.get(at + 5) & 0xFF;
      long length = b.getLong(at + 16);
      long first = b.getLong(at + 24);
      int topicId = b.getInt(at + 32);
      if (length <= 0 || pos + length > all.length) {
        break;
      }
      String name = new String(all, at + 40, nameLen, StandardCharsets.UTF_8);
      int sealPos = (int) align8(40 + nameLen);
      boolean sealed = false;
      for (int i = 0; i < SEAL; i++) {
        sealed |= all[at + sealPos + i] != 0;
      }
      List<Frame> frames = new ArrayList<>();
      long p = pos + sealPos + SEAL;
      long expect = first;
      while (p + HEADER <= pos + length) {
        int q = (int) p;
        int len = b.getInt(q + 4);
        if (len < 0
            || p + HEADER + len > pos + length
            || b.getLong(q + 8) != expect
            || b.getInt(q + 16) != topicId) {
          break;
        }
        crc.reset();
        crc.update(all, q + 4, HEADER - 4 + len);
        if ((int) crc.getValue() != b.getInt(q)) {
          break;
        }
        frames.add(new Frame(p, expect, len, b.get(q + 20) & 0xFF));
        p += align8(HEADER + len);
        expect++;
      }
      out.add(new BlockInfo(pos, length, name, first, sealPos + SEAL, sealed, frames));
      pos += length;
    }
    return out;
  }
}
