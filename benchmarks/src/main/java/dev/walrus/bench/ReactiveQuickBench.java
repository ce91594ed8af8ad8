package dev.walrus.bench;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * A quick, single-run comparison of the reactive layer against the blocking engine,
 * 100-byte entries, on a temporary directory. Prints one table; takes well under two
 * minutes.
 *
 * <pre>
 * mvn -q -B install -DskipTests -pl engine,reactive-api -am
 * mvn -q -B -pl benchmarks compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" \
 *     dev.walrus.bench.ReactiveQuickBench
 * </pre>
 *
 * <p>Rows: engine {@code appendForTopic} on one thread; reactive {@code append}: one
 * thread calling {@code block()} on each, 1 in flight through {@code concatMap}, 1,000 in
 * flight with a subscriber each and through {@code flatMap}; {@code appendAll} (all {@code NoFsync}); {@code SyncEach}
 * with 64 concurrent producers (each one append at a time) against one producer; and
 * a consuming engine batch read against AUTO tails of 400,000 entries of history (unbounded
 * demand and {@code limitRate(256)}, {@code AtLeastOnce(1000)}); and the latency from an
 * engine append to a tail's subscriber (median, p99).
 */
public final class ReactiveQuickBench {
  private static final byte[] PAYLOAD = new byte[100];
  private static final Duration RUN = Duration.ofSeconds(2);
  private static final Duration WARMUP = Duration.ofMillis(500);

  private ReactiveQuickBench() {}

  /**
   * @param args ignored
   * @throws IOException if the temporary directory cannot be created or removed
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("walrus-reactive-bench");
    List<String[]> rows = new ArrayList<>();
    try {
      try (Walrus wal = open(root.resolve("nofsync"), FsyncSchedule.noFsync());
          ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
        engineAppend(wal, "warm", WARMUP);
        double engine = engineAppend(wal, "engine", RUN);
        rows.add(row("engine appendForTopic, 1 thread (NoFsync)", engine, engine));
        blocking(rw, "wb", WARMUP);
        double blocked = blocking(rw, "rb", RUN);
        rows.add(row("reactive append(..).block(), 1 thread (NoFsync)", blocked, engine));
        inFlight(rw, "w1", 1, WARMUP);
        double one = inFlight(rw, "r1", 1, RUN);
        rows.add(row("reactive append, 1 in flight, concatMap (NoFsync)", one, engine));
        independent(rw, "wi1000", 1000, WARMUP);
        double many = independent(rw, "ri1000", 1000, RUN);
        rows.add(row("reactive append, 1,000 in flight, own subscribers (NoFsync)", many, engine));
        inFlight(rw, "w1000", 1000, WARMUP);
        double merged = inFlight(rw, "r1000", 1000, RUN);
        rows.add(row("reactive append, 1,000 in flight, flatMap (NoFsync)", merged, engine));
        appendAll(rw, "wall", WARMUP);
        double all = appendAll(rw, "rall", RUN);
        rows.add(row("reactive appendAll (NoFsync)", all, engine));
      }
      try (Walrus wal = open(root.resolve("synceach"), FsyncSchedule.syncEach());
          ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
        Duration syncRun = Duration.ofSeconds(3);
        double single = producers(rw, "s1", 1, syncRun);
        rows.add(row("SyncEach reactive append, 1 producer", single, single));
        double sixtyFour = producers(rw, "s64", 64, syncRun);
        rows.add(row("SyncEach reactive append, 64 producers", sixtyFour, single));
      }
      try (Walrus wal = open(root.resolve("tailrate"), FsyncSchedule.noFsync());
          ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
        double engineRead = fillAndEngineRead(wal, "tr", 400_000);
        rows.add(
            row("engine batchReadForTopic, consuming (AtLeastOnce(1000))", engineRead, engineRead));
        tailRate(rw, "tr", "warm", 400_000, Long.MAX_VALUE);
        double unbounded = tailRate(rw, "tr", "unbounded", 400_000, Long.MAX_VALUE);
        rows.add(row("reactive AUTO tail, unbounded demand", unbounded, engineRead));
        double limited = tailRate(rw, "tr", "limit256", 400_000, 256);
        rows.add(row("reactive AUTO tail, limitRate(256)", limited, engineRead));
      }
      long[] latency;
      try (Walrus wal = open(root.resolve("tail"), FsyncSchedule.noFsync());
          ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
        latency = tailLatency(wal, rw, 20_000);
      }
      print(rows, latency);
    } finally {
      delete(root);
    }
  }

  private static Walrus open(Path dir, FsyncSchedule schedule) {
    return Walrus.builder()
        .sharedCursor(false)
        .dataDir(dir)
        .consistency(ReadConsistency.atLeastOnce(1000))
        .fsyncSchedule(schedule)
        .quiet(true)
        .open();
  }

  private static double engineAppend(Walrus wal, String topic, Duration d) {
    long n = 0;
    long start = System.nanoTime();
    long end = start + d.toNanos();
    long now;
    do {
      for (int i = 0; i < 1024; i++) {
        wal.appendForTopic(topic, PAYLOAD);
      }
      n += 1024;
      now = System.nanoTime();
    } while (now < end);
    return n / ((now - start) / 1e9);
  }

  private static Flux<byte[]> endless() {
    return Flux.generate(sink -> sink.next(PAYLOAD));
  }

  private static double inFlight(ReactiveWalrus rw, String topic, int concurrency, Duration d) {
    long start = System.nanoTime();
    Flux<Long> appends =
        concurrency == 1
            ? endless().concatMap(p -> rw.append(topic, p))
            : endless().flatMap(p -> rw.append(topic, p), concurrency);
    long n = appends.take(d).count().block();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  /** One {@code append(..).block()} after another on this thread. */
  private static double blocking(ReactiveWalrus rw, String topic, Duration d) {
    long n = 0;
    long start = System.nanoTime();
    long end = start + d.toNanos();
    long now;
    do {
      for (int i = 0; i < 256; i++) {
        rw.append(topic, PAYLOAD).block();
      }
      n += 256;
      now = System.nanoTime();
    } while (now < end);
    return n / ((now - start) / 1e9);
  }

