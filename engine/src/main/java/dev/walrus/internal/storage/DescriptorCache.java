package dev.walrus.internal.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds how many file descriptors a backend keeps open, whatever the number of data
 * files: every descriptor that can be reopened on demand registers here when it is opened,
 * and once more than {@code capacity} are registered the least recently used one (CLOCK,
 * second chance) is closed. Its file reopens it at its next operation, by path, never
 * following a symbolic link. A user racing with the close sees a closed channel and
 * retries on the reopened one (positional operations are idempotent), exactly as after a
 * {@code Thread.interrupt()}; see {@code docs/ARCHITECTURE.md}, "Interrupts" and
 * "Descriptors".
 *
 * <p>The bound is exceeded only transiently: by one descriptor per thread that is opening
 * one at that instant, and by descriptors in use that cannot be closed yet (an io_uring
 * operation in flight). Thread-safe.
 */
public final class DescriptorCache {
  /** Descriptors a backend keeps open for its files unless configured otherwise. */
  public static final int DEFAULT_CAPACITY = 64;

  /** A descriptor that can be closed now and reopened by its owner when next needed. */
  public interface Holder {
    /** @return whether it was used since the last call (and forget that it was) */
    boolean takeUsed();

    /**
     * Closes the descriptor; the owner reopens it on demand.
     *
     * @return false if it is in use and cannot be closed now
     */
    boolean release();
  }

  private final int capacity;
  private final ArrayDeque<Holder> open = new ArrayDeque<>();

  /**
   * @param capacity most descriptors kept open (at least 1)
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public DescriptorCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "descriptor cache capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** @return the bound */
  public int capacity() {
    return capacity;
  }

  /** Registers a descriptor just opened; closes others if the bound is exceeded. */
  public void opened(Holder h) {
    List<Holder> victims = null;
    synchronized (this) {
      open.remove(h);
      open.addLast(h);
      int scans = 2 * open.size();
      while (open.size() > capacity && scans-- > 0) {
        Holder v = open.pollFirst();
        if (v != h && !v.takeUsed()) {
          if (victims == null) {
            victims = new ArrayList<>(2);
          }
          victims.add(v);
        } else {
          open.addLast(v);
        }
      }
    }
    if (victims != null) {
      for (Holder v : victims) {
        if (!v.release()) {
          synchronized (this) {
            open.addLast(v); // busy: closed at a later turn
          }
        }
      }
    }
  }

  /** Forgets a descriptor its owner closed. */
  public synchronized void forget(Holder h) {
    open.remove(h);
  }

  /** @return how many descriptors are registered now */
  public synchronized int registered() {
    return open.size();
  }
}
