package dev.walrus.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.walrus.Entry;
import dev.walrus.UnsafePathException;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §8 and FORMAT.md "Ownership and links": hostile things planted in a namespace before
 * open (FIFOs, directories, links the engine did not create, huge sparse files, data-file
 * names at the end of the sequence space) are refused with a typed exception or ignored;
 * never followed, never a hang, never an untyped error, never a loss of existing entries.
 */
class AuditHostileFilesTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path tmp;

  private Path ns() {
    return tmp.resolve("ns");
  }

  private Walrus open() {
    return AuditSupport.open(ns());
  }

  private void writeSome(int n) {
    try (Walrus w = open()) {
      for (int i = 0; i < n; i++) {
        assertThat(w.appendForTopic("t", ("e" + i).getBytes(UTF_8))).isEqualTo(i);
      }
    }
  }

  private static int verifiers;

  /** Reads the topic whole through a fresh consumer: exactly entries 0..n-1 with their bytes. */
  private static void checkAll(Walrus w, int n) {
    String c = "verify" + verifiers++;
    for (int i = 0; i < n; i++) {
      Entry e = w.readNext("t", c, true).orElseThrow();
      assertThat(e.offset()).isEqualTo(i);
      assertThat(e.dataAsString()).isEqualTo("e" + i);
    }
    assertThat(w.readNext("t", c, true)).isEmpty();
  }

  private static void mkfifo(Path p) throws Exception {
    Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertThat(pr.waitFor()).isZero();
  }

  /** Opens a FIFO for writing and at once closes it: unblocks a reader stuck on it. */
  private static void unblock(Path fifo) {
    Thread t =
        new Thread(
            () -> {
              try (RandomAccessFile f = new RandomAccessFile(fifo.toFile(), "rw")) {
                // open for reading and writing never blocks on a FIFO
              } catch (IOException ignored) {
                // nothing to unblock
              }
            });
    t.setDaemon(true);
    t.start();
  }

  /** A FIFO at one of the engine's own file names is refused (not a regular file), no hang. */
  @ParameterizedTest
  @ValueSource(
      strings = {"cursors.log", "LOCK", "OWNER", "cursors.tmp", "wal-00000000000000000000.log"})
  void aFifoAtAnEngineFileNameIsRefusedWithoutHanging(String name) throws Exception {
    writeSome(20);
    Path p = ns().resolve(name);
    Path saved = tmp.resolve("saved");
    if (Files.exists(p)) {
      Files.move(p, saved);
    }
    mkfifo(p);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try {
      assertTimeoutPreemptively(
          DEADLINE,
          () -> {
            try (Walrus w = open()) {
              // opened: only acceptable if the FIFO was ignored and nothing was lost
              checkAll(w, Files.exists(saved) ? 0 : 20);
            } catch (Throwable t) {
              thrown.set(t);
            }
          },
          "open with a FIFO at " + name);
    } finally {
      unblock(p);
    }
    assertThat(thrown.get())
        .as("open with a FIFO at %s", name)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(p.toString());
    assertThat(Files.isRegularFile(p)).isFalse();
    Files.delete(p);
    if (Files.exists(saved)) {
      Files.move(saved, p);
    }
    try (Walrus w = open()) {
      checkAll(w, 20);
    }
  }

  /** A directory at one of the engine's file names is refused with a typed error, no hang. */
  @ParameterizedTest
  @ValueSource(strings = {"cursors.log", "OWNER", "cursors.tmp", "wal-00000000000000000000.log"})
  void aDirectoryAtAnEngineFileNameIsATypedError(String name) throws Exception {
    writeSome(20);
    Path p = ns().resolve(name);
    Path saved = tmp.resolve("saved");
    if (Files.exists(p)) {
      Files.move(p, saved);
    }
    Files.createDirectory(p);
    Files.writeString(p.resolve("inside"), "keep");
    assertTimeoutPreemptively(
        DEADLINE,
        () -> assertThatThrownBy(this::open).isInstanceOf(WalrusException.class),
        "open with a directory at " + name);
    assertThat(Files.readString(p.resolve("inside"))).isEqualTo("keep");
  }

  /** A link planted at OWNER or cursors.tmp is refused and its target neither read nor changed. */
  @ParameterizedTest
  @ValueSource(strings = {"OWNER", "cursors.tmp"})
  void aLinkAtOwnerOrTheCompactionFileIsRefusedAndItsTargetUntouched(String name) throws Exception {
    writeSome(20);
    Path victim = tmp.resolve("victim.txt");
    Files.writeString(victim, "precious\n");
    Path p = ns().resolve(name);
    Files.deleteIfExists(p);
    Files.createSymbolicLink(p, victim);
    assertThatThrownBy(this::open)
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(p.toString());
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
    assertThat(Files.isSymbolicLink(p)).isTrue();
  }

  /** A dangling link at the compaction file's name is refused too: nothing is created through it. */
  @Test
  void aDanglingLinkAtTheCompactionFileIsRefusedAndNothingCreatedThroughIt() throws Exception {
    writeSome(20);
    Path target = tmp.resolve("created-through-link");
    Path p = ns().resolve("cursors.tmp");
    Files.createSymbolicLink(p, target);
    assertThatThrownBy(this::open).isInstanceOf(UnsafePathException.class);
    assertThat(target).doesNotExist();
  }

  /**
   * A 16 GiB sparse file (all zeros) at the next data-file name and sparse 4 GiB lock files
   * and compaction file: the engine opens without reading them whole, keeps every entry and
   * goes on appending.
   */
  @Test
  void hugeSparseFilesAtEngineNamesAreHandledWithoutReadingThem() throws Exception {
    writeSome(20);
    sparse(ns().resolve("wal-00000000000000000007.log"), 16L << 30);
    sparse(ns().resolve("cursors.tmp"), 4L << 30);
    sparse(ns().resolve("LOCK"), 4L << 30);
    sparse(ns().resolve("OWNER"), 4L << 30);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          try (Walrus w = open()) {
            checkAll(w, 20);
            for (int i = 20; i < 200; i++) {
              assertThat(w.appendForTopic("t", ("e" + i).getBytes(UTF_8))).isEqualTo(i);
            }
          }
          try (Walrus w = open()) {
            checkAll(w, 200);
          }
        });
  }

  private static void sparse(Path p, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  /**
   * Regular files named like data files at the end of the sequence space (the largest long,
   * the largest 20-digit number) or not numbered at all: the open ignores them or refuses
   * with a typed error; it never throws an untyped exception, and appends never wrap.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "wal-09223372036854775807.log",
        "wal-99999999999999999999.log",
        "wal-abc.log",
        "wal-.log",
        "wal--0000000000000000001.log"
      })
  void dataFileNamesAtTheEndOfTheSequenceSpaceAreHandled(String name) throws Exception {
    writeSome(20);
    Files.write(ns().resolve(name), new byte[0]);
    Map<String, String> before = AuditSupport.files(ns());
    try (Walrus w = open()) {
      checkAll(w, 20);
      // enough to need new data files (4 KiB blocks, 4 per file)
      byte[] big = new byte[900];
      for (int i = 20; i < 120; i++) {
        assertThat(w.appendForTopic("t", big)).isEqualTo(i);
      }
    } catch (WalrusException typed) {
      // refusing is allowed, but then nothing may have changed
      assertThat(AuditSupport.files(ns())).isEqualTo(before);
      return;
    }
    try (Walrus w = open()) {
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(120);
    }
  }
}
