package dev.walrus.internal.recovery;

import dev.walrus.internal.core.Block;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;

/**
 * Links one topic's recovered blocks, offered in sequence order, into its chain.
 *
 * <p>State: {@code committed} is the offset after the last committed entry, and
 * {@code pending} the offset after the last entry seen ({@code > committed} while a
 * batch has not met its last entry). A block whose first offset is
 * <ul>
 *   <li>{@code pending}: continues the chain (and a pending batch, if any);</li>
 *   <li>{@code committed} while a batch is pending: the process restarted after that
 *       batch was cut short; the batch is dropped and the chain continues;</li>
 *   <li>greater, and at or below the topic's floor or equal to a recorded restart point:
 *       the range in between was reclaimed or lost and recorded as such; the chain
 *       restarts there;</li>
 *   <li>anything else: the block lies beyond a gap (a cut tail) and is dead.</li>
 * </ul>
 * A batch still pending at the end is dropped: readers see whole batches or nothing.
 */
final class ChainBuilder {
  /** A recovered block with what its seal or scan says. */
  static final class Candidate {
    final Block block;
    long endPos;
    long endOffset;
    long commitPos;
    long commitOffset;
    boolean dead;
    boolean markedDead;
    ByteBuffer pendingSeal;

    Candidate(Block block) {
      this.block = block;
    }

    void set(long endPos, long endOffset, long commitPos, long commitOffset) {
      this.endPos = endPos;
      this.endOffset = endOffset;
      this.commitPos = commitPos;
      this.commitOffset = commitOffset;
    }
  }

  private final long floor;
  private final NavigableSet<Long> restarts;
  private final List<Block> accepted = new ArrayList<>();
  /** Blocks holding entries of the pending batch, with its readable end already set to their commit point. */
  private final List<Candidate> pendingBlocks = new ArrayList<>();
  private boolean started;
  private long committed;
  private long pending;

  ChainBuilder(long floor, NavigableSet<Long> restarts) {
    this.floor = floor;
    this.restarts = restarts;
  }

  void offer(Candidate c) {
    if (c.markedDead) {
      return;
    }
    long first = c.block.firstOffset();
    if (!started) {
      started = true;
      committed = first;
      pending = first;
    } else if (first == pending) {
      // continues
    } else if (first == committed && pending > committed) {
      dropPending();
    } else if (first > pending && (first <= floor || restarts.contains(first))) {
      dropPending();
      committed = first;
      pending = first;
    } else {
      c.dead = true;
      c.block.markDead();
      return;
    }
    accept(c);
  }

  private void accept(Candidate c) {
    accepted.add(c.block);
    if (c.commitOffset > c.block.firstOffset() || c.commitPos > c.block.entriesStart()) {
      // A commit point inside this block: everything pending before it becomes readable.
      for (Candidate p : pendingBlocks) {
        p.block.setEnd(p.endPos, p.endOffset);
      }
      pendingBlocks.clear();
      committed = c.commitOffset;
    }
    c.block.setEnd(c.commitPos, c.commitOffset);
    if (c.endOffset > c.commitOffset) {
      pendingBlocks.add(c);
    }
    pending = c.endOffset;
  }

  private void dropPending() {
    pendingBlocks.clear(); // their readable ends stay at their commit points
    pending = committed;
  }

  void finish() {
    dropPending();
  }

  /** @return the offset after the last committed entry (0 if the topic has no block) */
  long end() {
    return started ? committed : 0;
  }

  List<Block> accepted() {
    return accepted;
  }
}
