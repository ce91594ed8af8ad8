package dev.walrus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.testkit.ChildJvm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 3: the allocation-free reads ({@link Walrus#readNext(String, String, boolean,
 * EntryHandler)}, {@link Walrus#batchRead}) hand out exactly what the copying reads return,
 * move and persist cursors as they do, peek without moving or creating anything, refuse a
 * handler reading its own consumer, keep StrictlyAtOnce's promise across a crash inside a
 * handler, and complete with the interrupt status kept. Runs on every backend.
 */
class ViewReadsTest {
  @TempDir Path dir;

  private Walrus.Builder base() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .maxEntryBytes(1 << 20)
        .fsyncSchedule(FsyncSchedule.milliseconds(3_600_000))
        .quiet(true);
  }

  private Walrus open(ReadConsistency c) {
    return base().consistency(c).open();
  }

  /** Entries of varied sizes: empty, small, one across several blocks' worth, one > 64 KiB. */
  static byte[] payload(long offset) {
    int size =
        offset == 7 ? 0 : offset == 13 ? 70_000 : offset == 21 ? 3000 : (int) (offset * 37 % 500);
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      long x = (offset * 0x9E3779B97F4A7C15L + i) * 0xBF58476D1CE4E5B9L;
      b[i] = (byte) (x ^ (x >>> 29) ^ (x >>> 47));
    }
    return b;
  }

  private static void fill(Walrus w, int from, int to) {
    for (int i = from; i < to; i++) {
      assertThat(w.appendForTopic("t", payload(i))).isEqualTo(i);
    }
  }

  /** One handed-out entry, copied while the handler ran. */
  record Seen(long offset, byte[] data) {}

  /** A handler that checks each view and copies it. */
  private static EntryHandler collect(List<Seen> out) {
    return (offset, ts, payload) -> {
      assertThat(payload.isReadOnly()).isTrue();
      assertThatThrownBy(() -> payload.put(payload.position(), (byte) 1))
          .isInstanceOf(ReadOnlyBufferException.class);
      byte[] copy = new byte[payload.remaining()];
      payload.duplicate().get(copy);
      out.add(new Seen(offset, copy));
    };
  }

  private static void assertEntries(List<Seen> seen, long from, long to) {
    assertThat(seen).extracting(Seen::offset).containsExactlyElementsOf(range(from, to));
    for (Seen s : seen) {
      assertThat(s.data()).as("payload of %d", s.offset()).isEqualTo(payload(s.offset()));
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  @Test
  void handlersGetTheEntrysTimestamp() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 30);
      List<Entry> copied = w.batchReadForTopic("t", "copy", 1 << 20, false);
      List<Long> one = new ArrayList<>();
      assertThat(w.readNext("t", "v", false, (o, ts, p) -> one.add(ts))).isTrue();
      List<Long> batch = new ArrayList<>();
      w.batchRead("t", "v", 1 << 20, false, (o, ts, p) -> batch.add(ts));
      assertThat(one.get(0)).isEqualTo(copied.get(0).timestampMicros()).isPositive();
      assertThat(batch)
          .containsExactlyElementsOf(copied.stream().map(Entry::timestampMicros).toList());
    }
  }

  @Test
  void readNextHandsOutWhatTheCopyingReadReturnsAndConsumesIt() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 60);
      List<Seen> seen = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        assertThat(w.readNext("t", "v", true, collect(seen))).isTrue();
        assertThat(w.position("t", "v")).isEqualTo(i + 1);
        Entry copy = w.readNext("t", "c", true).orElseThrow();
        assertThat(copy.offset()).isEqualTo(i);
        assertThat(seen.get(i).data()).isEqualTo(copy.data());
      }
      assertEntries(seen, 0, 60);
      assertThat(w.readNext("t", "v", true, collect(seen))).as("nothing left").isFalse();
      assertThat(seen).hasSize(60);
      fill(w, 60, 61);
      assertThat(w.readNext("t", "v", true, collect(seen))).isTrue();
      assertEntries(seen, 0, 61);
    }
  }

  @Test
  void aBatchHandsOutEveryEntryOnceInOrderWithinItsBudget() {
    try (Walrus w = open(ReadConsistency.atLeastOnce(1000))) {
      fill(w, 0, 400); // about 25 blocks of 4 KiB in 7 files
      List<Seen> seen = new ArrayList<>();
      long budget = 2000;
      int calls = 0;
      while (true) {
        List<Seen> batch = new ArrayList<>();
        int n = w.batchRead("t", "b", budget, true, collect(batch));
        assertThat(n).isEqualTo(batch.size()).isLessThanOrEqualTo(Walrus.MAX_BATCH_ENTRIES);
        if (n == 0) {
          break;
        }
        long bytes = batch.stream().mapToLong(s -> s.data().length).sum();
        if (n > 1) {
          assertThat(bytes).as("budget").isLessThanOrEqualTo(budget);
        }
        seen.addAll(batch);
        calls++;
      }
      assertEntries(seen, 0, 400);
      assertThat(calls).isGreaterThan(1);
      assertThat(w.position("t", "b")).isEqualTo(400);
      // a large budget: as the copying batch read, at most 2,000 a call
      fill(w, 400, 2500);
      List<Seen> big = new ArrayList<>();
      w.checkpoint("t", "big", 400);
      int n = w.batchRead("t", "big", Long.MAX_VALUE, true, collect(big));
      assertThat(n).isPositive().isLessThanOrEqualTo(Walrus.MAX_BATCH_ENTRIES);
      assertEntries(big, 400, 400 + n);
    }
    try (Walrus w = open(ReadConsistency.atLeastOnce(1000))) {
      assertThat(w.position("t", "b")).as("persisted at close").isEqualTo(400);
    }
  }

  @Test
  void batchesOfRandomBudgetsAcrossBlocksReadEverythingOnceBothWays() {
    java.util.Random rnd = new java.util.Random(16);
    try (Walrus w = open(ReadConsistency.atLeastOnce(7))) {
      List<Seen> seen = new ArrayList<>();
      List<Long> copied = new ArrayList<>();
      for (int round = 0; round < 12; round++) {
        // reading up to the end of a block being written (a short one-range prefetch),
        // then entries across several blocks (a many-range one), and so on
        fill(w, round * 50, round * 50 + 1 + rnd.nextInt(50));
        int from = (int) w.stats("t").orElseThrow().nextOffset();
        fill(w, from, round * 50 + 50);
        int n;
        do {
          long budget = rnd.nextBoolean() ? rnd.nextInt(300) : rnd.nextInt(40_000);
          n = w.batchRead("t", "v", budget, true, collect(seen));
        } while (n > 0);
        List<Entry> got;
        do {
          got = w.batchReadForTopic("t", "c", rnd.nextInt(40_000), true);
          for (Entry e : got) {
            assertThat(e.data()).isEqualTo(payload(e.offset()));
            copied.add(e.offset());
          }
        } while (!got.isEmpty());
        assertEntries(seen, 0, round * 50 + 50);
        assertThat(copied).containsExactlyElementsOf(range(0, round * 50 + 50));
      }
    }
  }

  @Test
  void peeksMoveNothingAndCreateNoConsumer() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 30);
      List<Seen> seen = new ArrayList<>();
      assertThat(w.readNext("t", "p", false, collect(seen))).isTrue();
      assertThat(w.readNext("t", "p", false, collect(seen))).isTrue();
      assertThat(w.batchRead("t", "p", 1000, false, collect(seen))).isPositive();
      assertThat(seen.get(0).offset()).isZero();
      assertThat(seen.get(1).offset()).isZero();
      assertThat(seen.get(2).offset()).isZero();
      assertThat(w.removeConsumer("t", "p")).as("a peek creates no consumer").isFalse();
      // a registered consumer's peeks do not move it
      w.checkpoint("t", "k", 10);
      seen.clear();
      assertThat(w.readNext("t", "k", false, collect(seen))).isTrue();
      int n = w.batchRead("t", "k", 1000, false, collect(seen));
      assertThat(w.position("t", "k")).isEqualTo(10);
      List<Seen> consumed = new ArrayList<>();
      assertThat(w.batchRead("t", "k", 1000, true, collect(consumed))).isEqualTo(n);
      assertThat(seen.subList(1, seen.size()))
          .extracting(Seen::offset)
          .containsExactlyElementsOf(consumed.stream().map(Seen::offset).toList());
      assertEntries(consumed, 10, 10 + n);
    }
  }

  @Test
  void strictlyAtOnceCursorsAreRecordedBeforeTheHandlerRunsAndSurviveARestart() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 50);
      List<Long> positionsSeen = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        w.readNext("t", "s", true, (o, ts, p) -> positionsSeen.add(w.position("t", "s")));
      }
      assertThat(positionsSeen).as("consumed when handed out").containsExactly(1L, 2L, 3L, 4L, 5L);
      List<Long> batchPositions = new ArrayList<>();
      int n =
          w.batchRead("t", "s", 500, true, (o, ts, p) -> batchPositions.add(w.position("t", "s")));
      assertThat(batchPositions).hasSize(n).containsOnly(5L + n); // the whole batch, first
    }
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      List<Seen> seen = new ArrayList<>();
      w.readNext("t", "s", true, collect(seen));
      assertThat(seen.get(0).offset()).isGreaterThan(5);
      assertThat(w.position("t", "s")).isEqualTo(seen.get(0).offset() + 1);
    }
  }

  private static Walrus.Builder builderAt(Path ns) {
    return Walrus.builder()
        .dataDir(ns)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .maxEntryBytes(1 << 20)
        .consistency(ReadConsistency.strictlyAtOnce())
        .quiet(true);
  }

  /**
   * The child of {@link #aCrashInsideAHandlerNeverRedeliversUnderStrictlyAtOnce}: fills a
   * topic, then stops dead ({@code Runtime.halt}: no close, no shutdown hook, as kill -9)
   * inside a handler, of a single read ({@code one}) or of a batch ({@code batch}).
   */
  public static final class CrashInHandler {
    /**
     * @param args the namespace directory, {@code one} or {@code batch}
     */
    public static void main(String[] args) {
      try (Walrus w = builderAt(Path.of(args[0])).open()) {
        fill(w, 0, 40);
        if (args[1].equals("one")) {
          w.readNext("t", "c", true, (o, ts, p) -> {});
          w.readNext("t", "c", true, (o, ts, p) -> halt("one " + o));
        } else {
          w.batchRead("t", "c", 3000, true, (o, ts, p) -> halt("batch " + o));
        }
      }
    }

    private static void halt(String seen) {
      System.out.println(seen);
      System.out.flush();
      Runtime.getRuntime().halt(3);
    }
  }

  @Test
  void aCrashInsideAHandlerNeverRedeliversUnderStrictlyAtOnce() throws Exception {
    for (String mode : List.of("one", "batch")) {
      Path ns = dir.resolve(mode);
      try (ChildJvm child =
          ChildJvm.builder(CrashInHandler.class)
              .inheritProperties("walrus.backend", "walrus.io_uring")
              .args(ns.toString(), mode)
              .killAfterSeconds(60)
              .start()) {
        assertThat(child.readLine()).isEqualTo(mode.equals("one") ? "one 1" : "batch 0");
        assertThat(child.awaitExit(60)).isTrue();
        assertThat(child.exitValue()).isEqualTo(3);
      }
      try (Walrus w = builderAt(ns).open()) {
        long expected;
        if (mode.equals("one")) {
          expected = 2; // entry 1 was handed out: never again
        } else {
          w.checkpoint("t", "probe", 0);
          expected = w.batchRead("t", "probe", 3000, false, (o, ts, p) -> {});
          assertThat(expected).isGreaterThan(1);
        }
        assertThat(w.position("t", "c"))
            .as("%s: everything handed out (the whole batch) is consumed", mode)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aHandlerMayNotReadItsOwnConsumerButMayReadOthers() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 20);
      List<Object> inside = new ArrayList<>();
      w.readNext(
          "t",
          "h",
          true,
          (o, ts, p) -> {
            assertThatThrownBy(() -> w.readNext("t", "h", true))
                .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> w.readNext("t", "h", false, (a, b, c) -> {}))
                .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> w.batchRead("t", "h", 100, true, (a, b, c) -> {}))
                .isInstanceOf(InvalidArgumentException.class);
            inside.add(w.readNext("t", "other", true).orElseThrow().offset());
            inside.add(w.appendForTopic("t", payload(20)));
          });
      assertThat(inside).containsExactly(0L, 20L);
      assertThat(w.position("t", "h")).isEqualTo(1);
      // the refused reads moved nothing; the consumer reads on normally
      List<Seen> seen = new ArrayList<>();
      w.readNext("t", "h", true, collect(seen));
      assertEntries(seen, 1, 2);
    }
  }

  @Test
  void aHandlerExceptionPropagatesAndTheEntryStaysConsumed() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 20);
      assertThatThrownBy(
              () ->
                  w.readNext(
                      "t",
                      "x",
                      true,
                      (o, ts, p) -> {
                        throw new IllegalStateException("boom " + o);
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom 0");
      assertThat(w.position("t", "x")).isEqualTo(1);
      List<Long> got = new ArrayList<>();
      assertThatThrownBy(
              () ->
                  w.batchRead(
                      "t",
                      "x",
                      1 << 20,
                      true,
                      (o, ts, p) -> {
                        got.add(o);
                        if (o == 3) {
                          throw new IllegalStateException("stop");
                        }
                      }))
          .hasMessage("stop");
      assertThat(got).containsExactly(1L, 2L, 3L);
      assertThat(w.position("t", "x")).as("the whole batch was consumed").isEqualTo(20);
      List<Seen> seen = new ArrayList<>();
      assertThat(w.readNext("t", "x", true, collect(seen))).isFalse();
    }
  }

  @Test
  void refusedCallsChangeNothing() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 3);
      assertThatThrownBy(() -> w.readNext("t", "r", true, null))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> w.batchRead("t", "r", 10, true, null))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> w.batchRead("t", "r", -1, true, (o, ts, p) -> {}))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> w.readNext("t", "", true, (o, ts, p) -> {}))
          .isInstanceOf(InvalidArgumentException.class);
      assertThat(w.removeConsumer("t", "r")).isFalse();
      assertThat(w.readNext("nope", "r", true, (o, ts, p) -> {})).isFalse();
      assertThat(w.batchRead("nope", "r", 10, true, (o, ts, p) -> {})).isZero();
    }
  }

  @Test
  void interruptedViewReadsCompleteAndKeepTheInterruptStatus() {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 300);
      List<Seen> seen = new ArrayList<>();
      Thread.currentThread().interrupt();
      try {
        for (int i = 0; i < 100; i++) {
          assertThat(w.readNext("t", "i", true, collect(seen))).isTrue();
        }
        while (w.batchRead("t", "i", 700, true, collect(seen)) > 0) {
          // until the end
        }
        w.readNext("t", "peek", false, collect(new ArrayList<>()));
      } finally {
        assertThat(Thread.interrupted()).as("the interrupt status is kept").isTrue();
      }
      assertEntries(seen, 0, 300);
      assertThat(w.health().isOpen()).isTrue();
    }
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      assertThat(w.position("t", "i")).isEqualTo(300);
    }
  }

  @Test
  void aCorruptEntryIsNeverHandedOut() throws IOException {
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      fill(w, 0, 120); // entry 30 lies in a sealed block
    }
    flipPayloadByte(payload(30));
    try (Walrus w = open(ReadConsistency.strictlyAtOnce())) {
      List<Seen> seen = new ArrayList<>();
      while (seen.size() < 30) {
        assertThat(w.batchRead("t", "z", 1 << 20, true, collect(seen))).isPositive();
      }
      assertEntries(seen, 0, 30);
      assertThatThrownBy(() -> w.batchRead("t", "z", 1 << 20, true, collect(seen)))
          .isInstanceOf(CorruptEntryException.class);
      assertThatThrownBy(() -> w.readNext("t", "z", true, collect(seen)))
          .isInstanceOf(CorruptEntryException.class);
      assertThat(seen).hasSize(30);
      assertThat(w.position("t", "z")).as("the cursor stays before it").isEqualTo(30);
      assertThatThrownBy(() -> w.readNext("t", "z", true))
          .isInstanceOf(CorruptEntryException.class);
    }
  }

  /** Flips one payload byte of the entry with this (unique) payload in its data file. */
  private void flipPayloadByte(byte[] payload) throws IOException {
    List<Path> files;
    try (Stream<Path> l = Files.list(dir)) {
      files = l.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
    }
    for (Path f : files) {
      byte[] all = Files.readAllBytes(f);
      for (int i = 0; i + payload.length <= all.length; i++) {
        if (Arrays.equals(all, i, i + payload.length, payload, 0, payload.length)) {
          try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            long at = i + payload.length / 2;
            r.seek(at);
            int b = r.read();
            r.seek(at);
            r.write(b ^ 0x40);
          }
          return;
        }
      }
    }
    throw new AssertionError("payload not found: " + new String(payload, UTF_8));
  }
}
