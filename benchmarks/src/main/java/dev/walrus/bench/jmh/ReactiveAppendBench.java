package dev.walrus.bench.jmh;

import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@code ReactiveWalrus} appends of 100 B on the FD backend, {@code NoFsync} and
 * {@code SyncEach}: one append in flight with the caller blocking for it, the round trip
 * of one append from a non-blocking thread (sample time), 1,000 in flight, and a
 * streaming {@code appendAll} of {@link #STREAM} entries a call. Throughput scores count
 * entries. The baseline is {@link EngineAppendBench} (FD, 100 B) in the same run;
 * Chronicle Queue has no reactive API, so these rows have no peer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReactiveAppendBench {
  /** Appends kept in flight by {@link #inFlight1000()}. */
  public static final int IN_FLIGHT = 1000;

  /** Entries per {@link #appendAll()} call. */
  public static final int STREAM = 10_000;

  /** {@code NoFsync} or {@code SyncEach}. */
  @Param({"NoFsync", "SyncEach"})
  public String fsync;

  private Path dir;
  private Walrus wal;
  private ReactiveWalrus rw;
  private byte[] payload;
  private final List<byte[]> stream = new ArrayList<>();

  /** Opens a fresh namespace. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(100);
    stream.clear();
    for (int i = 0; i < STREAM; i++) {
      stream.add(payload);
    }
    dir = BenchDirs.fresh("reactive");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .fsyncSchedule(Schedules.parse(fsync))
            .consistency(ReadConsistency.atLeastOnce(1000))
            .quiet(true)
            .open();
    rw = ReactiveWalrus.create(wal);
  }

  /** Closes and deletes the namespace. */
  @TearDown(Level.Trial)
  public void close() {
    rw.close();
    wal.close();
    BenchDirs.delete(dir);
  }

  /**
   * One append at a time, the caller blocking for each (what a blocking bridge does).
   *
   * @return the offset
   */
  @Benchmark
  public Long inFlight1() {
    return rw.append("bench", payload).block();
  }

  /**
   * The round trip of one append subscribed on a thread Reactor treats as non-blocking
   * (like an event loop or a {@code Schedulers.parallel()} worker): from subscribing to
   * the offset's {@code onNext}. The thread spins for the result instead of parking, so
   * the time is the append's, not the waiting thread's wake-up.
   *
   * @param caller marks the benchmark thread non-blocking
   * @return the offset
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long roundTripNonBlocking(NonBlockingCaller caller) {
    Waiter w = new Waiter();
    rw.append("bench", payload).subscribe(w);
    return w.await();
  }

  /**
   * {@link #IN_FLIGHT} appends subscribed at once (each with its own subscriber, as
   * {@link #IN_FLIGHT} independent requests would), then awaited. Not
   * {@code Flux.flatMap(.., 1000)}: its drain loop scans every active inner subscriber on
   * each completion, about 6 µs an append at 1,000 in flight, which would measure
   * Reactor's operator rather than the append.
   *
   * @return the number completed
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public long inFlight1000() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      rw.append("bench", payload)
          .subscribe(
              v -> done.countDown(),
              e -> {
                failure.set(e);
                done.countDown();
              });
    }
    done.await();
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    return IN_FLIGHT;
  }

  /** Marks the benchmark thread as a non-blocking thread for Reactor (trial-long). */
  @State(Scope.Thread)
  public static class NonBlockingCaller {
    /** Registers the predicate for the thread that runs the benchmark. */
    @Setup(Level.Trial)
    public void mark() {
      Thread self = Thread.currentThread();
      Schedulers.registerNonBlockingThreadPredicate(t -> t == self);
      if (!Schedulers.isInNonBlockingThread()) {
        throw new IllegalStateException("the benchmark thread is not marked non-blocking");
      }
    }

    /** Removes the predicate. */
    @TearDown(Level.Trial)
    public void unmark() {
      Schedulers.resetNonBlockingThreadPredicate();
    }
  }

  /** Receives one offset; the benchmark thread spins until it arrives. */
  private static final class Waiter implements CoreSubscriber<Long> {
    private volatile boolean done;
    private long offset;
    private Throwable error;

    @Override
    public void onSubscribe(Subscription s) {
      s.request(1);
    }

    @Override
    public void onNext(Long v) {
      offset = v;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done = true;
    }

    @Override
    public void onComplete() {
      done = true;
    }

    long await() {
      long start = System.nanoTime();
      int spins = 0;
      while (!done) {
        Thread.onSpinWait();
        if ((++spins & 0xFFFF) == 0 && System.nanoTime() - start > 10_000_000_000L) {
          throw new IllegalStateException("append not completed within 10 s");
        }
      }
      if (error != null) {
        throw new IllegalStateException(error);
      }
      return offset;
    }
  }

  /**
   * One {@code appendAll} of {@link #STREAM} entries.
   *
   * @return the number of offsets emitted
   */
  @Benchmark
  @OperationsPerInvocation(STREAM)
  public Long appendAll() {
    return rw.appendAll("bench", Flux.fromIterable(stream)).count().block();
  }
}
