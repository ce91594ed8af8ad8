package dev.walrus.internal.recovery;

import dev.walrus.internal.format.BlockEnds;
import java.util.NavigableSet;
import java.util.function.LongPredicate;

/**
 * The rule recovery links a topic's blocks by: a pure function from the chain so far and
 * the next block (in sequence order) to a {@link BlockDecision} and the chain after it.
 * {@link ChainBuilder} applies the outcome to the blocks; this class reads no file and
 * changes nothing.
 *
 * <p>Terms: {@code f} is the block's first offset; {@code committed} the offset after the
 * chain's last committed entry; {@code pending} the offset after its last entry ({@code >
 * committed} while a batch is open, i.e. its last entry has not been seen);
 * <em>writer-sealed</em>: the block had a valid seal when recovery found it (a seal is
 * written only once everything before it is durable). The rows are tried in order; the
 * first that matches decides.
 *
 * <table>
 *   <caption>How each block is decided</caption>
 *   <tr><th>#</th><th>when</th><th>decision</th><th>motivated by</th></tr>
 *   <tr><td>1</td><td>the block is sealed {@code DEAD}</td>
 *       <td>{@link BlockDecision#ALREADY_DEAD ALREADY_DEAD}</td>
 *       <td>an earlier recovery or rollback decided it</td></tr>
 *   <tr><td>2</td><td>no chain yet, and {@code f <= floor}, or {@code f} is a restart
 *       point, or the block is writer-sealed</td>
 *       <td>{@link BlockDecision#STARTS STARTS}</td>
 *       <td>bug H: only these are safe starts</td></tr>
 *   <tr><td>3</td><td>no chain yet, otherwise</td>
 *       <td>{@link BlockDecision#BEYOND_LOST_HEAD BEYOND_LOST_HEAD}</td>
 *       <td>bug H: readers saw 48.. without 0..47</td></tr>
 *   <tr><td>4</td><td>{@code f == pending}</td>
 *       <td>{@link BlockDecision#CONTINUES CONTINUES}</td>
 *       <td>the ordinary case; bug M for an empty block inside an open batch</td></tr>
 *   <tr><td>5</td><td>{@code f == committed < pending}</td>
 *       <td>{@link BlockDecision#RESTARTS_AFTER_CUT_BATCH RESTARTS_AFTER_CUT_BATCH}</td>
 *       <td>batch atomicity (a restart after a crash cut a batch)</td></tr>
 *   <tr><td>6</td><td>{@code committed < f <= floor}</td>
 *       <td>{@link BlockDecision#RESTARTS_AFTER_FLOOR RESTARTS_AFTER_FLOOR}</td>
 *       <td>reclamation; bug L when {@code f < pending} (data loss)</td></tr>
 *   <tr><td>7</td><td>{@code committed < f}, {@code f} a restart point</td>
 *       <td>{@link BlockDecision#RESTARTS_AT_RESTART_POINT RESTARTS_AT_RESTART_POINT}</td>
 *       <td>restart after lost unsynced entries; bug L when {@code f < pending}</td></tr>
 *   <tr><td>8</td><td>{@code pending < f}, this block and the chain's last one
 *       writer-sealed, the last one's seal ends on a committed entry, and a data file
 *       between the two was deleted</td>
 *       <td>{@link BlockDecision#RESTARTS_AFTER_DELETED_FILE RESTARTS_AFTER_DELETED_FILE}</td>
 *       <td>a journal that lost a floor record (what bug J could cause)</td></tr>
 *   <tr><td>9</td><td>{@code f < pending}</td>
 *       <td>{@link BlockDecision#STALE STALE}</td><td>—</td></tr>
 *   <tr><td>10</td><td>otherwise ({@code pending < f})</td>
 *       <td>{@link BlockDecision#BEYOND_GAP BEYOND_GAP}</td>
 *       <td>a cut tail; bug K for what it reserves</td></tr>
 * </table>
 *
 * <p>The chain after the block:
 * <ul>
 *   <li>A joining block continues from {@code committed} (rows 4, 5) or from {@code f}
 *       (rows 2, 6, 7, 8). If it holds a commit point, {@code committed} becomes its
 *       commit offset and the blocks of the open batch before it become readable to
 *       their ends; {@code pending} becomes its end offset. If then {@code pending >
 *       committed}, the block is held by the open batch (bug M: even when it holds no
 *       entry, as the block after a cut batch's last surviving entry does), and it leaves
 *       the chain with the batch if the batch is dropped and it starts at or past
 *       {@code committed}.</li>
 *   <li>A block decided dead now (rows 3, 9, 10) reserves the offsets of its committed
 *       entries: the topic's next offset is never below its commit offset, so they are
 *       never handed out again (bug H). A block that holds only members of a batch that
 *       never completed reserves nothing (bug K).</li>
 *   <li>A batch still open after the last block is dropped ({@link ChainBuilder#finish}).</li>
 * </ul>
 */
final class ChainRule {
  private ChainRule() {}

  /**
   * What recovery knows of a topic that does not change while its chain is built.
   *
   * @param floor offsets below it were reclaimed (from the metadata journal)
   * @param restarts offsets at which the topic restarted after losing unsynced entries
   * @param fileExists whether the data file of a sequence number exists
   */
  record TopicFacts(long floor, NavigableSet<Long> restarts, LongPredicate fileExists) {}

