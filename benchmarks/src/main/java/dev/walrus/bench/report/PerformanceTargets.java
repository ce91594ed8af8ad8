package dev.walrus.bench.report;

import static dev.walrus.bench.report.Results.Keys.append;
import static dev.walrus.bench.report.Results.Keys.durable;
import static dev.walrus.bench.report.Results.Keys.peerAppend;
import static dev.walrus.bench.report.Results.Keys.reactive;
import static dev.walrus.bench.report.Results.Keys.read;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks each of the project's performance targets against the run and says met (by what
 * margin) or not met (how far off). Targets relative to Chronicle Queue, the pwrite
 * ceiling or another case use the same run; the others are fixed figures.
 */
public final class PerformanceTargets {
  /** 100 B, NoFsync appends/s on the FD backend. */
  public static final double FD_APPEND_BAR = 396_000;

  /** Entries/s in 1,000-entry io_uring batch appends. */
  public static final double BATCH_APPEND_BAR = 1_900_000;

  /** Entries/s streamed durably (appendAll under SyncEach). */
  public static final double SYNC_EACH_STREAM_BAR = 600_000;

  /**
   * One target's verdict.
   *
   * @param target the target
   * @param measured what this run measured
   * @param verdict met or not, with the margin
   */
  public record Target(String target, String measured, String verdict) {
    /**
     * @return true when the target is met
     */
    public boolean met() {
      return verdict.startsWith("met");
    }
  }

  private PerformanceTargets() {}

