package dev.walrus.bench.scale;

import static dev.walrus.bench.report.PerformanceTargets.atLeast;
import static dev.walrus.bench.report.PerformanceTargets.atMost;

import dev.walrus.bench.report.PerformanceTargets.Target;
import java.util.ArrayList;
import java.util.List;
import reactor.core.scheduler.Schedulers;

/**
 * Judges issue 20's targets against a {@link ScaleSuite.Result}. A figure a probe never
 * reached (it ran out of memory, or was killed at its deadline) is a target NOT met, with the
 * probe's failure as the reason. The bars the issue leaves open are fixed here:
 * <ul>
 *   <li>"no direct memory" per idle topic: direct memory at 100,000 topics at most 1 MiB more
 *       than at 1,000 (a pool of fixed size passes, anything per topic fails);
 *   <li>"flat" creation: the rate at 100,000 topics at least 0.8x the rate at 1,000;
 *   <li>"about twice their bytes": disk allocated (blocks) at most 2x the payload bytes
 *       appended (100 B entries; the 28-byte entry header counts against the engine);
 *   <li>"bounded descriptors" for topics: at most 80 more descriptors at 100,000 topics than
 *       before the namespace opened (the 64 data files {@code walrus.maxOpenFiles} allows, and
 *       16 for the rest);
 *   <li>"bounded threads": at most 8 more threads at 1,000 namespaces than at 10, once the
 *       pools settled (their workers grow while forces are slow, up to the maintenance cap of
 *       64, and end after 5 s idle; the peak is printed beside the verdict); 10,000 idle
 *       tails add at most as many threads as the default scheduler's cap
 *       ({@link Schedulers#DEFAULT_BOUNDED_ELASTIC_SIZE}, 10 per core): not one per tail or
 *       per topic;
 *   <li>"a few descriptors" per namespace: at most 5 (its two lock files, its metadata log,
 *       the data file being written and, with io_uring, the ring's own descriptor of it);
 *   <li>"closes on its own": after closing every namespace one by one, at most 2 threads or
 *       descriptors more than before the first opened.
 * </ul>
 */
public final class ScaleTargets {
  /** Heap an idle topic may cost, bytes. */
  public static final double TOPIC_HEAP_BAR = 1024;

  /** Direct memory growth allowed from 1,000 to 100,000 topics, bytes. */
  public static final double TOPIC_DIRECT_GROWTH_BAR = 1 << 20;

  /** New topics per second. */
  public static final double CREATE_RATE_BAR = 50_000;

  /** Rate at 100,000 topics over rate at 1,000. */
  public static final double FLAT_BAR = 0.8;

  /** Seconds to reopen 100,000 topics. */
  public static final double REOPEN_BAR = 2;

  /** Disk allocated over payload bytes. */
  public static final double DISK_BAR = 2;

  /** Descriptors 100,000 topics may hold. */
  public static final double TOPIC_DESCRIPTOR_BAR = 80;

  /** Heap an idle tail may cost, bytes. */
  public static final double TAIL_HEAP_BAR = 2048;

  /** Extra threads allowed between the smallest and the largest count. */
  public static final double THREAD_GROWTH_BAR = 8;

  /** Direct memory per open namespace, bytes. */
  public static final double NAMESPACE_DIRECT_BAR = 64 * 1024;

  /** Descriptors per open namespace. */
  public static final double NAMESPACE_DESCRIPTOR_BAR = 5;

  /**
   * Threads or descriptors that may remain after every namespace closed: the JVM's own
   * (a jar it reopened, a thread ending a moment late), never one per namespace.
   */
  public static final double CLOSE_LEFT_BAR = 2;

  private ScaleTargets() {}

