package dev.walrus.vertx.audit;

import static dev.walrus.testkit.Offsets.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusBusClient;
import dev.walrus.vertx.WalrusEventBus;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cancellation, undeploys, unbind and vertx.close() mid-flight, then a reopen. */
class LifecycleAuditTest extends AuditFixture {
  static final Duration LEASE = Duration.ofMillis(400);

  /** A verticle tailing {@code t} as consumer {@code c}, acknowledging offsets below 5. */
  static final class TailVerticle extends AbstractVerticle {
    final List<Long> got = new CopyOnWriteArrayList<>();

    @Override
    public void start(Promise<Void> started) {
      WalrusBusClient client = WalrusBusClient.create(vertx);
      BusTail[] me = new BusTail[1];
      client
          .tail(
              "t",
              "c",
              StartPosition.earliest(),
              10,
              e -> {
                got.add(e.offset());
                if (e.offset() == 4 && me[0] != null) {
                  me[0].ack(4);
                }
              })
          .onSuccess(t -> me[0] = t)
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }

  @Test // a subscriber verticle undeployed mid-stream: lease lapses, unacked entries come again
  void aSubscriberVerticleUndeployedMidStreamLosesNothing(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().tailLease(LEASE));
    for (int i = 0; i < 20; i++) {
      wal.appendForTopic("t", bytes("e" + i));
    }
    TailVerticle v = new TailVerticle();
    String id = await(vertx.deployVerticle(v));
    poll("10 delivered", () -> v.got.size() >= 10);
    await(vertx.undeploy(id));
    poll("session released", () -> b.activeTails() == 0);
    assertThat(wal.position("t", "c")).isEqualTo(5L);
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Long> next = new CopyOnWriteArrayList<>();
    BusTail t =
        await(client.tail("t", "c", StartPosition.checkpointed(), 100, e -> next.add(e.offset())));
    poll("15 delivered", () -> next.size() >= 15);
    assertThat(next).containsExactlyElementsOf(range(5, 20));
    await(t.close());
  }

  /** A verticle that binds the engine in its start. */
  static final class BindingVerticle extends AbstractVerticle {
    final dev.walrus.reactive.ReactiveWalrus rw;

    BindingVerticle(dev.walrus.reactive.ReactiveWalrus rw) {
      this.rw = rw;
    }

    @Override
    public void start(Promise<Void> started) {
      WalrusEventBus.bind(vertx, rw, BindOptions.defaults().tailLease(LEASE))
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }

  @Test // the binding's verticle undeployed with a live tail: a later tail gets the unacked entries
  void anUndeployedBindingVerticleEndsItsSessionsSoUnackedEntriesComeAgain(Vertx vertx)
      throws Exception {
    vertx.exceptionHandler(vertxErrors::add);
    open();
    for (int i = 0; i < 10; i++) {
      wal.appendForTopic("t", bytes("e" + i));
    }
    String id = await(vertx.deployVerticle(new BindingVerticle(rw)));
    EventBus bus = vertx.eventBus();
    List<Long> got = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sub =
        bus.consumer(
            "audit.sub.undeploy",
            m -> {
              if (m.headers().get(WalrusHeaders.END) == null) {
                got.add(Long.parseLong(m.headers().get(WalrusHeaders.OFFSET)));
              }
            });
    await(sub.completion());
    String control =
        await(
                bus.<JsonObject>request(
                    "walrus.tail",
                    new JsonObject()
                        .put("consumer", "c")
                        .put("replyTo", "audit.sub.undeploy")
                        .put("start", "earliest")
                        .put("credits", 5),
                    topic("t")))
            .body()
            .getString("control");
    poll("5 delivered", () -> got.size() >= 5);
    await(bus.request(control, new JsonObject().put("op", "checkpoint").put("offset", 1), FAST));
    await(vertx.undeploy(id)); // the binding's handlers go with its verticle
    // the owner binds again and a new tail of the consumer starts from checkpointed
    await(WalrusEventBus.bind(vertx, rw, BindOptions.defaults().tailLease(LEASE)));
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Long> next = new CopyOnWriteArrayList<>();
    BusTail t =
        await(
            client.tail(
                "t",
                "c",
                StartPosition.checkpointed(),
                100,
                e -> {
                  next.add(e.offset());
                }));
    try {
      // docs: entries sent and not acknowledged come again to the consumer's next tail
      dev.walrus.testkit.Poll.until(
          "offsets 2..9 delivered to the new tail",
          Duration.ofSeconds(5), // more than ten leases
          () -> next.containsAll(range(2, 10)));
    } finally {
      if (next.contains(9L)) {
        await(t.checkpoint(9));
      }
      long pos = wal.position("t", "c");
      assertThat(next)
          .as("delivered to the new tail (consumer position after it checkpointed 9: %d)", pos)
          .containsAll(range(2, 10));
      await(t.close());
    }
  }

