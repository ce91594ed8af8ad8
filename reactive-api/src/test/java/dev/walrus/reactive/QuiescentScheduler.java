package dev.walrus.reactive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A bounded-elastic scheduler that counts the tasks scheduled and not yet finished, so a
 * test can wait until every engine call the reactive layer started (also those of
 * cancelled Monos, which still run) is over before checking the model.
 */
final class QuiescentScheduler implements Scheduler {
  private final Scheduler delegate = Schedulers.boundedElastic();
  private final AtomicInteger pending = new AtomicInteger();

  /** @return true when no task is queued or running */
  boolean idle() {
    return pending.get() == 0;
  }

  @Override
  public Disposable schedule(Runnable task) {
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
}
