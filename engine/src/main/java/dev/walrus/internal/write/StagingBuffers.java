package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Direct buffers that entries are framed into, and the queue of filled buffers waiting
 * to be written, grouped as they are queued into runs of consecutive writes to one file.
 * Buffers are pooled (a few spare per topic) and the runs, their buffer lists and their
 * position arrays are kept and reused: once warm, a steady stream of single appends, and
 * of batches that fit in the pooled buffers, allocates nothing here. Not thread-safe
 * (one per topic writer).
 */
final class StagingBuffers {
  /** Spare buffers kept after a write, per topic. */
  private static final int SPARE = 4;

  private final int size;
  private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();

  /** Runs in queue order: the first {@link #runCount} are queued, the rest kept for reuse. */
  private final List<FileRun> runs = new ArrayList<>();

  private int runCount;
  private ByteBuffer current;
  private long queuedBytes;

  /** Consecutive queued writes to one file: buffer {@code i} goes at {@code positions()[i]}. */
  static final class FileRun {
    private DataFile file;
    private final List<ByteBuffer> buffers = new ArrayList<>();
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

    private void add(ByteBuffer b, long position) {
      int n = buffers.size();
      if (n == positions.length) {
        positions = Arrays.copyOf(positions, 2 * n);
      }
      positions[n] = position;
      buffers.add(b);
    }

    private void reset(DataFile f) {
      file = f;
      buffers.clear();
    }
  }

  StagingBuffers(int size) {
    this.size = size;
    this.current = fresh();
  }

  private ByteBuffer fresh() {
    ByteBuffer b = pool.poll();
    return b != null ? b : ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** @return the buffer entries are framed into now */
  ByteBuffer current() {
    return current;
  }

  /** Queues the current buffer for {@code absPosition} of the block's file; starts a new one. */
  void queue(Block block, long absPosition) {
    current.flip();
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
    queuedBytes += current.remaining();
    current = fresh();
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

  /** Returns written buffers to the pool and empties the queue. */
  void recycle() {
    for (int r = 0; r < runCount; r++) {
      FileRun run = runs.get(r);
      for (int i = 0; i < run.buffers.size(); i++) {
        ByteBuffer b = run.buffers.get(i);
        b.clear();
        pool.push(b);
      }
      run.reset(null); // holds no file (it may be reclaimed) nor buffer
    }
    runCount = 0;
    queuedBytes = 0;
    while (pool.size() > SPARE) {
      pool.pop(); // keep at most a few spare buffers per topic
    }
  }

  /** Drops everything staged or queued (after a failure). */
  void discard() {
    recycle();
    current.clear();
  }
}
