package dev.walrus.internal.recovery;

import dev.walrus.internal.core.Block;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.LongPredicate;

/**
 * Links one topic's recovered blocks, offered in sequence order, into its chain.
 *
 * <p>The chain starts with a block at or below the topic's floor, at a recorded restart
 * point, or carrying the writer's seal; an earlier unsealed block above the floor is dead
 * (its predecessors were lost, not reclaimed: a log keeps a prefix of what was written).
 *
 * <p>State: {@code committed} is the offset after the last committed entry, and
 * {@code pending} the offset after the last entry seen ({@code > committed} while a
 * batch has not met its last entry). A block whose first offset is
 * <ul>
 *   <li>{@code pending}: continues the chain (and a pending batch, if any);</li>
 *   <li>{@code committed} while a batch is pending: the process restarted after that
 *       batch was cut short; the batch is dropped and the chain continues;</li>
 *   <li>greater than {@code committed} (even inside a pending batch's range), and at or
 *       below the topic's floor or equal to a recorded restart point; or greater than
 *       {@code pending} and
 *       (journal damaged) sealed, after a sealed block, with a deleted data file between
 *       them: the range in between was reclaimed (or lost and recorded as such); the chain
 *       restarts there;</li>
 *   <li>anything else: the block lies beyond a gap (a cut tail) and is dead.</li>
 * </ul>
 * A batch still pending at the end is dropped: readers see whole batches or nothing, and
 * blocks that held nothing but its entries are dead.
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
    /** The block had a valid seal when recovery found it (not one recovery wrote). */
    boolean sealedByWriter;
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
  private final LongPredicate fileExists;
  private Candidate last;
  private final List<Block> accepted = new ArrayList<>();
  /** Blocks holding entries of the pending batch, with its readable end already set to their commit point. */
  private final List<Candidate> pendingBlocks = new ArrayList<>();
  private boolean started;
  /** The offset after the last committed entry found in a block beyond a gap (0 if none). */
  private long beyondGap;
  private long committed;
  private long pending;

  ChainBuilder(long floor, NavigableSet<Long> restarts, LongPredicate fileExists) {
    this.floor = floor;
    this.restarts = restarts;
    this.fileExists = fileExists;
  }

  /**
   * Whether a gap that no floor record explains was nevertheless reclaimed (the journal
   * lost its floor): a data file between the two blocks no longer exists (reclamation
   * deletes whole files; torn data is cut inside files that are still there), and both
   * blocks carry the writer's seal with nothing pending. A seal is written only after
   * every byte of the operations before it, so a gap in front of a sealed block cannot be
   * a write that was cut short (io_uring may complete a batch's writes in any order).
   */
  private boolean reclaimedGap(Candidate c) {
    if (last == null || !last.sealedByWriter || last.endOffset != last.commitOffset
        || !c.sealedByWriter) {
      return false;
    }
    for (long f = last.block.file().sequence() + 1; f < c.block.file().sequence(); f++) {
      if (!fileExists.test(f)) {
        return true;
      }
    }
    return false;
  }

  void offer(Candidate c) {
    if (c.markedDead) {
      return;
    }
    long first = c.block.firstOffset();
    if (!started && first > floor && !restarts.contains(first) && !c.sealedByWriter) {
      // The topic's earliest blocks are missing but were not reclaimed (no floor covers
      // them) and this block carries no writer's seal: a power cut lost earlier, unsynced
      // blocks while this one reached the disk. A log is a prefix of what was written, so
      // this block lies beyond a gap. (A writer's seal is written only after everything
      // before it was durable, so a sealed block is a safe start: what precedes it was
      // reclaimed, even if the journal lost the floor.)
      deadBeyondGap(c);
      return;
    }
    if (!started) {
      started = true;
      committed = first;
      pending = first;
    } else if (first == pending) {
      // continues
    } else if (first == committed && pending > committed) {
      dropPending();
    } else if (first > committed && (first <= floor || restarts.contains(first))
        || first > pending && reclaimedGap(c)) {
      // A reclaimed (or lost and recorded) range ends here. It may begin inside a batch
      // that a crash cut short: the next session restarted at `committed`, and the file of
      // that restart block was reclaimed while the cut block's file was kept.
      dropPending();
      committed = first;
      pending = first;
    } else {
      deadBeyondGap(c);
      return;
    }
    accept(c);
  }

  /**
   * A block beyond a gap: dead, but the offsets of its committed entries were handed out
   * and are never reused (entries of a batch that never completed were not).
   */
  private void deadBeyondGap(Candidate c) {
    c.dead = true;
    c.block.markDead();
    if (c.commitOffset > c.block.firstOffset()) { // a committed entry, not only batch members
      beyondGap = Math.max(beyondGap, c.commitOffset);
    }
  }

  private void accept(Candidate c) {
    accepted.add(c.block);
    last = c;
    if (c.commitOffset > c.block.firstOffset() || c.commitPos > c.block.entriesStart()) {
      // A commit point inside this block: everything pending before it becomes readable.
      for (Candidate p : pendingBlocks) {
        p.block.setEnd(p.endPos, p.endOffset);
      }
      pendingBlocks.clear();
      committed = c.commitOffset;
    }
    c.block.setEnd(c.commitPos, c.commitOffset);
    pending = c.endOffset;
    if (pending > committed) {
      // Holds entries of a batch not yet complete, or only continues one (even with no
      // entry: the block after a cut batch's last surviving entry, which the crash left
      // empty). Left in the chain when that batch is dropped, such an empty block became
      // the topic's head once the blocks before it were reclaimed, and the topic's first
      // offset jumped past entries still unread.
      pendingBlocks.add(c);
    }
  }

  private void dropPending() {
    for (Candidate p : pendingBlocks) {
      if (p.block.firstOffset() >= committed) {
        // Holds nothing but entries of the dropped batch: it leaves the chain for good.
        accepted.remove(p.block);
        p.dead = true;
        p.block.markDead();
      } // else: its readable end stays at its commit point
    }
    pendingBlocks.clear();
    pending = committed;
  }

  void finish() {
    dropPending();
  }

  /** @return the offset after the last committed entry (0 if the topic has no block) */
  long end() {
    return started ? committed : 0;
  }

  /**
   * @return the offset after the last entry of any block found beyond a gap: the topic's
   *     next offset must not be below it, so offsets of entries lost with their
   *     predecessors are never handed out again
   */
  long beyondGap() {
    return beyondGap;
  }

  List<Block> accepted() {
    return accepted;
  }
}
