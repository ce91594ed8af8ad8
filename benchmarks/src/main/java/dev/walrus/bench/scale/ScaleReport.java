package dev.walrus.bench.scale;

import static dev.walrus.bench.scale.Fmt.bytes;
import static dev.walrus.bench.scale.Fmt.num;
import static dev.walrus.bench.scale.Fmt.rate;
import static dev.walrus.bench.scale.Fmt.seconds;

import java.util.List;

/**
 * The scaling run's curves as four tables (topics: create and memory; topics: reopen and
 * disk; tails; namespaces), as text for the console and as Markdown for
 * {@code results.md} and {@code docs/BENCHMARKS.md}. Memory, thread and descriptor figures
 * are growths over the probe's process before the namespace opened (tails: before they
 * subscribed); "each" divides them by the count.
 */
public final class ScaleReport {
  private ScaleReport() {}

  /**
   * @param r the scaling run
   * @return the tables as aligned text
   */
  public static String text(ScaleSuite.Result r) {
    StringBuilder b = new StringBuilder();
    for (Table t : tables(r)) {
      b.append(t.text()).append('\n');
    }
    return b.toString();
  }

  /**
   * @param r the scaling run
   * @return the tables as Markdown
   */
  public static String markdown(ScaleSuite.Result r) {
    StringBuilder b = new StringBuilder();
    for (Table t : tables(r)) {
      b.append(t.markdown());
    }
    return b.toString();
  }

  private static List<Table> tables(ScaleSuite.Result r) {
    String heap = " (-Xmx" + r.maxHeap() + ")";
    Table create =
        new Table(
            "topics: create (first 100 B append each), two more appends each; memory held" + heap,
            "topics",
            "create",
            "topics/s",
            "first / last tenth",
            "appends/s",
            "heap each",
            "direct each",
            "threads",
            "descriptors",
            "outcome");
    Table reopen =
        new Table(
            "topics: disk after closing (3 x 100 B each), reopen, memory held after it",
            "topics",
            "allocated",
            "each",
            "/ payload",
            "apparent",
            "files",
            "reopen",
            "heap each",
            "direct each",
            "descriptors");
    Table tails =
        new Table(
            "tails: one ReactiveWalrus tail per topic (named consumer, from the oldest entry)",
            "tails",
            "subscribe",
            "history (3 each)",
            "heap each",
            "direct each",
            "threads",
            "wake (1 append each)");
    for (ScaleRun t : r.topics()) {
      String n = String.format("%,d", t.count());
      create.row(
          n,
          seconds(t.value("create.seconds")),
          rate(t.value("create.rate")),
          rate(t.value("create.firstTenthRate")) + " / " + rate(t.value("create.lastTenthRate")),
          rate(t.value("append.rate")),
          bytes(t.each("topics.heap")),
          bytes(t.each("topics.direct")),
          num(t.value("topics.threads"), "%+.0f"),
          num(t.value("topics.descriptors"), "%+.0f"),
          outcome(t));
      reopen.row(
          n,
          bytes(t.value("disk.allocated")),
          bytes(t.each("disk.allocated")),
          num(t.value("disk.allocated") / t.value("disk.payload"), "%.1fx"),
          bytes(t.value("disk.apparent")),
          num(t.value("disk.files"), "%.0f"),
          seconds(t.value("reopen.seconds")),
          bytes(t.each("reopened.heap")),
          bytes(t.each("reopened.direct")),
          num(t.value("reopened.descriptors"), "%+.0f"));
      tails.row(
          n,
          seconds(t.value("tails.subscribeSeconds")),
          seconds(t.value("tails.historySeconds")),
          bytes(t.each("tails.heap")),
          bytes(t.each("tails.direct")),
          num(t.value("tails.threads"), "%+.0f"),
          seconds(t.value("tails.wakeSeconds")));
    }
    Table ns =
        new Table(
            "namespaces: open M (default configuration), one 100 B append to one topic in each,"
                + " close them one by one"
                + heap,
            "namespaces",
            "open",
            "each",
            "threads open / used",
            "direct each open / used",
            "descriptors each open / used",
            "heap each",
            "close",
            "left after close",
            "outcome");
    for (ScaleRun m : r.namespaces()) {
      ns.row(
          String.format("%,d", m.count()),
          seconds(m.value("open.seconds")),
          num(m.each("open.seconds") * 1000, "%.1f ms"),
          num(m.value("open.threads"), "%+.0f") + " / " + num(m.value("used.threads"), "%+.0f"),
          bytes(m.each("open.direct")) + " / " + bytes(m.each("used.direct")),
          num(m.each("open.descriptors"), "%.1f") + " / " + num(m.each("used.descriptors"), "%.1f"),
          bytes(m.each("used.heap")),
          seconds(m.value("close.seconds")),
          num(m.value("closed.threads"), "%+.0f")
              + " threads, "
              + num(m.value("closed.descriptors"), "%+.0f")
              + " fds",
          outcome(m));
    }
    return List.of(create, reopen, tails, ns);
  }

  private static String outcome(ScaleRun run) {
    return run.finished()
        ? String.format("ok (%.0f s)", run.wallSeconds())
        : "FAILED: " + run.failure();
  }
}
