package dev.walrus.internal.recovery;

import static dev.walrus.internal.recovery.BlockDecision.ALREADY_DEAD;
import static dev.walrus.internal.recovery.BlockDecision.BEYOND_GAP;
import static dev.walrus.internal.recovery.BlockDecision.BEYOND_LOST_HEAD;
import static dev.walrus.internal.recovery.BlockDecision.CONTINUES;
import static dev.walrus.internal.recovery.BlockDecision.RESTARTS_AFTER_CUT_BATCH;
import static dev.walrus.internal.recovery.BlockDecision.RESTARTS_AFTER_DELETED_FILE;
import static dev.walrus.internal.recovery.BlockDecision.RESTARTS_AFTER_FLOOR;
import static dev.walrus.internal.recovery.BlockDecision.RESTARTS_AT_RESTART_POINT;
import static dev.walrus.internal.recovery.BlockDecision.STALE;
import static dev.walrus.internal.recovery.BlockDecision.STARTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.internal.format.BlockEnds;
import dev.walrus.internal.recovery.ChainRule.BlockFacts;
import dev.walrus.internal.recovery.ChainRule.ChainState;
import dev.walrus.internal.recovery.ChainRule.Step;
import dev.walrus.internal.recovery.ChainRule.TopicFacts;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recovery decision table of {@link ChainRule}, row by row: each row is a topic's
 * journal facts, the chain so far and one block, with the decision and the chain after
 * it. Every fixed bug of docs/RELIABILITY.md that concerned how blocks are chained has a
 * row (H, K, L, M; and the lost-floor row that guards against what J could cause); the
 * others (A–G, I, J itself) were in durability, the journal, reclamation or reads, and
 * their regression tests are named in that table.
 */
class ChainRuleTest {
  /** Where entries start in a block of a one-byte topic name (header 48 bytes, seal 40). */
  private static final int ES = 88;

  /** Frame of each test entry (a 100-byte payload). */
  private static final int FRAME = 128;

