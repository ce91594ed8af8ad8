package dev.walrus.reactive.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import reactor.core.Exceptions;

/**
 * The completion of an {@code append(..).block()}: holds the outcome for the one thread
 * that waits in {@link #await(long)}. When that thread wrote the unit itself (see {@link
 * TopicAppender#appendOnCaller}) the outcome is already there and nothing parks; otherwise
 * the topic's drain thread completes it and unparks the waiter.
 *
 * <p>Thread-safe for one waiter and one completer.
 */
final class BlockingAppend implements PendingAppend.Completion {
  private final boolean batch;
  private final Thread waiter = Thread.currentThread();
  private volatile boolean cancelled;
  private volatile boolean done;
  private Object value;
  private Throwable error;

  /** @param batch true to produce an offset list, false for one offset */
  BlockingAppend(boolean batch) {
    this.batch = batch;
  }

  @Override
  public void written(PendingAppend unit, long firstOffset) {
    value = batch ? new OffsetRange(firstOffset, unit.count()) : (Object) firstOffset;
    finish();
  }

  @Override
  public void failed(PendingAppend unit, Throwable e) {
    error = e;
    finish();
  }

  @Override
  public void skipped(PendingAppend unit) {
    finish(); // only after a timeout or an interrupt: nobody reads the outcome
  }

  private void finish() {
    done = true;
    if (Thread.currentThread() != waiter) {
      LockSupport.unpark(waiter);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Waits for the outcome, as Reactor's {@code block} does: the value is returned, an
   * engine error is rethrown (with a suppressed "#block terminated with an error"), an
   * interrupt cancels the append (skipped unless already taken into a write), restores
   * the interrupt status and throws {@code Exceptions.propagate(InterruptedException)}.
   *
   * @param timeoutNanos how long to wait, or a negative value for no limit
   * @return the offset ({@code Long}) or the offsets ({@code List<Long>})
   * @throws IllegalStateException on timeout (the append is cancelled)
   */
  Object await(long timeoutNanos) {
    if (!done) {
      long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
      while (!done) {
        if (Thread.interrupted()) {
          cancelled = true;
          Thread.currentThread().interrupt();
          RuntimeException re = Exceptions.propagate(new InterruptedException());
          re.addSuppressed(new Exception("#block has been interrupted"));
          throw re;
        }
        if (timeoutNanos < 0) {
          LockSupport.park(this);
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            cancelled = true;
            throw new IllegalStateException(
                "Timeout on blocking read for " + timeoutNanos + " " + TimeUnit.NANOSECONDS);
          }
          LockSupport.parkNanos(this, left);
        }
      }
    }
    if (error != null) {
      RuntimeException re = Exceptions.propagate(error);
      re.addSuppressed(new Exception("#block terminated with an error"));
      throw re;
    }
    return value;
  }
}
