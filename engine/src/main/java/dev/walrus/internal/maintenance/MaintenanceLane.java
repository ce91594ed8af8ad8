package dev.walrus.internal.maintenance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's maintenance executor on the process's shared {@link Maintenance}
 * threads: it behaves as a single-thread scheduled executor (tasks run one at a time, in
 * the order they became due, never two of this lane at once), but owns no thread. Due
 * tasks wait in the lane's queue; while it is not empty one worker drains it (a few tasks
 * per turn, then the lane goes to the back, so a busy lane does not starve the others).
 *
 * <p>{@link #shutdown} refuses new tasks, cancels every delayed and periodic one (unlike
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor}, a delayed one-shot task does
 * not run after shutdown) and lets the tasks already due finish; it affects no other
 * lane. {@link #shutdownNow} does the same and returns the due tasks not started; it
 * interrupts nothing (the workers are shared, and the engine's fsyncs must not be
 * interrupted). A task that throws is logged and does not stop the lane; a periodic task
 * that throws is not run again, as with the JDK's executors. Thread-safe.
 */
public final class MaintenanceLane extends AbstractExecutorService
    implements ScheduledExecutorService {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceLane.class);

  /** Tasks run per turn on a worker before the lane yields it. */
  static final int TURN = 16;

  private final String name;
  private final ConcurrentLinkedQueue<Runnable> due = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Set<Timed<?>> timed = ConcurrentHashMap.newKeySet();
  private final Object idle = new Object();
  private volatile boolean shutdown;

  MaintenanceLane(String name) {
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (shutdown) {
      throw new RejectedExecutionException(name + ": maintenance is shut down");
    }
    due.add(task);
    dispatch();
  }

  /** Gets the lane a worker if it has none. */
  private void dispatch() {
    if (draining.compareAndSet(false, true)) {
      try {
        Maintenance.run(this::drain);
      } catch (RuntimeException | Error e) {
        draining.set(false);
        throw e;
      }
    }
  }

  private void drain() {
    try {
      Runnable r;
      for (int n = 0; n < TURN && (r = due.poll()) != null; n++) {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.error("{}: maintenance task failed", name, e);
        }
      }
    } finally {
      draining.set(false);
      if (!due.isEmpty()) {
        dispatch(); // more work, or work added while this turn ended: next turn
      } else if (shutdown) {
        synchronized (idle) {
          idle.notifyAll();
        }
      }
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    return arm(new Timed<Void>(command, null, 0), unit.toNanos(delay));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return arm(new Timed<>(callable, 0), unit.toNanos(delay));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return periodic(command, initialDelay, unit.toNanos(period), unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return periodic(command, initialDelay, -unit.toNanos(delay), unit);
  }

  private ScheduledFuture<?> periodic(Runnable command, long initial, long period, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    if (period == 0) {
      throw new IllegalArgumentException("period must be positive");
    }
    return arm(new Timed<Void>(command, null, period), unit.toNanos(initial));
  }

  private <V> Timed<V> arm(Timed<V> t, long delayNanos) {
    if (shutdown) {
      throw new RejectedExecutionException(name + ": maintenance is shut down");
    }
    timed.add(t);
    t.arm(System.nanoTime() + Math.max(0, delayNanos));
    if (shutdown) {
      t.cancel(false); // raced with shutdown, which may not have seen it
    }
    return t;
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (Timed<?> t : timed) {
      t.cancel(false);
    }
    if (isTerminated()) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    List<Runnable> left = new ArrayList<>();
    for (Runnable r; (r = due.poll()) != null; ) {
      left.add(r);
    }
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && due.isEmpty() && !draining.get();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (idle) {
      while (!isTerminated()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  @Override
  public String toString() {
    return "MaintenanceLane[" + name + (shutdown ? ", shut down]" : "]");
  }

  /**
   * A delayed or periodic task: the timer thread queues it on the lane when due; it runs
   * on a worker in the lane's turn. {@code period} > 0: fixed rate; < 0: fixed delay;
   * 0: once.
   */
  private final class Timed<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final long period;
    private volatile long time;
    private volatile ScheduledFuture<?> alarm;

    Timed(Runnable r, V result, long period) {
      super(r, result);
      this.period = period;
    }

    Timed(Callable<V> c, long period) {
      super(c);
      this.period = period;
    }

    void arm(long at) {
      time = at;
      alarm = Maintenance.after(this::fire, at - System.nanoTime());
      if (isCancelled()) {
        alarm.cancel(false); // cancelled while being armed
      }
    }

    /** On the timer thread: due now, so queue it on the lane. */
    private void fire() {
      if (shutdown || isCancelled()) {
        timed.remove(this);
        return;
      }
      due.add(this);
      dispatch();
    }

    @Override
    public void run() {
      if (period == 0) {
        timed.remove(this);
        super.run();
      } else if (runAndReset() && !shutdown && !isCancelled()) {
        arm(period > 0 ? time + period : System.nanoTime() - period);
      } else {
        timed.remove(this);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(false); // never interrupt a shared worker
      ScheduledFuture<?> a = alarm;
      if (a != null) {
        a.cancel(false);
      }
      timed.remove(this);
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(time - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
