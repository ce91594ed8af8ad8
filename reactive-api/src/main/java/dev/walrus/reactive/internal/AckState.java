package dev.walrus.reactive.internal;

import dev.walrus.Entry;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One tail's membership in its {@link ConsumerGroup}: the entries the group handed to the
 * tail that are not yet acknowledged, in the order they were handed out (which is the
 * order the tail delivers them), and how far the tail has acknowledged.
 *
 * <p>Every entry handed to the tail gets a sequence number, 0, 1, 2, … in delivery order.
 * Acknowledgments are cumulative in that order (as in Kafka): acknowledging the entry with
 * sequence number {@code s} means the tail's work on it and on every entry it delivered
 * before it is done. In AUTO mode an entry counts as acknowledged as soon as it is
 * delivered.
 *
 * <p>Thread-safety: {@link #acknowledge} is lock-free and may be called from any thread,
 * including non-blocking ones. Everything else is called by the group, under the group's
 * lock.
 */
public final class AckState {
  /** An entry handed to the tail: its sequence number and the entry. */
  record Held(long seq, Entry entry) {}

  private static final AtomicLongFieldUpdater<AckState> ACKNOWLEDGED =
      AtomicLongFieldUpdater.newUpdater(AckState.class, "acknowledged");

  // A field updater, not an AtomicLong, and a deque that starts with room for one entry:
  // an idle tail holds nothing, and 10,000 of them should cost little (see TailSubscription).
  private volatile long acknowledged = -1;
  private final Runnable wake;

  /** Set (never blocking) when the tail was cancelled; the group then lets it leave first. */
  private volatile boolean leaving;

  // Guarded by the group's lock.
  private final ArrayDeque<Held> held = new ArrayDeque<>(1);
  private long nextSeq;

  /**
   * @param wake called (never blocking) when the group has entries for this tail again, or
   *     the tail acknowledged more
   */
  AckState(Runnable wake) {
    this.wake = wake;
  }

  /**
   * Marks the tail as leaving (it was cancelled; its drain calls {@code leave} later, on the
   * scheduler). Never blocks: called from {@code cancel()} on any thread.
   */
  public void markLeaving() {
    leaving = true;
  }

  /** @return true once {@link #markLeaving} was called */
  boolean leaving() {
    return leaving;
  }

  /**
   * Records that the entry with sequence number {@code seq} and all before it are done
   * (MANUAL), and, if that is news, wakes the tail so that it lets the acknowledged entries
   * go even while it waits for entries or demand (an idle tail then holds none of them).
   */
  public void acknowledge(long seq) {
    if (ACKNOWLEDGED.getAndAccumulate(this, seq, Math::max) < seq) {
      wake.run();
    }
  }

  /**
   * AUTO: the entry with sequence number {@code seq} was delivered; no wake-up (the tail
   * delivering it lets it go before it waits).
   */
  void delivered(long seq) {
    ACKNOWLEDGED.accumulateAndGet(this, seq, Math::max);
  }

  /** @return the highest acknowledged sequence number, or -1 if none */
  long acknowledgedSeq() {
    return acknowledged;
  }

  /** Group: records that {@code e} was handed to this tail; @return its sequence number. */
  long hold(Entry e) {
    long seq = nextSeq++;
    held.add(new Held(seq, e));
    return seq;
  }

  /** Group: the entries handed out and not acknowledged, oldest first. */
  ArrayDeque<Held> held() {
    return held;
  }

  /** Group: asks the tail to look for entries again. */
  void wake() {
    wake.run();
  }
}
