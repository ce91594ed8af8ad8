package dev.walrus.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.Entry;
import dev.walrus.UnsafePathException;
import dev.walrus.Walrus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §8: inside the data directory the engine never follows a symbolic link it did not
 * create, and refuses with {@link UnsafePathException} naming the path; a data-file name
 * it wants that is taken makes it take another one instead of wedging the topic.
 */
class PlantedPathsTest {
  private static final String VICTIM_TEXT = "precious, not the engine's\n";

  @TempDir Path tmp;

  private Path data() {
    return tmp.resolve("data");
  }

  private Path ns() {
    return data().resolve("tenant");
  }

  private Walrus open() {
    return Walrus.builder()
        .dataDir(data())
        .namespace("tenant")
        .blockSize(4096)
        .blocksPerFile(1)
        .open();
  }

  private Path victim() throws IOException {
    Path v = tmp.resolve("victim.txt");
    if (!Files.exists(v)) {
      Files.writeString(v, VICTIM_TEXT);
    }
    return v;
  }

  private List<Path> dataFiles() throws IOException {
    try (Stream<Path> s = Files.list(ns())) {
      return s.filter(p -> p.getFileName().toString().matches("wal-\\d+\\.log")).sorted().toList();
    }
  }

  /** @return the name of the data file after the newest one */
  private Path nextDataFile() throws IOException {
    List<Path> files = dataFiles();
    String last = files.get(files.size() - 1).getFileName().toString();
    long seq = Long.parseLong(last.substring(4, last.length() - 4));
    return ns().resolve(String.format("wal-%020d.log", seq + 1));
  }

  private void writeSome(int from, int to) {
    try (Walrus w = open()) {
      for (int i = from; i < to; i++) {
        assertThat(w.appendForTopic("t", ("e" + i).getBytes(UTF_8))).isEqualTo(i);
      }
    }
  }

  @Test
  void aLinkPlantedAsLockIsRefusedAndItsTargetUntouched() throws IOException {
    writeSome(0, 1);
    Path lock = ns().resolve("LOCK");
    Files.delete(lock);
    Files.createSymbolicLink(lock, victim());
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(lock.toString());
    assertThat(Files.readString(victim())).isEqualTo(VICTIM_TEXT);
    assertThat(Files.isSymbolicLink(lock)).as("the engine leaves the link alone").isTrue();
  }

