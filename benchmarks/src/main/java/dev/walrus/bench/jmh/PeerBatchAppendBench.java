package dev.walrus.bench.jmh;

import dev.walrus.bench.peer.ChroniclePeer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The peer's side of {@link BatchAppendBench}: 1,000 appends of 100 B per operation
 * (Chronicle Queue has no atomic multi-entry batch, so this is the closest it has). The
 * score counts entries. A fresh queue per trial, deleted afterwards.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PeerBatchAppendBench {
  private Path dir;
  private ChroniclePeer peer;
  private byte[] payload;

  /** Opens a fresh queue. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(100);
    dir = BenchDirs.fresh("peer-batch");
    peer = ChroniclePeer.open(dir);
  }

  /** Closes and deletes the queue. */
  @TearDown(Level.Trial)
  public void close() {
    peer.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the last index appended
   */
  @Benchmark
  @OperationsPerInvocation(BatchAppendBench.BATCH)
  public long batch1000() {
    for (int i = 0; i < BatchAppendBench.BATCH; i++) {
      peer.append(payload);
    }
    return peer.lastIndexAppended();
  }
}
