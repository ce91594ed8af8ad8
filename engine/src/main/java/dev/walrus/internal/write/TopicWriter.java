package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.EntryFormat;
import dev.walrus.internal.storage.ForceFailedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The write path of one topic: assigns offsets, frames entries into staging buffers,
 * writes them, and publishes them to readers only when the whole append (or batch) is
 * written.
 *
 * <p>A single append is written with one positional write. A batch is staged whole (up
 * to {@value #MAX_PENDING} bytes at a time) and handed to the file as one
 * {@link dev.walrus.internal.storage.StorageFile#writeBatch}: one io_uring submission
 * per contiguous range on the io_uring backend, every completion checked.
 *
 * <p>If a write fails, nothing of the append is published and the writer rolls back:
 * blocks allocated for it are sealed dead, the block it started in is sealed at its old
 * end, both seals are forced, and the next append starts a new block. Offsets continue
 * from where they were. Only if the rollback itself fails, or the failure was a failed
 * force ({@link ForceFailedException}: an {@code msync} inside a SyncEach write of the
 * mmap backend), is the instance poisoned.
 *
 * <p>Between operations a writer holds its position and nothing else: the direct buffers
 * an operation frames into are borrowed from the process's {@link BufferPool} and given
 * back when it ends, and its other scratch is the writing thread's ({@link WriteScratch}),
 * so an idle topic holds no direct memory and about a hundred bytes of heap here.
 * All methods must be called with the topic's write lock held.
 */
public final class TopicWriter {
  /** Size of a staging buffer. */
  static final int STAGING = 256 * 1024;

  private static final int MAX_PENDING = 8 << 20;

  private final Topic topic;
  private final BlockAllocator allocator;
  private final Durability durability;
  private final Health health;
  private final BufferPool pool;

  /** Largest frame of the single-append fast path. */
  private static final int SINGLE = 4096;

  private static final byte[] PAD = new byte[EntryFormat.ALIGNMENT];

  /** The running operation's scratch (null between operations). */
  private WriteScratch s;

  /** The block being written, or null until the first append (and after a rollback). */
  private Block block;

  /** Block-relative position of the next frame. */
  private long writePos;

  /** Block-relative position where the current staging buffer's first byte goes. */
  private long stagedFrom;

  /** Offset the next entry gets. */
  private long writeOffset;

  /** End of the last committed entry in the current block, for its seal. */
  private long commitPos;

  private long commitOffset;

  /** Writes are collected until the end of the operation (batches). */
  private boolean deferring;

  /** The current operation's timestamp: every entry of an append or batch shares it. */
  private long stamp;

  /** State before the current operation, for rollback. */
  private Block startBlock;

  private Block startTail;
  private long startOffset;
  private long startWritePos;
  private long startCommitPos;
  private long startCommitOffset;

  /**
   * A block the current operation left for a new one: where its entries end, and the
   * seal that records it (written only after the operation's bytes, see writeOut).
   */
  record RolledBlock(Block block, long endPos, long endOffset, ByteBuffer seal) {}

  /**
   * @param pool the direct buffers (the process's pool), borrowed for the length of each operation
   */
  public TopicWriter(
      Topic topic,
      BlockAllocator allocator,
      Durability durability,
      Health health,
      BufferPool pool) {
    this.topic = topic;
    this.allocator = allocator;
    this.durability = durability;
    this.health = health;
    this.pool = pool;
  }

  public Topic topic() {
    return topic;
  }

  Durability durability() {
    return durability;
  }

  /**
   * Appends one entry.
   *
   * @return its offset
   */
  public long append(byte[] payload) {
    long offset = nextOffset();
    begin(offset, false);
    try {
      if (fits(payload.length)) {
        writeSingle(payload);
        return offset;
      }
      frame(payload, 0);
      writeOut();
      commit();
      return offset;
    } catch (InternalError e) {
      throw rollback("append to topic '" + topic.name() + "'", new IOException(e));
    } catch (IOException e) {
      throw rollback("append to topic '" + topic.name() + "'", e);
    } finally {
      end();
    }
  }

  /**
   * Appends a batch atomically: published together or not at all; on disk every entry
   * but the last carries the MORE flag, so a batch cut short by a crash is recognised
   * and dropped at recovery.
   *
   * @return the offset of the first entry; the batch occupies consecutive offsets
   */
  public long appendBatch(List<byte[]> payloads) {
    return appendMany(payloads, true, "batch append");
  }

  /**
   * Appends independent entries (no batch flag: each stands alone at recovery) with one
   * write and, under SyncEach, one force: a group commit of concurrent single appends
   * ({@link AppendGroup}). Published together; if the write fails, none is.
   *
   * @return the offset of the first entry; the entries occupy consecutive offsets
   */
  public long appendEach(List<byte[]> payloads) {
    if (payloads.size() == 1) {
      return append(payloads.get(0));
    }
    return appendMany(payloads, false, "append");
  }

  /** A batch ({@code batch}: MORE on all but the last) or independent entries, published together. */
  private long appendMany(List<byte[]> payloads, boolean batch, String what) {
    long first = nextOffset();
    begin(first, true);
    int n = payloads.size();
    try {
      for (int i = 0; i < n; i++) {
        frame(payloads.get(i), batch && i < n - 1 ? EntryFormat.FLAG_MORE : 0);
      }
      writeOut();
      commit();
      return first;
    } catch (InternalError e) {
      throw rollback(what + " to topic '" + topic.name() + "'", new IOException(e));
    } catch (IOException e) {
      throw rollback(what + " to topic '" + topic.name() + "'", e);
    } finally {
      end();
    }
  }

  /**
   * Entries a pipelined group ({@link #writeEach}) wrote to {@code files}, readable up to
   * {@code endPos}/{@code endOffset} of {@code block} once they are forced ({@link #publish}).
   */
  record Written(Block block, long endPos, long endOffset, long first, List<DataFile> files) {}

  /** The last group written by {@link #writeEach} and not yet published, or null. */
  private Written unpublished;

  /** @return the offset the next entry gets: after what was written, published or not */
  private long nextOffset() {
    Written w = unpublished;
    return w != null ? w.endOffset() : topic.endOffset();
  }

  /**
   * @return true if {@code payloads} go to the current block whole (a group that needs no
   *     new block, so {@link #writeEach} may write it)
   */
  boolean fitsWhole(List<byte[]> payloads) {
    if (block == null) {
      return false;
    }
    long size = 0;
    for (int i = 0; i < payloads.size(); i++) {
      size += EntryFormat.frameSize(payloads.get(i).length);
    }
    return size <= block.length() - writePos;
  }

  /**
   * SyncEach, pipelined ({@link AppendGroup}): writes independent entries into the current
   * block (the caller checked {@link #fitsWhole}), neither forcing nor publishing them; the
   * caller forces {@link Written#files} and then calls {@link #publish}, or
   * {@link #forceFailed}. Only {@code writeEach}, {@code publish} and {@code forceFailed}
   * may run while a group is unpublished. A failed write rolls back this group only: an
   * earlier unpublished group stays written (the rollback's seal keeps it and is forced).
   */
  Written writeEach(List<byte[]> payloads) {
    long first = nextOffset();
    begin(first, true);
    try {
      for (int i = 0; i < payloads.size(); i++) {
        frame(payloads.get(i), 0);
      }
      if (!s.allocated.isEmpty()) {
        throw new IllegalStateException("a pipelined group needed a new block");
      }
      queueStaged();
      writeQueued();
      unpublished = new Written(block, writePos, writeOffset, first, List.copyOf(s.written));
      return unpublished;
    } catch (InternalError e) {
      throw rollback("append to topic '" + topic.name() + "'", new IOException(e));
    } catch (IOException e) {
      throw rollback("append to topic '" + topic.name() + "'", e);
    } finally {
      end();
    }
  }

  /**
   * Publishes a group written by {@link #writeEach} once a force that started after its
   * write has completed (so its entries are on stable storage); a later group published
   * first covers it (forces complete in order), and then this does nothing.
   */
  void publish(Written w) {
    if (w.endOffset() > topic.endOffset()) {
      w.block().setEnd(w.endPos(), w.endOffset());
      topic.publish(w.endOffset());
    }
    if (unpublished == w) {
      unpublished = null;
    }
  }

  /**
   * A group written by {@link #writeEach} could not be forced: the instance is poisoned (the
   * kernel may have dropped its pages, and earlier ones); nothing of it is published.
   *
   * @return the error for the group's callers
   */
  RuntimeException forceFailed(Written w, IOException failure) {
    if (unpublished == w) {
      unpublished = null;
    }
    return health.poison("append to topic '" + topic.name() + "'", failure);
  }

  /**
   * @return true if an entry of {@code length} goes to the current block whole, framed in
   *     the single-entry buffer (the common single append: no roll, no staging queue)
   */
  private boolean fits(int length) {
    long size = EntryFormat.frameSize(length);
    return block != null && size <= SINGLE && block.length() - writePos >= size;
  }

  /**
   * The single append's fast path: frames the entry into one reused buffer, writes it with
   * one positional write (a copy into the mapping on the mmap backend), forces it under
   * SyncEach, and commits it. Bookkeeping as in {@link #frame} and {@link #commit}.
   */
  private void writeSingle(byte[] payload) throws IOException {
    long size = EntryFormat.frameSize(payload.length);
    BufferPool.Lease lease = pool.take(SINGLE, 0);
    DataFile f = block.file();
    try {
      ByteBuffer buf = lease.buffer();
      EntryFormat.writeHeader(buf, s.crc, writeOffset, topic.id(), 0, stamp, payload);
      block.noteTimestamp(stamp);
      buf.put(payload);
      int pad = (int) (size - EntryFormat.HEADER_SIZE - payload.length);
      if (pad > 0) {
        buf.put(PAD, 0, pad);
      }
      buf.flip();
      f.file().write(buf, block.base() + writePos);
    } finally {
      pool.give(lease); // the write is complete (or failed): the bytes are the file's now
    }
    f.markDirty();
    if (durability.syncEach()) {
      s.written.add(f);
      durability.forceWritten(s.written);
    }
    writePos += size;
    stagedFrom = writePos; // where the next staged frame goes
    writeOffset++;
    commitPos = writePos;
    commitOffset = writeOffset;
    block.setEnd(writePos, writeOffset);
    topic.publish(writeOffset);
  }

  private void begin(long offset, boolean batch) {
    if (unpublished != null && !(batch && durability.syncEach())) {
      throw new IllegalStateException(
          "a pipelined group is still unpublished"); // AppendGroup's bug
    }
    s = WriteScratch.acquire();
    s.staging.use(pool);
    writeOffset = offset;
    deferring = batch;
    stamp = topic.stamp();
    startBlock = block;
    startTail = topic.tail();
    startOffset = offset;
    startWritePos = writePos;
    startCommitPos = commitPos;
    startCommitOffset = commitOffset;
  }

  /** Ends an operation, however it ended: its buffers go back to the pool. */
  private void end() {
    WriteScratch done = s;
    s = null;
    done.release();
  }

  private void frame(byte[] payload, int flags) throws IOException {
    long size = EntryFormat.frameSize(payload.length);
    if (block == null || block.length() - writePos < size) {
      roll(size);
    }
    ByteBuffer buf = s.staging.current();
    if (buf.remaining() < EntryFormat.HEADER_SIZE) {
      buf = spill();
    }
    EntryFormat.writeHeader(buf, s.crc, writeOffset, topic.id(), flags, stamp, payload);
    block.noteTimestamp(stamp);
    int off = 0;
    while (off < payload.length) {
      if (!buf.hasRemaining()) {
        buf = spill();
      }
      int len = Math.min(buf.remaining(), payload.length - off);
      buf.put(payload, off, len);
      off += len;
    }
    int pad = (int) (size - EntryFormat.HEADER_SIZE - payload.length);
    for (int i = 0; i < pad; i++) {
      if (!buf.hasRemaining()) {
        buf = spill();
      }
      buf.put((byte) 0);
    }
    writePos += size;
    writeOffset++;
    if (flags == 0) {
      commitPos = writePos;
      commitOffset = writeOffset;
    }
  }

  /**
   * Ends the current staging buffer: queued (batches) or written now (single appends).
   *
   * @return the buffer to continue in
   */
  private ByteBuffer spill() throws IOException {
    queueStaged();
    return s.staging.current();
  }

  /** Queues what the current staging buffer holds (written now for single appends). */
  private void queueStaged() throws IOException {
    int n = s.staging.stagedBytes();
    if (n > 0) {
      s.staging.queue(block, block.base() + stagedFrom);
      stagedFrom += n;
      if (!deferring || s.staging.queuedBytes() >= MAX_PENDING) {
        writeQueued();
      }
    }
  }

  private void writeOut() throws IOException {
    queueStaged();
    writeQueued();
    if (durability.syncEach()) {
      // One force of every file written (shared with concurrent writers, GroupForce), and
      // only then the seals: a seal must never describe bytes that could still be lost.
      for (int i = 0; i < s.allocated.size(); i++) {
        addWritten(s.allocated.get(i).file());
      }
      durability.forceWritten(s.written);
    }
    for (int i = 0; i < s.rolled.size(); i++) {
      durability.sealed(s.rolled.get(i).block(), s.rolled.get(i).seal());
    }
  }

  /** Writes the queued buffers, one {@code writeBatch} per file. */
  private void writeQueued() throws IOException {
    StagingBuffers staging = s.staging;
    try {
      for (int r = 0; r < staging.runCount(); r++) {
        StagingBuffers.FileRun run = staging.run(r);
        if (deferring && (run.buffers().size() > 1 || !durability.syncEach())) {
          run.file().file().writeBatch(run.buffers(), run.positions()); // io_uring, where available
        } else {
          // A single append, or (SyncEach) a group or batch in one buffer: one positional
          // write. Under SyncEach the write is on every group commit's critical path (the
          // next force waits for it), and a ring round trip costs two thread wake-ups.
          for (int i = 0; i < run.buffers().size(); i++) {
            run.file().file().write(run.buffers().get(i), run.positions()[i]);
          }
        }
        run.file().markDirty();
        addWritten(run.file());
      }
    } finally {
      staging.recycle();
    }
  }

  private void addWritten(DataFile f) {
    if (!s.written.contains(f)) {
      s.written.add(f);
    }
  }

  /** Seals the current block (if any) and starts a new one for a frame of {@code size}. */
  private void roll(long size) throws IOException {
    queueStaged();
    if (durability.syncEach() && framedInto(block)) {
      // SyncEach resumes exactly after the last acknowledged entry. The new block's header
      // is written at once (allocate), and a power cut may keep it while losing unforced
      // entries of this operation in the old block: recovery would then continue the topic
      // at the new block's first offset, past a gap of never-acknowledged offsets. So what
      // this operation framed into the old block is written and forced first (one extra
      // force per roll, and a roll comes once per block).
      writeQueued();
      durability.forceWritten(s.written);
    }
    Block old = block;
    Block fresh = allocator.allocate(topic, writeOffset, size);
    s.allocated.add(fresh);
    if (old != null) {
      // The seal goes out only after this operation's bytes are written (see writeOut):
      // a seal must never describe bytes that are not there yet.
      s.rolled.add(
          new RolledBlock(
              old,
              writePos,
              writeOffset,
              old.header()
                  .encodeSeal(
                      writePos, writeOffset, commitPos, commitOffset, old.lastTimestamp())));
      topic.link(fresh);
    } else {
      topic.link(fresh);
    }
    block = fresh;
    writePos = fresh.entriesStart();
    stagedFrom = writePos;
    commitPos = writePos;
    commitOffset = writeOffset;
  }

  /** @return true if the current operation framed entries into {@code b} */
  private boolean framedInto(Block b) {
    return b != null && writePos > (b == startBlock ? startWritePos : b.entriesStart());
  }

  /** Makes everything written since the last commit readable, then publishes it. */
  private void commit() {
    for (int i = 0; i < s.rolled.size(); i++) {
      RolledBlock r = s.rolled.get(i);
      r.block().setEnd(r.endPos(), r.endOffset());
      r.block().seal(); // sealed only once its end is final
    }
    block.setEnd(writePos, writeOffset);
    topic.publish(writeOffset);
  }

  /**
   * Undoes a failed append: nothing was published; make sure recovery will never see
   * its bytes either, then continue in a fresh block.
   */
  private RuntimeException rollback(String what, IOException cause) {
    s.staging.recycle(); // queued bytes are dropped unwritten
    if (cause instanceof ForceFailedException) {
      // A failed fsync/msync: the kernel may have dropped pages of earlier, acknowledged
      // writes too. No rollback can make that right: poison (reopen recovers from disk).
      return health.poison(what, cause);
    }
    try {
      RollbackSeals.write(
          s.allocated,
          startBlock,
          startBlock == null
              ? null
              : startBlock
                  .header()
                  .encodeSeal(
                      startWritePos,
                      startOffset, // not the block's published end: a pipelined group may be
                      // written and not yet published, and this seal keeps it (see writeEach)
                      startCommitPos,
                      startCommitOffset,
                      startBlock.lastTimestamp()),
          durability);
    } catch (IOException e) {
      e.addSuppressed(cause);
      return health.poison(what + " (and its rollback)", e);
    }
    topic.rollbackTo(startTail);
    block = null;
    return new dev.walrus.WriteRolledBackException(
        what
            + " failed and was rolled back (nothing of it"
            + " is visible; the instance stays usable): "
            + cause,
        cause);
  }
}
