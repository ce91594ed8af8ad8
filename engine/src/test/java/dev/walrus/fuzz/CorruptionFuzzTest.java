package dev.walrus.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.NamespaceFiles;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.crash.CrashChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Corruption fuzz (SPEC §4.5, §8): random bytes of a small golden namespace's data files
 * and cursor journal are flipped (deterministic seeds, jqwik with a fixed generation seed),
 * the copy is reopened and every topic read to its end by a fresh consumer, by the shared
 * cursor and by the persisted named consumer. Allowed outcomes: a typed
 * {@link WalrusException} (at open or on a read) or entries that are exactly the golden
 * ones (a cut tail loses some). Never a wrong entry, an unknown topic, an untyped
 * exception, or a hang (each case runs under a deadline).
 *
 * <p>Tries per property: {@code jqwik.tries.default} in {@code junit-platform.properties}
 * (250 in CI: 500 corrupted namespaces per backend run); a long run overrides it with
 * {@code -Djqwik.tries.default=N}. The generation seeds are fixed, so every run tries the
 * same cases.
 */
class CorruptionFuzzTest {
  private static final String[] TOPICS = {"fa", "fb"};
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  static final AtomicLong CASES = new AtomicLong();
  static final AtomicLong TYPED_ERRORS = new AtomicLong();
  static final AtomicLong ENTRIES = new AtomicLong();

  private static Path golden;
  private static Path scratch;
  private static final Map<String, Long> GOLDEN_END = new HashMap<>();

  private static synchronized Path golden() throws IOException {
    if (golden == null) {
      scratch = Files.createTempDirectory("walrus-fuzz");
      golden = scratch.resolve("golden");
      try (Walrus w = open(golden)) {
        Random r = new Random(7);
        for (String t : TOPICS) {
          GOLDEN_END.put(t, 0L);
        }
        for (int i = 0; i < 40; i++) {
          String t = TOPICS[r.nextInt(TOPICS.length)];
          long next = GOLDEN_END.get(t);
          if (r.nextBoolean()) {
            w.appendForTopic(t, CrashChild.payload(t, next));
            next++;
          } else {
            int n = 2 + r.nextInt(6);
            List<byte[]> b = new ArrayList<>();
            for (int k = 0; k < n; k++) {
              b.add(CrashChild.payload(t, next + k));
            }
            w.batchAppendForTopic(t, b);
            next += n;
          }
          GOLDEN_END.put(t, next);
        }
        for (String t : TOPICS) {
          w.checkpoint(t, "named", GOLDEN_END.get(t) / 3);
          w.batchReadForTopic(t, 900, true); // the shared cursor moves a little
        }
      }
      Files.deleteIfExists(golden.resolve("LOCK"));
    }
    return golden;
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    System.out.printf(
        "CorruptionFuzzTest: %d corrupted namespaces, %d typed errors, %d correct"
            + " entries read, 0 wrong entries%n",
        CASES.get(), TYPED_ERRORS.get(), ENTRIES.get());
    if (scratch != null) {
      NamespaceFiles.deleteTree(scratch);
      scratch = null;
      golden = null;
    }
  }

  private static Walrus open(Path dir) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .fsyncSchedule(FsyncSchedule.noFsync())
        .consistency(ReadConsistency.strictlyAtOnce())
        .quiet(true)
        .open();
  }

  @Property(seed = "20261125", afterFailure = net.jqwik.api.AfterFailureMode.SAMPLE_FIRST)
  void flippedDataBytesNeverYieldAWrongEntry(
      @ForAll @LongRange(min = 0) long seed, @ForAll @IntRange(min = 1, max = 6) int flips)
      throws IOException {
    runCase(seed, flips, false);
  }

  @Property(seed = "20261126", afterFailure = net.jqwik.api.AfterFailureMode.SAMPLE_FIRST)
  void flippedJournalBytesNeverYieldAWrongEntry(
      @ForAll @LongRange(min = 0) long seed, @ForAll @IntRange(min = 1, max = 4) int flips)
      throws IOException {
    runCase(seed, flips, true);
  }

  private void runCase(long seed, int flips, boolean journal) throws IOException {
    Path src = golden();
    Path dir = scratch.resolve("case-" + CASES.incrementAndGet());
    NamespaceFiles.copy(src, dir);
    Random r = new Random(seed);
    List<Path> targets = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> journal == p.getFileName().toString().equals("cursors.log"))
          .sorted()
          .forEach(targets::add);
    }
    for (int i = 0; i < flips; i++) {
      Path f = targets.get(r.nextInt(targets.size()));
      byte[] b = Files.readAllBytes(f);
      int used = usedLength(b);
      int pos = r.nextInt(Math.max(1, used));
      b[pos] ^= (byte) (1 << r.nextInt(8)) | (r.nextInt(4) == 0 ? r.nextInt(256) : 0);
      Files.write(f, b);
    }
    try {
      assertTimeoutPreemptively(
          DEADLINE,
          () -> readEverything(dir),
          () -> "seed " + seed + ", " + flips + " flips: reading hangs");
    } finally {
      NamespaceFiles.deleteTree(dir);
    }
  }

  private static void readEverything(Path dir) {
    Walrus w;
    try {
      w = open(dir);
    } catch (WalrusException e) {
      TYPED_ERRORS.incrementAndGet();
      return;
    }
    try (w) {
      for (String t : w.topics()) {
        if (!GOLDEN_END.containsKey(t)) {
          throw new AssertionError("an unknown topic appeared: " + t);
        }
      }
      for (String t : TOPICS) {
        drain(w, t, "fuzz-reader", true);
        drain(w, t, "named", false);
        drain(w, t, null, false);
      }
    }
  }

  /** Reads a topic to its end through one cursor, checking every entry against the golden. */
  private static void drain(Walrus w, String t, String consumer, boolean batch) {
    long prev = -1;
    try {
      for (int guard = 0; guard < 10_000; guard++) {
        List<Entry> got;
        if (batch) {
          got = w.batchReadForTopic(t, consumer, 1 << 16, true);
        } else {
          got =
              consumer == null
                  ? w.readNext(t, true).map(List::of).orElse(List.of())
                  : w.readNext(t, consumer, true).map(List::of).orElse(List.of());
        }
        if (got.isEmpty()) {
          return;
        }
        for (Entry e : got) {
          if (e.offset() <= prev
              || e.offset() >= GOLDEN_END.get(t)
              || !Arrays.equals(e.data(), CrashChild.payload(t, e.offset()))
              || !e.topic().equals(t)) {
            throw new AssertionError("a wrong entry was returned: " + e + " after offset " + prev);
          }
          prev = e.offset();
          ENTRIES.incrementAndGet();
        }
      }
      throw new AssertionError("reading " + t + " never ends");
    } catch (WalrusException e) {
      TYPED_ERRORS.incrementAndGet();
    }
  }

  /** @return the length up to the last non-zero byte (where the data lives) */
  private static int usedLength(byte[] b) {
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) {
      n--;
    }
    return n;
  }
}
