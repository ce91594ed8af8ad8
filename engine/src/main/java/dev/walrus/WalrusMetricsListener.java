package dev.walrus;

/**
 * Told what an open instance does, for metrics: appends, reads, forces, data files created
 * and reclaimed, and the instance being poisoned. Attach one with {@link
 * Walrus#addMetricsListener}; the {@code walrus-micrometer} module's {@code
 * WalrusMeterBinder} is one. Every method has an empty default, so an implementation
 * overrides only what it counts.
 *
 * <p>Threading, as for {@link AppendListener}: each method is called on the thread that did
 * the work (an append's or read's calling thread after the topic's lock is released and
 * before the call returns; one of the process's {@code walrus-maintenance-N} threads,
 * which every open instance shares, for periodic forces and background reclamation; the
 * caller of {@code sync()}, {@code reclaim()} or {@code close()} for theirs), possibly on
 * several threads at once, so an implementation must be thread-safe, quick and
 * non-blocking (a counter increment, not I/O): a listener that blocks on a maintenance
 * thread holds up its own instance's background work (other instances go on, on other
 * maintenance threads). A {@code RuntimeException} it
 * throws is logged (once at WARN per listener, then at DEBUG) and ignored: it never fails
 * or undoes the operation it was told about.
 *
 * <p>Only completed operations are reported: a refused or failed append, or a read that
 * found nothing, calls nothing. An instance with no listener attached does no
 * measuring at all (not even reading the clock).
 */
public interface WalrusMetricsListener {
  /**
   * One entry was appended ({@code appendForTopic}).
   *
   * @param topic the topic
   * @param bytes the payload's length
   * @param nanos how long the call took, from its start to the entry being readable
   *     (durable as the fsync schedule makes it), lock waits included
   */
  default void onAppend(String topic, long bytes, long nanos) {}

  /**
   * A non-empty batch was appended atomically ({@code batchAppendForTopic}, which the
   * reactive API's appender also uses for the appends it coalesces: {@code entries} is
   * then its group-commit size).
   *
   * @param topic the topic
   * @param entries the batch's entries, at least 1
   * @param bytes the sum of their payload lengths
   * @param nanos how long the call took, as for {@link #onAppend}
   */
  default void onBatchAppend(String topic, int entries, long bytes, long nanos) {}

  /**
   * Entries were read ({@code readNext} or {@code batchReadForTopic}, consuming or peeking);
   * not called when a read returns nothing.
   *
   * @param topic the topic
   * @param entries the entries returned, at least 1
   * @param bytes the sum of their payload lengths
   */
  default void onRead(String topic, int entries, long bytes) {}

  /**
   * A force pass completed: the data files written since the previous one, then the
   * metadata log, were forced to stable storage (the {@code Milliseconds} schedule's
   * periodic force, an explicit {@code sync()}, the final one at close). Passes that found
   * nothing to force are not reported. Under {@code SyncEach} each append waits for a
   * force of what it wrote (one force shared by concurrent appends of any topic, group
   * commit), which is not a pass: only {@code sync()} and close report one.
   *
   * @param files the data files forced (0 when only the metadata log was)
   * @param nanos how long the pass took
   */
  default void onFsync(int files, long nanos) {}

  /** A new data file was created (and its name made durable unless {@code NoFsync}). */
  default void onFileCreated() {}

  /** A fully consumed data file was deleted by reclamation. */
  default void onFileReclaimed() {}

  /**
   * The instance was poisoned; called once, by the thread whose operation failed. Every
   * later call on the instance throws {@link WalrusPoisonedException}.
   *
   * @param cause the I/O failure that poisoned it
   */
  default void onPoisoned(Throwable cause) {}
}
