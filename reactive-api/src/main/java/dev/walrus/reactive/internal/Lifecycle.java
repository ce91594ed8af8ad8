package dev.walrus.reactive.internal;

import dev.walrus.WalrusClosedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open/closed state of one {@code ReactiveWalrus}: the live tails (so that closing can
 * stop them) and a count of busy drain tasks and engine calls (so that closing can wait
 * for queued work and reads in flight).
 *
 * <p>Thread-safe. Only {@link #close(Duration)} blocks.
 */
public final class Lifecycle {
  /** Something that closing must stop: a live tail. */
  public interface Stoppable {
    /** Asks it to terminate (complete) soon; must not block. */
    void stop();
  }

  private final Set<Stoppable> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger busy = new AtomicInteger();
  private final Object monitor = new Object();
  private volatile boolean closed;

  /** @return true once {@link #close(Duration)} was called */
  public boolean isClosed() {
    return closed;
  }

  /**
   * @throws WalrusClosedException if closed
   */
  public void checkOpen() {
    if (closed) {
      throw new WalrusClosedException("this ReactiveWalrus is closed");
    }
  }

  /**
   * Registers a live tail.
   *
   * @return false if already closed (the tail must not start)
   */
  public boolean register(Stoppable s) {
    live.add(s);
    if (closed) {
      live.remove(s);
      return false;
    }
    return true;
  }

  /** Removes a terminated tail. */
  public void deregister(Stoppable s) {
    if (live.remove(s)) {
      wake();
    }
  }

  /** A drain task or an engine call was scheduled. */
  public void taskStarted() {
    busy.incrementAndGet();
  }

  /** A drain task or an engine call finished and has nothing left to do. */
  public void taskEnded() {
    if (busy.decrementAndGet() == 0) {
      wake();
    }
  }

  private void wake() {
    if (closed) {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
  }

  /**
   * Refuses new work, stops every live tail and waits (blocking) until the tails have
   * terminated and the queued appends are written, or the timeout passes.
   *
   * @return true if everything finished in time
   */
  public boolean close(Duration timeout) {
    closed = true;
    for (Stoppable s : live) {
      s.stop();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      while (!live.isEmpty() || busy.get() != 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          monitor.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }
}
