package dev.walrus.bench.report;

import static dev.walrus.bench.report.Results.Keys.append;
import static dev.walrus.bench.report.Results.Keys.durable;
import static dev.walrus.bench.report.Results.Keys.peerAppend;
import static dev.walrus.bench.report.Results.Keys.reactive;
import static dev.walrus.bench.report.Results.Keys.read;

import java.util.ArrayList;
import java.util.List;

/**
 * The pair-by-pair table: each workload with our figure, the peer's figure from the same
 * run (or why the peer has none) and the ratio ours ÷ peer.
 */
public final class ComparisonTable {
  /**
   * One line of the table.
   *
   * @param label the workload
   * @param unit the unit of both figures
   * @param ours our figure
   * @param peer the peer's figure, NaN when it has no equivalent
   * @param note what the pairing means, or why there is no peer
   * @param lowerIsBetter true for latency, heap and disk rows
   */
  public record Row(
      String label, String unit, double ours, double peer, String note, boolean lowerIsBetter) {
    /**
     * @return ours ÷ peer, NaN without a peer
     */
    public double ratio() {
      return ours / peer;
    }

    /**
     * @return true when the row has a peer figure
     */
    public boolean paired() {
      return !Double.isNaN(peer);
    }
  }

  private static final String NO_FSYNC = "peer: no fsync per append in open-source Chronicle Queue";
  private static final String NO_REACTIVE = "peer: no reactive API";

  private ComparisonTable() {}

  /**
   * @param r the run's measurements
   * @param memory the memory probes (ours first, then the peer's), may be empty
   * @return the table's rows
   */
  public static List<Row> build(Results r, List<MemoryResult> memory) {
    List<Row> rows = new ArrayList<>();
    for (int size : new int[] {100, 1024}) {
      String s = size == 100 ? "100 B" : "1 KiB";
      double peer = r.score(peerAppend(size));
      for (String backend : new String[] {"FD", "MMAP"}) {
        String b = backend.equals("FD") ? "FD" : "mmap";
        rows.add(
            rate(
                "append " + s + ", " + b + ", NoFsync",
                r.score(append(backend, size, "NoFsync")),
                peer,
                "peer: ExcerptAppender, page cache"));
        rows.add(
            rate(
                "append " + s + ", " + b + ", Milliseconds(200)",
                r.score(append(backend, size, "Milliseconds200")),
                peer,
                "peer has no fsync schedule: vs its page-cache append"));
        rows.add(
            rate(
                "append " + s + ", " + b + ", SyncEach",
                r.score(append(backend, size, "SyncEach")),
                Double.NaN,
                NO_FSYNC));
      }
    }
    rows.add(
        rate(
            "pwrite 128 B (syscall ceiling)",
            r.score("PwriteCeilingBench.pwrite128"),
            Double.NaN,
            "reference, no log"));
    double peerBatch = r.score("PeerBatchAppendBench.batch1000");
    for (String io : new String[] {"io_uring", "positional", "mmap"}) {
      rows.add(
          rate(
              "batch append 1,000 x 100 B, " + io,
              r.score("BatchAppendBench.batch1000[io=" + io + "]"),
              peerBatch,
              "peer: 1,000 appends (it has no atomic batch)"));
    }
    double peerRead = r.score("PeerReadBench.readNext");
    double peerBatchRead = r.score("PeerReadBench.batchRead");
    for (String backend : new String[] {"FD", "MMAP"}) {
      String b = backend.equals("FD") ? "FD" : "mmap";
      rows.add(
          rate(
              "readNext, AtLeastOnce(1000), " + b,
              r.score(read("readNext", backend, "AtLeastOnce")),
              peerRead,
              "peer: ExcerptTailer, copying"));
      rows.add(
          rate(
              "readNext, StrictlyAtOnce, " + b,
              r.score(read("readNext", backend, "StrictlyAtOnce")),
              Double.NaN,
              "peer: no cursor persisted per read"));
      rows.add(
          rate(
              "batchRead 2,000, AtLeastOnce(1000), " + b,
              r.score(read("batchRead", backend, "AtLeastOnce")),
              peerBatchRead,
              "peer: 2,000 tailer reads"));
      rows.add(
          rate(
              "batchRead 2,000, StrictlyAtOnce, " + b,
              r.score(read("batchRead", backend, "StrictlyAtOnce")),
              Double.NaN,
              "peer: no cursor persisted per read"));
      rows.add(
          rate(
              "readNext view (EntryHandler), AtLeastOnce(1000), " + b,
              r.score(read("readNextView", backend, "AtLeastOnce")),
              peerRead,
              "allocation-free; peer: ExcerptTailer, copying"));
      rows.add(
          rate(
              "batchRead view 2,000, AtLeastOnce(1000), " + b,
              r.score(read("batchReadView", backend, "AtLeastOnce")),
              peerBatchRead,
              "allocation-free; peer: 2,000 tailer reads, copying"));
    }
    rows.add(
        rate(
            "checksum of one 100 B entry (CRC32C, what each read verifies)",
            r.score("ChecksumBench.verifyEntry"),
            Double.NaN,
            "reference: the peer verifies nothing"));
    rows.add(
        rate(
            "peer tailer, in place (no copy)",
            r.score("PeerReadBench.readNextInPlace"),
            Double.NaN,
            "reference for the view reads"));
    for (String fsync : new String[] {"NoFsync", "SyncEach"}) {
      double engine = r.score(append("FD", 100, fsync));
      String[][] cases = {
        {"inFlight1", "1 in flight"},
        {"inFlight1000", "1,000 in flight"},
        {"appendAll", "appendAll"}
      };
      for (String[] c : cases) {
        double v = r.score(reactive(c[0], fsync));
        rows.add(
            rate(
                "reactive append, " + c[1] + ", " + fsync,
                v,
                Double.NaN,
                NO_REACTIVE + String.format("; %.2fx engine append (FD, %s)", v / engine, fsync)));
      }
    }
    for (String fsync : new String[] {"NoFsync", "SyncEach"}) {
      String key = reactive("roundTripNonBlocking", fsync);
      rows.add(
          new Row(
              "reactive append round trip, non-blocking caller, median, " + fsync,
              "us",
              r.p50(key),
              Double.NaN,
              NO_REACTIVE + String.format("; p99 %.1f us", r.p99(key)),
              true));
    }
    String noBus = "peer: no event-bus adapter";
    double rxAppend = r.score("VertxBusBench.reactiveAppend");
    double busAppend = r.score("VertxBusBench.busAppend");
    rows.add(
        rate(
            "reactive append from an event loop, 1 in flight",
            rxAppend,
            Double.NaN,
            NO_REACTIVE + "; the case the bus append wraps"));
    rows.add(
        rate(
            "Vert.x bus append (request/reply), 1 in flight",
            busAppend,
            Double.NaN,
            noBus + String.format("; %.2fx the reactive append it wraps", busAppend / rxAppend)));
    double rxTail = r.score("VertxBusBench.reactiveTail");
    double busTail = r.score("VertxBusBench.busTail");
    rows.add(
        rate(
            "reactive MANUAL tail, 1,000 a request",
            rxTail,
            Double.NaN,
            NO_REACTIVE + "; the case the bus tail wraps"));
    rows.add(
        rate(
            "Vert.x bus tail, 1,000 credits a grant, acked",
            busTail,
            Double.NaN,
            noBus + String.format("; %.2fx the reactive tail it wraps", busTail / rxTail)));
    for (String[] path :
        new String[][] {
          {"blocking", "blocking, one topic"},
          {"blockingTopics", "blocking, a topic each"},
          {"reactive", "ReactiveWalrus, one topic"}
        }) {
      double one = r.score(durable(1, path[0]));
      for (int p : new int[] {1, 8, 64}) {
        double v = r.score(durable(p, path[0]));
        rows.add(
            rate(
                "durable (SyncEach) appends, "
                    + p
                    + " producer"
                    + (p > 1 ? "s" : "")
                    + " ("
                    + path[1]
                    + ")",
                v,
                Double.NaN,
                NO_FSYNC + String.format("; %.1fx one producer", v / one)));
      }
    }
    String tail = "TailLatencyBench.appendToTail[wait=park]";
    String spinTail = "TailLatencyBench.appendToTail[wait=spin]";
    String peerTail = "PeerTailLatencyBench.appendToTail";
    String tailNote = "peer: tailer busy-polling on another thread";
    String spinNote = "spinThenPark(1 ms): burns a core, like the peer's busy-polling tailer";
    rows.add(new Row("append -> tail, median", "us", r.p50(tail), r.p50(peerTail), tailNote, true));
    rows.add(new Row("append -> tail, p99", "us", r.p99(tail), r.p99(peerTail), tailNote, true));
    rows.add(
        new Row(
            "append -> spinning tail, median",
            "us",
            r.p50(spinTail),
            r.p50(peerTail),
            spinNote,
            true));
    rows.add(
        new Row(
            "append -> spinning tail, p99",
            "us",
            r.p99(spinTail),
            r.p99(peerTail),
            spinNote,
            true));
    addMemory(rows, memory);
    return rows;
  }

