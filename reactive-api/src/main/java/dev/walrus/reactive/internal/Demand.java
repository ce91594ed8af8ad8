package dev.walrus.reactive.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Reactive-streams demand arithmetic on an {@link AtomicLong}: adding requests (capped at
 * {@code Long.MAX_VALUE}, which means unbounded) and subtracting what was emitted.
 *
 * <p>Stateless and thread-safe; lock-free.
 */
final class Demand {
  private Demand() {}

  /** Adds {@code n} to the demand, saturating at unbounded. */
  static void add(AtomicLong requested, long n) {
    for (;;) {
      long r = requested.get();
      if (r == Long.MAX_VALUE) {
        return;
      }
      long u = r + n;
      if (u < 0) {
        u = Long.MAX_VALUE;
      }
      if (requested.compareAndSet(r, u)) {
        return;
      }
    }
  }

  /** Subtracts {@code n} emitted items, unless the demand is unbounded. */
  static void produced(AtomicLong requested, long n) {
    for (;;) {
      long r = requested.get();
      if (r == Long.MAX_VALUE) {
        return;
      }
      long u = r - n;
      if (u < 0) {
        u = 0;
      }
      if (requested.compareAndSet(r, u)) {
        return;
      }
    }
  }
}
