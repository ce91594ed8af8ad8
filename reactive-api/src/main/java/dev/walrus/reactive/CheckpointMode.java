package dev.walrus.reactive;

/**
 * How a tail records the progress of its consumer.
 *
 * <p>Immutable and thread-safe (an enum).
 */
public enum CheckpointMode {
  /**
   * Each entry is read with its own consuming engine read just before it is emitted,
   * whatever the demand (also unbounded, as from {@code blockLast()} or
   * {@code subscribe(consumer)}), so the consumer's cursor moves as entries are delivered
   * and is persisted per the engine's {@link dev.walrus.ReadConsistency}. While entry
   * {@code k} is in the subscriber's {@code onNext}, the cursor stands at {@code k + 1}:
   * it never runs ahead of what the subscriber received. A crash right after entry
   * {@code k} was delivered resumes at {@code k + 1} under {@code StrictlyAtOnce}, and
   * between {@code k + 1 - N} and {@code k + 1} (at most N replayed, none skipped) under
   * {@code AtLeastOnce{N}}. Delivered means handed to the tail's subscriber: entries
   * queued by a downstream operator ({@code publishOn}, {@code concatMap}'s prefetch)
   * are lost by a crash before they are processed; use {@link #MANUAL} to survive that.
   * {@link ReceivedEntry#acknowledge()} and {@link ReceivedEntry#checkpoint()} do nothing.
   */
  AUTO,
  /**
   * The consumer's cursor moves only when the subscriber checkpoints: each entry carries an
   * {@link ReceivedEntry#acknowledge()} and a {@link ReceivedEntry#checkpoint()}, modelled on
   * Reactor Kafka's {@code ReceiverOffset}. Acknowledged progress is also checkpointed when
   * the tail is cancelled, completes or fails. A restarted MANUAL tail starting at the
   * checkpointed position resumes right after the last checkpointed entry. Requires a
   * consumer name.
   */
  MANUAL
}
