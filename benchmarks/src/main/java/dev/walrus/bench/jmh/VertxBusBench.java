package dev.walrus.bench.jmh;

import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.TailOptions;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.Operation;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Vert.x adapter over the local event bus, each case next to the {@code ReactiveWalrus}
 * case it wraps, measured the same way in the same run (100 B entries, FD, {@code NoFsync}):
 *
 * <ul>
 *   <li>{@link #busAppend()}: {@value #ROUND_TRIPS} request/reply appends to {@code
 *       walrus.<topic>.append}, one at a time, issued from an event loop; and {@link
 *       #reactiveAppend()}: the same chain calling {@code ReactiveWalrus.append} on the
 *       event loop and continuing on it. Scores are appends per second; one round trip
 *       takes 1/score.</li>
 *   <li>{@link #busTail()}: a credit-based bus tail (MANUAL, {@value #CREDITS} credits a
 *       grant, one ack and one grant per {@value #CREDITS} entries) reading {@value
 *       #TAIL_ENTRIES} stored entries from the earliest; and {@link #reactiveTail()}: the
 *       MANUAL {@code ReactiveWalrus.tail} it wraps, with the same demand and acks, on the
 *       same entries. Scores are entries per second.</li>
 * </ul>
 * Chronicle Queue has no event-bus adapter, so these rows have no peer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VertxBusBench {
  /** Sequential appends per invocation of the append cases. */
  public static final int ROUND_TRIPS = 1000;

  /** Entries each tail case reads per invocation. */
  public static final int TAIL_ENTRIES = 20_000;

  /** Credits per grant (and entries per ack) in the tail cases. */
  public static final int CREDITS = 1000;

  private Path dir;
  private Walrus wal;
  private ReactiveWalrus rw;
  private Vertx vertx;
  private WalrusBinding binding;
  private Context ctx;
  private Buffer payload;
  private byte[] bytes;
  private int tails;

  /** Opens a fresh namespace, binds it to a local event bus and stores the tail's entries. */
  @Setup(Level.Trial)
  public void open() throws Exception {
    bytes = BenchDirs.payload(100);
    payload = Buffer.buffer(bytes);
    dir = BenchDirs.fresh("vertx");
    wal =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(dir)
            .fsyncSchedule(Schedules.parse("NoFsync"))
            .consistency(ReadConsistency.atLeastOnce(1000))
            .quiet(true)
            .open();
    rw = ReactiveWalrus.create(wal);
    vertx = Vertx.vertx();
    binding =
        join(
            WalrusEventBus.bind(
                vertx, rw, BindOptions.defaults().exposeTopics("bus", "direct", "tail")));
    ctx = vertx.getOrCreateContext();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(bytes);
    }
    for (int i = 0; i < TAIL_ENTRIES / 1000; i++) {
      wal.batchAppendForTopic("tail", batch);
    }
  }

  /** Unbinds, closes and deletes the namespace. */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    join(binding.unbind());
    join(vertx.close());
    rw.close();
    wal.close();
    BenchDirs.delete(dir);
  }

  /**
   * @return appends completed
   * @throws Exception if an append fails
   */
  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public long busAppend() throws Exception {
    String address = binding.address("bus", Operation.APPEND);
    EventBus bus = vertx.eventBus();
    return join(chain(next -> bus.<Long>request(address, payload).map(m -> m.body())));
  }

  /**
   * @return appends completed
   * @throws Exception if an append fails
   */
  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public long reactiveAppend() throws Exception {
    return join(
        chain(
            next -> {
              Promise<Long> p = Promise.promise();
              rw.append("direct", bytes)
                  .subscribe(
                      v -> ctx.runOnContext(x -> p.complete(v)),
                      e -> ctx.runOnContext(x -> p.fail(e)));
              return p.future();
            }));
  }

  /** One append at a time, from the event loop, {@link #ROUND_TRIPS} times. */
  private Future<Long> chain(IntFunction<Future<Long>> append) {
    Promise<Long> done = Promise.promise();
    ctx.runOnContext(
        v -> {
          Runnable[] step = new Runnable[1];
          long[] count = {0};
          step[0] =
              () ->
                  append
                      .apply((int) count[0])
                      .onComplete(
                          ar -> {
                            if (ar.failed()) {
                              done.tryFail(ar.cause());
                            } else if (++count[0] == ROUND_TRIPS) {
                              done.tryComplete(count[0]);
                            } else {
                              step[0].run();
                            }
                          });
          step[0].run();
        });
    return done.future();
  }

  /**
   * @return entries received
   * @throws Exception if the tail fails
   */
  @Benchmark
  @OperationsPerInvocation(TAIL_ENTRIES)
  public long busTail() throws Exception {
    String consumer = "bus" + tails++;
    long got = join(busTail(consumer));
    wal.removeConsumer("tail", consumer);
    return got;
  }

  /**
   * @return entries received
   */
  @Benchmark
  @OperationsPerInvocation(TAIL_ENTRIES)
  public long reactiveTail() {
    String consumer = "rx" + tails++;
    long got =
        rw.tail(
                "tail",
                TailOptions.forConsumer(consumer)
                    .startAt(StartPosition.earliest())
                    .checkpointMode(CheckpointMode.MANUAL))
            .limitRate(CREDITS)
            .take(TAIL_ENTRIES)
            .doOnNext(
                r -> {
                  if ((r.offset() + 1) % CREDITS == 0) {
                    r.acknowledge();
                  }
                })
            .count()
            .block();
    wal.removeConsumer("tail", consumer);
    return got;
  }

  private Future<Long> busTail(String consumer) {
    Promise<Long> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          EventBus bus = vertx.eventBus();
          long[] got = {0};
          String[] control = {null};
          String replyTo = "bench.subscriber." + consumer;
          MessageConsumer<Buffer> sub = bus.localConsumer(replyTo);
          sub.handler(
              m -> {
                if (m.headers().get(WalrusHeaders.END) != null) {
                  return; // the session's end notice after close
                }
                if (++got[0] % CREDITS == 0) {
                  long offset = Long.parseLong(m.headers().get(WalrusHeaders.OFFSET));
                  bus.send(control[0], new JsonObject().put("op", "ack").put("offset", offset));
                  bus.send(control[0], new JsonObject().put("op", "credit").put("n", CREDITS));
                }
                if (got[0] == TAIL_ENTRIES) {
                  bus.request(control[0], new JsonObject().put("op", "close"))
                      .compose(x -> sub.unregister())
                      .onComplete(x -> p.tryComplete(got[0]));
                }
              });
          sub.completion()
              .compose(
                  x ->
                      bus.<JsonObject>request(
                          binding.address("tail", Operation.TAIL),
                          new JsonObject()
                              .put("consumer", consumer)
                              .put("replyTo", replyTo)
                              .put("start", "earliest")
                              .put("credits", CREDITS)))
              .onSuccess(r -> control[0] = r.body().getString("control"))
              .onFailure(p::tryFail);
        });
    return p.future();
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
