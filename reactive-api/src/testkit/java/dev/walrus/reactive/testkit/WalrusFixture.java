package dev.walrus.reactive.testkit;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a small engine in a temp dir and its reactive view; closes both after each test.
 * Public (in the reactive module's test-jar) so that the Vert.x adapter's fixture shares it;
 * in a package of its own because {@code dev.walrus.reactive} belongs to the named module
 * {@code dev.walrus.reactive}, which a class-path test-jar cannot add classes to.
 */
public abstract class WalrusFixture {
  /** How long a step, a poll or a future may take before the test fails. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(20);

  static {
    // A broken implementation must fail a test, never hang the suite.
    reactor.test.StepVerifier.setDefaultTimeout(TIMEOUT);
  }

  /** The engine's data directory (fresh for each test). */
  @TempDir protected Path dir;

  /** The engine, once opened. */
  protected Walrus wal;

  /** Its reactive view, once opened. */
  protected ReactiveWalrus rw;

  /** @return a builder of a small engine (64 KiB blocks, 16 a file) in {@link #dir} */
  protected Walrus.Builder engine() {
    return Walrus.builder().dataDir(dir).blockSize(64 * 1024).blocksPerFile(16).quiet(true);
  }

  /** Opens {@link #engine()} and its reactive view. */
  protected void open() {
    open(engine());
  }

  /** @param b opened, with its reactive view */
  protected void open(Walrus.Builder b) {
    wal = b.open();
    rw = ReactiveWalrus.create(wal);
  }

  /** Opens {@link #engine()} with this consistency and fsync schedule. */
  protected void open(ReadConsistency c, FsyncSchedule s) {
    open(engine().consistency(c).fsyncSchedule(s));
  }

  /** Closes both (the reactive view first), for restart tests. */
  protected void closeAll() {
    if (rw != null) {
      rw.close();
      rw = null;
    }
    if (wal != null) {
      wal.close();
      wal = null;
    }
  }

  /** Closes what is open. */
  @AfterEach
  protected void tearDown() {
    closeAll();
  }

  /** @return the UTF-8 bytes of {@code s} */
  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Polls a condition until it holds or the deadline passes; fails on timeout. */
  protected static void await(String what, BooleanSupplier condition) {
    Poll.until(what, TIMEOUT, condition);
  }
}