  static Stream<Arguments> rows() {
    return Stream.of(
        // --- a topic's first block ---
        row(
            "a fresh topic starts at offset 0",
            noJournal(),
            ChainState.EMPTY,
            scanned(1, 0, 5, 5),
            STARTS,
            state(5, 5, 0, 1, false),
            true,
            false),
        row(
            "a block at or below the floor starts the chain (the range before was reclaimed)",
            floor(100),
            ChainState.EMPTY,
            scanned(3, 90, 95, 95),
            STARTS,
            state(95, 95, 0, 3, false),
            true,
            false),
        row(
            "a block at a recorded restart point starts the chain",
            restartAt(40),
            ChainState.EMPTY,
            scanned(2, 40, 42, 42),
            STARTS,
            state(42, 42, 0, 2, false),
            true,
            false),
        // bug H: a writer's seal is written only once everything before it is durable,
        // so what precedes a writer-sealed block was reclaimed even if no floor says so
        row(
            "H: a writer-sealed first block above the floor starts the chain",
            noJournal(),
            ChainState.EMPTY,
            sealed(2, 48, 60, 60),
            STARTS,
            state(60, 60, 0, 2, true),
            true,
            false),
        // bug H: a power cut lost the topic's first, unsynced blocks while this one reached
        // the disk; readers saw 48.. without 0..47. It is dead, its offsets reserved.
        row(
            "H: an unsealed first block above the floor lies beyond the lost head",
            noJournal(),
            ChainState.EMPTY,
            scanned(2, 48, 60, 60),
            BEYOND_LOST_HEAD,
            unstarted(60),
            false,
            false),
        // bug K (at the head): a block holding only members of a torn in-flight batch
        row(
            "K: a lost head's block of only batch members reserves no offset",
            noJournal(),
            ChainState.EMPTY,
            scanned(2, 48, 55, 48),
            BEYOND_LOST_HEAD,
            unstarted(0),
            false,
            false),
        row(
            "a block sealed dead is ignored, before a chain",
            noJournal(),
            ChainState.EMPTY,
            markedDead(1, 0),
            ALREADY_DEAD,
            ChainState.EMPTY,
            false,
            false),

        // --- continuing ---
        row(
            "a block starting at the chain's end continues it",
            noJournal(),
            state(10, 10, 0, 1, false),
            scanned(1, 10, 20, 20),
            CONTINUES,
            state(20, 20, 0, 1, false),
            true,
            false),
        row(
            "a block that opens a batch continues the chain and is held by the batch",
            noJournal(),
            state(10, 10, 0, 1, false),
            scanned(1, 10, 20, 14),
            CONTINUES,
            state(14, 20, 0, 1, false),
            true,
            true),
        row(
            "a block of only batch members continues an open batch",
            noJournal(),
            state(5, 12, 0, 1, false),
            scanned(2, 12, 20, 12),
            CONTINUES,
            state(5, 20, 0, 2, false),
            false,
            true),
        row(
            "a block holding a batch's last entry completes it",
            noJournal(),
            state(10, 15, 0, 1, false),
            sealed(2, 15, 22, 22),
            CONTINUES,
            state(22, 22, 0, 2, true),
            true,
            false),
        // bug M: the block after a cut batch's last surviving entry, left empty by the
        // crash, was not held by the batch; left in the chain when the batch was dropped,
        // it became the head and the first retained offset jumped past unread entries
        row(
            "M: an empty block inside an open batch is held by the batch",
            noJournal(),
            state(5, 12, 0, 1, false),
            scanned(2, 12, 12, 12),
            CONTINUES,
            state(5, 12, 0, 2, false),
            false,
            true),

        // --- restarts ---
        row(
            "a block at the committed end of an open batch: restart after a cut batch",
            noJournal(),
            state(5, 12, 0, 1, false),
            scanned(3, 5, 7, 7),
            RESTARTS_AFTER_CUT_BATCH,
            state(7, 7, 0, 3, false),
            true,
            false),
        row(
            "a block at the floor past the chain's end: a reclaimed range",
            floor(100),
            state(50, 50, 0, 1, true),
            sealed(5, 100, 110, 110),
            RESTARTS_AFTER_FLOOR,
            state(110, 110, 0, 5, true),
            true,
            false),
        // bug L (data loss): the restart block after a cut batch was reclaimed while the
        // cut block's file was kept; the next block starts inside the dropped batch's
        // range; it and everything after it were declared dead
        row(
            "L: a block at the floor inside a cut batch's range restarts the chain",
            floor(9),
            state(5, 12, 0, 1, false),
            sealed(4, 9, 11, 11),
            RESTARTS_AFTER_FLOOR,
            state(11, 11, 0, 4, true),
            true,
            false),
        row(
            "L: a block at a restart point inside an open batch's range restarts the chain",
            restartAt(9),
            state(5, 12, 0, 1, false),
            scanned(4, 9, 11, 11),
            RESTARTS_AT_RESTART_POINT,
            state(11, 11, 0, 4, false),
            true,
            false),
        row(
            "a block at a restart point past the chain's end: lost entries, recorded",
            restartAt(70),
            state(50, 50, 0, 1, false),
            scanned(2, 70, 75, 75),
            RESTARTS_AT_RESTART_POINT,
            state(75, 75, 0, 2, false),
            true,
            false),
        // the journal lost a floor record (what bug J's compaction could do): the gap
        // between two writer-sealed blocks with a deleted data file between them was
        // reclaimed, not cut
        row(
            "lost floor: writer-sealed blocks around a deleted file restart the chain",
            filesMissing(2),
            state(50, 50, 0, 1, true),
            sealed(3, 80, 90, 90),
            RESTARTS_AFTER_DELETED_FILE,
            state(90, 90, 0, 3, true),
            true,
            false),
        row(
            "lost floor, but no file between was deleted: beyond a gap",
            noJournal(),
            state(50, 50, 0, 1, true),
            sealed(3, 80, 90, 90),
            BEYOND_GAP,
            state(50, 50, 90, 1, true),
            false,
            false),
        row(
            "lost floor, but the chain's last seal ends inside a batch: beyond a gap",
            filesMissing(2),
            state(50, 50, 0, 1, false),
            sealed(3, 80, 90, 90),
            BEYOND_GAP,
            state(50, 50, 90, 1, false),
            false,
            false),
        row(
            "lost floor, but the block carries no writer's seal: beyond a gap",
            filesMissing(2),
            state(50, 50, 0, 1, true),
            scanned(3, 80, 90, 90),
            BEYOND_GAP,
            state(50, 50, 90, 1, true),
            false,
            false),

        // --- dead ---
        row(
            "a block past the chain's end that nothing explains: a cut tail",
            noJournal(),
            state(10, 10, 0, 1, false),
            scanned(1, 15, 20, 20),
            BEYOND_GAP,
            state(10, 10, 20, 1, false),
            false,
            false),
        // bug K: a block holding only members of a torn in-flight batch, beyond a gap,
        // moved the next offset past the batch (SyncEach must resume exactly after the
        // last acknowledged entry)
        row(
            "K: a block of only batch members beyond a gap reserves no offset",
            noJournal(),
            state(10, 10, 0, 1, false),
            scanned(2, 15, 20, 15),
            BEYOND_GAP,
            state(10, 10, 0, 1, false),
            false,
            false),
        row(
            "a block before the chain's committed end: stale",
            noJournal(),
            state(20, 20, 0, 1, false),
            scanned(2, 10, 15, 15),
            STALE,
            state(20, 20, 15, 1, false),
            false,
            false),
        row(
            "a block inside an open batch's range that no floor or restart explains: stale",
            floor(4),
            state(5, 12, 0, 1, false),
            scanned(4, 9, 11, 11),
            STALE,
            state(5, 12, 11, 1, false),
            false,
            false),
        row(
            "a block sealed dead is ignored, inside a chain",
            floor(100),
            state(10, 10, 0, 1, false),
            markedDead(2, 10),
            ALREADY_DEAD,
            state(10, 10, 0, 1, false),
            false,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decidesEachBlockAsTheTableSays(
      String name,
      TopicFacts topic,
      ChainState before,
      BlockFacts block,
      BlockDecision decision,
      ChainState after,
      boolean commits,
      boolean heldByOpenBatch) {
    Step step = ChainRule.decide(topic, before, block);
    assertThat(step.decision()).as("decision").isEqualTo(decision);
    assertThat(step.after()).as("chain after").isEqualTo(after);
    assertThat(step.commits()).as("commits").isEqualTo(commits);
    assertThat(step.heldByOpenBatch()).as("held by the open batch").isEqualTo(heldByOpenBatch);
  }

  @Test
  void everyDecisionHasARow() {
    Set<BlockDecision> seen =
        rows()
            .map(a -> (BlockDecision) a.get()[4])
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(BlockDecision.class)));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(BlockDecision.class));
  }

