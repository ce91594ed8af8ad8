package dev.walrus.internal.storage;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide bound on the descriptors every {@link DescriptorCache} keeps open
 * together: each instance's cache keeps at most its own bound, and all of them at most
 * {@link #DEFAULT_CAPACITY} (or what a test sets), so a thousand open namespaces cannot
 * hold a thousand times an instance's bound. When a descriptor just opened takes the
 * process past its bound, the caches that hold any are visited in turn (round robin) and
 * each gives up its least recently used descriptor not used since it was last looked at
 * (CLOCK, second chance): an idle instance's descriptors go first, a busy instance keeps
 * the ones it uses. The descriptor that was just opened is never the one closed. Only
 * caches holding a descriptor are listed, so a closed instance's cache is forgotten.
 * Thread-safe; never called with a cache's monitor held.
 */
final class ProcessDescriptors {
  /** Descriptors all the process's caches keep open together, unless a test says otherwise. */
  static final int DEFAULT_CAPACITY = 4096;

  private static final ProcessDescriptors SHARED = new ProcessDescriptors(DEFAULT_CAPACITY);

  private final int capacity;
  private final AtomicInteger registered = new AtomicInteger();
  private final ConcurrentLinkedQueue<DescriptorCache> holding = new ConcurrentLinkedQueue<>();

  /** @param capacity most descriptors all caches keep open together (at least 1) */
  ProcessDescriptors(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** @return the process's bound */
  static ProcessDescriptors shared() {
    return SHARED;
  }

  /** @return the bound */
  int capacity() {
    return capacity;
  }

  /** @return how many descriptors all caches hold now */
  int registered() {
    return registered.get();
  }

  /** A cache registered {@code n} more (or fewer) descriptors. */
  void add(int n) {
    registered.addAndGet(n);
  }

  /** A cache now holds descriptors (it was holding none). */
  void holds(DescriptorCache c) {
    holding.add(c);
  }

  /** A cache now holds none. */
  void empty(DescriptorCache c) {
    holding.remove(c);
  }

  /**
   * Closes descriptors of the process's caches until it is within its bound again, or
   * every cache was asked twice (the rest are in use: an io_uring operation in flight).
   *
   * @param keep the descriptor just opened, never closed here
   */
  void trim(DescriptorCache.Holder keep) {
    int asks = 2 * holding.size() + 2;
    while (registered.get() > capacity && asks-- > 0) {
      DescriptorCache c = holding.poll();
      if (c == null) {
        return;
      }
      c.evictOne(keep);
      synchronized (c) { // to the back, unless it emptied meanwhile (then it is forgotten)
        if (c.listed() && !holding.contains(c)) {
          holding.add(c);
        }
      }
    }
  }
}
