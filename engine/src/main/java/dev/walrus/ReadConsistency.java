package dev.walrus;

/**
 * How often a consuming read's new cursor position is written out.
 *
 * <p>The consistency model says <em>how often</em> a cursor is written; the
 * {@link FsyncSchedule} says <em>when</em> those writes reach stable storage, exactly
 * as for entries:
 * <ul>
 *   <li>{@link #strictlyAtOnce()}: the position is written to the metadata log before
 *       every consuming read returns, so a process crash ({@code kill -9}) never
 *       redelivers an entry. Under {@link FsyncSchedule#syncEach()} the write is also
 *       on stable storage before the read returns; under
 *       {@link FsyncSchedule#milliseconds(long)} it reaches the disk within about that
 *       many milliseconds, so only a power loss can redeliver entries.</li>
 *   <li>{@link #atLeastOnce(int)}: the position is written every {@code persistEvery}
 *       consuming reads (a batch read counts once per entry), so a crash replays at most
 *       {@code persistEvery} entries per cursor.</li>
 * </ul>
 * Peeks ({@code checkpoint = false}) never move or write a cursor. Instances are
 * immutable and thread-safe.
 */
public final class ReadConsistency {
  private static final ReadConsistency STRICT = new ReadConsistency(1, true);

  private final int persistEvery;
  private final boolean strict;

  private ReadConsistency(int persistEvery, boolean strict) {
    this.persistEvery = persistEvery;
    this.strict = strict;
  }

  /**
   * Every checkpoint is written before the read returns.
   *
   * @return the strict model
   */
  public static ReadConsistency strictlyAtOnce() {
    return STRICT;
  }

  /**
   * The cursor is written every {@code persistEvery} checkpoints; a crash replays at most
   * that many entries.
   *
   * @param persistEvery how many consumed entries between cursor writes, at least 1
   * @return the model
   * @throws InvalidArgumentException if {@code persistEvery < 1}
   */
  public static ReadConsistency atLeastOnce(int persistEvery) {
    if (persistEvery < 1) {
      throw new InvalidArgumentException("persistEvery must be at least 1, got " + persistEvery);
    }
    return new ReadConsistency(persistEvery, false);
  }

  /**
   * @return how many consumed entries are allowed between two cursor writes (1 when strict)
   */
  public int persistEvery() {
    return persistEvery;
  }

  /**
   * @return true for {@link #strictlyAtOnce()}
   */
  public boolean isStrict() {
    return strict;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadConsistency
        && ((ReadConsistency) o).persistEvery == persistEvery
        && ((ReadConsistency) o).strict == strict;
  }

  @Override
  public int hashCode() {
    return strict ? -1 : persistEvery;
  }

  @Override
  public String toString() {
    return strict ? "StrictlyAtOnce" : "AtLeastOnce{persistEvery=" + persistEvery + "}";
  }
}
