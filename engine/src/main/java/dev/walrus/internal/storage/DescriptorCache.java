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
 * <p>On top of its own bound, every cache counts against the process's ({@link
 * ProcessDescriptors}: 4,096 descriptors for all
 * instances together); past it, the caches of the process give up their least recently
 * used descriptors in turn, so idle instances' descriptors are closed before a busy
 * instance's.
 *
 * <p>The bounds are exceeded only transiently: by one descriptor per thread that is opening
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
  private final ProcessDescriptors process;
  private final ArrayDeque<Holder> open = new ArrayDeque<>();

  /** Whether {@link #process} lists this cache; changed under this cache's monitor. */
  private boolean listed;

  /**
   * A cache counting against the process's bound.
   *
   * @param capacity most descriptors kept open (at least 1)
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public DescriptorCache(int capacity) {
    this(capacity, ProcessDescriptors.shared());
  }

  /**
   * @param capacity most descriptors kept open (at least 1)
   * @param process the bound shared with other caches
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  DescriptorCache(int capacity, ProcessDescriptors process) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "descriptor cache capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.process = process;
  }

  /** @return the bound */
  public int capacity() {
    return capacity;
  }

  /** Registers a descriptor just opened; closes others if the bound is exceeded. */
  public void opened(Holder h) {
    List<Holder> victims = null;
    synchronized (this) {
      boolean known = open.remove(h);
      open.addLast(h);
      if (!known) {
        counted(1);
      }
      int scans = 2 * open.size();
      while (open.size() > capacity && scans-- > 0) {
        Holder v = open.pollFirst();
        if (v != h && !v.takeUsed()) {
          if (victims == null) {
            victims = new ArrayList<>(2);
          }
          victims.add(v);
          counted(-1);
        } else {
          open.addLast(v);
        }
      }
    }
    if (victims != null) {
      for (Holder v : victims) {
        release(v);
      }
    }
    if (process.registered() > process.capacity()) {
      process.trim(h); // outside this cache's monitor: it visits other caches
    }
  }

  /**
   * The process is past its bound: closes this cache's least recently used descriptor that
   * was not used since it was last looked at, other than {@code keep}, if there is one.
   */
  void evictOne(Holder keep) {
    Holder victim = null;
    synchronized (this) {
      for (int scans = open.size(); scans > 0 && victim == null; scans--) {
        Holder v = open.pollFirst();
        if (v != keep && !v.takeUsed()) {
          victim = v;
          counted(-1);
        } else {
          open.addLast(v);
        }
      }
    }
    if (victim != null) {
      release(victim);
    }
  }

  private void release(Holder v) {
    if (!v.release()) {
      synchronized (this) {
        if (!open.contains(v)) {
          open.addLast(v); // busy: closed at a later turn
          counted(1);
        }
      }
    }
  }

  /** Under this cache's monitor: {@code n} more (or fewer) registered. */
  private void counted(int n) {
    process.add(n);
    if (!listed && !open.isEmpty()) {
      listed = true;
      process.holds(this);
    } else if (listed && open.isEmpty()) {
      listed = false;
      process.empty(this);
    }
  }

  /** Under this cache's monitor: whether the process lists it (it holds descriptors). */
  boolean listed() {
    return listed;
  }

  /** Forgets a descriptor its owner closed. */
  public synchronized void forget(Holder h) {
    if (open.remove(h)) {
      counted(-1);
    }
  }

  /** @return how many descriptors are registered now */
  public synchronized int registered() {
    return open.size();
  }
}
