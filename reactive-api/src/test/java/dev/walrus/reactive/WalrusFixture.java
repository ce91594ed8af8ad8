package dev.walrus.reactive;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens a small engine in a temp dir and its reactive view; closes both after each test. */
abstract class WalrusFixture {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static {
    // A broken implementation must fail a test, never hang the suite.
    reactor.test.StepVerifier.setDefaultTimeout(TIMEOUT);
  }

  @TempDir
  Path dir;

  Walrus wal;
  ReactiveWalrus rw;

  Walrus.Builder engine() {
    return Walrus.builder().dataDir(dir).blockSize(64 * 1024).blocksPerFile(16).quiet(true);
  }

  void open() {
    open(engine());
  }

  void open(Walrus.Builder b) {
    wal = b.open();
    rw = ReactiveWalrus.create(wal);
  }

  void open(ReadConsistency c, FsyncSchedule s) {
    open(engine().consistency(c).fsyncSchedule(s));
  }

  /** Closes both (the reactive view first), for restart tests. */
  void closeAll() {
    if (rw != null) {
      rw.close();
      rw = null;
    }
    if (wal != null) {
      wal.close();
      wal = null;
    }
  }

  @AfterEach
  void tearDown() {
    closeAll();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Polls a condition until it holds or the deadline passes; fails on timeout. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
