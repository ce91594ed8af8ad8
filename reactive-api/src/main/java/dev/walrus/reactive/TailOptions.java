package dev.walrus.reactive;

import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.internal.Validation;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a {@link ReactiveWalrus#tail(String, TailOptions) tail}: which consumer's
 * cursor it reads, where it starts and how progress is checkpointed.
 *
 * <pre>{@code
 * TailOptions opts = TailOptions.defaults()
 *     .consumer("billing")                      // a named consumer with its own cursor
 *     .startAt(StartPosition.checkpointed())       // resume where "billing" left off
 *     .checkpointMode(CheckpointMode.MANUAL);   // move the cursor only on checkpoint()
 * }</pre>
 *
 * <p>Defaults: the topic's shared cursor (all users of the shared
 * cursor compete for entries), {@link StartPosition#checkpointed()},
 * {@link CheckpointMode#AUTO}, a read budget of 1 MiB per engine batch read (MANUAL tails),
 * {@link WaitStrategy#park()}.
 *
 * <p>Instances are immutable and thread-safe; every {@code with}-style method returns a
 * new instance.
 */
public final class TailOptions {
  /** Default payload budget of one engine batch read made by a tail: 1 MiB. */
  public static final long DEFAULT_MAX_BATCH_BYTES = 1L << 20;

  private static final TailOptions DEFAULTS =
      new TailOptions(
          null,
          StartPosition.checkpointed(),
          CheckpointMode.AUTO,
          DEFAULT_MAX_BATCH_BYTES,
          WaitStrategy.park());

  private final String consumer;
  private final StartPosition start;
  private final CheckpointMode mode;
  private final long maxBatchBytes;
  private final WaitStrategy wait;

  private TailOptions(
      String consumer,
      StartPosition start,
      CheckpointMode mode,
      long maxBatchBytes,
      WaitStrategy wait) {
    this.consumer = consumer;
    this.start = start;
    this.mode = mode;
    this.maxBatchBytes = maxBatchBytes;
    this.wait = wait;
  }

  /** @return the default options (shared cursor, checkpointed position, AUTO) */
  public static TailOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Shorthand for {@code defaults().consumer(name)}.
   *
   * @param name the consumer name
   * @return options for that named consumer
   * @throws InvalidArgumentException if the name is not a valid consumer name
   */
  public static TailOptions forConsumer(String name) {
    return DEFAULTS.consumer(name);
  }

  /**
   * Reads through a named consumer's own cursor. Tails with different names each see
   * every entry; tails with the same name (on the same {@link ReactiveWalrus}) compete
   * for entries, each entry going to one of them. What a tail of the name had not
   * acknowledged (MANUAL) or not delivered (AUTO) when it stops goes to the others, or
   * to the next one.
   *
   * @param name 1 to 255 UTF-8 bytes, no NUL, not containing {@code #tail-reader} (reserved
   *     for the hidden reader cursors of MANUAL tails)
   * @return new options
   * @throws InvalidArgumentException if the name is not a valid consumer name
   */
  public TailOptions consumer(String name) {
    Validation.consumer(name);
    return new TailOptions(name, start, mode, maxBatchBytes, wait);
  }

  /**
   * Reads through the topic's shared cursor (the default).
   *
   * @return new options
   */
  public TailOptions sharedCursor() {
    return new TailOptions(null, start, mode, maxBatchBytes, wait);
  }

  /**
   * @param position where the tail starts
   * @return new options
   * @throws InvalidArgumentException if {@code position} is null
   */
  public TailOptions startAt(StartPosition position) {
    if (position == null) {
      throw new InvalidArgumentException("start position must not be null");
    }
    return new TailOptions(consumer, position, mode, maxBatchBytes, wait);
  }

  /**
   * @param checkpointMode AUTO or MANUAL (MANUAL needs a {@link #consumer(String) consumer
   *     name}; a MANUAL tail on the shared cursor fails with
   *     {@link InvalidArgumentException} when subscribed)
   * @return new options
   * @throws InvalidArgumentException if {@code checkpointMode} is null
   */
  public TailOptions checkpointMode(CheckpointMode checkpointMode) {
    if (checkpointMode == null) {
      throw new InvalidArgumentException("checkpoint mode must not be null");
    }
    return new TailOptions(consumer, start, checkpointMode, maxBatchBytes, wait);
  }

  /**
   * The payload budget of one engine batch read of a {@link CheckpointMode#MANUAL} tail,
   * which reads its hidden reader cursor in batches only while its subscriber's
   * outstanding demand is at least {@link dev.walrus.Walrus#MAX_BATCH_ENTRIES} (so a batch
   * never exceeds demand), and entry by entry otherwise. {@link CheckpointMode#AUTO}
   * tails always read entry by entry (a batch would consume entries before they are
   * delivered), so the budget does not apply to them.
   *
   * @param bytes 0 or more (a batch read always returns at least one entry)
   * @return new options
   * @throws InvalidArgumentException if negative
   */
  public TailOptions maxBatchBytes(long bytes) {
    if (bytes < 0) {
      throw new InvalidArgumentException("maxBatchBytes must not be negative, got " + bytes);
    }
    return new TailOptions(consumer, start, mode, bytes, wait);
  }

  /**
   * How the tail waits when it has nothing to do: {@link WaitStrategy#park()} (the default)
   * uses no CPU and is woken by the engine's append notification;
   * {@link WaitStrategy#spinThenPark(java.time.Duration)} lowers append-to-delivery latency
   * by busy-spinning a scheduler thread, at the cost of a core while it spins (see
   * {@link WaitStrategy}). The strategy changes nothing else: demand, checkpointing and
   * cancellation behave the same.
   *
   * @param strategy the wait strategy
   * @return new options
   * @throws InvalidArgumentException if {@code strategy} is null
   */
  public TailOptions waitStrategy(WaitStrategy strategy) {
    if (strategy == null) {
      throw new InvalidArgumentException("wait strategy must not be null");
    }
    return new TailOptions(consumer, start, mode, maxBatchBytes, strategy);
  }

  /** @return how the tail waits when it has nothing to do */
  public WaitStrategy waitStrategyValue() {
    return wait;
  }

  /** @return the consumer name, or empty for the topic's shared cursor */
  public Optional<String> consumerName() {
    return Optional.ofNullable(consumer);
  }

  /** @return where the tail starts */
  public StartPosition startPosition() {
    return start;
  }

  /** @return the checkpoint mode */
  public CheckpointMode mode() {
    return mode;
  }

  /** @return the payload budget of one engine batch read of a MANUAL tail */
  public long maxBatchBytesValue() {
    return maxBatchBytes;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TailOptions)) {
      return false;
    }
    TailOptions t = (TailOptions) o;
    return Objects.equals(t.consumer, consumer)
        && t.start.equals(start)
        && t.mode == mode
        && t.maxBatchBytes == maxBatchBytes
        && t.wait.equals(wait);
  }

  @Override
  public int hashCode() {
    return Objects.hash(consumer, start, mode, maxBatchBytes, wait);
  }

  @Override
  public String toString() {
    return "TailOptions{consumer="
        + (consumer == null ? "<shared>" : consumer)
        + ", start="
        + start
        + ", mode="
        + mode
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", wait="
        + wait
        + "}";
  }
}
