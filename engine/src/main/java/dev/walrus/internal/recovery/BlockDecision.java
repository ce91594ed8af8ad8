package dev.walrus.internal.recovery;

/**
 * What recovery decides for one block of a topic, offered in sequence order to the
 * topic's chain: the outcomes of the table in {@link ChainRule}. {@link ChainBuilder}
 * applies them.
 */
enum BlockDecision {
  /** Sealed {@code DEAD} by an earlier recovery or a rolled-back write: ignored. */
  ALREADY_DEAD(false, false),
  /**
   * The topic's first block in the chain: at or below its floor, at a recorded restart
   * point, or carrying the writer's seal (what precedes it was reclaimed).
   */
  STARTS(true, false),
  /**
   * No chain yet and this block could not start one: the topic's first blocks were lost
   * (unsynced) while this later one reached the disk. Dead; offsets of its committed
   * entries are never handed out again.
   */
  BEYOND_LOST_HEAD(false, false),
  /** Starts where the chain's last entry ends: continues the chain (and an open batch). */
  CONTINUES(true, false),
  /**
   * Starts at the chain's committed end while a batch is open: the process restarted
   * after a crash cut that batch. The batch is dropped; the chain continues here.
   */
  RESTARTS_AFTER_CUT_BATCH(true, true),
  /**
   * Starts past the committed end, at or below the topic's floor: the range in between
   * was reclaimed (even if it began inside an open batch, which is dropped). The chain
   * restarts here.
   */
  RESTARTS_AFTER_FLOOR(true, true),
  /**
   * Starts past the committed end at a recorded restart point: the range in between was
   * lost before a restart and recorded as such. Any open batch is dropped; the chain
   * restarts here.
   */
  RESTARTS_AT_RESTART_POINT(true, true),
  /**
   * Starts past the chain's end with no floor or restart point explaining the gap, but
   * both this block and the chain's last one carry the writer's seal, the last one's seal
   * shows no batch open at its end, and a data file between them was deleted: the journal
   * lost the floor of a reclaimed range. Any open batch is dropped; the chain restarts
   * here.
   */
  RESTARTS_AFTER_DELETED_FILE(true, true),
  /**
   * Starts before the chain's end (inside what the chain holds, or inside its open
   * batch) and nothing explains it: dead. Offsets of its committed entries are never
   * handed out again.
   */
  STALE(false, false),
  /**
   * Starts past the chain's end and nothing explains the gap: the block lies beyond a
   * cut tail. Dead; offsets of its committed entries are never handed out again.
   */
  BEYOND_GAP(false, false);

  private final boolean joinsChain;
  private final boolean dropsOpenBatch;

  BlockDecision(boolean joinsChain, boolean dropsOpenBatch) {
    this.joinsChain = joinsChain;
    this.dropsOpenBatch = dropsOpenBatch;
  }

  /** @return whether the block becomes part of its topic's chain */
  boolean joinsChain() {
    return joinsChain;
  }

  /**
   * @return whether a batch open at the chain's end is dropped before the block joins
   *     (its blocks that hold nothing but its entries leave the chain)
   */
  boolean dropsOpenBatch() {
    return dropsOpenBatch;
  }

  /** @return whether recovery marks the block dead now (not already dead, not joining) */
  boolean killsBlock() {
    return !joinsChain && this != ALREADY_DEAD;
  }
}
