package dev.walrus;

/**
 * When written entries and cursor positions reach stable storage, and therefore what
 * an acknowledgment (a returned append) means.
 *
 * <ul>
 *   <li>{@link #syncEach()}: an append returns only once its bytes are on stable
 *       storage (the appending threads force the data files they wrote, concurrent
 *       appends sharing one force: group commit; the metadata log is opened with
 *       {@code DSYNC}), and
 *       a consuming read under {@link ReadConsistency#strictlyAtOnce()} returns only once
 *       its cursor is. Survives power loss.</li>
 *   <li>{@link #milliseconds(long)} (default 200 ms): an append returns once its bytes
 *       are in the operating system's page cache. A background thread starts a force of
 *       every written file (data, then the metadata log) every {@code n} ms, measured
 *       from the start of the previous force. Bytes written at any instant are covered by
 *       the next force to start, at most {@code n} ms later, and are on stable storage
 *       when it completes: a power loss loses at most what was written in the last
 *       {@code n} ms plus the duration of one force (when forces take longer than
 *       {@code n}, they run back to back, and the bound is two forces). Survives a process
 *       crash.</li>
 *   <li>{@link #noFsync()}: an append returns once its bytes are in the page cache; the
 *       engine forces nothing except on {@link Walrus#sync()} and {@link Walrus#close()}.
 *       When other bytes reach the disk is up to the kernel's writeback (on Linux, dirty
 *       pages older than {@code vm.dirty_expire_centisecs}, 30 s by default, are written
 *       by a flusher that wakes every {@code vm.dirty_writeback_centisecs}, 5 s; sooner
 *       under memory pressure): a power loss can lose everything written since the last
 *       {@code sync()}, and the engine promises no bound. Survives a process crash.</li>
 * </ul>
 * In every mode a process crash ({@code kill -9}) loses no acknowledged entry, and a
 * torn tail is cut at recovery. Whatever a previous process left unforced is forced at
 * open, before anything is appended after it. Instances are immutable and thread-safe.
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
   * A background force starting every {@code millis} milliseconds (from the start of the
   * previous one): what is written is on stable storage within {@code millis} plus the
   * duration of one force.
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
   * The default schedule: {@code milliseconds(200)}.
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
