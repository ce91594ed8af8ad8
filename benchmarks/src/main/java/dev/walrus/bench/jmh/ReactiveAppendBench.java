package dev.walrus.bench.jmh;

import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import reactor.core.publisher.Flux;

/**
 * {@code ReactiveWalrus} appends of 100 B on the FD backend, {@code NoFsync} and
 * {@code SyncEach}: one append in flight, 1,000 in flight, and a streaming
 * {@code appendAll} of {@link #STREAM} entries a call. Scores count entries. The
 * baseline is {@link EngineAppendBench} (FD, 100 B) in the same run; Chronicle Queue has
 * no reactive API, so these rows have no peer.
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
   * @return the offset
   */
  @Benchmark
  public Long inFlight1() {
    return rw.append("bench", payload).block();
  }

  /**
   * {@link #IN_FLIGHT} appends subscribed at once, then awaited.
   *
   * @return the number completed
   */
  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public Long inFlight1000() {
    return Flux.range(0, IN_FLIGHT)
        .flatMap(i -> rw.append("bench", payload), IN_FLIGHT)
        .count()
        .block();
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
