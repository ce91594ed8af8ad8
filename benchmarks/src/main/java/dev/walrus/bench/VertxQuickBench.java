package dev.walrus.bench;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusEventBus;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;

/**
 * A quick, single-run measurement of the Vert.x adapter over the local (unclustered)
 * event bus, 100-byte entries, {@code NoFsync}, on a temporary directory. Prints one
 * table; takes about 25 seconds.
 *
 * <pre>
 * mvn -q -B install -DskipTests -pl engine,reactive-api,vertx-adapter -am
 * mvn -q -B -pl benchmarks compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" \
 *     dev.walrus.bench.VertxQuickBench
 * </pre>
 *
 * <p>Rows: {@code ReactiveWalrus.append} with 1 and 64 in flight (no bus; the 64 row is
 * the baseline);
 * request/reply appends to {@code walrus.<topic>.append} with 1 and 64 requests in
 * flight; and a credit-based bus tail reading 300,000 stored entries, granting 1,000
 * credits at a time and acknowledging each batch.
 */
public final class VertxQuickBench {
  private static final byte[] PAYLOAD = new byte[100];
  private static final Duration RUN = Duration.ofSeconds(3);
  private static final Duration WARMUP = Duration.ofSeconds(1);
  private static final int TAIL_ENTRIES = 300_000;
  private static final int CREDITS = 1_000;

  private VertxQuickBench() {}

  /**
   * @param args ignored
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    Path root = Files.createTempDirectory("walrus-vertx-bench");
    List<String[]> rows = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try (Walrus wal =
            Walrus.builder()
                .sharedCursor(false)
                .dataDir(root)
                .consistency(ReadConsistency.atLeastOnce(1000))
                .fsyncSchedule(FsyncSchedule.noFsync())
                .quiet(true)
                .open();
        ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
      WalrusBinding b =
          join(
              WalrusEventBus.bind(
                  vertx,
                  rw,
                  BindOptions.defaults().exposeTopics("warm", "direct", "rr1", "rr64", "tail")));
      Context ctx = vertx.getOrCreateContext();

      direct(rw, "warm", 64, WARMUP);
      double direct1 = direct(rw, "direct", 1, RUN);
      double direct = direct(rw, "direct", 64, RUN);
      rows.add(row("ReactiveWalrus.append, 1 in flight (no bus)", direct1, direct));
      rows.add(row("ReactiveWalrus.append, 64 in flight (no bus)", direct, direct));
      join(requests(vertx, ctx, b, "warm", 64, WARMUP));
      double rr1 = join(requests(vertx, ctx, b, "rr1", 1, RUN));
      rows.add(row("bus request/reply append, 1 in flight", rr1, direct));
      double rr64 = join(requests(vertx, ctx, b, "rr64", 64, RUN));
      rows.add(row("bus request/reply append, 64 in flight", rr64, direct));

      List<byte[]> batch = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        batch.add(PAYLOAD);
      }
      for (int i = 0; i < TAIL_ENTRIES / 1000; i++) {
        wal.batchAppendForTopic("tail", batch);
      }
      double tail = join(tail(vertx, ctx, b, "tail"));
      rows.add(row("bus tail, " + CREDITS + " credits a grant, acked", tail, direct));
      join(b.unbind());
    } finally {
      join(vertx.close());
      delete(root);
    }
    print(rows);
  }

  private static double direct(ReactiveWalrus rw, String topic, int window, Duration d) {
    long start = System.nanoTime();
    Flux<byte[]> src = Flux.generate(s -> s.next(PAYLOAD));
    long n =
        (window == 1
                ? src.concatMap(p -> rw.append(topic, p))
                : src.flatMap(p -> rw.append(topic, p), window))
            .take(d)
            .count()
            .block();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  /** Keeps {@code window} append requests in flight from an event loop for {@code d}. */
  private static Future<Double> requests(
      Vertx vertx, Context ctx, WalrusBinding b, String topic, int window, Duration d) {
    Promise<Double> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          EventBus bus = vertx.eventBus();
          String addr = b.address(topic, dev.walrus.vertx.Operation.APPEND);
          Buffer payload = Buffer.buffer(PAYLOAD);
          long start = System.nanoTime();
          long end = start + d.toNanos();
          long[] done = {0};
          int[] inFlight = {0};
          Runnable[] next = new Runnable[1];
          next[0] =
              () -> {
                inFlight[0]++;
                bus.<Long>request(addr, payload)
                    .onComplete(
                        ar -> {
                          inFlight[0]--;
                          if (ar.failed()) {
                            p.tryFail(ar.cause());
                            return;
                          }
                          done[0]++;
                          if (System.nanoTime() < end) {
                            next[0].run();
                          } else if (inFlight[0] == 0) {
                            p.tryComplete(done[0] / ((System.nanoTime() - start) / 1e9));
                          }
                        });
              };
          for (int i = 0; i < window; i++) {
            next[0].run();
          }
        });
    return p.future();
  }

  /** Tails all stored entries over the bus with credits; entries per second. */
  private static Future<Double> tail(Vertx vertx, Context ctx, WalrusBinding b, String topic) {
    Promise<Double> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          EventBus bus = vertx.eventBus();
          long[] got = {0};
          long[] start = {0};
          String[] control = {null};
          MessageConsumer<Buffer> sub = bus.consumer("bench.subscriber");
          sub.handler(
              m -> {
                if (m.headers().get(WalrusHeaders.END) != null) {
                  return; // the session's end notice after close
                }
                long offset = Long.parseLong(m.headers().get(WalrusHeaders.OFFSET));
                if (++got[0] % CREDITS == 0) {
                  bus.send(control[0], new JsonObject().put("op", "ack").put("offset", offset));
                  bus.send(control[0], new JsonObject().put("op", "credit").put("n", CREDITS));
                }
                if (got[0] == TAIL_ENTRIES) {
                  double rate = got[0] / ((System.nanoTime() - start[0]) / 1e9);
                  bus.request(control[0], new JsonObject().put("op", "close"))
                      .compose(x -> sub.unregister())
                      .onComplete(x -> p.tryComplete(rate));
                }
              });
          sub.completion()
              .compose(
                  x -> {
                    start[0] = System.nanoTime();
                    return bus.<JsonObject>request(
                        b.address(topic, dev.walrus.vertx.Operation.TAIL),
                        new JsonObject()
                            .put("consumer", "bench")
                            .put("replyTo", "bench.subscriber")
                            .put("start", "earliest")
                            .put("credits", CREDITS));
                  })
              .onSuccess(r -> control[0] = r.body().getString("control"))
              .onFailure(p::tryFail);
        });
    return p.future();
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String[] row(String name, double perSecond, double baseline) {
    return new String[] {
      name, String.format("%,.0f", perSecond), String.format("%.2fx", perSecond / baseline)
    };
  }

  private static void print(List<String[]> rows) {
    System.out.println();
    System.out.printf(
        "VertxQuickBench: local event bus, 100-byte entries, NoFsync, %s runs, "
            + "%d cores, Java %s%n",
        RUN, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    String line = "-".repeat(84);
    System.out.println(line);
    System.out.printf("%-52s %14s %14s%n", "case", "entries/s", "vs no bus");
    System.out.println(line);
    for (String[] r : rows) {
      System.out.printf("%-52s %14s %14s%n", r[0], r[1], r[2]);
    }
    System.out.println(line);
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
