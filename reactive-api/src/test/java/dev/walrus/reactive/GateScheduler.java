package dev.walrus.reactive;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A single-threaded scheduler for deterministic tests: it can be held shut (its thread
 * waits on a latch) so that work queues up behind it, and it counts the tasks it ran.
 */
final class GateScheduler implements AutoCloseable {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "gate-scheduler");
            t.setDaemon(true);
            return t;
          });
  private final Scheduler delegate = Schedulers.fromExecutorService(executor);
  private final AtomicInteger tasks = new AtomicInteger();
  private CountDownLatch gate;

  /** @return a Scheduler that counts the tasks it runs */
  Scheduler scheduler() {
    return new Scheduler() {
      @Override
      public Disposable schedule(Runnable task) {
        return delegate.schedule(
            () -> {
              tasks.incrementAndGet();
              task.run();
            });
      }

      @Override
      public Worker createWorker() {
        return delegate.createWorker();
      }

      @Override
      public void dispose() {
        delegate.dispose();
      }
    };
  }

  /** Occupies the thread until {@link #open()}. */
  void hold() throws InterruptedException {
    gate = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(
        () -> {
          started.countDown();
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    started.await();
  }

  void open() {
    gate.countDown();
  }

  /** @return tasks run through {@link #scheduler()} so far */
  int tasksRun() {
    return tasks.get();
  }

  @Override
  public void close() {
    if (gate != null) {
      gate.countDown();
    }
    delegate.dispose();
    executor.shutdownNow();
  }
}
