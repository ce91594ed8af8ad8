package dev.walrus.internal.read;

import dev.walrus.internal.core.Block;

/**
 * Where a reader is: the offset of the next entry and, once located, the block and the
 * block-relative byte position of that entry. Not thread-safe; owners synchronise.
 */
public final class ReadPosition {
  /** Offset of the next entry to read. */
  long nextOffset;

  /** Block holding {@link #nextOffset}, or null if not located yet. */
  Block block;

  /** Block-relative position of the entry at {@link #nextOffset} (valid if block != null). */
  long pos;

  /** A position not yet located in the chain. */
  public ReadPosition(long nextOffset) {
    this.nextOffset = nextOffset;
  }

  public long nextOffset() {
    return nextOffset;
  }

  /** Moves to an offset; the byte position is found on the next read. */
  public void reset(long offset) {
    this.nextOffset = offset;
    this.block = null;
    this.pos = 0;
  }

  /** @return the block the position is in, or null */
  public Block block() {
    return block;
  }
}
