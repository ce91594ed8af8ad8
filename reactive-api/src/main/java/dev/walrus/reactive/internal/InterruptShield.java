package dev.walrus.reactive.internal;

import java.util.function.Supplier;

/**
 * Runs an engine call with the calling thread's interrupt status cleared, and restores
 * the status afterwards. Defense in depth: the reactive layer never interrupts a thread
 * that is inside an engine call (it never disposes a running scheduler task), but a
 * stale interrupt left on a scheduler thread by user code (for example a subscriber's
 * {@code onNext} running on that thread) must not reach an interruptible channel in the
 * engine.
 *
 * <p>Stateless and thread-safe.
 */
public final class InterruptShield {
  private InterruptShield() {}

  /**
   * @param call the engine call
   * @param <T> its result type
   * @return its result
   */
  public static <T> T call(Supplier<T> call) {
    boolean interrupted = Thread.interrupted();
    try {
      return call.get();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** @param call the engine call, run as {@link #call(Supplier)} does */
  public static void run(Runnable call) {
    boolean interrupted = Thread.interrupted();
    try {
      call.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
