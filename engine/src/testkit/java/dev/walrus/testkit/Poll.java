package dev.walrus.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition that no event announces (a child's output, a cluster's
 * membership, a file the engine re-creates): it is polled every 2 ms until it holds or a
 * deadline passes. Not a sleep as synchronisation: the test goes on as soon as the
 * condition holds, and fails with a message if it never does.
 */
public final class Poll {
  private Poll() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param what the condition, for the failure message
   * @param timeout how long to wait at most
   * @param condition polled from the calling thread
   * @throws AssertionError {@code "timed out waiting for: " + what} at the deadline
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(2_000_000);
    }
  }
}
