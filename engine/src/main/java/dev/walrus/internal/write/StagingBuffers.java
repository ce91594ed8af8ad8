package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.DataFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Direct buffers that entries are framed into, and the queue of filled buffers waiting
 * to be written, grouped as they are queued into runs of consecutive writes to one file.
 * Buffers are borrowed from the process's {@link BufferPool} as an operation needs them
 * and all given back when it ends ({@link #release}), so no topic holds one between
 * operations; the runs, their buffer lists and their position arrays are kept and reused:
 * once warm, a steady stream of batches that fit in the pooled buffers allocates nothing
 * here. Not thread-safe: used by one operation at a time ({@link WriteScratch}).
 */
final class StagingBuffers {
  private final int size;
  private BufferPool pool;

  /** Runs in queue order: the first {@link #runCount} are queued, the rest kept for reuse. */
  private final List<FileRun> runs = new ArrayList<>();

  private int runCount;

  /** The buffer entries are framed into now, or null until one is needed. */
  private BufferPool.Lease current;

  private long queuedBytes;

  /** Consecutive queued writes to one file: buffer {@code i} goes at {@code positions()[i]}. */
  static final class FileRun {
    private DataFile file;
    private final List<ByteBuffer> buffers = new ArrayList<>();
    private final List<BufferPool.Lease> leases = new ArrayList<>();
    private long[] positions = new long[4];

    /** @return the file the run writes to */
    DataFile file() {
      return file;
    }

    /** @return the run's buffers, in order, each ready to write */
    List<ByteBuffer> buffers() {
      return buffers;
    }

    /**
     * @return the absolute file position of each buffer; only the first
     *     {@code buffers().size()} entries belong to the run (the array is reused)
     */
    long[] positions() {
      return positions;
    }

    private void add(BufferPool.Lease l, long position) {
      int n = buffers.size();
      if (n == positions.length) {
        positions = Arrays.copyOf(positions, 2 * n);
      }
      positions[n] = position;
      buffers.add(l.buffer());
      leases.add(l);
    }

    private void reset(DataFile f) {
      file = f;
      buffers.clear();
      leases.clear();
    }
  }

  StagingBuffers(int size) {
    this.size = size;
  }

  /** Sets the pool the current operation borrows from (at its start). */
  void use(BufferPool p) {
    this.pool = p;
  }

  /** @return the buffer entries are framed into now (borrowed on first use) */
  ByteBuffer current() {
    if (current == null) {
      current = pool.take(size, 0);
    }
    return current.buffer();
  }

  /** @return the bytes framed into the current buffer and not queued yet */
  int stagedBytes() {
    return current == null ? 0 : current.buffer().position();
  }

  /**
   * Queues the current buffer for {@code absPosition} of the block's file; the next
   * {@link #current} starts a new one.
   */
  void queue(Block block, long absPosition) {
    ByteBuffer b = current.buffer();
    b.flip();
    DataFile f = block.file();
    FileRun run = runCount > 0 ? runs.get(runCount - 1) : null;
    if (run == null || run.file != f) {
      if (runCount == runs.size()) {
        runs.add(new FileRun());
      }
      run = runs.get(runCount++);
      run.reset(f);
    }
    run.add(current, absPosition);
    queuedBytes += b.remaining();
    current = null;
  }

  /** @return the bytes queued and not yet recycled */
  long queuedBytes() {
    return queuedBytes;
  }

  /** @return the number of runs queued */
  int runCount() {
    return runCount;
  }

  /** @return queued run {@code i} ({@code 0 <= i < runCount()}), in queue order */
  FileRun run(int i) {
    if (i >= runCount) {
      throw new IndexOutOfBoundsException(i + " of " + runCount + " runs");
    }
    return runs.get(i);
  }

  /** Gives written buffers back to the pool and empties the queue. */
  void recycle() {
    for (int r = 0; r < runCount; r++) {
      FileRun run = runs.get(r);
      for (int i = 0; i < run.leases.size(); i++) {
        pool.give(run.leases.get(i));
      }
      run.reset(null); // holds no file (it may be reclaimed) nor buffer
    }
    runCount = 0;
    queuedBytes = 0;
  }

  /**
   * Ends the operation: gives every buffer back (queued ones are dropped unwritten, as
   * after a failure) and forgets the pool.
   */
  void release() {
    recycle();
    if (current != null) {
      pool.give(current);
      current = null;
    }
    pool = null;
  }
}
