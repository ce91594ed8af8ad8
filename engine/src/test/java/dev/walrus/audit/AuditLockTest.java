package dev.walrus.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.NamespaceLockedException;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walrus class Javadoc, "Threads": one instance owns a namespace directory at a time, in
 * this process too, also when a lock file was deleted or the directory is reached through
 * another path; the refused open changes nothing and the owner keeps working.
 */
class AuditLockTest {
  @TempDir Path tmp;

  private Walrus openAt(Path data, String key) {
    return Walrus.builder().dataDir(data).namespace(key).blockSize(4096).quiet(true).open();
  }

  /** Deleting LOCK or OWNER of an open instance lets no second instance of this JVM in. */
  @ParameterizedTest
  @ValueSource(strings = {"LOCK", "OWNER"})
  void aDeletedLockFileLetsNoSecondInstanceOfThisProcessIn(String file) throws Exception {
    Path data = tmp.resolve("data");
    try (Walrus owner = openAt(data, "ns")) {
      owner.appendForTopic("t", "a".getBytes(UTF_8));
      Files.delete(data.resolve("ns").resolve(file));
      assertThatThrownBy(() -> openAt(data, "ns")).isInstanceOf(NamespaceLockedException.class);
      assertThat(owner.appendForTopic("t", "b".getBytes(UTF_8))).isEqualTo(1);
      assertThat(owner.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("a");
    }
    try (Walrus again = openAt(data, "ns")) {
      assertThat(again.stats("t").orElseThrow().nextOffset()).isEqualTo(2);
      assertThat(again.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("b");
    }
  }

  /**
   * The same namespace reached through a symbolic link to the data directory, a
   * non-normalised path, or a relative path is still refused while open (typed), and the
   * owner's entries are intact.
   */
  @Test
  void theSameNamespaceThroughAnotherPathIsRefused() throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    Path link = Files.createSymbolicLink(tmp.resolve("alias"), data);
    Files.createDirectories(tmp.resolve("sub"));
    try (Walrus owner = openAt(data, null)) {
      owner.appendForTopic("t", "a".getBytes(UTF_8));
      assertThatThrownBy(() -> openAt(link, null))
          .as("through a link to the data directory")
          .isInstanceOf(NamespaceLockedException.class);
      assertThatThrownBy(() -> openAt(tmp.resolve("sub/../data"), null))
          .as("through sub/../data")
          .isInstanceOf(NamespaceLockedException.class);
      assertThatThrownBy(() -> openAt(tmp.resolve("./data/."), null))
          .as("through ./data/.")
          .isInstanceOf(NamespaceLockedException.class);
      Path relative = Path.of("").toAbsolutePath().relativize(data);
      assertThatThrownBy(() -> openAt(relative, null))
          .as("through the relative path %s", relative)
          .isInstanceOf(NamespaceLockedException.class);
      assertThat(owner.appendForTopic("t", "b".getBytes(UTF_8))).isEqualTo(1);
    }
    try (Walrus again = openAt(link, null)) {
      assertThat(again.stats("t").orElseThrow().nextOffset()).isEqualTo(2);
    }
  }

  /**
   * A keyed namespace under a data directory given through a link: the second opener is
   * refused with a typed error (locked, or the link refused), never let in.
   */
  @Test
  void aKeyedNamespaceUnderALinkedDataDirectoryIsNotOpenedTwice() throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    Path link = Files.createSymbolicLink(tmp.resolve("alias"), data);
    try (Walrus owner = openAt(data, "ns")) {
      owner.appendForTopic("t", "a".getBytes(UTF_8));
      assertThatThrownBy(() -> openAt(link, "ns")).isInstanceOf(WalrusException.class);
      assertThat(owner.appendForTopic("t", "b".getBytes(UTF_8))).isEqualTo(1);
    }
  }

  /** Repeated refused opens in the owner's JVM never release the owner's locks. */
  @Test
  void aRefusedOpenDoesNotReleaseTheOwnersLock() {
    Path data = tmp.resolve("data");
    try (Walrus owner = openAt(data, null)) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> openAt(data, null)).isInstanceOf(NamespaceLockedException.class);
      }
      // still refused: no refused attempt dropped the POSIX lock by closing a channel
      assertThatThrownBy(() -> openAt(data, null)).isInstanceOf(NamespaceLockedException.class);
      owner.appendForTopic("t", new byte[1]);
    }
  }
}
