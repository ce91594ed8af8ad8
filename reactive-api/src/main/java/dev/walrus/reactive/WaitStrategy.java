package dev.walrus.reactive;

import dev.walrus.InvalidArgumentException;
import java.time.Duration;

/**
 * How a {@link ReactiveWalrus#tail(String, TailOptions) tail} waits when it has nothing to
 * do (it has read everything there is, or its subscriber has no outstanding demand), set
 * with {@link TailOptions#waitStrategy(WaitStrategy)}. Modelled on the idle strategies of
 * Aeron and the LMAX Disruptor.
 *
 * <ul>
 *   <li>{@link #park()} (the default): the tail gives its scheduler thread back and waits,
 *       using no CPU, for the engine's append notification (or a request, a cancel, a
 *       close) to schedule it again. Waking it costs one thread hand-off: the appending
 *       thread wakes a parked scheduler thread, which takes a few microseconds and, on a
 *       busy machine, as long as the operating system takes to run it.
 *   <li>{@link #spinThenPark(Duration)}: the tail keeps its scheduler thread and busy-spins
 *       ({@link Thread#onSpinWait()}) for up to the given time, watching for a new entry, a
 *       request, a cancel or a close, and only then parks as above. An entry appended
 *       while it spins is picked up without any hand-off (and the appending thread does
 *       not pay for a wake-up either).
 * </ul>
 *
 * <p><b>CPU cost of spinning.</b> A spinning tail keeps one thread of the
 * {@code ReactiveWalrus}'s scheduler running at 100 % of a core for up to the spin time
 * every time it runs out of work; while entries (or requests) come more often than that,
 * it never parks and takes a whole core for as long as the tail lives. Each spinning tail
 * takes its own core and its own scheduler thread (a {@code boundedElastic} thread by
 * default). Use it only for latency-critical consumers on machines with a core to spare:
 * more spinning threads than idle cores make latency worse, not better, since the
 * operating system then preempts them.
 *
 * <p><b>Where it spins.</b> Only on the scheduler thread that runs the tail, which must
 * allow blocking (see {@link ReactiveWalrus.Builder#scheduler}); never on the subscriber's
 * or the appender's thread. If that thread is a non-blocking one
 * ({@code Schedulers.isInNonBlockingThread()}, e.g. {@code Schedulers.parallel()}), the
 * tail does not spin and parks at once, as with {@link #park()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class WaitStrategy {
  private static final WaitStrategy PARK = new WaitStrategy(0);

  private final long spinNanos;

  private WaitStrategy(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  /**
   * Waits for the engine's append notification without using CPU (the default).
   *
   * @return the parking strategy
   */
  public static WaitStrategy park() {
    return PARK;
  }

  /**
   * Busy-spins up to {@code spin} each time the tail runs out of work, then parks. Burns a
   * core while it spins (see the class comment).
   *
   * @param spin how long to spin before parking; positive (durations beyond about 292
   *     years count as that)
   * @return the strategy
   * @throws InvalidArgumentException if {@code spin} is null, zero or negative
   */
  public static WaitStrategy spinThenPark(Duration spin) {
    if (spin == null) {
      throw new InvalidArgumentException("spin duration must not be null");
    }
    if (spin.isZero() || spin.isNegative()) {
      throw new InvalidArgumentException("spin duration must be positive, got " + spin);
    }
    long nanos;
    try {
      nanos = spin.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    return new WaitStrategy(nanos);
  }

  /**
   * @return how long the tail spins before it parks; {@link Duration#ZERO} for
   *     {@link #park()}
   */
  public Duration spinDuration() {
    return Duration.ofNanos(spinNanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WaitStrategy && ((WaitStrategy) o).spinNanos == spinNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(spinNanos);
  }

  @Override
  public String toString() {
    return spinNanos == 0 ? "park" : "spinThenPark(" + spinDuration() + ")";
  }
}
