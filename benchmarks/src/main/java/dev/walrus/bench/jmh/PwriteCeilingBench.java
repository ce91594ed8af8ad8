package dev.walrus.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The syscall ceiling for single appends: one positional {@code pwrite} of 128 bytes (a
 * 100-byte entry plus its header) per operation, appending to a fresh file. A performance target
 * asks the FD backend for at least 90% of this ({@code PerformanceTargets}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PwriteCeilingBench {
  private Path dir;
  private FileChannel ch;
  private final ByteBuffer buf = ByteBuffer.allocateDirect(128);
  private long pos;

  /**
   * Creates a fresh file.
   *
   * @throws IOException if it cannot
   */
  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = BenchDirs.fresh("pwrite");
    ch =
        FileChannel.open(
            dir.resolve("raw.bin"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    pos = 0;
  }

  /**
   * Closes and deletes the file.
   *
   * @throws IOException if it cannot
   */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    ch.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return bytes written
   * @throws IOException if the write fails
   */
  @Benchmark
  public int pwrite128() throws IOException {
    buf.clear();
    int n = ch.write(buf, pos);
    pos += n;
    return n;
  }
}