  private static void addMemory(List<Row> rows, List<MemoryResult> memory) {
    if (memory.size() < 2) {
      return;
    }
    MemoryResult ours = memory.get(0);
    MemoryResult peer = memory.get(1);
    String n = millions(ours.entries());
    String m = millions(ours.milestone());
    rows.add(
        new Row(
            "heap after writing " + m,
            "MiB",
            mib(ours.heapAfterWriteMilestone()),
            mib(peer.heapAfterWriteMilestone()),
            "used heap after full GC",
            true));
    rows.add(
        new Row(
            "heap after writing " + n,
            "MiB",
            mib(ours.heapAfterWrite()),
            mib(peer.heapAfterWrite()),
            "used heap after full GC",
            true));
    rows.add(
        new Row(
            "heap after reading " + n,
            "MiB",
            mib(ours.heapAfterRead()),
            mib(peer.heapAfterRead()),
            "reopened, all read; -Xmx512m",
            true));
    rows.add(
        new Row(
            "disk per 100 B entry (" + n + ")",
            "bytes",
            ours.bytesPerEntry(),
            peer.bytesPerEntry(),
            "allocated (du) / entries",
            true));
    rows.add(
        new Row(
            "reopen after " + n,
            "ms",
            ours.reopenMillis(),
            peer.reopenMillis(),
            "open of a closed log",
            true));
  }

  static String millions(long n) {
    return n % 1_000_000 == 0 ? (n / 1_000_000) + " M entries" : String.format("%,d entries", n);
  }

  static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static Row rate(String label, double ours, double peer, String note) {
    return new Row(label, "ops/s", ours, peer, note, false);
  }
}