  /**
   * @param r the scaling run
   * @return one verdict per target
   */
  public static List<Target> evaluate(ScaleSuite.Result r) {
    List<Target> t = new ArrayList<>();
    ScaleRun t1 = r.topics(1_000);
    ScaleRun t10 = r.topics(10_000);
    ScaleRun t100 = r.topics(100_000);

    double heap = Math.max(t100.each("topics.heap"), t100.each("reopened.heap"));
    t.add(
        check(
            atMost(
                "idle topic <= 1 KiB heap (100,000 topics, created and reopened)",
                Fmt.bytes(heap) + " per topic",
                heap,
                TOPIC_HEAP_BAR),
            t100));
    double direct100 = Math.max(t100.value("topics.direct"), t100.value("reopened.direct"));
    double direct1 = Math.max(t1.value("topics.direct"), t1.value("reopened.direct"));
    t.add(
        check(
            upTo(
                "idle topic holds no direct memory (100,000 topics hold <= 1 MiB more than 1,000)",
                Fmt.bytes(direct100) + " vs " + Fmt.bytes(direct1),
                direct100 - direct1,
                TOPIC_DIRECT_GROWTH_BAR),
            t100,
            t1));
    t.add(fits(t100, r.maxHeap()));
    t.add(createRate(r));
    double flat = t100.value("create.rate") / t1.value("create.rate");
    t.add(
        check(
            atLeast(
                "topic creation flat: rate at 100,000 >= 0.8x rate at 1,000",
                Fmt.rate(t100.value("create.rate"))
                    + " vs "
                    + Fmt.rate(t1.value("create.rate"))
                    + String.format(" (%.2fx)", flat),
                flat,
                FLAT_BAR),
            t100,
            t1));
    double reopen = t100.value("reopen.seconds");
    t.add(
        check(
            atMost(
                "reopen 100,000 topics (3 entries each) <= 2 s",
                String.format("%.2f s", reopen),
                reopen,
                REOPEN_BAR),
            t100));
    double disk = t100.value("disk.allocated") / t100.value("disk.payload");
    t.add(
        check(
            atMost(
                "disk: 100,000 small topics allocate <= 2x their payload bytes",
                Fmt.bytes(t100.value("disk.allocated"))
                    + " for "
                    + Fmt.bytes(t100.value("disk.payload"))
                    + String.format(" (%.1fx)", disk),
                disk,
                DISK_BAR),
            t100));
    double fds = t100.value("topics.descriptors");
    t.add(
        check(
            upTo(
                "descriptors bounded: 100,000 topics hold <= 80",
                String.format("%.0f", fds),
                fds,
                TOPIC_DESCRIPTOR_BAR),
            t100));
    tails(t, t1, t10);
    namespaces(t, r.namespaces(10), r.namespaces(1_000));
    return t;
  }

  private static Target fits(ScaleRun t100, String maxHeap) {
    String target = "100,000 topics created, appended to and reopened under -Xmx512m";
    if (!maxHeap.equals(ScaleSuite.MAX_HEAP)) {
      return new Target(target, "ran under -Xmx" + maxHeap, "not judged (not -Xmx512m)");
    }
    boolean reached = !Double.isNaN(t100.value("reopened.heap"));
    return new Target(
        target,
        reached
            ? String.format(
                "%s heap, %s direct after reopening",
                Fmt.bytes(t100.value("reopened.heap")), Fmt.bytes(t100.value("reopened.direct")))
            : "failed",
        reached ? "met" : "NOT met: " + t100.failure());
  }

  private static Target createRate(ScaleSuite.Result r) {
    double slowest = Double.POSITIVE_INFINITY;
    ScaleRun worst = null;
    List<String> rates = new ArrayList<>();
    for (ScaleRun run : r.topics()) {
      double rate = run.value("create.rate");
      rates.add(Fmt.rate(rate));
      if (Double.isNaN(slowest)) {
        continue; // a size not measured already decided it
      }
      if (Double.isNaN(rate) || rate < slowest) {
        slowest = rate;
        worst = run;
      }
    }
    return check(
        atLeast(
            "topic creation >= 50,000 topics/s (1,000, 10,000 and 100,000 topics)",
            String.join(", ", rates),
            slowest,
            CREATE_RATE_BAR),
        worst);
  }

  private static void tails(List<Target> t, ScaleRun t1, ScaleRun t10) {
    double heap = t10.each("tails.heap");
    t.add(
        check(
            atMost(
                "idle ReactiveWalrus tail <= 2 KiB heap (10,000 tails)",
                Fmt.bytes(heap) + " per tail",
                heap,
                TAIL_HEAP_BAR),
            t10));
    double threads = t10.value("tails.threads");
    t.add(
        check(
            upTo(
                "10,000 tails on a bounded thread pool (adding <= "
                    + Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE
                    + " threads, boundedElastic's cap)",
                String.format(
                    "+%.0f threads (1,000 tails: +%.0f)", threads, t1.value("tails.threads")),
                threads,
                Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE),
            t10));
    double wake = t10.value("tails.wakeSeconds");
    t.add(
        check(
            new Target(
                "10,000 tails each woken by one append to its topic",
                String.format("%.2f s for all", wake),
                Double.isNaN(wake) ? "not measured" : "met"),
            t10));
  }

