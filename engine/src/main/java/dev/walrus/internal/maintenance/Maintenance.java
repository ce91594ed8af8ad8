package dev.walrus.internal.maintenance;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's maintenance threads, shared by every open instance: one timer thread
 * ({@code walrus-maintenance-timer}) that only hands due tasks over, and workers
 * ({@code walrus-maintenance-N}) that run them. An instance never uses them directly: it
 * gets a {@link MaintenanceLane} ({@link #lane}), which runs its tasks one at a time, in
 * order, on whichever worker is free.
 *
 * <p>Workers: {@link #BASE_WORKERS} run turns from one first-in first-out queue, which is
 * enough for any number of instances whose tasks are short (an idle instance's periodic
 * force finds nothing dirty; its ownership re-check reads two small files). Isolation: a
 * lane holds at most one worker at a time, and while work is under way a watchdog on the
 * timer thread (every {@link #WATCH_MILLIS} ms) adds a worker for each turn that has been
 * running for longer than {@link #SLOW_MILLIS} ms (an fsync on a failing disk, a lock
 * re-check on a hung file system) and one more per tick while the oldest queued turn has
 * waited that long; it gives the extra workers back when that is over. So one instance's
 * slow or hung task delays only that instance's later tasks, and the number of threads is
 * bounded by {@link #MAX_WORKERS}, not by the number of instances. Only when that many
 * turns are slow at once does a lane wait behind them.
 *
 * <p>All threads are daemons, and nothing interrupts them (a lane is never shut down with
 * an interrupt), which the engine's fsyncs rely on. Thread-safe.
 */
public final class Maintenance {
  /** Workers when no task is slow. */
  public static final int BASE_WORKERS = 2;

  /** Most worker threads at once, whatever the number of instances. */
  public static final int MAX_WORKERS = 64;

  /** A turn running (or waiting for a worker) this long counts as slow. */
  static final long SLOW_MILLIS = 20;

  /** How often the watchdog looks while work is under way. */
  static final long WATCH_MILLIS = 10;

  /** Seconds an extra worker (or the idle timer thread) stays idle before it ends. */
  static final long KEEP_ALIVE_SECONDS = 5;

  private static final AtomicInteger WORKER_IDS = new AtomicInteger();
  private static final ScheduledThreadPoolExecutor TIMER = newTimer();
  private static final LinkedBlockingQueue<Runnable> QUEUE = new LinkedBlockingQueue<>();
  private static final ThreadPoolExecutor WORKERS = newWorkers();

  /** Turns on a worker now. */
  private static final Set<Turn> RUNNING = ConcurrentHashMap.newKeySet();

  private static final AtomicBoolean WATCHING = new AtomicBoolean();

  private Maintenance() {}

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, r -> daemon(r, "walrus-maintenance-timer"));
    t.setRemoveOnCancelPolicy(true); // a cancelled lane's tasks do not linger in the queue
    t.setKeepAliveTime(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    t.allowCoreThreadTimeOut(true); // the thread stays while a task is scheduled
    return t;
  }

  private static ThreadPoolExecutor newWorkers() {
    ThreadPoolExecutor w =
        new ThreadPoolExecutor(
            BASE_WORKERS,
            BASE_WORKERS,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            QUEUE,
            r -> daemon(r, "walrus-maintenance-" + WORKER_IDS.incrementAndGet()));
    w.allowCoreThreadTimeOut(true); // no instance open for a while: no worker either
    return w;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * A new lane for one instance.
   *
   * @param name names the lane in log messages (the instance's directory)
   * @return a lane that is not shut down
   */
  public static MaintenanceLane lane(String name) {
    return new MaintenanceLane(name);
  }

  /** Runs {@code r} on a worker, after the turns queued before it. */
  static void run(Runnable r) {
    WORKERS.execute(new Turn(r));
    watch();
  }

  /**
   * Calls {@code r} on the timer thread after the delay; {@code r} must only hand work
   * over, never run it.
   */
  static ScheduledFuture<?> after(Runnable r, long delayNanos) {
    return TIMER.schedule(r, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** @return how many worker threads exist now (tests, measurements) */
  public static int workers() {
    return WORKERS.getPoolSize();
  }

  /** @return how many workers are wanted now (tests) */
  static int wanted() {
    return WORKERS.getMaximumPoolSize();
  }

  private static void watch() {
    if (WATCHING.compareAndSet(false, true)) {
      TIMER.schedule(Maintenance::watchdog, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** On the timer thread: sizes the workers to the slow turns; looks again while busy. */
  private static void watchdog() {
    long now = System.nanoTime();
    long slow = TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS);
    int slowRunning = 0;
    for (Turn t : RUNNING) {
      if (now - t.started > slow) {
        slowRunning++;
      }
    }
    Turn head = (Turn) QUEUE.peek();
    int size = WORKERS.getMaximumPoolSize();
    int want;
    if (head != null && now - head.queued > slow) {
      want = size + 1; // a backlog: one more per tick until it clears
    } else {
      want = BASE_WORKERS + slowRunning;
    }
    resize(Math.max(BASE_WORKERS, Math.min(MAX_WORKERS, want)));
    boolean busy = !RUNNING.isEmpty() || !QUEUE.isEmpty();
    if (busy || WORKERS.getMaximumPoolSize() != BASE_WORKERS) {
      TIMER.schedule(Maintenance::watchdog, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      WATCHING.set(false);
      if ((!RUNNING.isEmpty() || !QUEUE.isEmpty()) && WATCHING.compareAndSet(false, true)) {
        TIMER.schedule(Maintenance::watchdog, WATCH_MILLIS, TimeUnit.MILLISECONDS); // raced
      }
    }
  }

  private static void resize(int n) {
    int now = WORKERS.getMaximumPoolSize();
    if (n > now) {
      WORKERS.setMaximumPoolSize(n);
      WORKERS.setCorePoolSize(n); // starts a worker for a queued turn at once
    } else if (n < now) {
      WORKERS.setCorePoolSize(n);
      WORKERS.setMaximumPoolSize(n); // an extra worker ends when it is next idle
    }
  }

  /** One lane's turn on a worker, timed for the watchdog. */
  private static final class Turn implements Runnable {
    final Runnable work;
    final long queued = System.nanoTime();
    volatile long started;

    Turn(Runnable work) {
      this.work = work;
    }

    @Override
    public void run() {
      started = System.nanoTime();
      RUNNING.add(this);
      try {
        work.run();
      } finally {
        RUNNING.remove(this);
      }
    }
  }
}
