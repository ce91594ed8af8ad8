package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.EntryFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write path of one topic: assigns offsets, frames entries into a staging buffer,
 * writes them with as few positional writes as the block layout allows, and publishes
 * them to readers only when the whole append (or batch) is written.
 *
 * <p>All methods must be called with the topic's write lock held. Any I/O failure
 * poisons the instance: bytes of a failed append may be on disk but were never
 * published, and recovery after reopening decides from what is really there (a batch
 * without its last entry is cut).
 */
public final class TopicWriter {
  private static final int STAGING = 256 * 1024;

  private final Topic topic;
  private final BlockAllocator allocator;
  private final Durability durability;
  private final Health health;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING).order(ByteOrder.LITTLE_ENDIAN);
  private final List<Block> touched = new ArrayList<>(4);
  private final List<long[]> touchedEnds = new ArrayList<>(4);

  /** The block being written, or null until the first append after open. */
  private Block block;
  /** Block-relative position of the next frame. */
  private long writePos;
  /** Block-relative position where the staging buffer's first byte goes. */
  private long stagedFrom;
  /** Offset the next entry gets. */
  private long writeOffset;
  /** End of the last committed entry in the current block, for its seal. */
  private long commitPos;
  private long commitOffset;

  public TopicWriter(Topic topic, BlockAllocator allocator, Durability durability, Health health,
      EngineConfig config) {
    this.topic = topic;
    this.allocator = allocator;
    this.durability = durability;
    this.health = health;
  }

  public Topic topic() {
    return topic;
  }

  /**
   * Appends one entry.
   *
   * @return its offset
   */
  public long append(byte[] payload) {
    long offset = topic.endOffset();
    writeOffset = offset;
    touched.clear();
    touchedEnds.clear();
    try {
      frame(payload, 0);
      flush();
    } catch (IOException e) {
      throw health.poison("append to topic '" + topic.name() + "'", e);
    }
    commit();
    return offset;
  }

  /**
   * Appends a batch atomically: the entries are published together or not at all, and
   * on disk every entry but the last carries the MORE flag, so a batch cut short by a
   * crash is recognised and dropped at recovery.
   *
   * @return the offset of the first entry; the batch occupies consecutive offsets
   */
  public long appendBatch(List<byte[]> payloads) {
    long first = topic.endOffset();
    writeOffset = first;
    touched.clear();
    touchedEnds.clear();
    int n = payloads.size();
    try {
      for (int i = 0; i < n; i++) {
        frame(payloads.get(i), i < n - 1 ? EntryFormat.FLAG_MORE : 0);
      }
      flush();
    } catch (IOException e) {
      throw health.poison("batch append to topic '" + topic.name() + "'", e);
    }
    commit();
    return first;
  }

  private void frame(byte[] payload, int flags) throws IOException {
    long size = EntryFormat.frameSize(payload.length);
    if (block == null || block.length() - writePos < size) {
      roll(size);
    }
    if (staging.remaining() < EntryFormat.HEADER_SIZE) {
      flush();
    }
    EntryFormat.writeHeader(staging, crc, writeOffset, topic.id(), flags, payload);
    int off = 0;
    while (off < payload.length) {
      if (!staging.hasRemaining()) {
        flush();
      }
      int len = Math.min(staging.remaining(), payload.length - off);
      staging.put(payload, off, len);
      off += len;
    }
    int pad = (int) (size - EntryFormat.HEADER_SIZE - payload.length);
    for (int i = 0; i < pad; i++) {
      if (!staging.hasRemaining()) {
        flush();
      }
      staging.put((byte) 0);
    }
    writePos += size;
    writeOffset++;
    if (flags == 0) {
      commitPos = writePos;
      commitOffset = writeOffset;
    }
  }

  /** Writes the staged bytes at their place in the current block. */
  private void flush() throws IOException {
    if (staging.position() == 0) {
      return;
    }
    staging.flip();
    int n = staging.remaining();
    block.file().file().write(staging, block.base() + stagedFrom);
    block.file().markDirty();
    stagedFrom += n;
    staging.clear();
  }

  /** Seals the current block (if any) and starts a new one for a frame of {@code size}. */
  private void roll(long size) throws IOException {
    flush();
    Block old = block;
    Block fresh = allocator.allocate(topic, writeOffset, size);
    if (old != null) {
      touchedEnds.add(new long[] {writePos, writeOffset});
      touched.add(old);
      ByteBuffer seal = old.header().encodeSeal(writePos, writeOffset, commitPos, commitOffset);
      topic.link(fresh);
      durability.sealed(old, seal);
    } else {
      topic.link(fresh);
    }
    block = fresh;
    writePos = fresh.entriesStart();
    stagedFrom = writePos;
    commitPos = writePos;
    commitOffset = writeOffset;
  }

  /** Makes everything written since the last commit readable, then publishes it. */
  private void commit() {
    for (int i = 0; i < touched.size(); i++) {
      long[] end = touchedEnds.get(i);
      touched.get(i).setEnd(end[0], end[1]);
      touched.get(i).seal(); // sealed only once its end is final
    }
    block.setEnd(writePos, writeOffset);
    topic.publish(writeOffset);
  }
}
