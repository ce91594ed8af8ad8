package dev.walrus.vertx.audit;

import static dev.walrus.testkit.Offsets.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusBusClient;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Credits and acknowledgments of bus tails: nothing skipped, nothing duplicated. */
class CreditFlowAuditTest extends AuditFixture {

  @Test // one credit at a time, acked each: every entry once, in order, history then live
  void oneCreditPerEntryNeverSkipsOrDuplicates(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    for (int i = 0; i < 150; i++) {
      wal.appendForTopic("t", bytes("h" + i));
    }
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Long> got = new CopyOnWriteArrayList<>();
    List<String> payloads = new CopyOnWriteArrayList<>();
    AtomicReference<BusTail> ref = new AtomicReference<>();
    BusTail tail =
        await(
            client.tail(
                "t",
                "c",
                StartPosition.checkpointed(),
                1,
                e -> {
                  got.add(e.offset());
                  payloads.add(new String(e.data()));
                  BusTail t = ref.get();
                  if (t != null) {
                    t.ack(e.offset()).grant(1);
                  }
                }));
    ref.set(tail);
    if (!got.isEmpty()) {
      tail.ack(got.get(got.size() - 1)).grant(1);
    }
    List<Future<Long>> live = new ArrayList<>();
    for (int i = 150; i < 300; i++) {
      live.add(client.append("t", Buffer.buffer("h" + i)));
    }
    await(Future.all(live));
    poll("300 entries", () -> got.size() >= 300);
    JsonObject st = await(tail.status());
    assertThat(st.getLong("sent")).isLessThanOrEqualTo(st.getLong("granted"));
    await(tail.close());
    assertThat(got).containsExactlyElementsOf(range(0, 300));
    for (int i = 0; i < 300; i++) {
      assertThat(payloads.get(i)).isEqualTo("h" + i);
    }
    assertThat(wal.position("t", "c")).isEqualTo(300L);
  }

