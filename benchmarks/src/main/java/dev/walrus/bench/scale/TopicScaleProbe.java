package dev.walrus.bench.scale;

import dev.walrus.Walrus;
import dev.walrus.bench.jmh.BenchDirs;
import dev.walrus.bench.scale.Gauges.Snapshot;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.TailOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjDoubleConsumer;
import reactor.core.Disposable;

/**
 * The topic half of the scaling run, in a JVM of its own (see {@link ScaleLauncher}): in one
 * namespace with the default configuration, creates N topics (the first 100 B append to
 * each, timed), appends two more entries to each, closes, measures the disk, reopens (timed)
 * and tails every topic through {@link ReactiveWalrus} (a named consumer from the oldest
 * entry: three entries of history each, then idle, then woken by one more append each). It
 * prints {@code scale.<key>=<value>} lines ({@link ProbeOutput}) as it goes; the memory,
 * thread and descriptor figures are growths over the process before the namespace opened
 * ({@code topics.*}, {@code reopened.*}) or before the tails subscribed ({@code tails.*}).
 *
 * <p>Before measuring, the same steps run once on 200 topics in a scratch namespace (closed
 * and deleted), so the JIT has compiled the append, open and tail paths.
 *
 * <p>Usage: {@code TopicScaleProbe <topics> <data dir>}.
 */
public final class TopicScaleProbe {
  /** Entries each topic gets before the reopen. */
  static final int ENTRIES_PER_TOPIC = 3;

  /** Payload of every entry, bytes. */
  static final int ENTRY_BYTES = 100;

  /**
   * Topics created (appended to, reopened, tailed) in a scratch namespace first, so the JIT has
   * compiled the paths measured: with 200, the 1,000-topic run measured mostly the
   * interpreter (34 k/s in its first tenth, 60 k/s in its last).
   */
  private static final int WARM_UP_TOPICS = 5_000;

  private static final Duration TAIL_DEADLINE = Duration.ofMinutes(3);
  private static final ObjDoubleConsumer<String> DISCARD = (k, v) -> {};

  private final byte[] payload = BenchDirs.payload(ENTRY_BYTES);
  private final ObjDoubleConsumer<String> out;
  private String phase = "start";

  private TopicScaleProbe(ObjDoubleConsumer<String> out) {
    this.out = out;
  }

