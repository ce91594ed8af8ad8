package dev.walrus.reactive.audit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** A one-thread scheduler that a test can hold shut, so that engine work queues behind it. */
final class Gate implements AutoCloseable {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "audit-gate");
            t.setDaemon(true);
            return t;
          });
  private final Scheduler scheduler = Schedulers.fromExecutorService(executor, "audit-gate");
  private CountDownLatch gate = new CountDownLatch(0);

  Scheduler scheduler() {
    return scheduler;
  }

  /** Occupies the thread until {@link #open()}. */
  void hold() throws InterruptedException {
    CountDownLatch g = new CountDownLatch(1);
    gate = g;
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(
        () -> {
          started.countDown();
          boolean interrupted = false;
          while (true) {
            try {
              g.await();
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        });
    if (!started.await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("gate thread did not start");
    }
  }

  void open() {
    gate.countDown();
  }

  @Override
  public void close() {
    open();
    scheduler.dispose();
    executor.shutdown();
  }
}
