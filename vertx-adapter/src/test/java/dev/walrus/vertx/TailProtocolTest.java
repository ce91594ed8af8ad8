package dev.walrus.vertx;

import static dev.walrus.testkit.Offsets.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The credit-based tail over the local bus, spoken with raw messages. */
class TailProtocolTest extends BusFixture {
  static final DeliveryOptions FAST = new DeliveryOptions().setSendTimeout(10_000);

  /** A raw subscriber: its address, the entries and end notices it received. */
  static final class Sub {
    final List<Long> offsets = new CopyOnWriteArrayList<>();
    final List<String> payloads = new CopyOnWriteArrayList<>();
    final List<Message<Object>> ends = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> consumer;
    String control;

    Sub(Vertx vertx, String address) throws Exception {
      consumer =
          vertx
              .eventBus()
              .consumer(
                  address,
                  m -> {
                    if (m.headers().get(WalrusHeaders.END) != null) {
                      ends.add(m);
                    } else {
                      offsets.add(Long.parseLong(m.headers().get(WalrusHeaders.OFFSET)));
                      payloads.add(((Buffer) m.body()).toString());
                    }
                  });
      await(consumer.completion());
    }
  }

  void append(String topic, int from, int to) {
    for (int i = from; i < to; i++) {
      wal.appendForTopic(topic, ("e" + i).getBytes());
    }
  }

  static JsonObject tailReq(String consumer, String replyTo, Object start, long credits) {
    return new JsonObject()
        .put("consumer", consumer)
        .put("replyTo", replyTo)
        .put("start", start)
        .put("credits", credits);
  }

  JsonObject control(EventBus bus, Sub s, JsonObject op) throws Exception {
    return await(bus.<JsonObject>request(s.control, op, FAST)).body();
  }

