package dev.walrus.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What verifying one entry costs, alone: the CRC32C a read computes over a 100-byte
 * entry's frame (bytes 4 to 128 of a 28-byte header and its payload, in a direct buffer, as
 * the read-ahead buffer is) and compares with the stored one, exactly as every read does
 * before it hands the entry out. Chronicle Queue's tailer verifies nothing, so this is the
 * part of each read with no counterpart in the peer: the report sets it beside the read
 * ratios ({@code PerformanceTargets}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChecksumBench {
  private static final int FRAME = 128;

  private final ByteBuffer frame = ByteBuffer.allocateDirect(FRAME).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer view = frame.asReadOnlyBuffer();
  private final CRC32C crc = new CRC32C();

  /** Fills a frame whose stored checksum matches. */
  public ChecksumBench() {
    byte[] payload = BenchDirs.payload(100);
    frame.putInt(4, payload.length).putLong(8, 7L).putInt(16, 42);
    frame.put(28, payload);
    crc.update(frame.duplicate().position(4).limit(FRAME));
    frame.putInt(0, (int) crc.getValue());
  }

  /**
   * @return true (the frame verifies); returned so the JIT keeps the work
   */
  @Benchmark
  public boolean verifyEntry() {
    crc.reset();
    view.limit(FRAME).position(4);
    crc.update(view);
    return (int) crc.getValue() == frame.getInt(0);
  }
}
