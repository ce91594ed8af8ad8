package dev.walrus;

/**
 * When written entries and cursor positions reach stable storage, and therefore what
 * an acknowledgment (a returned append) means.
 *
 * <ul>
 *   <li>{@link #syncEach()}: data files and the cursor journal are opened with
 *       {@code DSYNC}; an append returns only once its bytes are on stable storage, and
 *       a consuming read under {@link ReadConsistency#strictlyAtOnce()} returns only once
 *       its cursor is. Survives power loss.</li>
 *   <li>{@link #milliseconds(long)} (default 200 ms): an append returns once its bytes
 *       are in the operating system's page cache; a background thread forces every
 *       written file to disk about every {@code n} ms. Survives a process crash; a power
 *       loss can lose the last {@code n} ms or so.</li>
 *   <li>{@link #noFsync()}: an append returns once its bytes are in the page cache;
 *       nothing is forced except on {@link Walrus#close()}. Survives a process crash,
 *       not a power loss.</li>
 * </ul>
 * In every mode a process crash ({@code kill -9}) loses no acknowledged entry, and a
 * torn tail is cut at recovery. Instances are immutable and thread-safe.
 */
public final class FsyncSchedule {
  private static final FsyncSchedule SYNC_EACH = new FsyncSchedule(Kind.SYNC_EACH, 0);
  private static final FsyncSchedule NO_FSYNC = new FsyncSchedule(Kind.NO_FSYNC, 0);
  private static final FsyncSchedule DEFAULT = new FsyncSchedule(Kind.MILLISECONDS, 200);

  /** The three kinds of schedule. */
  public enum Kind {
    /** Every write is on stable storage before it is acknowledged. */
    SYNC_EACH,
    /** A background fsync every n milliseconds. */
    MILLISECONDS,
    /** No fsync until close. */
    NO_FSYNC
  }

  private final Kind kind;
  private final long millis;

  private FsyncSchedule(Kind kind, long millis) {
    this.kind = kind;
    this.millis = millis;
  }

  /**
   * Background fsync about every {@code millis} milliseconds.
   *
   * @param millis the interval, at least 1
   * @return the schedule
   * @throws InvalidArgumentException if {@code millis < 1}
   */
  public static FsyncSchedule milliseconds(long millis) {
    if (millis < 1) {
      throw new InvalidArgumentException("fsync interval must be at least 1 ms, got " + millis);
    }
    return millis == 200 ? DEFAULT : new FsyncSchedule(Kind.MILLISECONDS, millis);
  }

  /**
   * Every write reaches stable storage before it is acknowledged.
   *
   * @return the schedule
   */
  public static FsyncSchedule syncEach() {
    return SYNC_EACH;
  }

  /**
   * Never fsync while open (only on close).
   *
   * @return the schedule
   */
  public static FsyncSchedule noFsync() {
    return NO_FSYNC;
  }

  /**
   * The seed's default: {@code milliseconds(200)}.
   *
   * @return the default schedule
   */
  public static FsyncSchedule defaultSchedule() {
    return DEFAULT;
  }

  /** @return which kind of schedule this is */
  public Kind kind() {
    return kind;
  }

  /** @return the interval in milliseconds for {@link Kind#MILLISECONDS}, otherwise 0 */
  public long intervalMillis() {
    return millis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FsyncSchedule
        && ((FsyncSchedule) o).kind == kind
        && ((FsyncSchedule) o).millis == millis;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Long.hashCode(millis);
  }

  @Override
  public String toString() {
    switch (kind) {
      case SYNC_EACH:
        return "SyncEach";
      case NO_FSYNC:
        return "NoFsync";
      default:
        return "Milliseconds(" + millis + ")";
    }
  }
}