  @Test
  void onlyJoiningDecisionsKeepTheBlockAndOnlyRestartsDropAnOpenBatch() {
    for (BlockDecision d : BlockDecision.values()) {
      boolean joins =
          EnumSet.of(
                  STARTS,
                  CONTINUES,
                  RESTARTS_AFTER_CUT_BATCH,
                  RESTARTS_AFTER_FLOOR,
                  RESTARTS_AT_RESTART_POINT,
                  RESTARTS_AFTER_DELETED_FILE)
              .contains(d);
      assertThat(d.joinsChain()).as(d + " joins").isEqualTo(joins);
      assertThat(d.killsBlock()).as(d + " kills").isEqualTo(!joins && d != ALREADY_DEAD);
      assertThat(d.dropsOpenBatch())
          .as(d + " drops the open batch")
          .isEqualTo(d.name().startsWith("RESTARTS_"));
    }
  }

  private static Arguments row(
      String name,
      TopicFacts topic,
      ChainState before,
      BlockFacts block,
      BlockDecision decision,
      ChainState after,
      boolean commits,
      boolean heldByOpenBatch) {
    return Arguments.of(name, topic, before, block, decision, after, commits, heldByOpenBatch);
  }

  private static TopicFacts noJournal() {
    return new TopicFacts(0, new TreeSet<>(), f -> true);
  }

  private static TopicFacts floor(long floor) {
    return new TopicFacts(floor, new TreeSet<>(), f -> true);
  }

  private static TopicFacts restartAt(long... offsets) {
    TreeSet<Long> restarts = new TreeSet<>();
    Arrays.stream(offsets).forEach(restarts::add);
    return new TopicFacts(0, restarts, f -> true);
  }

  private static TopicFacts filesMissing(long... files) {
    Set<Long> missing = Arrays.stream(files).boxed().collect(Collectors.toSet());
    return new TopicFacts(0, new TreeSet<>(), f -> !missing.contains(f));
  }

  private static ChainState state(
      long committed, long pending, long beyondGap, long lastFile, boolean lastSealedComplete) {
    return new ChainState(true, committed, pending, beyondGap, lastFile, lastSealedComplete);
  }

  private static ChainState unstarted(long beyondGap) {
    return new ChainState(false, 0, 0, beyondGap, -1, false);
  }

  /** A block of {@code file} holding entries {@code [first, end)}, committed up to {@code commit}. */
  private static BlockEnds ends(long first, long end, long commit) {
    return new BlockEnds(ES + FRAME * (end - first), end, ES + FRAME * (commit - first), commit);
  }

  private static BlockFacts scanned(long file, long first, long end, long commit) {
    return new BlockFacts(file, first, ES, ends(first, end, commit), false, false);
  }

  private static BlockFacts sealed(long file, long first, long end, long commit) {
    return new BlockFacts(file, first, ES, ends(first, end, commit), true, false);
  }

  private static BlockFacts markedDead(long file, long first) {
    return new BlockFacts(file, first, ES, ends(first, first, first), false, true);
  }
}
