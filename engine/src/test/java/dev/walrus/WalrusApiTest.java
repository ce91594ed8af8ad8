package dev.walrus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's API, row by row (SPEC §3). */
class WalrusApiTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(8).open();
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void appendReturnsPerTopicOffsets() {
    try (Walrus w = open()) {
      assertThat(w.appendForTopic("a", b("a0"))).isZero();
      assertThat(w.appendForTopic("b", b("b0"))).isZero();
      assertThat(w.appendForTopic("a", b("a1"))).isEqualTo(1);
      assertThat(w.appendForTopic("a", new byte[0])).isEqualTo(2);
      assertThat(w.topics()).containsExactly("a", "b");
    }
  }

  @Test
  void readNextConsumesAndPeekDoesNot() {
    try (Walrus w = open()) {
      assertThat(w.readNext("t", true)).isEmpty();
      w.appendForTopic("t", b("one"));
      w.appendForTopic("t", b("two"));
      assertThat(w.readNext("t", false).orElseThrow().dataAsString()).isEqualTo("one");
      assertThat(w.readNext("t", false).orElseThrow().dataAsString()).isEqualTo("one");
      Entry e = w.readNext("t", true).orElseThrow();
      assertThat(e.dataAsString()).isEqualTo("one");
      assertThat(e.offset()).isZero();
      assertThat(e.topic()).isEqualTo("t");
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("two");
      assertThat(w.readNext("t", true)).isEmpty();
      assertThat(w.readNext("t", false)).isEmpty();
    }
  }

  @Test
  void batchAppendIsContiguousAndReadable() {
    try (Walrus w = open()) {
      w.appendForTopic("t", b("before"));
      List<byte[]> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        batch.add(b("entry-" + i + "-" + "x".repeat(i % 50)));
      }
      assertThat(w.batchAppendForTopic("t", batch)).isEqualTo(1);
      assertThat(w.appendForTopic("t", b("after"))).isEqualTo(501);
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("before");
      for (int i = 0; i < 500; i++) {
        Entry e = w.readNext("t", true).orElseThrow();
        assertThat(e.offset()).isEqualTo(i + 1);
        assertThat(e.data()).isEqualTo(batch.get(i));
      }
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("after");
    }
  }

  @Test
  void batchOfExactlyTheLimitIsAcceptedAndOneMoreIsRefusedWithNothingWritten() {
    try (Walrus w = open()) {
      List<byte[]> max = Collections.nCopies(Walrus.MAX_BATCH_ENTRIES, b("x"));
      assertThat(w.batchAppendForTopic("t", max)).isZero();
      List<byte[]> over = Collections.nCopies(Walrus.MAX_BATCH_ENTRIES + 1, b("y"));
      assertThatThrownBy(() -> w.batchAppendForTopic("t", over))
          .isInstanceOf(BatchTooLargeException.class)
          .hasMessageContaining("2001");
      assertThatThrownBy(() -> w.batchAppendForTopic("fresh", over))
          .isInstanceOf(BatchTooLargeException.class);
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(2000);
      assertThat(w.topics()).containsExactly("t");
    }
  }

  @Test
  void batchOverTenGibibytesIsRefusedBeforeWriting() {
    try (Walrus w = open()) {
      byte[] eightMiB = new byte[8 << 20];
      // 1,281 references to one 8 MiB array: 10 GiB + 8 MiB of payload, 8 MiB of heap
      List<byte[]> huge = Collections.nCopies(1281, eightMiB);
      assertThatThrownBy(() -> w.batchAppendForTopic("t", huge))
          .isInstanceOf(BatchTooLargeException.class)
          .hasMessageContaining(Long.toString(1281L * (8 << 20)));
      assertThat(w.topics()).isEmpty();
    }
  }

  @Test
  void emptyBatchWritesNothing() {
    try (Walrus w = open()) {
      assertThat(w.batchAppendForTopic("t", List.of())).isZero();
      assertThat(w.topics()).isEmpty();
    }
  }

  @Test
  void batchReadHonoursBudgetAtLeastOneAndTwoThousandCap() {
    try (Walrus w = open()) {
      for (int i = 0; i < 10; i++) {
        w.appendForTopic("t", new byte[100]);
      }
      assertThat(w.batchReadForTopic("t", 350, false)).hasSize(3);
      assertThat(w.batchReadForTopic("t", 0, false)).hasSize(1); // at least one
      assertThat(w.batchReadForTopic("t", 50, false)).hasSize(1);
      List<Entry> first = w.batchReadForTopic("t", 300, true);
      assertThat(first).extracting(Entry::offset).containsExactly(0L, 1L, 2L);
      assertThat(w.batchReadForTopic("t", 1 << 20, true))
          .extracting(Entry::offset)
          .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(w.batchReadForTopic("t", 1 << 20, true)).isEmpty();

      w.batchAppendForTopic("many", Collections.nCopies(2000, new byte[1]));
      w.batchAppendForTopic("many", Collections.nCopies(10, new byte[1]));
      assertThat(w.batchReadForTopic("many", Long.MAX_VALUE, true)).hasSize(2000);
      assertThat(w.batchReadForTopic("many", Long.MAX_VALUE, true)).hasSize(10);
    }
  }

  @Test
  void peekingBatchReadLeavesTheCursor() {
    try (Walrus w = open()) {
      for (int i = 0; i < 5; i++) {
        w.appendForTopic("t", b("e" + i));
      }
      w.readNext("t", true);
      assertThat(w.batchReadForTopic("t", 1 << 20, false)).hasSize(4);
      assertThat(w.readNext("t", true).orElseThrow().offset()).isEqualTo(1);
    }
  }

  @Test
  void entriesLargerThanABlockGetABlockOfTheirOwn() {
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(2).open()) {
      byte[] big = new byte[50_000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) (i * 31);
      }
      w.checkpoint("t", "holder", 0); // a cursor at 0 keeps the files from reclamation
      w.appendForTopic("t", b("small"));
      assertThat(w.appendForTopic("t", big)).isEqualTo(1);
      w.appendForTopic("t", b("small again"));
      w.readNext("t", true);
      assertThat(w.readNext("t", true).orElseThrow().data()).isEqualTo(big);
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("small again");
    }
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(2).open()) {
      w.checkpoint("t", 1);
      assertThat(w.readNext("t", true).orElseThrow().data()).hasSize(50_000);
    }
  }

  @Test
  void maximumEntrySizeIsEnforcedExactly() {
    try (Walrus w = Walrus.builder().dataDir(dir).maxEntryBytes(1000).open()) {
      assertThat(w.appendForTopic("t", new byte[1000])).isZero();
      assertThatThrownBy(() -> w.appendForTopic("t", new byte[1001]))
          .isInstanceOf(EntryTooLargeException.class)
          .hasMessageContaining("1001");
      assertThatThrownBy(() -> w.batchAppendForTopic("t", List.of(new byte[1], new byte[1001])))
          .isInstanceOf(EntryTooLargeException.class)
          .hasMessageContaining("batch entry 1");
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(1);
    }
  }

  @Test
  void defaultsMatchTheSeed() throws Exception {
    try (Walrus w = Walrus.builder().dataDir(dir).open()) {
      assertThat(w.consistency()).isEqualTo(ReadConsistency.strictlyAtOnce());
      assertThat(w.fsyncSchedule()).isEqualTo(FsyncSchedule.milliseconds(200));
      w.appendForTopic("t", b("x"));
      try (Stream<Path> files = Files.list(dir)) {
        Path data =
            files
                .filter(p -> p.getFileName().toString().startsWith("wal-"))
                .findFirst()
                .orElseThrow();
        assertThat(Files.size(data)).isEqualTo(100L * 10 * 1024 * 1024); // 100 blocks of 10 MiB
      }
    }
  }

  @Test
  void everyConsistencyAndScheduleWorksAndSurvivesReopen() {
    ReadConsistency[] cs = {ReadConsistency.strictlyAtOnce(), ReadConsistency.atLeastOnce(3)};
    FsyncSchedule[] ss = {
      FsyncSchedule.syncEach(), FsyncSchedule.milliseconds(5), FsyncSchedule.noFsync()
    };
    int k = 0;
    for (ReadConsistency c : cs) {
      for (FsyncSchedule s : ss) {
        String key = "combo" + k++;
        try (Walrus w =
            Walrus.builder()
                .dataDir(dir)
                .namespace(key)
                .consistency(c)
                .fsyncSchedule(s)
                .blockSize(4096)
                .open()) {
          for (int i = 0; i < 100; i++) {
            w.appendForTopic("t", b("v" + i));
          }
          for (int i = 0; i < 40; i++) {
            assertThat(w.readNext("t", true).orElseThrow().offset()).isEqualTo(i);
          }
        }
        try (Walrus w =
            Walrus.builder()
                .dataDir(dir)
                .namespace(key)
                .consistency(c)
                .fsyncSchedule(s)
                .blockSize(4096)
                .open()) {
          // a clean close persists every cursor, whatever the model
          assertThat(w.readNext("t", true).orElseThrow().offset()).as("%s %s", c, s).isEqualTo(40);
          assertThat(w.appendForTopic("t", b("more"))).isEqualTo(100);
        }
      }
    }
  }

  @Test
  void operationsAfterCloseFail() {
    Walrus w = open();
    w.close();
    w.close(); // idempotent
    assertThatThrownBy(() -> w.appendForTopic("t", b("x")))
        .isInstanceOf(WalrusClosedException.class);
    assertThatThrownBy(() -> w.readNext("t", true)).isInstanceOf(WalrusClosedException.class);
  }

  @Test
  void appendListenerIsToldAfterEntriesAreReadable() throws Exception {
    try (Walrus w = open()) {
      List<Long> seen = Collections.synchronizedList(new ArrayList<>());
      AutoCloseable reg =
          w.addAppendListener(
              "t",
              (topic, end) -> {
                // the entry must already be readable when the listener runs
                assertThat(w.batchReadForTopic("t", Long.MAX_VALUE, false)).hasSize((int) end);
                seen.add(end);
              });
      w.appendForTopic("t", b("a"));
      w.batchAppendForTopic("t", List.of(b("b"), b("c")));
      w.appendForTopic("other", b("x"));
      reg.close();
      w.appendForTopic("t", b("d"));
      assertThat(seen).containsExactly(1L, 3L);
    }
  }

  @Test
  void appendListenersOfATopicComeAndGoIndependently() throws Exception {
    try (Walrus w = open()) {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      AutoCloseable a = w.addAppendListener("t", (topic, end) -> seen.add("a" + end));
      AutoCloseable b = w.addAppendListener("t", (topic, end) -> seen.add("b" + end));
      AutoCloseable c = w.addAppendListener("u", (topic, end) -> seen.add("c" + end));
      w.appendForTopic("t", b("1"));
      a.close();
      w.appendForTopic("t", b("2"));
      b.close();
      w.appendForTopic("t", b("3")); // the topic's last listener left: nobody is told
      AutoCloseable again = w.addAppendListener("t", (topic, end) -> seen.add("d" + end));
      w.appendForTopic("t", b("4"));
      w.appendForTopic("u", b("x"));
      again.close();
      c.close();
      assertThat(seen).containsExactly("a1", "b1", "b2", "d4", "c1");
    }
  }
}
