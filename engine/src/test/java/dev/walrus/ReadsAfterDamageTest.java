package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 8: after damage, stats agree with what reads return, and a batch read
 * returns the valid entries before a corrupt one (reporting the corruption on the next
 * call) instead of throwing them away.
 */
class ReadsAfterDamageTest {
  @TempDir Path tmp;

  private static Walrus.Builder base(Path dir) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .firstBlockSize(4096) // one block per topic: damage is placed by position
        .blocksPerFile(4)
        .fsyncSchedule(FsyncSchedule.milliseconds(3_600_000))
        .consistency(ReadConsistency.strictlyAtOnce())
        .quiet(true);
  }

  private static List<Long> readAll(Walrus w, String consumer) {
    List<Long> out = new ArrayList<>();
    for (List<Entry> b;
        !(b = w.batchReadForTopic("t", consumer, Long.MAX_VALUE, true)).isEmpty(); ) {
      b.forEach(e -> out.add(e.offset()));
    }
    return out;
  }

  @Test
  void statsCountOnlyWhatReadsReturnAfterAnUnsyncedLoss() throws Exception {
    Path dir = tmp.resolve("ns");
    Path img = tmp.resolve("img");
    PowerLossStorage s = new PowerLossStorage(dir);
    try (Walrus w = base(dir).storageBackend(s).open()) {
      for (int i = 0; i < 3; i++) {
        w.appendForTopic("t", new byte[300]);
      }
      w.sync(); // 0..2 durable
      for (int i = 3; i < 10; i++) {
        w.appendForTopic("t", new byte[300]);
      }
      w.checkpoint("t", "v", 0); // holds back reclamation at the next open
      for (int i = 0; i < 6; i++) {
        w.readNext("t", true); // the shared cursor at 6
      }
      // the cursor records reach the disk, the unsynced entries do not
      s.crash(img, true, (file, data) -> file.getFileName().toString().equals("cursors.log"));
      s.kill();
    }
    try (Walrus w = base(img).open()) {
      TopicStats st = w.stats("t").orElseThrow();
      List<Long> read = readAll(w, "r");
      assertThat(read).containsExactly(0L, 1L, 2L);
      assertThat(st.firstOffset()).isZero();
      assertThat(st.nextOffset()).as("offsets of lost entries are not reused").isEqualTo(6);
      assertThat(st.retainedEntries()).as("entries reads return").isEqualTo(read.size());
      assertThat(st.unread()).containsEntry("v", 3L).containsEntry(TopicStats.DEFAULT_CONSUMER, 0L);
      assertThat(w.readNext("t", true)).as("the shared cursor's unread 0").isEmpty();
    }
  }

  @Test
  void statsOfATopicWhoseEntriesWereAllLostShowNothingRetained() throws Exception {
    Path dir = tmp.resolve("ns2");
    Path img = tmp.resolve("img2");
    PowerLossStorage s = new PowerLossStorage(dir);
    try (Walrus w = base(dir).storageBackend(s).open()) {
      for (int i = 0; i < 5; i++) {
        w.appendForTopic("t", new byte[300]);
      }
      w.readNext("t", true);
      w.readNext("t", true);
      // headers, seals and journal records (all short) reach the disk; entries do not
      s.crash(img, true, (file, data) -> data.length <= 100);
      s.kill();
    }
    try (Walrus w = base(img).open()) {
      TopicStats st = w.stats("t").orElseThrow();
      assertThat(readAll(w, "r")).isEmpty();
      assertThat(st.retainedEntries()).isZero();
      assertThat(st.firstOffset()).as("an empty range").isEqualTo(st.nextOffset());
    }
  }

  @Test
  void aBatchReadReturnsTheValidPrefixAndReportsTheCorruptEntryOnTheNextCall() throws Exception {
    Path dir = tmp.resolve("ns3");
    try (Walrus w = base(dir).open()) {
      for (int i = 0; i < 10; i++) {
        w.appendForTopic("t", new byte[100]);
      }
    }
    try (Walrus w = base(dir).open()) {
      assertThat(w.stats("t").orElseThrow().nextOffset())
          .isEqualTo(10); // recovery sealed the block
    }
    Path data;
    try (Stream<Path> l = Files.list(dir)) {
      data =
          l.filter(p -> p.getFileName().toString().startsWith("wal-"))
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    // Block header 48 bytes (topic "t") + seal 40: entries from 88, 128 bytes each.
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      long at = 88 + 128 * 5 + 24 + 10; // a payload byte of entry 5
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x40);
    }
    try (Walrus w = base(dir).open()) {
      List<Long> viewed = new ArrayList<>();
      EntryHandler h = (offset, ts, payload) -> viewed.add(offset);
      assertThat(w.batchRead("t", "viewer", Long.MAX_VALUE, true, h)).isEqualTo(5);
      assertThat(viewed).containsExactly(0L, 1L, 2L, 3L, 4L);
      assertThatThrownBy(() -> w.batchRead("t", "viewer", Long.MAX_VALUE, true, h))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageContaining("offset 5");
      assertThat(viewed).as("the handler saw nothing of the failed call").hasSize(5);
      assertThat(w.position("t", "viewer")).isEqualTo(5);
      List<Entry> first = w.batchReadForTopic("t", Long.MAX_VALUE, true);
      assertThat(first).extracting(Entry::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
      assertThatThrownBy(() -> w.batchReadForTopic("t", Long.MAX_VALUE, true))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageContaining("offset 5");
      assertThat(w.position("t")).as("the cursor stays before the corrupt entry").isEqualTo(5);
      assertThatThrownBy(() -> w.batchReadForTopic("t", Long.MAX_VALUE, false))
          .isInstanceOf(CorruptEntryException.class);
    }
  }
}