  @Test // sent never exceeds granted while appends race the tail; later grants resume exactly
  void creditsAreNeverExceededWhileAppendsRace(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    List<Long> got = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sub =
        bus.consumer(
            "audit.sub.race",
            m -> {
              if (m.headers().get(WalrusHeaders.END) == null) {
                got.add(Long.parseLong(m.headers().get(WalrusHeaders.OFFSET)));
              }
            });
    await(sub.completion());
    JsonObject open =
        await(
                bus.<JsonObject>request(
                    b.address("t", Operation.TAIL),
                    new JsonObject()
                        .put("consumer", "c")
                        .put("replyTo", "audit.sub.race")
                        .put("start", "earliest")
                        .put("credits", 5),
                    FAST))
            .body();
    String control = open.getString("control");
    List<Future<?>> appends = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      appends.add(bus.request(b.address("t", Operation.APPEND), Buffer.buffer("e" + i), FAST));
    }
    await(Future.all(appends));
    poll("5 delivered", () -> got.size() >= 5);
    JsonObject st =
        await(bus.<JsonObject>request(control, new JsonObject().put("op", "ping"), FAST)).body();
    assertThat(st.getLong("granted")).isEqualTo(5L);
    assertThat(st.getLong("sent")).isEqualTo(5L);
    assertThat(got).hasSize(5);
    await(bus.request(control, new JsonObject().put("op", "credit").put("n", 95), FAST));
    poll("100 delivered", () -> got.size() >= 100);
    JsonObject cp =
        await(
                bus.<JsonObject>request(
                    control, new JsonObject().put("op", "checkpoint").put("offset", 99), FAST))
            .body();
    assertThat(cp.getLong("unacked")).isZero();
    assertThat(got).containsExactlyElementsOf(range(0, 100));
    assertThat(wal.position("t", "c")).isEqualTo(100L);
  }

  @Test // a checkpoint naming an offset beyond what was sent persists only what was sent
  void aCheckpointBeyondWhatWasSentNeverSkipsUnsentEntries(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    for (int i = 0; i < 10; i++) {
      wal.appendForTopic("t", bytes("e" + i));
    }
    EventBus bus = vertx.eventBus();
    List<Long> got = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sub =
        bus.consumer(
            "audit.sub.cp",
            m -> {
              if (m.headers().get(WalrusHeaders.END) == null) {
                got.add(Long.parseLong(m.headers().get(WalrusHeaders.OFFSET)));
              }
            });
    await(sub.completion());
    String control =
        await(
                bus.<JsonObject>request(
                    b.address("t", Operation.TAIL),
                    new JsonObject()
                        .put("consumer", "c")
                        .put("replyTo", "audit.sub.cp")
                        .put("start", "earliest")
                        .put("credits", 3),
                    FAST))
            .body()
            .getString("control");
    poll("3 delivered", () -> got.size() >= 3);
    await(bus.request(control, new JsonObject().put("op", "checkpoint").put("offset", 9), FAST));
    assertThat(wal.position("t", "c")).isEqualTo(3L);
    await(bus.request(control, new JsonObject().put("op", "close"), FAST));
    assertThat(wal.position("t", "c")).isEqualTo(3L);
    // the next tail continues with the first unsent entry
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Long> next = new CopyOnWriteArrayList<>();
    BusTail t2 =
        await(client.tail("t", "c", StartPosition.checkpointed(), 100, e -> next.add(e.offset())));
    poll("7 more", () -> next.size() >= 7);
    assertThat(next).containsExactlyElementsOf(range(3, 10));
    await(t2.close());
  }

  @Test // competing bus tails of one consumer share the entries: each entry to exactly one
  void competingTailsOfOneConsumerGetEachEntryExactlyOnce(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Long> all = new CopyOnWriteArrayList<>();
    List<BusTail> tails = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      AtomicReference<BusTail> ref = new AtomicReference<>();
      BusTail t =
          await(
              client.tail(
                  "t",
                  "g",
                  StartPosition.earliest(),
                  8,
                  e -> {
                    all.add(e.offset());
                    BusTail me = ref.get();
                    if (me != null) {
                      me.ack(e.offset()).grant(1);
                    }
                  }));
      ref.set(t);
      tails.add(t);
    }
    List<Future<Long>> appends = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      appends.add(client.append("t", Buffer.buffer("e" + i)));
    }
    await(Future.all(appends));
    poll("400 delivered", () -> all.size() >= 400);
    Set<Long> distinct = new HashSet<>(all);
    assertThat(all).hasSize(400);
    assertThat(distinct).containsExactlyInAnyOrderElementsOf(range(0, 400));
    for (BusTail t : tails) {
      await(t.close());
    }
    assertThat(all).hasSize(400); // nothing redelivered on close: everything was acked
    assertThat(wal.position("t", "g")).isEqualTo(400L);
  }

  @Test // BusTail.close ends with "closed"; later checkpoint/status fail with 410
  void aClosedBusTailEndsAsClosedAndLaterCallsFailWithUnknownSession(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    wal.appendForTopic("t", bytes("a"));
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Long> got = new CopyOnWriteArrayList<>();
    BusTail t = await(client.tail("t", "c", StartPosition.earliest(), 5, e -> got.add(e.offset())));
    io.vertx.core.Promise<String> end = io.vertx.core.Promise.promise();
    t.endHandler(end::tryComplete);
    poll("1 delivered", () -> got.size() == 1);
    t.ack(0);
    await(t.close());
    assertThat(await(end.future())).isEqualTo("closed");
    assertThat(awaitFailure(t.checkpoint(0)).failureCode()).isEqualTo(FailureCodes.UNKNOWN_SESSION);
    assertThat(awaitFailure(t.status()).failureCode()).isEqualTo(FailureCodes.UNKNOWN_SESSION);
    assertThat(wal.position("t", "c")).isEqualTo(1L);
  }
}
