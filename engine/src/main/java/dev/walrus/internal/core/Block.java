package dev.walrus.internal.core;

import dev.walrus.internal.format.BlockHeader;

/**
 * A block: a fixed region of a data file that holds entries of one topic, in offset
 * order. Blocks of a topic form a singly linked chain ({@link #next}) in offset order.
 *
 * <p>Fields that change after creation are published by the topic's writer before it
 * publishes the topic's end offset (a volatile write); readers read the topic's end
 * offset first, so everything below it is visible to them.
 */
public final class Block {
  private final DataFile file;
  private final long base;
  private final BlockHeader header;

  /** Bytes from block start to the end of the last readable (committed) entry. */
  volatile long endPos;

  /** Offset after the last readable entry. */
  volatile long endOffset;

  /** No more entries will be added. */
  volatile boolean sealed;

  /** The topic's next block, set before this one is sealed. */
  volatile Block next;

  /** Recovery found this block outside its topic's chain; it holds nothing readable. */
  volatile boolean dead;

  /** Append time of the first entry (microseconds), or {@link BlockHeader#NO_TIMESTAMP}. */
  volatile long firstTimestamp = BlockHeader.NO_TIMESTAMP;

  /**
   * Append time of the last entry written (microseconds), or {@link BlockHeader#NO_TIMESTAMP}.
   * For a block of format version 1 (no timestamps), an upper bound set by recovery.
   */
  volatile long lastTimestamp = BlockHeader.NO_TIMESTAMP;

  public Block(DataFile file, long base, BlockHeader header) {
    this.file = file;
    this.base = base;
    this.header = header;
    this.endPos = header.entriesStart();
    this.endOffset = header.firstOffset;
  }

  public DataFile file() {
    return file;
  }

  /** @return absolute position of the block in its file */
  public long base() {
    return base;
  }

  public BlockHeader header() {
    return header;
  }

  public long firstOffset() {
    return header.firstOffset;
  }

  public long length() {
    return header.length;
  }

  public int entriesStart() {
    return header.entriesStart();
  }

  /** @return the size of this block's entry headers (24 in format version 1, else 28) */
  public int entryHeaderSize() {
    return header.entryHeaderSize();
  }

  /** @return append time of the first entry, or {@link BlockHeader#NO_TIMESTAMP} */
  public long firstTimestamp() {
    return firstTimestamp;
  }

  /** @return append time of the last entry, or {@link BlockHeader#NO_TIMESTAMP} */
  public long lastTimestamp() {
    return lastTimestamp;
  }

  /**
   * Notes that an entry stamped {@code micros} went into this block (writer, before it
   * publishes the entry; stamps within a topic never decrease).
   */
  public void noteTimestamp(long micros) {
    if (firstTimestamp == BlockHeader.NO_TIMESTAMP) {
      firstTimestamp = micros;
    }
    lastTimestamp = micros;
  }

  /** Sets both timestamps (recovery). */
  public void setTimestamps(long first, long last) {
    this.firstTimestamp = first;
    this.lastTimestamp = last;
  }

  public long endPos() {
    return endPos;
  }

  public long endOffset() {
    return endOffset;
  }

  public boolean isSealed() {
    return sealed;
  }

  public Block next() {
    return next;
  }

  /** Sets the readable end; the caller publishes it through the topic afterwards. */
  public void setEnd(long pos, long offset) {
    this.endPos = pos;
    this.endOffset = offset;
  }

  public void setNext(Block next) {
    this.next = next;
  }

  public void markDead() {
    this.dead = true;
    this.sealed = true;
  }

  public boolean isDead() {
    return dead;
  }

  public void seal() {
    this.sealed = true;
  }

  @Override
  public String toString() {
    return "Block{"
        + header.topic
        + " seq="
        + header.sequence
        + " file="
        + file.sequence()
        + " base="
        + base
        + " offsets=["
        + header.firstOffset
        + ","
        + endOffset
        + ")}";
  }
}