  /**
   * The chain so far.
   *
   * @param started whether a block started the chain
   * @param committed the offset after the chain's last committed entry
   * @param pending the offset after the chain's last entry ({@code > committed} while a
   *     batch is open)
   * @param beyondGap the largest commit offset of a block decided dead with a committed
   *     entry (0 if none): the topic's next offset must not be below it
   * @param lastFile the data file sequence of the chain's last block (-1 if none)
   * @param lastSealedComplete whether the chain's last block is writer-sealed and its
   *     seal ends on a committed entry (end offset = commit offset)
   */
  record ChainState(
      boolean started,
      long committed,
      long pending,
      long beyondGap,
      long lastFile,
      boolean lastSealedComplete) {
    /** The chain before any block. */
    static final ChainState EMPTY = new ChainState(false, 0, 0, 0, -1, false);
  }

  /**
   * What recovery found of one block.
   *
   * @param file the sequence number of its data file
   * @param firstOffset the offset of its first entry (from its header)
   * @param entriesStart the position of its first entry from the block's start
   * @param ends where its entries end, from its seal or a scan
   * @param sealedByWriter whether it had a valid (not {@code DEAD}) seal when found
   * @param markedDead whether it had a {@code DEAD} seal when found
   */
  record BlockFacts(
      long file,
      long firstOffset,
      int entriesStart,
      BlockEnds ends,
      boolean sealedByWriter,
      boolean markedDead) {}

  /**
   * The outcome of offering one block.
   *
   * @param decision the row of the table that matched
   * @param after the chain after the block
   * @param commits whether the joining block holds a commit point: the open batch's blocks
   *     before it become readable to their ends
   * @param heldByOpenBatch whether the joining block is held by a batch still open after
   *     it
   */
  record Step(BlockDecision decision, ChainState after, boolean commits, boolean heldByOpenBatch) {}

  /**
   * Decides one block.
   *
   * @return the decision and the chain after it; {@code chain} is unchanged
   */
  static Step decide(TopicFacts topic, ChainState chain, BlockFacts block) {
    BlockDecision d = classify(topic, chain, block);
    long f = block.firstOffset();
    BlockEnds e = block.ends();
    switch (d) {
      case ALREADY_DEAD:
        return new Step(d, chain, false, false);
      case BEYOND_LOST_HEAD:
      case STALE:
      case BEYOND_GAP:
        {
          long reserved =
              e.commitOffset() > f // a committed entry, not only batch members
                  ? Math.max(chain.beyondGap(), e.commitOffset())
                  : chain.beyondGap();
          ChainState after =
              new ChainState(
                  chain.started(),
                  chain.committed(),
                  chain.pending(),
                  reserved,
                  chain.lastFile(),
                  chain.lastSealedComplete());
          return new Step(d, after, false, false);
        }
      default:
        {
          long committed =
              d == BlockDecision.CONTINUES || d == BlockDecision.RESTARTS_AFTER_CUT_BATCH
                  ? chain.committed()
                  : f;
          boolean commits = e.commitOffset() > f || e.commitPos() > block.entriesStart();
          if (commits) {
            committed = e.commitOffset();
          }
          long pending = e.endOffset();
          ChainState after =
              new ChainState(
                  true,
                  committed,
                  pending,
                  chain.beyondGap(),
                  block.file(),
                  block.sealedByWriter() && e.endOffset() == e.commitOffset());
          return new Step(d, after, commits, pending > committed);
        }
    }
  }

  /** The table's rows, in order. */
  private static BlockDecision classify(TopicFacts topic, ChainState chain, BlockFacts block) {
    long f = block.firstOffset();
    if (block.markedDead()) {
      return BlockDecision.ALREADY_DEAD;
    }
    if (!chain.started()) {
      return f <= topic.floor() || topic.restarts().contains(f) || block.sealedByWriter()
          ? BlockDecision.STARTS
          : BlockDecision.BEYOND_LOST_HEAD;
    }
    long committed = chain.committed();
    long pending = chain.pending();
    if (f == pending) {
      return BlockDecision.CONTINUES;
    }
    if (f == committed && pending > committed) {
      return BlockDecision.RESTARTS_AFTER_CUT_BATCH;
    }
    if (f > committed && f <= topic.floor()) {
      return BlockDecision.RESTARTS_AFTER_FLOOR;
    }
    if (f > committed && topic.restarts().contains(f)) {
      return BlockDecision.RESTARTS_AT_RESTART_POINT;
    }
    if (f > pending && reclaimedFileBetween(topic, chain, block)) {
      return BlockDecision.RESTARTS_AFTER_DELETED_FILE;
    }
    return f < pending ? BlockDecision.STALE : BlockDecision.BEYOND_GAP;
  }

  /**
   * Whether a gap that no floor record explains was nevertheless reclaimed (the journal
   * lost its floor): a data file between the two blocks no longer exists (reclamation
   * deletes whole files; torn data is cut inside files that are still there), and both
   * blocks carry the writer's seal, the earlier one ending on a committed entry. A seal is
   * written only after every byte of the operations before it, so a gap in front of a
   * sealed block cannot be a write that was cut short (io_uring may complete a batch's
   * writes in any order).
   */
  private static boolean reclaimedFileBetween(
      TopicFacts topic, ChainState chain, BlockFacts block) {
    if (!chain.lastSealedComplete() || !block.sealedByWriter()) {
      return false;
    }
    for (long file = chain.lastFile() + 1; file < block.file(); file++) {
      if (!topic.fileExists().test(file)) {
        return true;
      }
    }
    return false;
  }
}
