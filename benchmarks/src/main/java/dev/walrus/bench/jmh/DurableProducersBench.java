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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Durable ({@code SyncEach}) 100-byte appends from 1, 8 and 64 concurrent producers, run
 * continuously: each producer is a JMH thread that appends and waits for its
 * acknowledgment in a loop for the whole measurement (no rounds, no barrier between
 * producers). The score is JMH's aggregate over all producer threads: acknowledged entries
 * per second. Three paths ({@link #path}): the blocking {@code appendForTopic} into one
 * topic ({@code blocking}), the blocking API with a topic per producer
 * ({@code blockingTopics}: group commit across topics), and {@code ReactiveWalrus.append}
 * blocked on by each producer ({@code reactive}). Chronicle Queue (open source) has no
 * fsync per append, so there is no peer.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableProducersBench {

  /** The namespace every producer thread shares. */
  @State(Scope.Benchmark)
  public static class Shared {
    /** {@code blocking}, {@code blockingTopics} or {@code reactive}. */
    @Param({"blocking", "blockingTopics", "reactive"})
    public String path;

    Path dir;
    Walrus wal;
    ReactiveWalrus rw;
    final byte[] payload = BenchDirs.payload(100);

    /** Opens a fresh namespace. */
    @Setup(Level.Trial)
    public void open() {
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
  }

  /** One producer: the topic it appends to. */
  @State(Scope.Thread)
  public static class Producer {
    String topic;

    /**
     * Picks the topic: {@code bench}, or {@code bench-<thread>} for {@code blockingTopics}.
     *
     * @param shared the namespace
     * @param thread JMH's thread index
     */
    @Setup(Level.Trial)
    public void pick(Shared shared, ThreadParams thread) {
      topic = "blockingTopics".equals(shared.path) ? "bench-" + thread.getThreadIndex() : "bench";
    }
  }

  private static long append(Shared s, Producer p) {
    if ("reactive".equals(s.path)) {
      return s.rw.append(p.topic, s.payload).block();
    }
    return s.wal.appendForTopic(p.topic, s.payload);
  }

  /**
   * @param s the namespace
   * @param p this producer
   * @return the offset acknowledged
   */
  @Benchmark
  @Threads(1)
  public long producers1(Shared s, Producer p) {
    return append(s, p);
  }

  /**
   * @param s the namespace
   * @param p this producer
   * @return the offset acknowledged
   */
  @Benchmark
  @Threads(8)
  public long producers8(Shared s, Producer p) {
    return append(s, p);
  }

  /**
   * @param s the namespace
   * @param p this producer
   * @return the offset acknowledged
   */
  @Benchmark
  @Threads(64)
  public long producers64(Shared s, Producer p) {
    return append(s, p);
  }
}
