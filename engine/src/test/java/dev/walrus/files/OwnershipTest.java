package dev.walrus.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.Entry;
import dev.walrus.NamespaceLockedException;
import dev.walrus.Walrus;
import dev.walrus.testkit.ChildJvm;
import dev.walrus.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §8: a second writer is impossible while the owner lives, whatever happens to one
 * file. A child JVM owns the namespace and appends under {@code SyncEach}; the lock files
 * are deleted under it (as a temp cleaner would); a second opener fails with
 * {@link NamespaceLockedException}, the owner restores what was deleted, and after the
 * owner is killed no acknowledged entry is missing.
 */
class OwnershipTest {
  @TempDir Path dir;
  @TempDir Path logs;
  private ChildJvm child;

  @AfterEach
  void killChild() throws IOException {
    if (child != null) {
      child.close();
    }
  }

  private void startOwner() throws IOException {
    child =
        ChildJvm.builder(FilesChild.class)
            .args("owner", dir.toString())
            .stderrTo(logs.resolve("owner.err"))
            .collectLines()
            .start();
  }

  private long acks() {
    return child.lines().stream().filter(l -> l.startsWith("A ")).count();
  }

  private static void await(String what, BooleanSupplier cond) {
    Poll.until(what, Duration.ofSeconds(30), cond);
  }

  private Walrus openHere() {
    return Walrus.builder().dataDir(dir).namespace(null).blockSize(4096).blocksPerFile(2).open();
  }

  @Test
  void deletingLockWhileTheOwnerRunsLetsNoSecondWriterIn() throws Exception {
    startOwner();
    await("the owner has acknowledged 50 appends", () -> acks() >= 50);
    Path lock = dir.resolve("LOCK");
    Files.delete(lock);
    assertThatThrownBy(this::openHere)
        .as("a second opener right after LOCK was deleted")
        .isInstanceOf(NamespaceLockedException.class);
    // the owner notices on its next check and locks a LOCK again
    long pid = child.pid();
    await(
        "the owner has re-created LOCK",
        () -> {
          try {
            return Files.exists(lock) && Files.readString(lock).equals("pid " + pid + "\n");
          } catch (IOException e) {
            return false;
          }
        });
    long before = acks();
    await("the owner goes on appending", () -> acks() > before + 20);
    assertThatThrownBy(this::openHere).isInstanceOf(NamespaceLockedException.class);
    Files.delete(dir.resolve("OWNER")); // the other file: LOCK still holds
    assertThatThrownBy(this::openHere).isInstanceOf(NamespaceLockedException.class);
    long more = acks();
    await("the owner still appends", () -> acks() > more + 20);
    assertThat(child.lines()).noneMatch(l -> l.startsWith("E "));

    child.killAndAwait("the owner");
    long acked = -1;
    for (String l : child.lines()) {
      if (l.startsWith("A ")) {
        acked = Math.max(acked, Long.parseLong(l.substring(2)));
      }
    }
    try (Walrus w = openHere()) {
      assertThat(w.stats("t").orElseThrow().nextOffset())
          .as("every acknowledged entry is there")
          .isGreaterThan(acked);
      for (long i = 0; i <= acked; i++) {
        Entry e = w.readNext("t", true).orElseThrow();
        assertThat(e.offset()).isEqualTo(i);
        assertThat(e.data()).isEqualTo(FilesChild.payload(i));
      }
    }
  }

  @Test
  void anOwnerWhoseLockFilesWereBothTakenStopsWithATypedError() throws Exception {
    startOwner();
    await("the owner has acknowledged 20 appends", () -> acks() >= 20);
    // Outside the guarantee (both files deleted within one check interval): the owner
    // must find out and stop writing rather than go on beside a second writer.
    Walrus second = null;
    for (int attempt = 0; attempt < 50 && second == null; attempt++) {
      Files.deleteIfExists(dir.resolve("LOCK"));
      Files.deleteIfExists(dir.resolve("OWNER"));
      try {
        second = openHere();
      } catch (NamespaceLockedException ownerRepairedFirst) {
        // the owner's check ran in between and locked both again: try again
      }
    }
    assertThat(second).as("a second opener got both files at least once").isNotNull();
    try {
      await(
          "the owner stops with an error",
          () -> child.lines().stream().anyMatch(l -> l.startsWith("E ")));
      String error =
          child.lines().stream().filter(l -> l.startsWith("E ")).findFirst().orElseThrow();
      // the call that found out fails with the I/O error, every later one as poisoned
      assertThat(error)
          .matches("E (FatalIOException|WalrusPoisonedException) .*")
          .contains("ownership of namespace " + dir.toRealPath() + " is lost");
    } finally {
      second.close();
    }
  }

  /**
   * In the owner's own JVM the lock files are only looked at with {@code stat}: opening
   * and closing one here would release the owner's POSIX lock.
   */
  @Test
  void theOwnerRestoresDeletedLockFilesAndKeepsThemFresh() throws Exception {
    try (Walrus w = openHere()) {
      w.appendForTopic("t", new byte[] {1});
      Path lock = dir.resolve("LOCK");
      Path owner = dir.resolve("OWNER");
      long size = ("pid " + ProcessHandle.current().pid() + "\n").length();
      // an age-based cleaner's view: make both look old (touch runs in another process)
      Process touch =
          new ProcessBuilder("touch", "-m", "-d", "2001-01-01", lock.toString(), owner.toString())
              .inheritIO()
              .start();
      assertThat(touch.waitFor(30, TimeUnit.SECONDS) && touch.exitValue() == 0).isTrue();
      long old = Files.getLastModifiedTime(lock).toMillis();
      await(
          "the owner refreshes both files",
          () -> {
            try {
              return Files.getLastModifiedTime(lock).toMillis() > old
                  && Files.getLastModifiedTime(owner).toMillis() > old;
            } catch (IOException e) {
              return false;
            }
          });
      Files.delete(lock);
      Files.delete(owner);
      await(
          "the owner re-creates both",
          () -> {
            try {
              return Files.size(lock) == size && Files.size(owner) == size;
            } catch (IOException e) {
              return false;
            }
          });
      assertThat(w.appendForTopic("t", new byte[] {2})).isEqualTo(1);
    }
  }
}
