package dev.walrus.bench.scale;

import dev.walrus.Walrus;
import dev.walrus.bench.jmh.BenchDirs;
import dev.walrus.bench.scale.Gauges.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjDoubleConsumer;

/**
 * The namespace half of the scaling run, in a JVM of its own (see {@link ScaleLauncher}):
 * opens M namespaces (one per tenant, the default configuration) in one data directory, timed,
 * and measures what they hold open and empty ({@code open.*}); appends one 100 B entry to one
 * topic in each (a tenant that has written, {@code used.*}); then closes them one by one
 * (timed) and measures what is left ({@code closed.*}: a namespace that does not give back its
 * threads or descriptors on close shows here). Memory, thread and descriptor figures are
 * growths over the process before the first namespace opened. Output as {@link ProbeOutput}.
 *
 * <p>Before measuring, the same steps run once on 5 namespaces in a scratch directory.
 *
 * <p>Usage: {@code NamespaceScaleProbe <namespaces> <data dir>}.
 */
public final class NamespaceScaleProbe {
  private static final int WARM_UP_NAMESPACES = 5;
  private static final ObjDoubleConsumer<String> DISCARD = (k, v) -> {};

  private final byte[] payload = BenchDirs.payload(TopicScaleProbe.ENTRY_BYTES);
  private final ObjDoubleConsumer<String> out;
  private String phase = "start";

  private NamespaceScaleProbe(ObjDoubleConsumer<String> out) {
    this.out = out;
  }

  /**
   * @param args the namespace count and the data directory (created if missing)
   */
  public static void main(String[] args) {
    int m = Integer.parseInt(args[0]);
    Path data = Path.of(args[1]);
    NamespaceScaleProbe probe = new NamespaceScaleProbe(ProbeOutput::put);
    try {
      new NamespaceScaleProbe(DISCARD).run(WARM_UP_NAMESPACES, data.resolve("warm-up"), null);
      BenchDirs.delete(data.resolve("warm-up"));
      probe.run(m, data.resolve("measured"), Gauges.take());
    } catch (Throwable t) { // OutOfMemoryError included: report it, then exit
      ProbeOutput.fail(probe.phase, t);
      System.exit(1);
    }
    System.exit(0);
  }

  private void run(int m, Path dir, Snapshot base) throws Exception {
    List<Walrus> open = new ArrayList<>(m);
    try {
      phase("open");
      long t0 = System.nanoTime();
      for (int i = 0; i < m; i++) {
        open.add(Walrus.builder().dataDir(dir).namespace("tenant-" + i).quiet(true).open());
      }
      out.accept("open.seconds", seconds(t0));
      if (base != null) {
        phase("measure open");
        ProbeOutput.putGrowth("open", Gauges.take(), base);
      }
      phase("append");
      t0 = System.nanoTime();
      for (Walrus w : open) {
        w.appendForTopic("events", payload);
      }
      out.accept("append.seconds", seconds(t0));
      if (base != null) {
        phase("measure used");
        ProbeOutput.putGrowth("used", Gauges.take(), base);
        phase("settle");
        out.accept("settle.seconds", settle(base, SETTLED_THREADS));
        ProbeOutput.putGrowth("settled", Gauges.take(), base);
      }
      phase("close");
      t0 = System.nanoTime();
      while (!open.isEmpty()) {
        open.remove(open.size() - 1).close();
      }
      out.accept("close.seconds", seconds(t0));
      if (base != null) {
        phase("measure closed");
        settle(base, 0);
        ProbeOutput.putGrowth("closed", Gauges.take(), base);
      }
    } finally {
      for (Walrus w : open) { // after a failure: close what is still open
        try {
          w.close();
        } catch (RuntimeException | Error e) {
          // the failure already reported is the one that matters
        }
      }
    }
  }

  /** Threads above the base a settled process may keep (its pools' idle workers). */
  static final int SETTLED_THREADS = 8;

  /** Longest the probe waits for idle pool threads to end (their keep-alive is 5 s). */
  static final long SETTLE_SECONDS = 15;

  /**
   * Waits until the process runs at most {@code extra} threads more than {@code base}, or
   * {@value #SETTLE_SECONDS} s passed: the engine's maintenance and fsync pools grow while
   * forces are slow (a thousand namespaces' first forces on a busy disk) and give their
   * threads back after 5 s idle; what is left after that is what the namespaces cost.
   *
   * @return the seconds waited
   */
  private static double settle(Snapshot base, int extra) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + SETTLE_SECONDS * 1_000_000_000L;
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    while (threads.getThreadCount() > base.threads() + extra && System.nanoTime() < deadline) {
      Thread.sleep(100); // polling a gauge with a deadline; nothing to wait on here
    }
    return seconds(t0);
  }

  private void phase(String p) {
    phase = p;
    if (out != DISCARD) {
      ProbeOutput.phase(p);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
