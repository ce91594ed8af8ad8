package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.reactive.StartPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link BusTailStream}: the ReadStream contract mapped onto credits, pipes, ends. */
class BusTailStreamTest extends BusFixture {

  private void append(int from, int to) {
    for (int i = from; i < to; i++) {
      wal.appendForTopic("t", ("e" + i).getBytes());
    }
  }

  /**
   * Waits until the binding has sent every credit granted (or all {@code available}
   * entries); returns the counters.
   */
  private static JsonObject quiescent(BusTailStream s, long available) throws Exception {
    JsonObject[] last = new JsonObject[1];
    poll(
        "every granted entry sent",
        () -> {
          try {
            last[0] = await(s.status());
            long sent = last[0].getLong("sent");
            return sent == last[0].getLong("granted") || sent == available;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    return last[0];
  }

  @Test
  void aPipeIntoASlowWriteStreamNeverHasMoreInFlightThanTheWindow(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    append(0, 100);
    WalrusBusClient c = WalrusBusClient.create(vertx);
    BusTailStream s = await(c.tailStream("t", "slow", StartPosition.earliest(), 8));
    SlowWriteStream ws = new SlowWriteStream();
    ws.setWriteQueueMaxSize(3);
    Future<Void> piped = s.pipeTo(ws);
    int rounds = 0;
    while (ws.written.size() < 100) {
      poll("write queue full", () -> ws.writeQueueFull() || ws.written.size() == 100);
      JsonObject st = quiescent(s, 100);
      // credits granted = entries handed to the write stream + at most the window
      assertThat(st.getLong("granted") - ws.written.size()).isBetween(0L, s.window());
      assertThat(st.getLong("unacked")).isLessThanOrEqualTo(s.window());
      ws.completeAll();
      rounds++;
    }
    assertThat(rounds).as("the pipe paused on a full queue more than once").isGreaterThan(10);
    assertThat(ws.writesWhileFull.get()).as("writes to a full queue").isZero();
    assertThat(ws.written).extracting(Entry::offset).containsExactlyElementsOf(range(0, 100));
    await(s.close());
    await(piped); // the stream ended: the pipe succeeds and ends the write stream
    assertThat(ws.ended).isTrue();
    assertThat(wal.position("t", "slow")).isEqualTo(100L);
  }

  @Test
  void aPipeStartedFromANonVertxThreadNeverOverfillsTheWriteStream(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    append(0, 4);
    WalrusBusClient c = WalrusBusClient.create(vertx);
    for (int i = 0; i < 100; i++) {
      BusTailStream s = await(c.tailStream("t", "p" + i, StartPosition.earliest(), 4));
      SlowWriteStream ws = new SlowWriteStream();
      ws.setWriteQueueMaxSize(1); // full after the first write: the pipe pauses at once
      // From this (non-Vert.x) thread: the pipe's handler-then-resume must not race a pause
      // the pipe makes on the stream's context after the first write.
      Future<Void> piped = s.pipeTo(ws);
      poll("first write", () -> ws.written.size() == 1);
      quiescent(s, 4);
      assertThat(ws.written).as("paused after one write").hasSize(1);
      assertThat(ws.writesWhileFull.get()).as("writes to a full queue").isZero();
      while (ws.written.size() < 4) {
        ws.completeAll(); // one write at a time: each fills the queue again
        poll("the next write", () -> ws.writeQueueFull() || ws.written.size() == 4);
      }
      await(s.close());
      await(piped);
      assertThat(ws.writesWhileFull.get()).as("writes to a full queue").isZero();
      assertThat(ws.written).extracting(Entry::offset).containsExactlyElementsOf(range(0, 4));
    }
  }

  @Test
  void pauseResumeAndFetchFollowTheReadStreamContract(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    append(0, 20);
    WalrusBusClient c = WalrusBusClient.create(vertx);
    BusTailStream s = await(c.tailStream("t", "r", StartPosition.earliest(), 5));
    List<Entry> got = new CopyOnWriteArrayList<>();
    AtomicInteger ends = new AtomicInteger();
    s.endHandler(v -> ends.incrementAndGet());
    s.pause().handler(got::add);
    assertThat(await(s.status()).getLong("granted")).as("paused: no credits").isZero();

    s.fetch(3);
    poll("three fetched", () -> got.size() == 3);
    assertThat(quiescent(s, 20).getLong("granted")).as("credits only for the demand").isEqualTo(3L);
    s.fetch(1);
    poll("one more", () -> got.size() == 4);
    assertThat(quiescent(s, 20).getLong("granted")).isEqualTo(4L);

    s.resume();
    poll("flowing: all 20", () -> got.size() == 20);
    s.handler(
        e -> {
          got.add(e);
          if (e.offset() == 24) {
            s.pause(); // from inside the handler: nothing more is handed
          }
        });
    append(20, 40);
    poll("up to the pause", () -> got.size() == 25);
    JsonObject st = quiescent(s, 40);
    assertThat(got).hasSize(25);
    assertThat(st.getLong("granted") - 25).isBetween(0L, 5L);
    s.fetch(2);
    poll("two fetched while paused", () -> got.size() == 27);
    s.resume();
    poll("the rest", () -> got.size() == 40);
    assertThat(got).extracting(Entry::offset).containsExactlyElementsOf(range(0, 40));

    await(s.checkpoint());
    assertThat(wal.position("t", "r")).isEqualTo(40L);
    await(s.close());
    assertThat(await(s.ended())).isEqualTo("closed");
    poll("end handler", () -> ends.get() == 1);
    AtomicInteger late = new AtomicInteger();
    s.endHandler(v -> late.incrementAndGet()); // set after the end: still called, once
    poll("late end handler", () -> late.get() == 1);
    assertThat(ends.get()).isEqualTo(1);
    assertThat(awaitFailure(s.checkpoint()).failureCode()).isEqualTo(FailureCodes.UNKNOWN_SESSION);
  }

  @Test
  void unbindEndsTheStreamAndThePipeSucceeds(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    append(0, 10);
    WalrusBusClient c = WalrusBusClient.create(vertx);
    BusTailStream s = await(c.tailStream("t", "u", StartPosition.earliest(), 4));
    SlowWriteStream ws = new SlowWriteStream();
    Future<Void> piped = s.pipeTo(ws);
    poll("all ten written", () -> ws.written.size() == 10);
    await(b.unbind());
    await(piped);
    assertThat(await(s.ended())).isEqualTo("unbound");
    assertThat(ws.ended).isTrue();
    assertThat(wal.position("t", "u")).as("written = acknowledged, checkpointed").isEqualTo(10L);
  }

  @Test
  void aThrowingHandlerFailsTheStreamAndItsEntryComesAgain(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    append(0, 10);
    WalrusBusClient c = WalrusBusClient.create(vertx);
    BusTailStream s = await(c.tailStream("t", "x", StartPosition.earliest(), 4));
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<String> order = new CopyOnWriteArrayList<>();
    RuntimeException boom = new IllegalStateException("boom at 3");
    s.exceptionHandler(
            e -> {
              errors.add(e);
              order.add("exception");
            })
        .endHandler(v -> order.add("end"))
        .handler(
            e -> {
              if (e.offset() == 3) {
                throw boom;
              }
            });
    assertThat(await(s.ended())).isEqualTo("closed");
    poll("handlers", () -> order.size() == 2);
    assertThat(order).containsExactly("exception", "end");
    assertThat(errors).containsExactly(boom);
    assertThat(wal.position("t", "x")).as("0..2 handed, 3 not").isEqualTo(3L);

    BusTailStream again = await(c.tailStream("t", "x", StartPosition.checkpointed(), 4));
    List<Entry> got = new CopyOnWriteArrayList<>();
    again.handler(got::add);
    poll("the rest", () -> got.size() == 7);
    // entry 3 comes again (handed back by the ended session; possibly after higher offsets)
    assertThat(got).extracting(Entry::offset).containsExactlyInAnyOrderElementsOf(range(3, 10));
    await(again.close());
  }

  @Test
  void aStreamWhoseBindingVanishedFailsAsLost(Vertx vertx) throws Exception {
    String control = "fake.control." + System.nanoTime();
    await(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                "fake.tail",
                m ->
                    m.reply(
                        new JsonObject()
                            .put("session", "s1")
                            .put("control", control)
                            .put("leaseMs", 300)))
            .completion());
    WalrusBusClient c = WalrusBusClient.create(vertx, "fake", Duration.ofSeconds(5));
    BusTailStream s = await(c.tailStream("t", "x", StartPosition.checkpointed(), 2));
    SlowWriteStream ws = new SlowWriteStream();
    Throwable failure = awaitPipeFailure(s.pipeTo(ws));
    assertThat(failure)
        .isInstanceOfSatisfying(
            ReplyException.class,
            r -> assertThat(r.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(await(s.ended())).isEqualTo("lost");
  }

  private static Throwable awaitPipeFailure(Future<Void> f) throws Exception {
    try {
      await(f);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the pipe to fail");
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  /**
   * A write stream whose writes complete only when the test says so; full at the queue's
   * max size; counts writes arriving while full (a pipe must have paused before).
   */
  static final class SlowWriteStream implements WriteStream<Entry> {
    final List<Entry> written = new CopyOnWriteArrayList<>();
    final AtomicInteger writesWhileFull = new AtomicInteger();

    volatile boolean ended;
    private final ArrayDeque<Promise<Void>> queue = new ArrayDeque<>();
    private int max = 16;
    private Handler<Void> drainHandler;
    private Context ctx;

    @Override
    public synchronized WriteStream<Entry> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public synchronized Future<Void> write(Entry e) {
      if (queue.size() >= max) {
        writesWhileFull.incrementAndGet();
      }
      ctx = Vertx.currentContext();
      written.add(e);
      Promise<Void> p = Promise.promise();
      if (max >= 16) {
        p.complete(); // a fast stream unless made slow
      } else {
        queue.add(p);
      }
      return p.future();
    }

    @Override
    public Future<Void> end() {
      ended = true;
      return Future.succeededFuture();
    }

    @Override
    public synchronized WriteStream<Entry> setWriteQueueMaxSize(int maxSize) {
      max = maxSize;
      return this;
    }

    @Override
    public synchronized boolean writeQueueFull() {
      return queue.size() >= max;
    }

    @Override
    public synchronized WriteStream<Entry> drainHandler(Handler<Void> handler) {
      drainHandler = handler;
      return this;
    }

    /**
     * Completes every queued write and tells the pipe, as one task on the writer's
     * context, and waits for it: so it never falls between a pipe's write and its check
     * of {@link #writeQueueFull}, and a drain handler is called once, only by the drain it
     * was set for (a stale one would resume a pipe that is paused on a full queue).
     */
    void completeAll() throws InterruptedException {
      Context c;
      synchronized (this) {
        c = ctx;
      }
      if (c == null) {
        return;
      }
      CountDownLatch done = new CountDownLatch(1);
      c.runOnContext(
          v -> {
            List<Promise<Void>> all;
            Handler<Void> h;
            synchronized (this) {
              all = new ArrayList<>(queue);
              queue.clear();
              h = drainHandler;
              drainHandler = null;
            }
            all.forEach(Promise::complete);
            if (h != null) {
              h.handle(null);
            }
            done.countDown();
          });
      if (!done.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("the writer's context did not run the completion");
      }
    }
  }
}
