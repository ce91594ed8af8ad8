package dev.walrus.internal.read;

import dev.walrus.CorruptEntryException;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes a {@link ChainReader} has read and parses entries from, and the buffers that
 * hold them: its read-ahead buffer, or a range a batch read prefetched ({@link #ranges}).
 * The window holds the file bytes [{@link #lo}, {@link #hi}) of {@link #file} in
 * {@link #buf}; the byte at absolute position {@code abs} is at index {@code abs - shift}.
 * Its fields are read directly by the reader's hot paths. Not thread-safe: the reader's.
 *
 * <p>The buffers come from the process's {@link BufferPool}, borrowed when a read needs
 * them and given back when the read ends ({@link #release}); the read-ahead buffer is
 * asked back as this reader's own, so if no other read took it meanwhile its bytes still
 * serve the next read. A read that leaves unread bytes in the read-ahead buffer may keep
 * it until the next read instead, with one of the pool's {@value BufferPool#MAX_KEPT}
 * keep permits ({@link BufferPool#tryKeep}); it is given back when a read leaves nothing
 * unread, when {@link #sweep} (about once a second) finds it unused since the last sweep,
 * or on {@link #drop}.
 */
final class ReadWindow {
  /** Bytes of the read-ahead buffer; also the least a batch read prefetches. */
  static final int READ_AHEAD = 64 * 1024;

  private final BufferPool pool;

  /** This reader's identity in the pool, to get its own read-ahead buffer back. */
  private final long borrower;

  /** The ranges a batch read fetched before parsing, in a buffer of their own. */
  final RangePrefetch ranges;

  /** The read-ahead buffer, while a read holds it or it is kept between reads (else null). */
  private BufferPool.Lease readAhead;

  /** The pool slot the read-ahead buffer was given back to (-1: none): where to look first. */
  private int readAheadSlot = -1;

  /** True while the read-ahead buffer is kept between reads (a permit is held). */
  private boolean keeping;

  /** Set by each read that keeps the buffer; cleared by {@link #sweep}. */
  private boolean used;

  /** The buffer the window is in, and its read-only view; null between reads unless kept. */
  ByteBuffer buf;

  ByteBuffer view;

  /** True if the window is the read-ahead buffer (not the prefetch buffer). */
  boolean inReadAhead = true;

  /** The file the window's bytes are of; null if they are no one's. */
  DataFile file;

  long lo;
  long hi;
  long shift;

  /** Set while entries of a batch still refer to the read-ahead buffer: no refill then. */
  boolean pinned;

  ReadWindow(BufferPool pool) {
    this.pool = pool;
    this.borrower = pool.newBorrower();
    this.ranges = new RangePrefetch(pool);
  }

  /** @return true if {@code b} is the read-ahead buffer this reader holds */
  boolean isReadAhead(ByteBuffer b) {
    return readAhead != null && b == readAhead.buffer();
  }

  /**
   * Ends a read: gives the buffers back, or keeps the read-ahead buffer (and the window in
   * it) until the next read if {@code keep} and a permit allows.
   *
   * @param keep true if the read left unread bytes in the read-ahead buffer
   * @return true if this reader started keeping its buffer with this call
   */
  boolean release(boolean keep) {
    if (ranges.release() && !inReadAhead) {
      file = null;
      inReadAhead = true;
    }
    boolean started = false;
    if (readAhead != null) {
      if (keep && (keeping || (started = pool.tryKeep()))) {
        keeping = true;
        used = true; // the window stays in the kept buffer: the next read starts from it
      } else {
        giveReadAhead();
      }
    } else {
      buf = null;
      view = null;
    }
    pinned = false;
    return started;
  }

  private void giveReadAhead() {
    if (keeping) {
      keeping = false;
      pool.unkeep();
    }
    readAheadSlot = pool.give(readAhead, readAheadSlot);
    readAhead = null;
    buf = null;
    view = null;
  }

  /**
   * Between reads: gives a kept buffer back if no read used it since the last call.
   *
   * @return true if nothing is kept now
   */
  boolean sweep() {
    if (!keeping) {
      return true;
    }
    if (used) {
      used = false;
      return false;
    }
    giveReadAhead();
    return true;
  }

  /** Between reads: gives a kept buffer back now. */
  void drop() {
    if (keeping) {
      giveReadAhead();
    }
  }

  /** Borrows the read-ahead buffer if this read has not yet. */
  private void acquire() {
    if (readAhead != null) {
      if (buf == null && inReadAhead) {
        buf = readAhead.buffer();
        view = readAhead.view();
      }
      return;
    }
    readAhead = pool.take(READ_AHEAD, borrower, readAheadSlot);
    if (!readAhead.kept() && inReadAhead) {
      file = null; // someone else's bytes now
    }
    if (inReadAhead) {
      buf = readAhead.buffer();
      view = readAhead.view();
    }
  }

  /**
   * Makes [abs, abs+n) of {@code f} available in the window: from the window as it is, a
   * prefetched range, or a refill of the read-ahead buffer reading ahead up to
   * {@code limitAbs}.
   *
   * @return false if that needs a refill of the read-ahead buffer while it is pinned
   */
  boolean ensure(DataFile f, long abs, int n, long limitAbs) throws IOException {
    acquire();
    if (f == file && abs >= lo && abs + n <= hi) {
      return true;
    }
    int i = ranges.find(f, abs, n);
    if (i >= 0) {
      long start = ranges.start(i);
      buf = ranges.buffer();
      view = ranges.view();
      inReadAhead = false;
      file = f;
      lo = start;
      hi = start + ranges.length(i);
      shift = start - ranges.base(i);
      return true;
    }
    if (pinned) {
      return false;
    }
    buf = readAhead.buffer();
    view = readAhead.view();
    inReadAhead = true;
    buf.clear();
    long want = Math.min(READ_AHEAD, Math.max(n, limitAbs - abs));
    buf.limit((int) want);
    file = null;
    int got = f.file().read(buf, abs);
    if (got < n) {
      throw new CorruptEntryException(
          "data file "
              + f.file().path()
              + " ends at "
              + (abs + got)
              + ", inside an entry that should be readable");
    }
    file = f;
    lo = abs;
    hi = abs + got;
    shift = abs;
    return true;
  }

  /** Forgets buffered bytes (after a file was closed). */
  void invalidate() {
    file = null;
    ranges.forget();
    pinned = false;
  }

  /** Prefetches what a batch from {@code pos} of {@code block} on likely needs. */
  void prefetch(Block block, long pos, long maxBytes, int maxEntries) throws IOException {
    long budget = ranges.budget(maxBytes, maxEntries);
    if (ranges.reserve(budget) && !inReadAhead) {
      file = null; // the window was the buffer just given back
      inReadAhead = true;
    }
    ranges.fetch(block, pos, budget);
  }
}