  private static void namespaces(List<Target> t, ScaleRun n10, ScaleRun n1000) {
    double growth = worst(n1000, "open.threads", "settled.threads") - n10.value("settled.threads");
    t.add(
        partial(
            upTo(
                "1,000 namespaces: threads independent of the count (<= 8 more than 10)",
                String.format(
                    "+%.0f threads vs +%.0f (peak while forcing: +%.0f, pools' cap)",
                    worst(n1000, "open.threads", "settled.threads"),
                    n10.value("settled.threads"),
                    n1000.value("used.threads")),
                growth,
                THREAD_GROWTH_BAR),
            n1000,
            n10));
    double direct = worst(n1000, "open.direct", "used.direct") / n1000.count();
    t.add(
        partial(
            upTo(
                "1,000 namespaces (one topic each): <= 64 KiB direct memory each",
                Fmt.bytes(direct) + " each",
                direct,
                NAMESPACE_DIRECT_BAR),
            n1000));
    double fds = worst(n1000, "open.descriptors", "used.descriptors") / n1000.count();
    t.add(
        partial(
            upTo(
                "1,000 namespaces (one topic each): <= 5 descriptors each",
                String.format("%.1f each", fds),
                fds,
                NAMESPACE_DESCRIPTOR_BAR),
            n1000));
    double left = Math.max(n1000.value("closed.threads"), n1000.value("closed.descriptors"));
    t.add(
        check(
            upTo(
                "closing 1,000 namespaces one by one gives back every thread and descriptor",
                String.format(
                    "%+.0f threads, %+.0f descriptors left",
                    n1000.value("closed.threads"), n1000.value("closed.descriptors")),
                left,
                CLOSE_LEFT_BAR),
            n1000));
  }

  /** The larger of two figures of a run, ignoring one it did not reach (NaN if neither). */
  private static double worst(ScaleRun run, String a, String b) {
    double x = run.value(a);
    double y = run.value(b);
    return Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
  }

  /**
   * For a figure that may come from the part of a failed run that finished: a miss stands
   * (with the figure), but a failed run never meets the target.
   */
  private static Target partial(Target t, ScaleRun... runs) {
    Target checked = check(t, runs);
    if (!checked.met()) {
      return checked;
    }
    for (ScaleRun run : runs) {
      if (!run.finished()) {
        return new Target(
            t.target(),
            t.measured(),
            String.format("NOT met: %,d %s failed (%s)", run.count(), run.kind(), run.failure()));
      }
    }
    return checked;
  }

  /** Like {@code atMost}, for figures that may well be zero or negative. */
  private static Target upTo(String target, String measured, double value, double bar) {
    if (Double.isNaN(value)) {
      return new Target(target, measured, "not measured (case missing or failed)");
    }
    if (value <= bar) {
      return new Target(
          target,
          measured,
          value <= 0 || bar <= 0 ? "met" : atMost(target, measured, value, bar).verdict());
    }
    return new Target(
        target, measured, String.format("NOT met: %s over the bar", over(value, bar)));
  }

  private static String over(double value, double bar) {
    return bar <= 0 ? String.format("%.0f", value - bar) : String.format("%.2fx", value / bar);
  }

  /**
   * A verdict with no figure behind it because a probe failed becomes NOT met, with the
   * failure as the reason.
   */
  private static Target check(Target t, ScaleRun... runs) {
    if (!t.verdict().startsWith("not measured")) {
      return t;
    }
    String measured =
        t.measured().contains("n/a") || t.measured().contains("NaN") ? "n/a" : t.measured();
    for (ScaleRun run : runs) {
      if (!run.finished()) {
        return new Target(
            t.target(),
            measured,
            String.format("NOT met: %,d %s failed (%s)", run.count(), run.kind(), run.failure()));
      }
    }
    return new Target(t.target(), measured, "NOT met: not measured");
  }
}
