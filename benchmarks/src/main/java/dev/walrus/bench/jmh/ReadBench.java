package dev.walrus.bench.jmh;

import dev.walrus.Backend;
import dev.walrus.Entry;
import dev.walrus.EntryHandler;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Consuming reads, one thread, 100-byte entries, {@code Milliseconds(200)}: {@code readNext}
 * and {@code batchReadForTopic} (2,000 entries a call), under AtLeastOnce(1000) and
 * StrictlyAtOnce, on the FD and mmap backends. The topic is filled once per trial with
 * {@link #PREFILL} entries; a named consumer reads it and is moved back to offset 0 when
 * it reaches the end (the data stays in the page cache, as a tailing reader's would).
 * {@code readNextView} and {@code batchReadView} are the allocation-free reads (an
 * {@link EntryHandler} given a read-only view of each payload, which reads one byte of it).
 * Peer: {@link PeerReadBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadBench {
  /** Entries written before reading. */
  public static final int PREFILL = 500_000;

  /** Entries per batch read. */
  public static final int BATCH = 2000;

  /** {@code FD} or {@code MMAP}. */
  @Param({"FD", "MMAP"})
  public String backend;

  /** {@code AtLeastOnce} (persist every 1,000) or {@code StrictlyAtOnce}. */
  @Param({"AtLeastOnce", "StrictlyAtOnce"})
  public String consistency;

  private Path dir;
  private Walrus wal;

  /** What the view handler saw last: kept so the JIT cannot drop the reads. */
  private long seen;

  private final EntryHandler handler =
      (offset, ts, payload) -> seen += payload.get(payload.position());

  /** Opens a fresh namespace and fills the topic. */
  @Setup(Level.Trial)
  public void open() {
    dir = BenchDirs.fresh("read");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .backend(Backend.valueOf(backend))
            .fsyncSchedule(FsyncSchedule.milliseconds(200))
            .consistency(
                consistency.equals("StrictlyAtOnce")
                    ? ReadConsistency.strictlyAtOnce()
                    : ReadConsistency.atLeastOnce(1000))
            .quiet(true)
            .open();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(BenchDirs.payload(100));
    }
    for (int i = 0; i < PREFILL / 1000; i++) {
      wal.batchAppendForTopic("bench", batch);
    }
  }

  /** Closes and deletes the namespace. */
  @TearDown(Level.Trial)
  public void close() {
    wal.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return the entry consumed
   */
  @Benchmark
  public Entry readNext() {
    Optional<Entry> e = wal.readNext("bench", "reader", true);
    if (e.isEmpty()) {
      wal.checkpoint("bench", "reader", 0);
      e = wal.readNext("bench", "reader", true);
    }
    return e.orElseThrow();
  }

  /**
   * Consumes exactly {@link #BATCH} entries; the score counts entries.
   *
   * @return the last batch
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Entry> batchRead() {
    List<Entry> got = wal.batchReadForTopic("bench", "batch", BATCH * 100L, true);
    if (got.size() < BATCH) { // the end of the topic (PREFILL is a multiple of BATCH)
      wal.checkpoint("bench", "batch", 0);
      got = wal.batchReadForTopic("bench", "batch", BATCH * 100L, true);
    }
    if (got.size() != BATCH) {
      throw new IllegalStateException("batch read returned " + got.size());
    }
    return got;
  }

  /**
   * The allocation-free {@code readNext}: the handler reads one byte of the payload view.
   *
   * @return what the handler saw
   */
  @Benchmark
  public long readNextView() {
    if (!wal.readNext("bench", "view", true, handler)) {
      wal.checkpoint("bench", "view", 0);
      wal.readNext("bench", "view", true, handler);
    }
    return seen;
  }

  /**
   * The allocation-free batch read of {@link #BATCH} entries; the score counts entries.
   *
   * @return what the handler saw
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long batchReadView() {
    int got = 0;
    while (got < BATCH) { // a view batch may stop short of the budget; count exactly BATCH
      int n = wal.batchRead("bench", "batchView", (BATCH - got) * 100L, true, handler);
      if (n == 0) {
        wal.checkpoint("bench", "batchView", 0);
      }
      got += n;
    }
    return seen;
  }
}
