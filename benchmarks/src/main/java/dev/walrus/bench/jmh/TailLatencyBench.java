package dev.walrus.bench.jmh;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.TailOptions;
import dev.walrus.reactive.WaitStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.Disposable;

/**
 * Latency from an engine append to a {@code ReactiveWalrus.tail} subscriber seeing it
 * (100 B, {@code NoFsync}): each sample appends one entry and spins until the subscriber
 * has received it. JMH's sample mode gives the median and the 99th percentile. The
 * {@code wait} parameter picks the tail's wait strategy: {@code park} (the default,
 * {@link WaitStrategy#park()}: each entry wakes a parked scheduler thread) or {@code spin}
 * ({@link WaitStrategy#spinThenPark} with {@value #SPIN_MICROS} µs of spinning, which keeps
 * a core busy for the whole measurement, since entries come faster than that). Peer:
 * {@link PeerTailLatencyBench}, whose tailer busy-polls, like the spinning tail.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TailLatencyBench {
  /** How long the spinning tail spins before it parks, in microseconds. */
  public static final long SPIN_MICROS = 1000;

  /** The tail's wait strategy: {@code park} or {@code spin}. */
  @Param({"park", "spin"})
  public String wait;

  private Path dir;
  private Walrus wal;
  private ReactiveWalrus rw;
  private Disposable tail;
  private final AtomicLong seen = new AtomicLong(-1);
  private byte[] payload;

  /** Opens a fresh namespace and subscribes the tail. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(100);
    dir = BenchDirs.fresh("tail");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .fsyncSchedule(FsyncSchedule.noFsync())
            .consistency(ReadConsistency.atLeastOnce(1000))
            .quiet(true)
            .open();
    rw = ReactiveWalrus.create(wal);
    WaitStrategy strategy =
        "spin".equals(wait)
            ? WaitStrategy.spinThenPark(Duration.ofNanos(SPIN_MICROS * 1000))
            : WaitStrategy.park();
    tail =
        rw.tail("lat", TailOptions.forConsumer("bench").waitStrategy(strategy))
            .subscribe(e -> seen.set(e.offset()));
  }

  /** Cancels the tail, closes and deletes the namespace. */
  @TearDown(Level.Trial)
  public void close() {
    tail.dispose();
    rw.close();
    wal.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the offset delivered
   */
  @Benchmark
  public long appendToTail() {
    long offset = wal.appendForTopic("lat", payload);
    return Spin.until(seen, offset);
  }
}
