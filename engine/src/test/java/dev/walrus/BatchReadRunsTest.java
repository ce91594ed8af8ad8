package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch reads parse the entries already buffered many at a time (issue 16 item 3) and fall
 * back to one entry at a time at block ends, refills and large entries. Whatever the
 * budget, entry sizes and block layout, a batch returns exactly the entries one
 * {@code readNext} at a time would, in order, stopping exactly where the budget says: the
 * first entry always, then while the payloads fit. Copying and view batches alike, in
 * sealed blocks and in the block still being written. Runs on every backend.
 */
class BatchReadRunsTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .sharedCursor(false)
        .blockSize(64 * 1024)
        .blocksPerFile(8)
        .maxEntryBytes(1 << 20)
        .fsyncSchedule(FsyncSchedule.milliseconds(3_600_000))
        .quiet(true)
        .open();
  }

  /** Mostly small entries, some empty, a few larger than the 64 KiB read-ahead. */
  private static byte[] payload(long offset) {
    Random r = new Random(offset * 7919);
    int kind = r.nextInt(100);
    int size = kind < 3 ? 0 : kind < 5 ? 70_000 + r.nextInt(1000) : r.nextInt(600);
    byte[] b = new byte[size];
    r.nextBytes(b);
    return b;
  }

  private static byte[] bytes(ByteBuffer v) {
    byte[] b = new byte[v.remaining()];
    v.get(b);
    return b;
  }

  /** The entries {@code maxBytes} admits from {@code from} on: the first, then while they fit. */
  private static int expected(long from, long end, long maxBytes) {
    int n = 0;
    long total = 0;
    for (long o = from; o < end && n < 2000; o++) {
      int len = payload(o).length;
      if (n > 0 && total + len > maxBytes) {
        break;
      }
      total += len;
      n++;
    }
    return n;
  }

  @Test
  void copyingAndViewBatchesReturnExactlyWhatTheBudgetAdmitsInOrder() {
    Random budgets = new Random(42);
    try (Walrus w = open()) {
      assertThat(w.appendForTopic("t", payload(0))).isZero();
      w.checkpoint("t", "copy", 0); // both consumers from the start: nothing is reclaimed
      w.checkpoint("t", "view", 0); // before the second has read it
      long end = 1;
      long copied = 0;
      long viewed = 0;
      for (int round = 0; round < 40; round++) {
        int more = 1 + budgets.nextInt(400);
        for (int i = 0; i < more; i++) {
          assertThat(w.appendForTopic("t", payload(end))).isEqualTo(end);
          end++;
        }
        while (copied < end) {
          long budget = budgets.nextInt(4) == 0 ? 0 : budgets.nextInt(40_000);
          List<Entry> got = w.batchReadForTopic("t", "copy", budget, true);
          assertThat(got).hasSize(expected(copied, end, budget));
          for (Entry e : got) {
            assertThat(e.offset()).isEqualTo(copied);
            assertThat(e.data()).isEqualTo(payload(copied));
            copied++;
          }
        }
        while (viewed < end) {
          long budget = budgets.nextInt(4) == 0 ? 0 : budgets.nextInt(40_000);
          List<Long> offsets = new ArrayList<>();
          List<byte[]> payloads = new ArrayList<>();
          int n =
              w.batchRead(
                  "t",
                  "view",
                  budget,
                  true,
                  (offset, ts, p) -> {
                    offsets.add(offset);
                    payloads.add(bytes(p));
                  });
          assertThat(n).isEqualTo(offsets.size()).isPositive();
          // A view batch may stop short of the budget (it never refills under views it
          // lent), never beyond it.
          assertThat(n).isLessThanOrEqualTo(expected(viewed, end, budget));
          for (int i = 0; i < n; i++) {
            assertThat(offsets.get(i)).isEqualTo(viewed);
            assertThat(payloads.get(i)).isEqualTo(payload(viewed));
            viewed++;
          }
        }
        assertThat(w.position("t", "copy")).isEqualTo(end);
        assertThat(w.position("t", "view")).isEqualTo(end);
      }
      assertThat(w.batchReadForTopic("t", "copy", Long.MAX_VALUE, true)).isEmpty();
    }
  }

  @Test
  void aPeekingBatchMovesNothingAndMatchesTheConsumingOne() {
    try (Walrus w = open()) {
      for (long o = 0; o < 3000; o++) {
        w.appendForTopic("t", payload(o));
      }
      w.checkpoint("t", "c", 0); // the consumer exists from here on
      long at = 0;
      while (at < 3000) {
        List<Entry> peeked = w.batchReadForTopic("t", "c", 100_000, false);
        assertThat(w.position("t", "c")).isEqualTo(at);
        List<Entry> read = w.batchReadForTopic("t", "c", 100_000, true);
        assertThat(read)
            .extracting(Entry::offset)
            .isEqualTo(peeked.stream().map(Entry::offset).toList());
        at += read.size();
        assertThat(w.position("t", "c")).isEqualTo(at);
      }
    }
  }
}
