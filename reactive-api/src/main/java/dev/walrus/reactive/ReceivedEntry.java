package dev.walrus.reactive;

import dev.walrus.Entry;
import reactor.core.publisher.Mono;

/**
 * An entry delivered by a {@link ReactiveWalrus#tail(String, TailOptions) tail}, with the
 * handle that records the consumer's progress (modelled on Reactor Kafka's
 * {@code ReceiverRecord}/{@code ReceiverOffset}).
 *
 * <p>In {@link CheckpointMode#MANUAL} mode:
 * <ul>
 *   <li>{@link #acknowledge()} marks this entry, and every entry the same tail delivered
 *       before it, as processed (cumulative, as in Kafka). It is in memory only and
 *       never blocks.</li>
 *   <li>{@link #checkpoint()} acknowledges this entry and checkpoints the consumer's
 *       cursor (moves it and writes it durably) to the lowest offset that a live tail of the consumer name was given and
 *       has not acknowledged (or that is waiting to be delivered again), or else the next
 *       offset to read. With a single tail that is right after the highest acknowledged
 *       entry.</li>
 *   <li>When the tail is cancelled, completes or fails, its acknowledged progress is
 *       checkpointed, so acknowledged progress is never lost for want of a checkpoint; the
 *       entries it delivered and had not acknowledged go to the name's other tails, or the next
 *       one. This entry's {@code acknowledge()} and {@code checkpoint()} still work after
 *       that (e.g. after {@code take(n)} cancelled the tail): what is acknowledged then is
 *       not delivered again, unless another tail of the name already received it.</li>
 * </ul>
 * In {@link CheckpointMode#AUTO} mode the entry was already consumed when it was read;
 * both methods do nothing ({@code checkpoint()} completes empty at once).
 *
 * <p>Implementations are thread-safe: acknowledge and checkpoint may be called from any
 * thread, including non-blocking ones.
 */
public interface ReceivedEntry {
  /** @return the entry itself */
  Entry entry();

  /** @return the entry's topic */
  default String topic() {
    return entry().topic();
  }

  /** @return the entry's offset */
  default long offset() {
    return entry().offset();
  }

  /**
   * @return the entry's append time ({@link Entry#timestamp()}; {@link java.time.Instant#EPOCH}
   *     for an entry written by format version 1)
   */
  default java.time.Instant timestamp() {
    return entry().timestamp();
  }

  /**
   * How many offsets the tail's consumer skipped right before this entry: offsets between
   * the previous entry this consumer name's tails read from the log (on this
   * {@code ReactiveWalrus}) and this one that no tail received. They are entries that
   * retention deleted before they were read (see {@link dev.walrus.TopicConfig}; also
   * counted in {@link dev.walrus.TopicStats#skippedByRetention()} and logged by the
   * engine), offsets a crash lost before they were durable, or entries read through the
   * same cursor by something else (the blocking API, another {@code ReactiveWalrus} of
   * the engine). 0 for an entry that follows its predecessor directly, and for an entry
   * delivered again after a tail of the name went away. So a jump is never silent: a
   * consumer that must not miss entries checks this for a non-zero value.
   *
   * @return the number of offsets skipped right before this entry, 0 or more
   */
  default long skippedBefore() {
    return 0;
  }

  /** @return the payload (the receiver's own copy) */
  default byte[] data() {
    return entry().data();
  }

  /** @return the payload decoded as UTF-8 */
  default String dataAsString() {
    return entry().dataAsString();
  }

  /**
   * Acknowledges this entry and, cumulatively, every entry this tail delivered before it
   * (in delivery order: entries a departed tail of the same name left unacknowledged can
   * come after higher offsets).
   * The acknowledged progress is checkpointed by the next {@link #checkpoint()} of any entry
   * of the tail, or when the tail terminates. Non-blocking; does nothing in AUTO mode.
   */
  void acknowledge();

  /**
   * Acknowledges this entry and checkpoints the consumer's cursor to the lowest
   * offset a live tail of the consumer name was given and has not acknowledged (or that
   * waits to be delivered again), else the next offset to read; never backwards.
   *
   * <pre>
   * checkpoint():  --subscribe--[checkpoint on the scheduler]--|   (completes once persisted)
   * </pre>
   * Lazy: nothing happens until subscription. The checkpoint runs on the
   * {@link ReactiveWalrus}'s scheduler; completion means the position is written and,
   * like every engine checkpoint, persisted at once. Errors: the engine's
   * {@link dev.walrus.WalrusException}s (for example
   * {@link dev.walrus.WalrusClosedException} after the engine is closed). In AUTO mode
   * completes empty at once.
   *
   * <p>Cancellation never interrupts the checkpoint: a checkpoint cancelled before its task
   * starts does nothing (the entry is not acknowledged either); once started, the
   * checkpoint (one cursor record) is written whole, so the position is persisted or
   * not, never half.
   *
   * @return a Mono completing when the position is persisted
   */
  Mono<Void> checkpoint();
}
