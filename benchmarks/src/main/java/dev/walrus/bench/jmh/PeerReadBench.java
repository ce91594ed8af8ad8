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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The peer's reads: an {@code ExcerptTailer} copying each 100-byte entry into a fresh
 * {@code byte[]} (as {@code readNext} does), one at a time and 2,000 per call, over
 * {@link ReadBench#PREFILL} entries, rewound at the end. Chronicle's tailer keeps its
 * position in memory (a named tailer's index lives in a mapped file); it has no
 * StrictlyAtOnce-style persisted cursor, so it pairs with AtLeastOnce only. {@code
 * readNextInPlace} is the tailer without the copy (it reads one byte of each entry where it
 * lies, as {@code ReadBench.readNextView}'s handler does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PeerReadBench {
  private Path dir;
  private ChroniclePeer peer;

  /** Opens a fresh queue and fills it. */
  @Setup(Level.Trial)
  public void open() {
    dir = BenchDirs.fresh("peer-read");
    peer = ChroniclePeer.open(dir);
    byte[] payload = BenchDirs.payload(100);
    for (int i = 0; i < ReadBench.PREFILL; i++) {
      peer.append(payload);
    }
  }

  /** Closes and deletes the queue. */
  @TearDown(Level.Trial)
  public void close() {
    peer.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the entry read
   */
  @Benchmark
  public byte[] readNext() {
    byte[] b = peer.readNext();
    if (b == null) {
      peer.rewind();
      b = peer.readNext();
    }
    return b;
  }

  /**
   * Reads {@link ReadBench#BATCH} entries; the score counts entries.
   *
   * @param bh sink for the entries
   */
  @Benchmark
  @OperationsPerInvocation(ReadBench.BATCH)
  public void batchRead(Blackhole bh) {
    for (int i = 0; i < ReadBench.BATCH; i++) {
      bh.consume(readNext());
    }
  }

  /**
   * Reads one entry in place (no copy): one byte of it.
   *
   * @return the byte read
   */
  @Benchmark
  public int readNextInPlace() {
    int b = peer.readFirstByte();
    if (b == Integer.MIN_VALUE) {
      peer.rewind();
      b = peer.readFirstByte();
    }
    return b;
  }
}