  /**
   * @param r the run's measurements
   * @param memory the memory probes (ours first), may be empty
   * @return one row per target
   */
  public static List<Target> evaluate(Results r, List<MemoryResult> memory) {
    List<Target> t = new ArrayList<>();
    double mmap = r.score(append("MMAP", 100, "NoFsync"));
    double peer = r.score(peerAppend(100));
    t.add(
        atLeast(
            "mmap append, NoFsync, >= Chronicle append (same run)",
            rate(mmap) + " vs " + rate(peer),
            mmap,
            peer));
    double mmapRead = r.score(read("readNext", "MMAP", "AtLeastOnce"));
    t.add(
        atLeast(
            "mmap reads >= 2x mmap appends",
            rate(mmapRead) + " reads vs " + rate(mmap) + " appends",
            mmapRead,
            2 * mmap));
    double rn = r.score(read("readNext", "FD", "AtLeastOnce"));
    t.add(atLeast("readNext AtLeastOnce >= 2 M/s (FD)", rate(rn), rn, 2_000_000));
    double strict = r.score(read("readNext", "FD", "StrictlyAtOnce"));
    t.add(
        atLeast(
            "readNext StrictlyAtOnce, Milliseconds(200) >= 200 k/s (FD)",
            rate(strict),
            strict,
            200_000));
    double br = r.score(read("batchRead", "FD", "AtLeastOnce"));
    t.add(atLeast("batchReadForTopic >= 5 M entries/s (FD)", rate(br), br, 5_000_000));
    double peerRead = r.score("PeerReadBench.readNext");
    double peerBatch = r.score("PeerReadBench.batchRead");
    String[][] vsPeer = {
      {"readNext", "FD", "readNext AtLeastOnce(1000), FD"},
      {"readNext", "MMAP", "readNext AtLeastOnce(1000), mmap"},
      {"batchRead", "FD", "batchReadForTopic 2,000, FD"},
      {"readNextView", "FD", "readNext view (EntryHandler), FD"},
      {"batchReadView", "FD", "batchRead view 2,000, FD"}
    };
    // Each read verifies its entry's checksum; the peer verifies nothing. The checksum's
    // own cost, measured in the same run, is set beside each ratio.
    double checksumNs = 1e9 / r.score("ChecksumBench.verifyEntry");
    for (String[] c : vsPeer) {
      double v = r.score(read(c[0], c[1], "AtLeastOnce"));
      double p = c[0].startsWith("batch") ? peerBatch : peerRead;
      t.add(
          atLeast(
              c[2] + " >= Chronicle's copying tailer (same run)",
              rate(v)
                  + " vs "
                  + rate(p)
                  + String.format(
                      " (%.2fx; %.0f vs %.0f ns an entry, %.0f ns of ours the checksum)",
                      v / p, 1e9 / v, 1e9 / p, checksumNs),
              v,
              p));
    }
    double fd = r.score(append("FD", 100, "NoFsync"));
    double ceiling = r.score("PwriteCeilingBench.pwrite128");
    t.add(
        atLeast(
            "FD appendForTopic >= 90% of the pwrite ceiling (same run)",
            rate(fd) + " vs " + rate(ceiling) + String.format(" (%.0f%%)", 100 * fd / ceiling),
            fd,
            0.9 * ceiling));
    t.add(atLeast("FD appendForTopic >= 396 k/s", rate(fd), fd, FD_APPEND_BAR));
    double uring = r.score("BatchAppendBench.batch1000[io=io_uring]");
    t.add(
        atLeast(
            "batch append (io_uring) >= 1.9 M entries/s", rate(uring), uring, BATCH_APPEND_BAR));
    double all = r.score(reactive("appendAll", "NoFsync"));
    t.add(atLeast("appendAll, FD, NoFsync >= 3 M entries/s", rate(all), all, 3_000_000));
    double durableStream = r.score(reactive("appendAll", "SyncEach"));
    t.add(
        atLeast(
            "SyncEach streaming (appendAll) >= 500 k entries/s",
            rate(durableStream),
            durableStream,
            500_000));
    t.add(
        atLeast(
            "SyncEach streaming >= 600 k entries/s",
            rate(durableStream),
            durableStream,
            SYNC_EACH_STREAM_BAR));
    for (String[] path :
        new String[][] {
          {"blocking", "blocking, one topic"},
          {"blockingTopics", "blocking, a topic each"},
          {"reactive", "ReactiveWalrus"}
        }) {
      double one = r.score(durable(1, path[0]));
      double many = r.score(durable(64, path[0]));
      t.add(
          atLeast(
              "SyncEach, 64 producers >= 50x one producer (" + path[1] + ")",
              rate(many) + " vs " + rate(one) + String.format(" (%.1fx)", many / one),
              many,
              50 * one));
    }
    double engine = fd;
    double one1 = r.score(reactive("inFlight1", "NoFsync"));
    t.add(
        atLeast(
            "reactive append, 1 in flight, caller blocking >= 0.5x engine append, NoFsync",
            rate(one1) + String.format(" (%.2fx %s)", one1 / engine, rate(engine)),
            one1,
            0.5 * engine));
    double rt = r.p50(reactive("roundTripNonBlocking", "NoFsync"));
    t.add(
        atMost(
            "reactive append round trip from a non-blocking thread, median <= 15 us, NoFsync",
            String.format("%.1f us", rt),
            rt,
            15));
    double many1000 = r.score(reactive("inFlight1000", "NoFsync"));
    t.add(
        atLeast(
            "reactive append, 1,000 in flight >= 3x engine append, NoFsync",
            rate(many1000) + String.format(" (%.2fx %s)", many1000 / engine, rate(engine)),
            many1000,
            3 * engine));
    double streamed = r.score(reactive("appendAll", "NoFsync"));
    t.add(
        atLeast(
            "reactive appendAll >= 70% of engine append, NoFsync",
            rate(streamed)
                + String.format(" (%.0f%% of %s)", 100 * streamed / engine, rate(engine)),
            streamed,
            0.7 * engine));
    double p50 = r.p50("TailLatencyBench.appendToTail[wait=park]");
    double p99 = r.p99("TailLatencyBench.appendToTail[wait=park]");
    t.add(atMost("append -> tail median <= 20 us", String.format("%.1f us", p50), p50, 20));
    t.add(atMost("append -> tail p99 <= 1 ms", String.format("%.1f us", p99), p99, 1000));
    double s50 = r.p50("TailLatencyBench.appendToTail[wait=spin]");
    double s99 = r.p99("TailLatencyBench.appendToTail[wait=spin]");
    t.add(atMost("append -> spinning tail median <= 5 us", String.format("%.1f us", s50), s50, 5));
    t.add(atMost("append -> spinning tail p99 <= 100 us", String.format("%.1f us", s99), s99, 100));
    if (!memory.isEmpty()) {
      memoryTargets(t, memory.get(0));
    }
    return t;
  }

