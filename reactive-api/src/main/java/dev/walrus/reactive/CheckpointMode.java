package dev.walrus.reactive;

/**
 * How a tail records the progress of its consumer.
 *
 * <p>Immutable and thread-safe (an enum).
 */
public enum CheckpointMode {
  /**
   * Each entry is read with a consuming engine read just before it is emitted, so the
   * consumer's cursor moves as entries are delivered and is persisted per the engine's
   * {@link dev.walrus.ReadConsistency} (before every read under {@code StrictlyAtOnce},
   * every N entries under {@code AtLeastOnce{N}}). Entries are never read ahead of
   * demand, so the cursor never runs ahead of what the subscriber received.
   * {@link ReceivedEntry#acknowledge()} and {@link ReceivedEntry#commit()} do nothing.
   */
  AUTO,
  /**
   * The consumer's cursor moves only when the subscriber commits: each entry carries an
   * {@link ReceivedEntry#acknowledge()} and a {@link ReceivedEntry#commit()}, modelled on
   * Reactor Kafka's {@code ReceiverOffset}. Acknowledged progress is also committed when
   * the tail is cancelled, completes or fails. A restarted MANUAL tail starting at the
   * committed position resumes right after the last committed entry. Requires a
   * consumer name.
   */
  MANUAL
}
