package dev.walrus.bench.jmh;

import dev.walrus.Backend;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
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

/**
 * Blocking {@code appendForTopic} on one thread: FD and mmap backends, 100 B and 1 KiB
 * entries, under each fsync schedule. Each trial (fork) writes to a fresh namespace that
 * grows through warm-up and measurement, and is deleted afterwards. Peer:
 * {@link PeerAppendBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineAppendBench {
  /** {@code FD} (positional I/O) or {@code MMAP}. */
  @Param({"FD", "MMAP"})
  public String backend;

  /** Entry size in bytes. */
  @Param({"100", "1024"})
  public int size;

  /** Fsync schedule, see {@link Schedules}. */
  @Param({"NoFsync", "Milliseconds200", "SyncEach"})
  public String fsync;

  private Path dir;
  private Walrus wal;
  private byte[] payload;

  /** Opens a fresh namespace. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(size);
    dir = BenchDirs.fresh("append");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .backend(Backend.valueOf(backend))
            .fsyncSchedule(Schedules.parse(fsync))
            .consistency(ReadConsistency.atLeastOnce(1000))
            .quiet(true)
            .open();
  }

  /** Closes and deletes the namespace. */
  @TearDown(Level.Trial)
  public void close() {
    wal.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the new entry's offset
   */
  @Benchmark
  public long append() {
    return wal.appendForTopic("bench", payload);
  }
}
