package dev.walrus.reactive;

import dev.walrus.InvalidArgumentException;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a tail starts reading.
 *
 * <ul>
 *   <li>{@link #checkpointed()} (default): at the consumer's checkpointed cursor, so a restarted
 *       tail resumes where the previous one left off;</li>
 *   <li>{@link #earliest()}: at the oldest entry still retained;</li>
 *   <li>{@link #latest()}: after the last entry at the moment the tail starts (only
 *       entries appended later are delivered);</li>
 *   <li>{@link #offset(long)}: at a given offset, which must lie within the topic's
 *       retained range {@code [firstOffset, nextOffset]} when the tail starts, or the
 *       tail fails with {@link InvalidArgumentException};</li>
 *   <li>{@link #atTime(Instant)}: at the first entry appended at or after an instant
 *       ({@link dev.walrus.Walrus#offsetForTime}, resolved when the tail starts), or at
 *       the end of the topic if there is none (like {@link #latest()}).</li>
 * </ul>
 * The first tail of a consumer name (none of that name is live on the instance) applies
 * its start position; a MANUAL tail starting at the checkpointed position then gets again
 * the entries delivered before but not checkpointed (at-least-once). A tail joining live
 * tails of its name at {@link #checkpointed()} simply competes with them; one with another
 * start position moves the name's read position for all of them, like a rebalance
 * (entries that live tails hold, or that departed ones left unacknowledged, are still
 * delivered).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class StartPosition {
  /** The kinds of start position. */
  public enum Kind {
    /** The consumer's checkpointed cursor. */
    CHECKPOINTED,
    /** The oldest retained entry. */
    EARLIEST,
    /** The end of the topic when the tail starts. */
    LATEST,
    /** An explicit offset. */
    OFFSET,
    /** The first entry at or after an instant. */
    TIME
  }

  private static final StartPosition CHECKPOINTED = new StartPosition(Kind.CHECKPOINTED, -1);
  private static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, -1);
  private static final StartPosition LATEST = new StartPosition(Kind.LATEST, -1);

  private final Kind kind;
  private final long offset;
  private final Instant time;

  private StartPosition(Kind kind, long offset) {
    this(kind, offset, null);
  }

  private StartPosition(Kind kind, long offset, Instant time) {
    this.kind = kind;
    this.offset = offset;
    this.time = time;
  }

  /** @return start at the consumer's checkpointed cursor (the default) */
  public static StartPosition checkpointed() {
    return CHECKPOINTED;
  }

  /** @return start at the oldest retained entry */
  public static StartPosition earliest() {
    return EARLIEST;
  }

  /** @return start after the last entry present when the tail starts */
  public static StartPosition latest() {
    return LATEST;
  }

  /**
   * @param offset the first offset to deliver, 0 or more
   * @return start at that offset
   * @throws InvalidArgumentException if {@code offset} is negative
   */
  public static StartPosition offset(long offset) {
    if (offset < 0) {
      throw new InvalidArgumentException("start offset must not be negative, got " + offset);
    }
    return new StartPosition(Kind.OFFSET, offset);
  }

  /**
   * Starts at the first entry whose append timestamp ({@link dev.walrus.Entry#timestamp()})
   * is at or after {@code time}, found from block metadata when the tail starts
   * ({@link dev.walrus.Walrus#offsetForTime}); if no retained entry is that recent, the
   * tail starts at the end of the topic, as {@link #latest()} does, and delivers what is
   * appended later. A time before the oldest retained entry starts at it.
   *
   * @param time the instant
   * @return start at the first entry at or after it
   * @throws InvalidArgumentException if {@code time} is null
   */
  public static StartPosition atTime(Instant time) {
    if (time == null) {
      throw new InvalidArgumentException("start time must not be null");
    }
    return new StartPosition(Kind.TIME, -1, time);
  }

  /** @return which kind of start position this is */
  public Kind kind() {
    return kind;
  }

  /** @return the offset for {@link Kind#OFFSET}, otherwise -1 */
  public long offsetValue() {
    return offset;
  }

  /** @return the instant for {@link Kind#TIME}, otherwise null */
  public Instant timeValue() {
    return time;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StartPosition
        && ((StartPosition) o).kind == kind
        && ((StartPosition) o).offset == offset
        && Objects.equals(((StartPosition) o).time, time);
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + Long.hashCode(offset)) * 31 + Objects.hashCode(time);
  }

  @Override
  public String toString() {
    switch (kind) {
      case OFFSET:
        return "Offset(" + offset + ")";
      case TIME:
        return "Time(" + time + ")";
      default:
        return kind.name();
    }
  }
}
