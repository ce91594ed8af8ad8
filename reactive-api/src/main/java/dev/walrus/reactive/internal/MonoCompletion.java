package dev.walrus.reactive.internal;

import java.util.List;
import reactor.core.publisher.MonoSink;

/**
 * Completes the {@code Mono} of one {@code append} or {@code appendBatch} once its unit
 * is written. Cancelling the Mono before the unit is written skips the unit.
 *
 * <p>Thread-safe: cancellation may come from any thread.
 *
 * @param <T> {@code Long} for a single append, {@code List<Long>} for a batch
 */
public final class MonoCompletion<T> implements PendingAppend.Completion {
  private final MonoSink<T> sink;
  private final boolean batch;
  private volatile boolean cancelled;

  private MonoCompletion(MonoSink<T> sink, boolean batch) {
    this.sink = sink;
    this.batch = batch;
    sink.onCancel(() -> cancelled = true);
  }

  /**
   * @param sink the sink of a single append
   * @return a completion that emits the entry's offset
   */
  public static MonoCompletion<Long> forSingle(MonoSink<Long> sink) {
    return new MonoCompletion<>(sink, false);
  }

  /**
   * @param sink the sink of a batch append
   * @return a completion that emits the batch's offsets
   */
  public static MonoCompletion<List<Long>> forBatch(MonoSink<List<Long>> sink) {
    return new MonoCompletion<>(sink, true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void written(PendingAppend unit, long firstOffset) {
    Object value = batch ? new OffsetRange(firstOffset, unit.count()) : (Object) firstOffset;
    sink.success((T) value);
  }

  @Override
  public void failed(PendingAppend unit, Throwable error) {
    sink.error(error);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }
}
