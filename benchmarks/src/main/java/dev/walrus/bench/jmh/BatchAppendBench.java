package dev.walrus.bench.jmh;

import dev.walrus.Backend;
import dev.walrus.FsyncSchedule;
import dev.walrus.Walrus;
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

/**
 * Atomic {@code batchAppendForTopic} of 1,000 × 100 B, {@code NoFsync}, one thread, on
 * io_uring, positional I/O and mmap. The score counts entries. Fails the trial (rather
 * than silently measuring the fallback) when io_uring is asked for and unavailable.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchAppendBench {
  /** Entries per batch. */
  public static final int BATCH = 1000;

  /** {@code io_uring}, {@code positional} or {@code mmap}. */
  @Param({"io_uring", "positional", "mmap"})
  public String io;

  private Path dir;
  private Walrus wal;
  private final List<byte[]> batch = new ArrayList<>();

  /** Opens a fresh namespace. */
  @Setup(Level.Trial)
  public void open() {
    batch.clear();
    for (int i = 0; i < BATCH; i++) {
      batch.add(BenchDirs.payload(100));
    }
    dir = BenchDirs.fresh("batch");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .fsyncSchedule(FsyncSchedule.noFsync())
            .backend(io.equals("mmap") ? Backend.MMAP : Backend.FD)
            .ioUring(io.equals("io_uring"))
            .quiet(true)
            .open();
    if (io.equals("io_uring") && !wal.backendInfo().ioUring()) {
      wal.close();
      throw new IllegalStateException("io_uring unavailable: " + wal.backendInfo());
    }
  }

  /** Closes and deletes the namespace. */
  @TearDown(Level.Trial)
  public void close() {
    wal.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the batch's first offset
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long batch1000() {
    return wal.batchAppendForTopic("bench", batch);
  }
}
