package dev.walrus.internal.reclaim;

import dev.walrus.TopicConfig;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.cursor.Cursors;
import dev.walrus.internal.format.BlockHeader;
import dev.walrus.internal.meta.MetadataLog;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies retention limits (see {@link TopicConfig}): raises a topic's floor past its
 * oldest blocks once they are older than its age limit or its retained bytes exceed its
 * size limit, whether or not cursors have read them. Whole blocks, oldest first, never the
 * topic's newest block. The floor is made durable (a {@code FLOOR} record, forced) before
 * anything else changes; then every cursor behind it is moved up to it, counting what it
 * skipped ({@link Cursors#overtake}); then the floor is raised in memory. The reclaimer then
 * deletes files whose blocks are all below their topics' floors, as for consumed blocks.
 *
 * <p>Called by the reclaimer's pass, one topic at a time under its retention lock (which
 * also orders it with cursor creation and seeks).
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final Function<String, TopicConfig> configOf;
  private final Cursors cursors;
  private final MetadataLog journal;
  private final LongSupplier clock;
  private final boolean quiet;

  Retention(
      Function<String, TopicConfig> configOf,
      Cursors cursors,
      MetadataLog journal,
      LongSupplier clock,
      boolean quiet) {
    this.configOf = configOf;
    this.cursors = cursors;
    this.journal = journal;
    this.clock = clock;
    this.quiet = quiet;
  }

  /** @return true if the topic has a retention limit (its own or the instance default) */
  boolean limited(Topic t) {
    TopicConfig c = configOf.apply(t.name());
    return c != null && !c.isUnlimited();
  }

  /**
   * Applies the topic's retention once.
   *
   * @return true if its floor rose
   * @throws IOException if the floor or a cursor cannot be recorded (the caller poisons)
   */
  boolean apply(Topic t) throws IOException {
    TopicConfig c = configOf.apply(t.name());
    if (c == null || c.isUnlimited()) {
      return false;
    }
    synchronized (t.retentionLock()) {
      long floor = t.floor();
      long newFloor = newFloor(t, c, floor);
      if (newFloor <= floor) {
        return false;
      }
      journal.recordFloor(t.utf8(), t.name(), newFloor);
      journal.force(); // durable before any cursor moves or any file goes
      Map<String, Long> skipped = cursors.overtake(t, newFloor);
      t.raiseFloor(newFloor);
      t.trimHead();
      if (!quiet) {
        LOG.info(
            "retention ({}): topic '{}' now starts at offset {} (offsets {} to {} deleted){}",
            describe(c),
            t.name(),
            newFloor,
            floor,
            newFloor - 1,
            skipped.isEmpty()
                ? ""
                : "; cursors behind it resume there, skipping (offsets, by consumer, \"\" ="
                    + " shared): "
                    + skipped);
      }
      return true;
    }
  }

  /** @return the floor the limits ask for: after the last block they drop */
  private long newFloor(Topic t, TopicConfig c, long floor) {
    long cutoff = Long.MIN_VALUE;
    if (c.retention().isPresent()) {
      Duration d = c.retention().get();
      long micros = d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
      cutoff = clock.getAsLong() - micros;
    }
    long limit = c.retentionBytes().orElse(0);
    long bytes = 0;
    for (Block b = t.head(); b != null; b = b.next()) {
      if (b.endOffset() > floor) {
        bytes += b.endPos();
      }
    }
    long newFloor = floor;
    for (Block b = t.head(); b != null; b = b.next()) {
      if (b.endOffset() <= floor) {
        continue;
      }
      if (!b.isSealed() || b.next() == null) {
        break; // the newest block is always kept
      }
      long last = b.lastTimestamp();
      boolean old = cutoff != Long.MIN_VALUE && (last == BlockHeader.NO_TIMESTAMP || last < cutoff);
      boolean over = limit > 0 && bytes > limit;
      if (!old && !over) {
        break;
      }
      newFloor = b.endOffset();
      bytes -= b.endPos();
    }
    return newFloor;
  }

  private static String describe(TopicConfig c) {
    StringBuilder s = new StringBuilder();
    c.retention().ifPresent(d -> s.append("age ").append(d));
    c.retentionBytes()
        .ifPresent(
            b -> s.append(s.length() > 0 ? ", " : "").append("size ").append(b).append(" B"));
    return s.toString();
  }
}