  private static void memoryTargets(List<Target> t, MemoryResult m) {
    double gib = m.diskBytes() / (1024.0 * 1024 * 1024);
    double projected = m.reopenMillis() / gib * 10;
    String reopen =
        "reopen a 10 GiB namespace <= 2 s (projected linearly from "
            + String.format("%.2f GiB", gib)
            + ")";
    String reopenMeasured =
        String.format("%.0f ms for %.2f GiB -> ~%.0f ms", m.reopenMillis(), gib, projected);
    if (gib < 1) { // fixed costs dominate a small log: a linear projection overstates
      t.add(new Target(reopen, reopenMeasured, "not judged below 1 GiB (use --long)"));
    } else {
      t.add(atMost(reopen, reopenMeasured, projected, 2000));
    }
    t.add(
        atMost(
            "on disk <= 132 bytes per 100-byte entry",
            String.format("%.1f bytes", m.bytesPerEntry()),
            m.bytesPerEntry(),
            132));
    double small = ComparisonTable.mib(m.heapAfterWriteMilestone());
    double large =
        Math.max(ComparisonTable.mib(m.heapAfterWrite()), ComparisonTable.mib(m.heapAfterRead()));
    String measured =
        String.format(
            "%.1f MiB at %s, %.1f MiB at %s",
            small,
            ComparisonTable.millions(m.milestone()),
            large,
            ComparisonTable.millions(m.entries()));
    double growth = large - small;
    t.add(
        new Target(
            "heap independent of log size (growth over 10x the log < 8 MiB)",
            measured,
            growth < 8
                ? String.format("met (grew %.1f MiB)", growth)
                : String.format("NOT met: grew %.1f MiB", growth)));
  }

  /**
   * @param target the target
   * @param measured what was measured, for the reader
   * @param value the measured figure (NaN: not measured)
   * @param bar the least value that meets the target
   * @return met (by how much) or not met (how far off)
   */
  public static Target atLeast(String target, String measured, double value, double bar) {
    if (Double.isNaN(value) || Double.isNaN(bar)) {
      return new Target(target, measured, "not measured (case missing or failed)");
    }
    double x = value / bar;
    return new Target(
        target,
        measured,
        x >= 1
            ? String.format("met, %.2fx the bar", x)
            : String.format("NOT met: %.0f%% of the bar", 100 * x));
  }

  /**
   * @param target the target
   * @param measured what was measured, for the reader
   * @param value the measured figure (NaN: not measured)
   * @param bar the largest value that meets the target
   * @return met (by how much) or not met (how far off)
   */
  public static Target atMost(String target, String measured, double value, double bar) {
    if (Double.isNaN(value)) {
      return new Target(target, measured, "not measured (case missing or failed)");
    }
    double x = bar / value;
    return new Target(
        target,
        measured,
        x >= 1
            ? String.format("met, %.2fx under the bar", x)
            : String.format("NOT met: %.2fx over the bar", 1 / x));
  }

  /**
   * @param v a rate
   * @return it in a short human form: 1.23 M/s, 456 k/s
   */
  public static String rate(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v >= 1_000_000) {
      return String.format("%.2f M/s", v / 1e6);
    }
    if (v >= 10_000) {
      return String.format("%.0f k/s", v / 1e3);
    }
    return String.format("%,.0f/s", v);
  }
}
