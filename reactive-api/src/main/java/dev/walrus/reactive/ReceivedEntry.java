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
 *   <li>{@link #commit()} acknowledges this entry and persists the consumer's position
 *       right after the highest acknowledged entry of this tail.</li>
 *   <li>When the tail is cancelled, completes or fails, its acknowledged progress is
 *       committed, so acknowledged-but-uncommitted progress is never lost.</li>
 * </ul>
 * In {@link CheckpointMode#AUTO} mode the entry was already consumed when it was read;
 * both methods do nothing ({@code commit()} completes empty at once).
 *
 * <p>Implementations are thread-safe: acknowledge and commit may be called from any
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

  /** @return the payload (the receiver's own copy) */
  default byte[] data() {
    return entry().data();
  }

  /** @return the payload decoded as UTF-8 */
  default String dataAsString() {
    return entry().dataAsString();
  }

  /**
   * Acknowledges this entry and, cumulatively, every entry this tail delivered before it.
   * The acknowledged progress is persisted by the next {@link #commit()} of any entry of
   * the tail, or when the tail terminates. Non-blocking; does nothing in AUTO mode.
   */
  void acknowledge();

  /**
   * Acknowledges this entry and persists the consumer's committed position right after
   * the highest entry this tail has acknowledged (never moving it backwards).
   *
   * <pre>
   * commit():  --subscribe--[checkpoint on the scheduler]--|   (completes once persisted)
   * </pre>
   * Lazy: nothing happens until subscription. The checkpoint runs on the
   * {@link ReactiveWalrus}'s scheduler; completion means the position is written and,
   * like every engine checkpoint, persisted at once. Errors: the engine's
   * {@link dev.walrus.WalrusException}s (for example
   * {@link dev.walrus.WalrusClosedException} after the engine is closed). In AUTO mode
   * completes empty at once.
   *
   * <p>Cancellation never interrupts the checkpoint: a commit cancelled before its task
   * starts does nothing (the entry is not acknowledged either); once started, the
   * checkpoint (one cursor record) is written whole, so the position is persisted or
   * not, never half.
   *
   * @return a Mono completing when the position is persisted
   */
  Mono<Void> commit();
}
