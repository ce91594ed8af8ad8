package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write rolls back cleanly; a failed fsync poisons the instance (the README's error table). */
class WriteFailureTest {
  @TempDir Path dir;

  private Walrus.Builder builder(FaultyStorage s) {
    return Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(4).storageBackend(s);
  }

  private static List<byte[]> batch(int n, int tag) {
    List<byte[]> b = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      b.add(("b" + tag + "-" + i + "-" + "x".repeat(90)).getBytes());
    }
    return b;
  }

  private static List<String> readAll(Walrus w) {
    List<String> out = new ArrayList<>();
    List<Entry> got;
    while (!(got = w.batchReadForTopic("t", "reader", 1 << 20, true)).isEmpty()) {
      got.forEach(e -> out.add(e.offset() + ":" + e.dataAsString().substring(0, 6)));
    }
    return out;
  }

  @Test
  void aFailedBatchIsInvisibleAndTheInstanceCarriesOn() {
    for (boolean shortWrite : new boolean[] {false, true}) {
      FaultyStorage s = new FaultyStorage();
      s.shortWrite = shortWrite;
      String ns = "short-" + shortWrite;
      List<String> expected;
      try (Walrus w = builder(s).namespace(ns).open()) {
        w.batchAppendForTopic("t", batch(20, 1)); // offsets 0..19
        w.checkpoint("t", "holder", 0); // a persisted cursor at 0 keeps files from reclamation
        s.failWriteIn.set(1);
        // 60 entries of ~120 bytes span two blocks: the failure hits a multi-block batch
        assertThatThrownBy(() -> w.batchAppendForTopic("t", batch(60, 2)))
            .isInstanceOf(WriteRolledBackException.class)
            .hasMessageContaining("rolled back");
        assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(20);
        assertThat(w.batchAppendForTopic("t", batch(5, 3))).isEqualTo(20);
        assertThat(w.appendForTopic("t", "single-after".getBytes())).isEqualTo(25);
        expected = readAll(w);
        assertThat(expected).hasSize(26).noneMatch(e -> e.contains(":b2-"));
      }
      try (Walrus w =
          Walrus.builder().dataDir(dir).namespace(ns).blockSize(4096).blocksPerFile(4).open()) {
        w.removeConsumer("t", "reader");
        assertThat(readAll(w)).as("after reopen (short write: %s)", shortWrite).isEqualTo(expected);
        assertThat(w.appendForTopic("t", "z".repeat(10).getBytes())).isEqualTo(26);
      }
    }
  }

  @Test
  void aFailedSingleAppendIsInvisibleAndOffsetsContinue() {
    FaultyStorage s = new FaultyStorage();
    try (Walrus w = builder(s).open()) {
      w.appendForTopic("t", "first-0".getBytes());
      w.checkpoint("t", "holder", 0);
      s.failWriteIn.set(1);
      assertThatThrownBy(() -> w.appendForTopic("t", "lost-1".getBytes()))
          .isInstanceOf(WriteRolledBackException.class)
          .hasMessageContaining("rolled back");
      assertThat(w.appendForTopic("t", "second".getBytes())).isEqualTo(1);
    }
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(4).open()) {
      assertThat(readAll(w)).containsExactly("0:first-", "1:second");
    }
  }

  @Test
  void aFailedFsyncPoisonsTheInstanceUntilReopened() {
    FaultyStorage s = new FaultyStorage();
    try (Walrus w = builder(s).fsyncSchedule(FsyncSchedule.noFsync()).open()) {
      w.appendForTopic("t", "acked-0".getBytes());
      w.checkpoint("t", "holder", 0);
      s.failForceIn.set(1);
      assertThatThrownBy(w::sync)
          .isInstanceOf(FatalIOException.class)
          .hasMessageContaining("fsync");
      assertThatThrownBy(() -> w.appendForTopic("t", "x".getBytes()))
          .isInstanceOf(WalrusPoisonedException.class)
          .hasMessageContaining("reopen");
      assertThatThrownBy(() -> w.readNext("t", true)).isInstanceOf(WalrusPoisonedException.class);
    }
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(4).open()) {
      assertThat(readAll(w)).containsExactly("0:acked-");
    }
  }
}
