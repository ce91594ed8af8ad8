package dev.walrus.bench.jmh;

import dev.walrus.bench.peer.ChroniclePeer;
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
 * The peer's appends, one thread: single entries of 100 B and 1 KiB. Pairs with
 * {@link EngineAppendBench}. A fresh queue per trial (it
 * grows through warm-up and measurement, as ours does), deleted afterwards.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PeerAppendBench {
  /** Entry size in bytes. */
  @Param({"100", "1024"})
  public int size;

  private Path dir;
  private ChroniclePeer peer;
  private byte[] payload;

  /** Opens a fresh queue. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(size);
    dir = BenchDirs.fresh("peer-append");
    peer = ChroniclePeer.open(dir);
  }

  /** Closes and deletes the queue. */
  @TearDown(Level.Trial)
  public void close() {
    peer.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the index appended
   */
  @Benchmark
  public long append() {
    peer.append(payload);
    return peer.lastIndexAppended();
  }
}
