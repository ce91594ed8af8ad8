package dev.walrus.reactive.internal;

import java.util.List;

/**
 * One unit of work waiting in a {@link TopicAppender}'s queue: a single entry or an
 * atomic batch, and whom to tell when it is written. Units are written whole and in queue
 * order, possibly together with neighbouring units in one engine batch.
 *
 * <p>Immutable apart from what its {@link Completion} tracks; safe to publish through the
 * appender's concurrent queue.
 */
public final class PendingAppend {
  /**
   * Told the outcome of a unit, on the appender's drain thread (a scheduler thread, or a
   * thread that writes on the caller, see {@link TopicAppender#appendOnCaller}).
   * Implementations must be quick and must not block.
   */
  public interface Completion {
    /**
     * @param unit the unit that was written
     * @param firstOffset the offset of its first entry
     */
    void written(PendingAppend unit, long firstOffset);

    /**
     * @param unit the unit that was not written
     * @param error why
     */
    void failed(PendingAppend unit, Throwable error);

    /** @return true if nobody wants the unit any more: it is skipped if not yet written */
    boolean isCancelled();

    /**
     * The unit was dropped unwritten because {@link #isCancelled()} said so. Every unit
     * handed to an appender ends in exactly one of {@link #written}, {@link #failed} and
     * this.
     *
     * @param unit the unit that was skipped
     */
    default void skipped(PendingAppend unit) {}
  }

  private final byte[] single;
  private final List<byte[]> batch;
  private final int count;
  private final long bytes;
  private final Completion completion;

  /** Set (by the drain thread) once the unit has its outcome; read by the same thread. */
  private boolean finished;

  private PendingAppend(
      byte[] single, List<byte[]> batch, int count, long bytes, Completion completion) {
    this.single = single;
    this.batch = batch;
    this.count = count;
    this.bytes = bytes;
    this.completion = completion;
  }

  /**
   * @param data one payload, not null
   * @param completion whom to tell
   * @return the unit
   */
  public static PendingAppend single(byte[] data, Completion completion) {
    return new PendingAppend(data, null, 1, data.length, completion);
  }

  /**
   * @param entries the payloads of an atomic batch (already copied and checked)
   * @param bytes their total size
   * @param completion whom to tell
   * @return the unit
   */
  public static PendingAppend batch(List<byte[]> entries, long bytes, Completion completion) {
    return new PendingAppend(null, entries, entries.size(), bytes, completion);
  }

  /** @return the payload of a single-entry unit, or null for a batch */
  byte[] single() {
    return single;
  }

  /** @return the payloads of a batch unit, or null for a single entry */
  List<byte[]> batch() {
    return batch;
  }

  /** @return how many entries the unit holds */
  int count() {
    return count;
  }

  /** @return the unit's payload bytes */
  long bytes() {
    return bytes;
  }

  boolean isCancelled() {
    return completion.isCancelled();
  }

  /** @return true once written, failed or skipped (meaningful on the drain thread) */
  boolean finished() {
    return finished;
  }

  void written(long firstOffset) {
    finished = true;
    completion.written(this, firstOffset);
  }

  void failed(Throwable error) {
    finished = true;
    completion.failed(this, error);
  }

  void skipped() {
    finished = true;
    completion.skipped(this);
  }
}
