package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a write operation needs only while it runs: the checksum, the staging queue and
 * the lists of blocks and files it touched. One per writing thread (taken at the start of
 * an operation, {@link #acquire}, and handed back at its end, {@link #release}), so a
 * topic's writer keeps only its position between operations and a thousand idle topics
 * cost no scratch at all. Holds no direct memory between operations (the staging buffers
 * are borrowed from the process's pool) and no reference into an instance.
 */
final class WriteScratch {
  private static final ThreadLocal<WriteScratch> PER_THREAD =
      ThreadLocal.withInitial(WriteScratch::new);

  final CRC32C crc = new CRC32C();
  final StagingBuffers staging = new StagingBuffers(TopicWriter.STAGING);

  /** Blocks rolled during the operation: sealed after its bytes, ended at its commit. */
  final List<TopicWriter.RolledBlock> rolled = new ArrayList<>(4);

  final List<Block> allocated = new ArrayList<>(4);

  /** Data files the operation wrote entries or block headers to (SyncEach force). */
  final List<DataFile> written = new ArrayList<>(2);

  private boolean busy;

  private WriteScratch() {}

  /**
   * @return this thread's scratch, emptied; a fresh one if this thread's is in use (an
   *     operation inside an operation, which the engine does not do)
   */
  static WriteScratch acquire() {
    WriteScratch s = PER_THREAD.get();
    if (s.busy) {
      s = new WriteScratch();
    }
    s.busy = true;
    s.rolled.clear();
    s.allocated.clear();
    s.written.clear();
    return s;
  }

  /** Ends the operation: staging buffers back to the pool, nothing of it kept reachable. */
  void release() {
    staging.release();
    rolled.clear();
    allocated.clear();
    written.clear();
    busy = false;
  }
}
