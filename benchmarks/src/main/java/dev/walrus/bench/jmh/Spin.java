package dev.walrus.bench.jmh;

import java.util.concurrent.atomic.AtomicLong;

/** Busy-waits for a reader thread to report a position, with a generous deadline. */
final class Spin {
  private static final long DEADLINE_NANOS = 10_000_000_000L;

  private Spin() {}

  /**
   * Spins until {@code seen} reaches {@code target}.
   *
   * @return the value seen
   * @throws IllegalStateException if it does not within ten seconds
   */
  static long until(AtomicLong seen, long target) {
    long v = seen.get();
    if (v >= target) {
      return v;
    }
    long start = System.nanoTime();
    int spins = 0;
    while ((v = seen.get()) < target) {
      Thread.onSpinWait();
      if ((++spins & 0xFFFF) == 0 && System.nanoTime() - start > DEADLINE_NANOS) {
        throw new IllegalStateException("reader stuck at " + v + ", waiting for " + target);
      }
    }
    return v;
  }
}
