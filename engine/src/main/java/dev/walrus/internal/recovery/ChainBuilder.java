package dev.walrus.internal.recovery;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.format.BlockEnds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.LongPredicate;

/**
 * Links one topic's recovered blocks, offered in sequence order, into its chain. Each
 * block is decided by {@link ChainRule} (the table of cases lives there); this class
 * applies the decision to the blocks: it keeps the chain's blocks, the blocks held by a
 * batch still open, and marks dead the blocks that are outside the chain.
 *
 * <p>A batch still open at the end is dropped: readers see whole batches or nothing, and
 * blocks that held nothing but its entries are dead.
 */
final class ChainBuilder {
  /** A recovered block with what its seal or scan says. */
  static final class Candidate {
    final Block block;

    /** Where its entries end, as its seal or the scan says. */
    final BlockEnds ends;

    /** The block had a valid seal when recovery found it (not one recovery wrote). */
    final boolean sealedByWriter;

    /** The block had a {@code DEAD} seal when recovery found it. */
    final boolean markedDead;

    /** The block is outside its topic's chain. */
    boolean dead;

    /** The seal recovery writes for it, if any. */
    ByteBuffer pendingSeal;

    private Candidate(Block block, BlockEnds ends, boolean sealedByWriter, boolean markedDead) {
      this.block = block;
      this.ends = ends;
      this.sealedByWriter = sealedByWriter;
      this.markedDead = markedDead;
      this.dead = markedDead;
    }

    /** A block whose valid seal says where its entries end. */
    static Candidate sealed(Block block, BlockEnds ends) {
      return new Candidate(block, ends, true, false);
    }

    /** A block scanned entry by entry; {@code seal} records the scan, to be written. */
    static Candidate scanned(Block block, BlockEnds ends, ByteBuffer seal) {
      Candidate c = new Candidate(block, ends, false, false);
      c.pendingSeal = seal;
      return c;
    }

    /** A block found with a {@code DEAD} seal, which records {@code ends}. */
    static Candidate markedDead(Block block, BlockEnds ends) {
      return new Candidate(block, ends, false, true);
    }

    ChainRule.BlockFacts facts() {
      return new ChainRule.BlockFacts(
          block.file().sequence(),
          block.firstOffset(),
          block.entriesStart(),
          ends,
          sealedByWriter,
          markedDead);
    }
  }

  private final ChainRule.TopicFacts topic;
  private ChainRule.ChainState state = ChainRule.ChainState.EMPTY;
  private final List<Block> accepted = new ArrayList<>();

  /** Blocks held by the open batch, with their readable end already set to their commit point. */
  private final List<Candidate> openBatchBlocks = new ArrayList<>();

  ChainBuilder(long floor, NavigableSet<Long> restarts, LongPredicate fileExists) {
    this.topic = new ChainRule.TopicFacts(floor, restarts, fileExists);
  }

  void offer(Candidate c) {
    ChainRule.Step step = ChainRule.decide(topic, state, c.facts());
    BlockDecision d = step.decision();
    if (d.dropsOpenBatch()) {
      dropOpenBatch(); // before the chain moves on: the batch ends at the old committed end
    }
    if (d.joinsChain()) {
      accepted.add(c.block);
      if (step.commits()) {
        // A commit point inside this block: everything of the open batch becomes readable.
        for (Candidate p : openBatchBlocks) {
          p.block.setEnd(p.ends.endPos(), p.ends.endOffset());
        }
        openBatchBlocks.clear();
      }
      c.block.setEnd(c.ends.commitPos(), c.ends.commitOffset());
      if (step.heldByOpenBatch()) {
        openBatchBlocks.add(c);
      }
    } else if (d.killsBlock()) {
      c.dead = true;
      c.block.markDead();
    }
    state = step.after();
  }

  private void dropOpenBatch() {
    for (Candidate p : openBatchBlocks) {
      if (p.block.firstOffset() >= state.committed()) {
        // Holds nothing but entries of the dropped batch: it leaves the chain for good.
        accepted.remove(p.block);
        p.dead = true;
        p.block.markDead();
      } // else: its readable end stays at its commit point
    }
    openBatchBlocks.clear();
  }

  /** Drops a batch still open after the last block. */
  void finish() {
    dropOpenBatch();
  }

  /** @return the offset after the last committed entry (0 if the topic has no block) */
  long end() {
    return state.started() ? state.committed() : 0;
  }

  /**
   * @return the offset after the last committed entry of any block decided dead as lying
   *     outside the chain (0 if none): the topic's next offset must not be below it, so
   *     offsets of entries lost with their predecessors are never handed out again
   */
  long beyondGap() {
    return state.beyondGap();
  }

  /** @return the chain's blocks, in offset order */
  List<Block> accepted() {
    return accepted;
  }
}