  @Test
  void aNamespaceDirectoryThatIsALinkIsRefusedAndNothingIsWrittenThrough() throws IOException {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createDirectories(data());
    Files.createSymbolicLink(ns(), elsewhere);
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(ns().toString());
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.toList()).as("nothing created through the link").isEmpty();
    }
  }

  @Test
  void aDataFileThatIsALinkIsRefusedAndItsTargetUntouched() throws IOException {
    writeSome(0, 200);
    Path file = dataFiles().get(0);
    Path copy = Files.copy(file, tmp.resolve("copy.log"));
    byte[] before = Files.readAllBytes(copy);
    Files.delete(file);
    Files.createSymbolicLink(file, copy);
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(file.toString());
    assertThat(Files.readAllBytes(copy)).isEqualTo(before);
  }

  @Test
  void aCursorJournalThatIsALinkIsRefusedAndItsTargetUntouched() throws IOException {
    writeSome(0, 10);
    Path journal = ns().resolve("cursors.log");
    Path copy = Files.copy(journal, tmp.resolve("cursors-copy.log"));
    byte[] before = Files.readAllBytes(copy);
    Files.delete(journal);
    Files.createSymbolicLink(journal, copy);
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(journal.toString());
    assertThat(Files.readAllBytes(copy)).isEqualTo(before);
  }

  @Test
  void aFilePlantedAtTheNextDataFileNameIsSkippedNotWedging() throws IOException {
    int n = 600; // several 4 KiB files
    Path planted;
    try (Walrus w = open()) {
      w.appendForTopic("t", "e0".getBytes(UTF_8));
      planted = nextDataFile();
      Files.writeString(planted, VICTIM_TEXT);
      for (int i = 1; i < n; i++) {
        assertThat(w.appendForTopic("t", ("e" + i).getBytes(UTF_8))).isEqualTo(i);
      }
      assertThat(Files.readString(planted))
          .as("the planted file is left alone")
          .isEqualTo(VICTIM_TEXT);
      assertThat(dataFiles().size()).isGreaterThan(3);
    }
    try (Walrus w = open()) {
      for (int i = 0; i < n; i++) {
        Entry e = w.readNext("t", true).orElseThrow();
        assertThat(e.offset()).isEqualTo(i);
        assertThat(new String(e.data(), UTF_8)).isEqualTo("e" + i);
      }
      assertThat(w.appendForTopic("t", new byte[1])).isEqualTo(n);
      // once reopened, a wal-*.log without a valid block is taken for one the engine made
      // just before a crash: it holds nothing, and reclamation deletes it
      w.reclaim();
      assertThat(planted).doesNotExist();
    }
  }

  @Test
  void aLinkPlantedAtTheNextDataFileNameIsSkippedAndItsTargetUntouched() throws IOException {
    int n = 600;
    Path planted;
    try (Walrus w = open()) {
      w.appendForTopic("t", "e0".getBytes(UTF_8));
      planted = nextDataFile();
      Files.createSymbolicLink(planted, victim());
      for (int i = 1; i < n; i++) {
        assertThat(w.appendForTopic("t", ("e" + i).getBytes(UTF_8))).isEqualTo(i);
      }
      for (int i = 0; i < n; i++) {
        assertThat(w.readNext("t", true).orElseThrow().offset()).isEqualTo(i);
      }
    }
    assertThat(Files.readString(victim())).isEqualTo(VICTIM_TEXT);
    // at the next open the link is found among the data files: refused, naming it
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(planted.toString());
    Files.delete(planted);
    try (Walrus w = open()) {
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(n);
    }
  }

  @Test
  void aDataDirectoryThatIsALinkIsTheUsersChoiceAndIsFollowed() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    try (Walrus w = Walrus.builder().dataDir(link).namespace(null).open()) {
      w.appendForTopic("t", new byte[] {1});
      assertThat(w.directory()).isEqualTo(real.toRealPath());
    }
    try (Walrus w = Walrus.builder().dataDir(link).namespace("k").open()) {
      w.appendForTopic("t", new byte[] {1});
    }
    assertThat(real.resolve("LOCK")).isRegularFile();
    assertThat(real.resolve("k").resolve("LOCK")).isRegularFile();
  }

  @Test
  void aNamespacePathThatIsAFileOrADanglingLinkIsRefused() throws IOException {
    Files.createDirectories(data());
    Files.writeString(ns(), VICTIM_TEXT);
    assertThatThrownBy(this::open)
        .isInstanceOf(dev.walrus.WalrusIOException.class)
        .hasMessageContaining(ns().toString());
    assertThat(Files.readString(ns())).isEqualTo(VICTIM_TEXT);
    Files.delete(ns());
    Path nowhere = tmp.resolve("nowhere");
    Files.createSymbolicLink(ns(), nowhere);
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(ns().toString())
        .hasMessageContaining("symbolic link");
    assertThat(nowhere).doesNotExist();
  }

  @Test
  void aNamespaceDirectoryOwnedByAnotherUserIsRefused() throws Exception {
    Files.createDirectories(ns());
    int me = (Integer) Files.getAttribute(ns(), "unix:uid");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        me == 0, "only root can give a directory to another user");
    Files.setAttribute(ns(), "unix:uid", 65534);
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(ns().toString())
        .hasMessageContaining("owned by uid 65534");
    try (Stream<Path> s = Files.list(ns())) {
      assertThat(s.toList()).as("nothing created in it").isEmpty();
    }
  }
}
