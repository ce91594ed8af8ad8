package dev.walrus.reactive.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * The subscription of one subscribed {@code append} or {@code appendBatch} Mono, and the
 * completion its {@link TopicAppender} tells: it emits the offset(s) once the unit is
 * written and requested, fails with the engine's error, and skips the unit if the
 * subscriber cancels before the unit is taken into a write.
 *
 * <p>One object per subscription (no {@code MonoSink}, no cancel callback): the drain
 * thread completes the subscriber directly.
 *
 * <p>Thread-safe: request and cancel may come from any thread, the outcome from the
 * drain thread; the value is emitted by whichever of the two comes second.
 *
 * @param <T> {@code Long} for a single append, {@code List<Long>} for a batch
 */
public final class MonoCompletion<T> implements PendingAppend.Completion, Subscription {
  private static final AtomicIntegerFieldUpdater<MonoCompletion<?>> STATE = newUpdater();

  private static final int REQUESTED = 1;
  private static final int HAS_VALUE = 2;
  private static final int CANCELLED = 4;
  private static final int TERMINATED = 8;

  private final CoreSubscriber<? super T> actual;
  private final boolean batch;
  private volatile int state;
  private T value;

  /**
   * @param actual the subscriber
   * @param batch true for {@code appendBatch} (emits an offset list), false for one offset
   */
  public MonoCompletion(CoreSubscriber<? super T> actual, boolean batch) {
    this.actual = actual;
    this.batch = batch;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AtomicIntegerFieldUpdater<MonoCompletion<?>> newUpdater() {
    return (AtomicIntegerFieldUpdater)
        AtomicIntegerFieldUpdater.newUpdater(MonoCompletion.class, "state");
  }

  @Override
  @SuppressWarnings("unchecked")
  public void written(PendingAppend unit, long firstOffset) {
    value = (T) (batch ? new OffsetRange(firstOffset, unit.count()) : (Object) firstOffset);
    for (; ; ) {
      int s = state;
      if ((s & (CANCELLED | TERMINATED)) != 0) {
        value = null;
        return;
      }
      if ((s & REQUESTED) != 0) {
        if (STATE.compareAndSet(this, s, s | TERMINATED)) {
          emit();
          return;
        }
      } else if (STATE.compareAndSet(this, s, s | HAS_VALUE)) {
        return; // request(n) emits
      }
    }
  }

  @Override
  public void failed(PendingAppend unit, Throwable error) {
    for (; ; ) {
      int s = state;
      if ((s & (CANCELLED | TERMINATED)) != 0) {
        Operators.onErrorDropped(error, actual.currentContext());
        return;
      }
      if (STATE.compareAndSet(this, s, s | TERMINATED)) {
        actual.onError(error); // an error needs no demand
        return;
      }
    }
  }

  @Override
  public boolean isCancelled() {
    return (state & CANCELLED) != 0;
  }

  @Override
  public void request(long n) {
    if (!Operators.validate(n)) {
      return;
    }
    for (; ; ) {
      int s = state;
      if ((s & (REQUESTED | CANCELLED | TERMINATED)) != 0) {
        return;
      }
      if ((s & HAS_VALUE) != 0) {
        if (STATE.compareAndSet(this, s, s | REQUESTED | TERMINATED)) {
          emit();
          return;
        }
      } else if (STATE.compareAndSet(this, s, s | REQUESTED)) {
        return;
      }
    }
  }

  @Override
  public void cancel() {
    for (; ; ) {
      int s = state;
      if ((s & (CANCELLED | TERMINATED)) != 0) {
        return;
      }
      if (STATE.compareAndSet(this, s, s | CANCELLED)) {
        return;
      }
    }
  }

  private void emit() {
    T v = value;
    value = null;
    actual.onNext(v);
    actual.onComplete();
  }
}
