package dev.walrus.reactive.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The acknowledged progress of one MANUAL tail: the highest offset acknowledged so far.
 * Acknowledgments are cumulative (as in Kafka): acknowledging offset {@code n} means the
 * tail's work up to and including {@code n} is done, so the position to commit is
 * {@code n + 1}.
 *
 * <p>Thread-safe and lock-free; never blocks.
 */
public final class AckState {
  private final AtomicLong highest = new AtomicLong(-1);

  /** Records that {@code offset} (and everything the tail delivered before it) is done. */
  public void acknowledge(long offset) {
    highest.accumulateAndGet(offset, Math::max);
  }

  /** @return the position to commit (highest acknowledged + 1), or -1 if none */
  public long committable() {
    long h = highest.get();
    return h < 0 ? -1 : h + 1;
  }
}