  /**
   * @param args the topic count and the data directory (created if missing)
   */
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    Path data = Path.of(args[1]);
    TopicScaleProbe probe = new TopicScaleProbe(ProbeOutput::put);
    try {
      new TopicScaleProbe(DISCARD).run(WARM_UP_TOPICS, data.resolve("warm-up"), null);
      BenchDirs.delete(data.resolve("warm-up"));
      ProbeOutput.put("jvm.maxHeap", Runtime.getRuntime().maxMemory());
      probe.run(n, data.resolve("measured"), Gauges.take());
    } catch (Throwable t) { // OutOfMemoryError included: report it, then exit
      ProbeOutput.fail(probe.phase, t);
      System.exit(1);
    }
    System.exit(0); // a non-daemon thread left behind must not keep the probe alive
  }

  private static Walrus open(Path dir) {
    return Walrus.builder().dataDir(dir).namespace("scale").quiet(true).open();
  }

  static String topic(int i) {
    return "topic-" + i;
  }

  /** Every step on {@code n} topics; {@code base} null: a warm-up, nothing measured. */
  private void run(int n, Path dir, Snapshot base) throws Exception {
    phase("create");
    long closing;
    try (Walrus wal = open(dir)) {
      create(wal, n);
      phase("append");
      long t0 = System.nanoTime();
      for (int round = 1; round < ENTRIES_PER_TOPIC; round++) {
        for (int i = 0; i < n; i++) {
          wal.appendForTopic(topic(i), payload);
        }
      }
      double s = seconds(t0);
      out.accept("append.seconds", s);
      out.accept("append.rate", (ENTRIES_PER_TOPIC - 1) * (double) n / s);
      wal.sync();
      if (base != null) {
        phase("measure topics");
        ProbeOutput.putGrowth("topics", Gauges.take(), base);
      }
      phase("close");
      closing = System.nanoTime();
    }
    out.accept("close.seconds", seconds(closing));
    phase("disk");
    out.accept("disk.allocated", Gauges.allocated(dir));
    out.accept("disk.apparent", Gauges.apparent(dir));
    out.accept("disk.files", Gauges.files(dir));
    out.accept("disk.payload", (double) n * ENTRIES_PER_TOPIC * ENTRY_BYTES);
    phase("reopen");
    long opening = System.nanoTime();
    try (Walrus wal = open(dir)) {
      out.accept("reopen.seconds", seconds(opening));
      int found = wal.topics().size();
      if (found != n) {
        throw new IllegalStateException("reopened with " + found + " topics, wrote " + n);
      }
      if (base != null) {
        phase("measure reopened");
        ProbeOutput.putGrowth("reopened", Gauges.take(), base);
      }
      tails(wal, n, base != null);
      phase("close after tails");
    }
  }

  private void create(Walrus wal, int n) {
    int tenth = Math.max(1, n / 10);
    long t0 = System.nanoTime();
    long mark = t0;
    for (int i = 0; i < n; i++) {
      wal.appendForTopic(topic(i), payload);
      if (i + 1 == tenth) {
        out.accept("create.firstTenthRate", tenth / seconds(mark));
      }
      if (i + 1 == n - tenth) {
        mark = System.nanoTime();
      }
    }
    double s = seconds(t0);
    out.accept("create.lastTenthRate", tenth / seconds(mark));
    out.accept("create.seconds", s);
    out.accept("create.rate", n / s);
  }

  /**
   * N tails, one per topic: history first (three entries each), idle (measured), then one
   * append to every topic must wake every tail.
   */
  private void tails(Walrus wal, int n, boolean measure) throws Exception {
    phase("tails subscribe");
    Snapshot before = measure ? Gauges.take() : null;
    AtomicLong delivered = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    ReactiveWalrus rw = ReactiveWalrus.create(wal);
    List<Disposable> subs = new ArrayList<>(n);
    try {
      long t0 = System.nanoTime();
      TailOptions options = TailOptions.forConsumer("tail");
      for (int i = 0; i < n; i++) {
        subs.add(
            rw.tail(topic(i), options)
                .subscribe(e -> delivered.incrementAndGet(), e -> failed.compareAndSet(null, e)));
      }
      out.accept("tails.subscribeSeconds", seconds(t0));
      phase("tails history");
      await(delivered, failed, (long) n * ENTRIES_PER_TOPIC);
      out.accept("tails.historySeconds", seconds(t0));
      if (measure) {
        phase("measure tails");
        ProbeOutput.putGrowth("tails", Gauges.take(), before);
      }
      phase("tails wake");
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        wal.appendForTopic(topic(i), payload);
      }
      await(delivered, failed, (long) n * (ENTRIES_PER_TOPIC + 1));
      out.accept("tails.wakeSeconds", seconds(t0));
      out.accept("tails.count", n);
    } finally {
      subs.forEach(Disposable::dispose);
      rw.close();
    }
  }

  /**
   * Polls (1 ms) until {@code count} reaches {@code target}; fails with the first tail's error,
   * or at the deadline.
   */
  private static void await(AtomicLong count, AtomicReference<Throwable> failed, long target)
      throws InterruptedException {
    long deadline = System.nanoTime() + TAIL_DEADLINE.toNanos();
    while (count.get() < target) {
      Throwable t = failed.get();
      if (t != null) {
        throw new IllegalStateException("a tail failed after " + count.get() + " entries: " + t, t);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "tails delivered " + count.get() + " of " + target + " entries in " + TAIL_DEADLINE);
      }
      Thread.sleep(1);
    }
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