  @Test // unbind with appends in flight: exactly the acknowledged appends are in the log
  void unbindWithAppendsInFlightWritesExactlyTheAcknowledgedOnes(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    String addr = b.address("t", Operation.APPEND);
    Map<String, Long> acked = new ConcurrentHashMap<>();
    Set<Integer> failureCodes = ConcurrentHashMap.newKeySet();
    AtomicInteger done = new AtomicInteger();
    Promise<Void> someAcked = Promise.promise();
    for (int i = 0; i < 400; i++) {
      String p = "p" + i;
      bus.<Long>request(addr, Buffer.buffer(p), FAST)
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  acked.put(p, ar.result().body());
                  if (acked.size() >= 20) {
                    someAcked.tryComplete();
                  }
                } else {
                  ReplyException e = (ReplyException) ar.cause();
                  failureCodes.add(
                      e.failureType() == ReplyFailure.RECIPIENT_FAILURE ? e.failureCode() : -1);
                }
                done.incrementAndGet();
              });
    }
    await(someAcked.future());
    await(b.unbind());
    poll("every request answered", () -> done.get() == 400);
    assertThat(failureCodes).isSubsetOf(FailureCodes.UNAVAILABLE, -1);
    closeAll();
    open();
    List<Entry> all = new ArrayList<>();
    for (Entry e; (e = wal.readNext("t", "check", true).orElse(null)) != null; ) {
      all.add(e);
    }
    Map<String, Long> onDisk = new java.util.HashMap<>();
    for (Entry e : all) {
      assertThat(onDisk.put(new String(e.data()), e.offset())).as("written twice").isNull();
    }
    assertThat(onDisk).as("refused requests wrote nothing; acked ones are there").isEqualTo(acked);
  }

  @Test // vertx.close() mid-flight, then reopen: acknowledged appends and checkpoints survive
  void vertxCloseMidFlightThenReopenLosesNothingAcknowledged() throws Exception {
    open();
    Vertx vx = Vertx.vertx();
    vx.exceptionHandler(vertxErrors::add);
    await(WalrusEventBus.bind(vx, rw, BindOptions.defaults().tailLease(LEASE)));
    WalrusBusClient client = WalrusBusClient.create(vx);
    List<Long> delivered = new CopyOnWriteArrayList<>();
    BusTail t =
        await(
            client.tail("t", "c", StartPosition.earliest(), 1_000, e -> delivered.add(e.offset())));
    Map<Long, String> acked = new ConcurrentHashMap<>();
    Promise<Void> half = Promise.promise();
    for (int i = 0; i < 600; i++) {
      String p = "p" + i;
      client
          .append("t", Buffer.buffer(p))
          .onSuccess(
              o -> {
                acked.put(o, p);
                if (acked.size() >= 100) {
                  half.tryComplete();
                }
              });
    }
    await(half.future());
    poll("30 delivered", () -> delivered.size() >= 30);
    await(t.checkpoint(29));
    await(vx.close());
    Map<Long, String> ackedAtClose = Map.copyOf(acked);
    closeAll();
    open();
    Map<Long, String> onDisk = new java.util.HashMap<>();
    Set<String> payloads = new HashSet<>();
    for (Entry e; (e = wal.readNext("t", "verify", true).orElse(null)) != null; ) {
      onDisk.put(e.offset(), new String(e.data()));
      assertThat(payloads.add(new String(e.data()))).as("written twice").isTrue();
    }
    assertThat(onDisk).containsAllEntriesOf(ackedAtClose);
    // checkpointed through 29, nothing acknowledged after: the next tail starts at 30
    assertThat(wal.position("t", "c")).isEqualTo(30L);
  }

  @Test // a request that times out on the sender may still be written, but never twice
  void aTimedOutAppendIsWrittenAtMostOnce(Vertx vertx) throws Exception {
    WalrusBinding b =
        bind(
            vertx,
            BindOptions.defaults()
                .exposeTopics("t")
                .interceptor(
                    req -> {
                      Promise<Void> p = Promise.promise();
                      vertx.setTimer(300, x -> p.complete()); // a slow authorisation service
                      return p.future();
                    }));
    ReplyException e =
        awaitFailure(
            vertx
                .eventBus()
                .request(
                    b.address("t", Operation.APPEND),
                    Buffer.buffer("late"),
                    new DeliveryOptions().setSendTimeout(50)));
    assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    poll("the late append landed", () -> wal.stats("t").map(s -> s.nextOffset()).orElse(0L) > 0);
    Message<Long> next =
        await(vertx.eventBus().request(b.address("t", Operation.APPEND), Buffer.buffer("x"), FAST));
    assertThat(next.body()).isEqualTo(1L); // the timed-out one took exactly one offset
    assertThat(new String(wal.readNext("t", "c", false).orElseThrow().data())).isEqualTo("late");
  }
}
