package dev.walrus.internal.cursor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An instance's cursors whose reader keeps its read-ahead buffer between reads (see
 * {@link dev.walrus.internal.read.ChainReader}): {@link #sweep}, about once a second, makes
 * those that stopped reading give it back, and {@link #dropAll}, on close, makes every one
 * give it back and no reader keep one again. Thread-safe; each cursor is handled under its
 * own monitor.
 */
final class KeptReaders {
  private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();

  /** Set once by {@link #dropAll}: from then on no reader keeps a buffer. */
  private volatile boolean closing;

  /** @return false once the instance is closing: a read must give its buffers back */
  boolean open() {
    return !closing;
  }

  /**
   * Registers a cursor whose reader just started keeping its buffer (under the cursor's
   * monitor). If {@link #dropAll} ran meanwhile and may have missed it, the reader gives
   * the buffer back at once: the two sides write then read {@link #closing} and the set
   * in opposite orders, so at least one of them sees the other.
   */
  void add(Cursor c) {
    cursors.add(c);
    if (closing) {
      c.dropReader();
      cursors.remove(c);
    }
  }

  /**
   * Gives back the buffers of readers that did not read since the last sweep. Takes each
   * cursor's monitor in turn, so it waits for a read under way on that cursor (an
   * {@code EntryHandler} runs under it) on the instance's maintenance lane only.
   */
  void sweep() {
    for (Cursor c : cursors) {
      synchronized (c) {
        if (c.sweepReader()) {
          cursors.remove(c);
        }
      }
    }
  }

  /** On close: every reader gives back the buffer it kept, and none keeps one again. */
  void dropAll() {
    closing = true;
    for (Cursor c : cursors) {
      synchronized (c) {
        c.dropReader();
        cursors.remove(c);
      }
    }
  }
}
