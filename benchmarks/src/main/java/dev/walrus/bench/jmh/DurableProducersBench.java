package dev.walrus.bench.jmh;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import reactor.core.publisher.Flux;

/**
 * Durable ({@code SyncEach}) 100-byte appends from 1, 8 and 64 concurrent producers
 * through {@code ReactiveWalrus} (group commit): one operation is a round in which every
 * producer appends one entry and waits for its acknowledgment. The score is rounds per
 * second; the report multiplies it by {@link #producers} for entries per second.
 * Chronicle Queue (open source) has no fsync per append, so there is no peer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableProducersBench {
  /** Concurrent producers. */
  @Param({"1", "8", "64"})
  public int producers;

  private Path dir;
  private Walrus wal;
  private ReactiveWalrus rw;
  private byte[] payload;

  /** Opens a fresh namespace. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(100);
    dir = BenchDirs.fresh("durable");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .fsyncSchedule(FsyncSchedule.syncEach())
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
   * @return appends acknowledged in the round
   */
  @Benchmark
  public Long round() {
    return Flux.range(0, producers)
        .flatMap(i -> rw.append("bench", payload), producers)
        .count()
        .block();
  }
}
