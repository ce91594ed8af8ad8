package dev.walrus.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.Walrus;
import dev.walrus.internal.format.BlockHeader;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by the power-loss suite, nofsync seed 95; the likely cause of the
 * "lost tail" the kill loop once showed): a batch cut short by a crash leaves a block whose
 * entries run past the topic's committed end; the next session continues at the committed
 * end in a new block. Once that block's file was reclaimed while the cut block's file was
 * kept (it holds another topic's unread block), the next recovery saw the block after the
 * reclaimed range start *inside* the cut batch's range: neither where the chain continues
 * nor beyond it, so it and everything after it were declared dead — acknowledged entries
 * lost. A block at or below the floor after a reclaimed range now restarts the chain
 * wherever the dropped batch ended.
 */
class RestartAfterCutBatchTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .firstBlockSize(4096) // every block 4096 bytes: the scenario places blocks by count
        .blocksPerFile(2)
        .fsyncSchedule(FsyncSchedule.noFsync())
        .quiet(true)
        .open();
  }

  private static byte[] entry(int size, long offset) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) offset);
    return b;
  }

  @Test
  void entriesAfterAReclaimedRestartBlockSurvive() throws Exception {
    run(false);
  }

  /**
   * The same, but the crash left the cut batch's second block with its header and no
   * entry. That empty block stayed in the chain when the batch was dropped; once the
   * blocks before it were reclaimed it became the topic's head, the first retained offset
   * jumped to its offset (12) and the shared cursor, recovered at 9, was moved past 9..11.
   */
  @Test
  void anEmptyBlockOfACutBatchNeverBecomesTheHead() throws Exception {
    run(true);
  }

  private void run(boolean keepSecondBlockHeader) throws Exception {
    try (Walrus w = open()) {
      for (int i = 0; i < 5; i++) {
        w.appendForTopic("t", entry(300, i)); // block A (file 1): 0..4
      }
      w.appendForTopic("o", new byte[10]); // file 1's second block: never consumed
      List<byte[]> batch = new ArrayList<>();
      for (int i = 5; i < 15; i++) {
        batch.add(entry(300, i)); // 5..11 fill A, 12..14 go to block B (file 2)
      }
      w.batchAppendForTopic("t", batch);
    }
    // The crash cut the batch: block B never reached the disk.
    Path second = dataFiles().get(1);
    try (RandomAccessFile f = new RandomAccessFile(second.toFile(), "rw")) {
      if (keepSecondBlockHeader) {
        int entries = BlockHeader.sealPosition(1) + BlockHeader.SEAL_SIZE;
        f.seek(entries);
        f.write(new byte[4096 - entries]); // header kept, entries 12..14 gone
      } else {
        f.setLength(0);
      }
    }

    try (Walrus w = open()) {
      assertThat(w.stats("t").orElseThrow().nextOffset())
          .as("the cut batch is dropped")
          .isEqualTo(5);
      for (int i = 5; i < 12; i++) {
        // 2 a block: C = 5..6 restarts the chain at 5, D = 7..8 (file 3), E = 9..10 (file 4)
        w.appendForTopic("t", entry(1500, i));
      }
      for (int i = 0; i < 9; i++) {
        assertThat(w.readNext("t", true)).map(Entry::offset).contains((long) i);
      }
      w.reclaim(); // file 3 (C, D) is consumed; file 1 keeps o's unread block
      assertThat(w.stats("t").orElseThrow().firstOffset())
          .as("C's file was reclaimed")
          .isEqualTo(9);
    }

    for (int reopen = 0; reopen < 2; reopen++) {
      try (Walrus w = open()) {
        assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(12);
        assertThat(w.stats("t").orElseThrow().firstOffset()).isEqualTo(9);
        assertThat(w.readNext("t", false))
            .as("the shared cursor where it was")
            .map(Entry::offset)
            .contains(9L);
        List<Entry> rest = w.batchReadForTopic("t", "check-" + reopen, 1 << 20, true);
        assertThat(rest).extracting(Entry::offset).containsExactly(9L, 10L, 11L);
        for (Entry e : rest) {
          assertThat(e.data()).isEqualTo(entry(1500, e.offset()));
        }
      }
    }
  }

  private List<Path> dataFiles() throws Exception {
    try (var l = Files.list(dir)) {
      List<Path> out =
          new ArrayList<>(l.filter(p -> p.getFileName().toString().startsWith("wal-")).toList());
      Collections.sort(out);
      return out;
    }
  }
}
