package dev.walrus.reactive.testkit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A scheduler that counts the tasks scheduled on it directly, in all and not yet finished,
 * so a test can wait until every engine call the reactive layer started is over (also those
 * of cancelled Monos, which still run: {@link #idle()}) and count how many tasks some event
 * caused ({@link #scheduled()}). Delayed tasks and workers are passed through uncounted.
 * Thread-safe.
 */
public final class CountingScheduler implements Scheduler {
  private final Scheduler delegate;
  private final AtomicInteger scheduled = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();

  /** Counts tasks on {@code Schedulers.boundedElastic()} (never disposed by {@link #dispose}). */
  public CountingScheduler() {
    this(Schedulers.boundedElastic(), false);
  }

  /**
   * Counts tasks on a bounded-elastic scheduler of its own.
   *
   * @param threads its thread cap
   * @param name its threads' name prefix
   */
  public CountingScheduler(int threads, String name) {
    this(Schedulers.newBoundedElastic(threads, Integer.MAX_VALUE, name), true);
  }

  private final boolean owned;

  private CountingScheduler(Scheduler delegate, boolean owned) {
    this.delegate = delegate;
    this.owned = owned;
  }

  /** @return true when no task is queued or running */
  public boolean idle() {
    return pending.get() == 0;
  }

  /** @return the tasks scheduled so far */
  public int scheduled() {
    return scheduled.get();
  }

  @Override
  public Disposable schedule(Runnable task) {
    scheduled.incrementAndGet();
    pending.incrementAndGet();
    try {
      return delegate.schedule(
          () -> {
            try {
              task.run();
            } finally {
              pending.decrementAndGet();
            }
          });
    } catch (RuntimeException e) {
      pending.decrementAndGet();
      throw e;
    }
  }

  @Override
  public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
    return delegate.schedule(task, delay, unit);
  }

  @Override
  public Worker createWorker() {
    return delegate.createWorker();
  }

  /** Disposes the scheduler of its own, if it has one; the shared bounded-elastic stays. */
  @Override
  public void dispose() {
    if (owned) {
      delegate.dispose();
    }
  }
}
