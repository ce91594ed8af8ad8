package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct buffers that entries are framed into, and the queue of filled buffers waiting
 * to be written with their file positions. Buffers are pooled: a steady stream of
 * batches allocates nothing. Not thread-safe (one per topic writer).
 */
final class StagingBuffers {
  private final int size;
  private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
  private final List<ByteBuffer> queued = new ArrayList<>();
  private final List<DataFile> queuedFiles = new ArrayList<>();
  private final List<Long> queuedPositions = new ArrayList<>();
  private ByteBuffer current;
  private long queuedBytes;

  /** Consecutive queued writes to one file. */
  static final class FileRun {
    final DataFile file;
    final List<ByteBuffer> buffers = new ArrayList<>();
    long[] positions;

    FileRun(DataFile file) {
      this.file = file;
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

  ByteBuffer current() {
    return current;
  }

  /** Queues the current buffer for {@code absPosition} of the block's file; starts a new one. */
  void queue(Block block, long absPosition) {
    current.flip();
    queued.add(current);
    queuedFiles.add(block.file());
    queuedPositions.add(absPosition);
    queuedBytes += current.remaining();
    current = fresh();
  }

  long queuedBytes() {
    return queuedBytes;
  }

  /** @return the queued writes grouped into runs per file, in order */
  List<FileRun> runs() {
    List<FileRun> runs = new ArrayList<>();
    FileRun run = null;
    List<Long> pos = new ArrayList<>();
    for (int i = 0; i < queued.size(); i++) {
      if (run == null || run.file != queuedFiles.get(i)) {
        close(run, pos);
        run = new FileRun(queuedFiles.get(i));
        runs.add(run);
        pos.clear();
      }
      run.buffers.add(queued.get(i));
      pos.add(queuedPositions.get(i));
    }
    close(run, pos);
    return runs;
  }

  private static void close(FileRun run, List<Long> pos) {
    if (run != null) {
      run.positions = pos.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /** Returns written buffers to the pool. */
  void recycle() {
    for (ByteBuffer b : queued) {
      b.clear();
      pool.push(b);
    }
    queued.clear();
    queuedFiles.clear();
    queuedPositions.clear();
    queuedBytes = 0;
    while (pool.size() > 4) {
      pool.pop(); // keep at most a few spare buffers per topic
    }
  }

  /** Drops everything staged or queued (after a failure). */
  void discard() {
    recycle();
    current.clear();
  }
}