  Sub open(Vertx vertx, WalrusBinding b, String topic, String consumer, Object start, long credits)
      throws Exception {
    Sub s = new Sub(vertx, "test.sub." + consumer + "." + System.nanoTime());
    JsonObject reply =
        await(
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        b.address(topic, Operation.TAIL),
                        tailReq(consumer, s.consumer.address(), start, credits),
                        FAST))
            .body();
    s.control = reply.getString("control");
    assertThat(reply.getString("session")).isNotBlank();
    return s;
  }

  @Test
  void sendsAtMostTheGrantedCreditsInOrderThenMoreOnTheNextGrant(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    append("t", 0, 10);
    EventBus bus = vertx.eventBus();
    Sub s = open(vertx, b, "t", "c", "earliest", 3);
    poll("3 entries", () -> s.offsets.size() == 3);
    // The binding's own count: exactly 3 sent although 10 are available.
    JsonObject stats = control(bus, s, new JsonObject().put("op", "ping"));
    assertThat(stats.getLong("granted")).isEqualTo(3L);
    assertThat(stats.getLong("sent")).isEqualTo(3L);
    assertThat(s.offsets).containsExactly(0L, 1L, 2L);
    control(bus, s, new JsonObject().put("op", "credit").put("n", 4));
    poll("7 entries", () -> s.offsets.size() == 7);
    stats = control(bus, s, new JsonObject().put("op", "ping"));
    assertThat(stats.getLong("sent")).isEqualTo(7L);
    // live entries arrive too, still within credits
    control(bus, s, new JsonObject().put("op", "credit").put("n", 100));
    append("t", 10, 20);
    poll("20 entries", () -> s.offsets.size() == 20);
    assertThat(s.offsets).isSorted().doesNotHaveDuplicates().hasSize(20);
    assertThat(s.payloads.get(19)).isEqualTo("e19");
    stats = control(bus, s, new JsonObject().put("op", "ping"));
    assertThat(stats.getLong("sent")).isLessThanOrEqualTo(stats.getLong("granted"));
    assertThat(stats.getLong("unacked")).isEqualTo(20L);
  }

  @Test
  void cursorMovesOnlyOnAcknowledgmentsAndCloseCheckpointsThem(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    append("t", 0, 10);
    EventBus bus = vertx.eventBus();
    Sub s = open(vertx, b, "t", "c", "checkpointed", 10);
    poll("10 entries", () -> s.offsets.size() == 10);
    assertThat(wal.position("t", "c")).isZero(); // delivered, not acknowledged
    control(bus, s, new JsonObject().put("op", "checkpoint").put("offset", 3));
    assertThat(wal.position("t", "c")).isEqualTo(4L);
    control(bus, s, new JsonObject().put("op", "ack").put("offset", 5));
    control(bus, s, new JsonObject().put("op", "close"));
    assertThat(wal.position("t", "c")).isEqualTo(6L);
    poll("end notice", () -> s.ends.size() == 1);
    assertThat(s.ends.get(0).headers().get(WalrusHeaders.END)).isEqualTo("closed");
    assertThat(b.activeTails()).isZero();
    // the ended session's control address is gone (docs/VERTX.md says so)
    ReplyException gone =
        awaitFailure(bus.request(s.control, new JsonObject().put("op", "ping"), FAST));
    assertThat(gone.failureType()).isEqualTo(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS);
    // a new tail resumes right after the checkpointed entry
    Sub again = open(vertx, b, "t", "c", "checkpointed", 2);
    poll("2 entries", () -> again.offsets.size() == 2);
    assertThat(again.offsets).containsExactly(6L, 7L);
  }

  @Test
  void aVanishedSubscriberLosesNothingAndIsReleasedWhenItsLeaseLapses(Vertx vertx)
      throws Exception {
    WalrusBinding b =
        bind(vertx, BindOptions.defaults().exposeTopics("t").tailLease(Duration.ofMillis(300)));
    append("t", 0, 10);
    EventBus bus = vertx.eventBus();
    Sub s = open(vertx, b, "t", "c", "earliest", 5);
    poll("5 entries", () -> s.offsets.size() == 5);
    control(bus, s, new JsonObject().put("op", "ack").put("offset", 1));
    await(s.consumer.unregister()); // the subscriber vanishes without a word
    poll("lease lapsed", () -> b.activeTails() == 0);
    assertThat(wal.position("t", "c")).isEqualTo(2L); // acked progress checkpointed, no more
    Sub next = open(vertx, b, "t", "c", "checkpointed", 100);
    poll("the rest", () -> next.offsets.size() == 8);
    assertThat(next.offsets).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void anOutOfRangeStartFailsTheTailRequestAndOpensNoSession(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    append("t", 0, 3);
    Sub s = new Sub(vertx, "test.sub.range");
    ReplyException refused =
        awaitFailure(
            vertx
                .eventBus()
                .request(
                    b.address("t", Operation.TAIL),
                    tailReq("c", s.consumer.address(), 99, 1),
                    FAST)); // beyond the end of the topic
    assertThat(refused.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(refused.getMessage()).contains("99");
    assertThat(b.activeTails()).isZero();
    // the first and the next offset are in range
    Sub end = open(vertx, b, "t", "c", 3, 1);
    Sub first = open(vertx, b, "t", "d", 0, 1);
    poll("entry 0", () -> first.offsets.size() == 1);
    assertThat(end.ends).isEmpty();
    assertThat(s.offsets).isEmpty();
    assertThat(s.ends).isEmpty();
  }

  @Test
  void competingSessionsNeverCheckpointPastEachOthersEntriesAndAnExpiredOnesComeAgain(Vertx vertx)
      throws Exception {
    WalrusBinding b =
        bind(vertx, BindOptions.defaults().exposeTopics("t").tailLease(Duration.ofMillis(2000)));
    append("t", 0, 30);
    EventBus bus = vertx.eventBus();
    Sub dead = open(vertx, b, "t", "c", "checkpointed", 10);
    poll("10 to the first", () -> dead.offsets.size() == 10);
    control(bus, dead, new JsonObject().put("op", "ping")); // alive until it vanishes below
    Sub live = open(vertx, b, "t", "c", "checkpointed", 10);
    poll("10 to the second", () -> live.offsets.size() == 10);
    assertThat(b.activeTails()).as("both sessions live").isEqualTo(2);
    assertThat(dead.offsets).containsExactlyElementsOf(range(0, 10));
    assertThat(live.offsets).containsExactlyElementsOf(range(10, 20));
    control(bus, dead, new JsonObject().put("op", "checkpoint").put("offset", 3));
    control(bus, live, new JsonObject().put("op", "checkpoint").put("offset", 19));
    assertThat(wal.position("t", "c")).as("stops at the first session's 4..9").isEqualTo(4L);
    await(dead.consumer.unregister()); // the first subscriber vanishes; its lease lapses
    control(bus, live, new JsonObject().put("op", "credit").put("n", 100));
    // the live session renews its lease while it waits for the other's entries
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (live.offsets.size() < 26 && System.nanoTime() < deadline) {
      control(bus, live, new JsonObject().put("op", "ping"));
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
    assertThat(live.offsets).hasSize(26);
    assertThat(live.offsets.subList(10, 20)).containsExactlyElementsOf(range(20, 30));
    assertThat(live.offsets.subList(20, 26))
        .as("the vanished session's unacknowledged")
        .containsExactlyElementsOf(range(4, 10));
    assertThat(live.payloads.get(25)).isEqualTo("e9");
    control(bus, live, new JsonObject().put("op", "checkpoint").put("offset", 9));
    assertThat(wal.position("t", "c")).isEqualTo(30L);
  }

  @Test
  void badTailRequestsAreRefused(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    String addr = b.address("t", Operation.TAIL);
    ReplyException noConsumer =
        awaitFailure(bus.request(addr, new JsonObject().put("replyTo", "x"), FAST));
    assertThat(noConsumer.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    ReplyException badStart = awaitFailure(bus.request(addr, tailReq("c", "x", "soon", 1), FAST));
    assertThat(badStart.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    ReplyException hidden =
        awaitFailure(
            bus.request(
                "walrus.tail",
                tailReq("c", "x", null, 1),
                new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "other")));
    assertThat(hidden.failureCode()).isEqualTo(FailureCodes.NOT_EXPOSED);
    assertThat(b.activeTails()).isZero();
  }

  @Test
  void badControlMessagesAreRefusedAndTheSessionCarriesOn(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    append("t", 0, 2);
    EventBus bus = vertx.eventBus();
    Sub s = open(vertx, b, "t", "c", "earliest", 0);
    for (JsonObject bad :
        List.of(
            new JsonObject().put("op", "credit").put("n", 0),
            new JsonObject().put("op", "fly"),
            new JsonObject().put("op", "ack"))) {
      ReplyException e = awaitFailure(bus.request(s.control, bad, FAST));
      assertThat(e.failureCode()).as(bad.encode()).isEqualTo(FailureCodes.BAD_REQUEST);
    }
    assertThat(s.offsets).isEmpty(); // no credits yet: nothing sent
    control(bus, s, new JsonObject().put("op", "credit").put("n", 2));
    poll("2 entries", () -> s.offsets.size() == 2);
  }

  @Test
  void unbindEndsEverySessionCheckpointingAcknowledgedProgress(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    append("t", 0, 4);
    EventBus bus = vertx.eventBus();
    Sub s1 = open(vertx, b, "t", "a", "earliest", 4);
    Sub s2 = open(vertx, b, "t", "b", "earliest", 4);
    poll("both got 4", () -> s1.offsets.size() == 4 && s2.offsets.size() == 4);
    control(bus, s1, new JsonObject().put("op", "ack").put("offset", 2));
    assertThat(b.activeTails()).isEqualTo(2);
    await(b.unbind());
    assertThat(b.activeTails()).isZero();
    poll("end notices", () -> s1.ends.size() == 1 && s2.ends.size() == 1);
    assertThat(s1.ends.get(0).headers().get(WalrusHeaders.END)).isEqualTo("unbound");
    assertThat(wal.position("t", "a")).isEqualTo(3L);
    assertThat(wal.position("t", "b")).isZero();
  }
}
