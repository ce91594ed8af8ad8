package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input (SPEC §4.1, §4.8, §8), beyond {@link BadInputTest} and
 * {@link NamespaceTest}: names that look like paths are just names (stored inside data
 * files, never used as paths); 10,000-character and unpaired-surrogate names are refused;
 * payloads of 0 bytes, the maximum and the maximum + 1; batches of 2,000 and 2,001;
 * negative and extreme budgets and checkpoints. Every refusal is typed, names the value,
 * and writes nothing; every file and directory created is owner-only.
 */
class HostileInputTest {
  @TempDir Path root;

  private Path data() {
    return root.resolve("data");
  }

  private Walrus open(int maxEntry) {
    return Walrus.builder()
        .dataDir(data())
        .namespace("ns")
        .blockSize(4096)
        .blocksPerFile(4)
        .maxEntryBytes(maxEntry)
        .quiet(true)
        .open();
  }

  private List<String> tree() throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void pathLikeTopicAndConsumerNamesAreOnlyNames() throws Exception {
    String[] names = {"..", ".", "/", "../../etc/passwd", "a/b", "\\..\\x", "~", "${HOME}"};
    try (Walrus w = open(1000)) {
      for (String t : names) {
        assertThat(w.appendForTopic(t, t.getBytes())).isZero();
        assertThat(w.readNext(t, t, true).orElseThrow().data()).isEqualTo(t.getBytes());
        w.checkpoint(t, t, 1);
        assertThat(w.position(t, t)).isEqualTo(1);
      }
      w.sync();
    }
    List<String> files = tree();
    assertThat(files).allMatch(f -> f.isEmpty() || f.equals("data") || f.startsWith("data/ns"));
    try (Walrus w = open(1000)) {
      assertThat(w.topics()).containsExactlyInAnyOrder(names);
      for (String t : names) {
        assertThat(w.position(t, t)).isEqualTo(1);
        assertThat(w.stats(t).orElseThrow().nextOffset()).isEqualTo(1);
      }
    }
    for (String f : tree()) {
      Path p = root.resolve(f);
      if (f.startsWith("data/ns/")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .as(f)
            .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
      }
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data().resolve("ns"))))
        .isEqualTo("rwx------");
  }

  @Test
  void hugeAndMalformedNamesAreRefusedAndWriteNothing() throws Exception {
    String[] bad = {"x".repeat(10_000), "\uDC00", "a\uD800", "\uD800\uD800", "nul\0", "\0"};
    try (Walrus w = open(1000)) {
      w.appendForTopic("ok", new byte[1]);
      w.sync();
      List<String> before = tree();
      for (String n : bad) {
        assertThatThrownBy(() -> w.appendForTopic(n, new byte[1]))
            .isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> w.batchAppendForTopic(n, List.of(new byte[1])))
            .isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> w.readNext("ok", n, true))
            .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> w.checkpoint("ok", n, 0))
            .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> w.batchReadForTopic("ok", n, 10, true))
            .isInstanceOf(InvalidArgumentException.class);
      }
      assertThat(w.topics()).containsExactly("ok");
      w.sync();
      assertThat(tree()).isEqualTo(before);
    }
  }

  @Test
  void payloadsOfZeroTheMaximumAndOneMore() {
    try (Walrus w = open(1000)) {
      assertThat(w.appendForTopic("t", new byte[0])).isZero();
      assertThat(w.appendForTopic("t", new byte[1000])).isEqualTo(1);
      assertThatThrownBy(() -> w.appendForTopic("t", new byte[1001]))
          .isInstanceOf(EntryTooLargeException.class)
          .hasMessageContaining("1001");
      List<byte[]> batch = new ArrayList<>(List.of(new byte[0], new byte[1000], new byte[1001]));
      assertThatThrownBy(() -> w.batchAppendForTopic("t", batch))
          .isInstanceOf(EntryTooLargeException.class)
          .hasMessageContaining("1001");
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(2);
      assertThat(w.readNext("t", true).orElseThrow().data()).isEmpty();
      assertThat(w.readNext("t", true).orElseThrow().data()).hasSize(1000);
      assertThat(w.readNext("t", true)).isEmpty();
    }
    // the engine-wide cap (1 GiB) is refused before anything is allocated or written
    assertThatThrownBy(() -> Walrus.builder().maxEntryBytes(Walrus.MAX_ENTRY_BYTES + 1))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void batchesOf2000And2001Entries() {
    try (Walrus w = open(1000)) {
      List<byte[]> ok = new ArrayList<>(Collections.nCopies(Walrus.MAX_BATCH_ENTRIES, new byte[3]));
      assertThat(w.batchAppendForTopic("t", ok)).isZero();
      List<byte[]> tooMany = new ArrayList<>(ok);
      tooMany.add(new byte[3]);
      assertThatThrownBy(() -> w.batchAppendForTopic("t", tooMany))
          .isInstanceOf(BatchTooLargeException.class)
          .hasMessageContaining("2001");
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(2000);
      assertThat(w.batchReadForTopic("t", Long.MAX_VALUE, true)).hasSize(2000);
    }
  }

  @Test
  void negativeAndExtremeBudgetsAndCheckpoints() {
    try (Walrus w = open(1000)) {
      w.batchAppendForTopic("t", List.of(new byte[10], new byte[10], new byte[10]));
      for (long bad : new long[] {-1, Long.MIN_VALUE}) {
        assertThatThrownBy(() -> w.batchReadForTopic("t", bad, true))
            .isInstanceOf(InvalidArgumentException.class)
            .hasMessageContaining(Long.toString(bad));
        assertThatThrownBy(() -> w.batchReadForTopic("t", "c", bad, false))
            .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> w.checkpoint("t", "c", bad))
            .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> w.checkpoint("t", bad))
            .isInstanceOf(InvalidArgumentException.class);
      }
      assertThatThrownBy(() -> w.checkpoint("t", "c", 4))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("4");
      assertThatThrownBy(() -> w.checkpoint("t", "c", Long.MAX_VALUE))
          .isInstanceOf(InvalidArgumentException.class);
      assertThat(w.batchReadForTopic("t", 0, true)).as("a zero budget still reads one").hasSize(1);
      assertThat(w.batchReadForTopic("t", Long.MAX_VALUE, true)).hasSize(2);
    }
  }
}
