package dev.walrus.bench.jmh;

import dev.walrus.bench.peer.ChroniclePeer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
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
 * The peer's append-to-reader latency: the benchmark thread appends one 100-byte entry
 * and spins until a tailer, busy-polling on its own thread (Chronicle's usual way to
 * consume: it has no wake-up), has read and copied it. Pairs with
 * {@link TailLatencyBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PeerTailLatencyBench {
  private Path dir;
  private ChroniclePeer peer;
  private Thread reader;
  private volatile boolean running;
  private final AtomicLong seen = new AtomicLong(-1);
  private byte[] payload;

  /** Opens a fresh queue and starts the polling reader. */
  @Setup(Level.Trial)
  public void open() {
    payload = BenchDirs.payload(100);
    dir = BenchDirs.fresh("peer-tail");
    peer = ChroniclePeer.open(dir);
    running = true;
    reader = new Thread(this::poll, "peer-tailer");
    reader.setDaemon(true);
    reader.start();
  }

  private void poll() {
    try (ExcerptTailer t = peer.newTailer()) {
      while (running) {
        try (DocumentContext dc = t.readingDocument()) {
          if (dc.isPresent()) {
            byte[] copy = new byte[(int) dc.wire().bytes().readRemaining()];
            dc.wire().bytes().read(copy);
            seen.set(dc.index());
          } else {
            Thread.onSpinWait();
          }
        }
      }
    }
  }

  /**
   * Stops the reader, closes and deletes the queue.
   *
   * @throws InterruptedException if interrupted while joining the reader
   */
  @TearDown(Level.Trial)
  public void close() throws InterruptedException {
    running = false;
    reader.join(10_000);
    peer.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the index read
   */
  @Benchmark
  public long appendToTail() {
    peer.append(payload);
    return Spin.until(seen, peer.lastIndexAppended());
  }
}