  /** Keeps {@code window} appends in flight, each Mono with its own subscriber. */
  private static double independent(ReactiveWalrus rw, String topic, int window, Duration d)
      throws InterruptedException {
    Semaphore permits = new Semaphore(window);
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long end = start + d.toNanos();
    while (System.nanoTime() < end && failure.get() == null) {
      permits.acquire();
      rw.append(topic, PAYLOAD)
          .subscribe(
              v -> {
                done.incrementAndGet();
                permits.release();
              },
              e -> {
                failure.set(e);
                permits.release();
              });
    }
    permits.acquire(window);
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static double appendAll(ReactiveWalrus rw, String topic, Duration d) {
    long start = System.nanoTime();
    long n = rw.appendAll(topic, endless()).take(d).count().block();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double producers(ReactiveWalrus rw, String topic, int count, Duration d) {
    long start = System.nanoTime();
    long n =
        Flux.range(0, count)
            .flatMap(p -> endless().concatMap(b -> rw.append(topic, b)), count)
            .take(d)
            .count()
            .block();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  /** Writes {@code n} entries, then times one consuming engine batch-read pass over them. */
  private static double fillAndEngineRead(Walrus wal, String topic, int n) {
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(PAYLOAD);
    }
    for (int i = 0; i < n; i += 1000) {
      wal.batchAppendForTopic(topic, batch);
    }
    long start = System.nanoTime();
    long read = 0;
    while (read < n) {
      read += wal.batchReadForTopic(topic, "engine", 1L << 20, true).size();
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  /** Times a fresh consumer's AUTO tail reading {@code n} entries of history. */
  private static double tailRate(
      ReactiveWalrus rw, String topic, String consumer, int n, long limitRate) {
    Flux<ReceivedEntry> tail = rw.tail(topic, TailOptions.forConsumer(consumer));
    if (limitRate != Long.MAX_VALUE) {
      tail = tail.limitRate((int) limitRate);
    }
    long start = System.nanoTime();
    long got = tail.take(n).count().block();
    return got / ((System.nanoTime() - start) / 1e9);
  }

  /** One append at a time through the engine; time until the tail's subscriber has it. */
  private static long[] tailLatency(Walrus wal, ReactiveWalrus rw, int samples) {
    AtomicLong received = new AtomicLong(-1);
    long[] lat = new long[samples];
    long[] sentAt = new long[samples + 1000];
    Disposable tail =
        rw.tail("lat", TailOptions.forConsumer("bench"))
            .map(ReceivedEntry::offset)
            .subscribe(
                boxed -> {
                  long now = System.nanoTime();
                  int o = (int) (long) boxed;
                  if (o >= 1000) {
                    lat[o - 1000] = now - sentAt[o];
                  }
                  received.set(o);
                });
    try {
      byte[] payload = new byte[100];
      for (int i = 0; i < samples + 1000; i++) { // the first 1,000 warm up
        ByteBuffer.wrap(payload).putInt(0, i);
        sentAt[i] = System.nanoTime();
        wal.appendForTopic("lat", payload);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (received.get() < i) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("tail did not deliver offset " + i);
          }
          Thread.onSpinWait();
        }
      }
    } finally {
      tail.dispose();
    }
    Arrays.sort(lat);
    return lat;
  }

  private static String[] row(String name, double perSecond, double baseline) {
    return new String[] {
      name, String.format("%,.0f", perSecond), String.format("%.2fx", perSecond / baseline)
    };
  }

  private static void print(List<String[]> rows, long[] lat) {
    System.out.println();
    System.out.printf(
        "ReactiveQuickBench: 100-byte entries, %s runs, %d cores, Java %s%n",
        RUN, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    String line = "-".repeat(84);
    System.out.println(line);
    System.out.printf("%-48s %16s %16s%n", "case", "entries/s", "vs baseline");
    System.out.println(line);
    for (String[] r : rows) {
      System.out.printf("%-48s %16s %16s%n", r[0], r[1], r[2]);
    }
    System.out.println(line);
    System.out.printf(
        "%-48s %16s %16s%n",
        "append -> tail latency (" + lat.length + " samples)",
        String.format("median %.1f us", lat[lat.length / 2] / 1e3),
        String.format("p99 %.1f us", lat[(int) (lat.length * 0.99)] / 1e3));
    System.out.println(line);
    System.out.println("baselines: NoFsync rows vs the engine row; SyncEach rows vs 1 producer.");
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
