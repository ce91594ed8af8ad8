package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request/reply addresses over the local bus, with raw messages. */
class RequestReplyTest extends BusFixture {
  static final DeliveryOptions FAST = new DeliveryOptions().setSendTimeout(10_000);

  static Buffer buf(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void appendRepliesWithTheOffsetAndTheEntryIsInTheEngine(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("orders"));
    EventBus bus = vertx.eventBus();
    String addr = b.address("orders", Operation.APPEND);
    assertThat(addr).isEqualTo("walrus.orders.append");
    for (long i = 0; i < 5; i++) {
      Message<Long> r = await(bus.request(addr, buf("e" + i), FAST));
      assertThat(r.body()).isEqualTo(i);
    }
    assertThat(wal.readNext("orders", "check", false))
        .get()
        .extracting(e -> e.dataAsString())
        .isEqualTo("e0");
  }

  @Test
  void batchAppendIsAtomicAndRepliesWithConsecutiveOffsets(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    await(bus.request(b.address("t", Operation.APPEND), buf("first"), FAST));
    JsonArray batch = new JsonArray().add(buf("a")).add(buf("b")).add(buf("c"));
    Message<JsonArray> r = await(bus.request(b.address("t", Operation.APPEND_BATCH), batch, FAST));
    assertThat(List.of(r.body().getLong(0), r.body().getLong(1), r.body().getLong(2)))
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void readConsumesOrPeeksAndRepliesNullWhenEmpty(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    String read = b.address("t", Operation.READ);
    Message<Buffer> empty = await(bus.request(read, new JsonObject(), FAST));
    assertThat(empty.body()).isNull();
    await(bus.request(b.address("t", Operation.APPEND), buf("x"), FAST));
    await(bus.request(b.address("t", Operation.APPEND), buf("y"), FAST));
    JsonObject peek = new JsonObject().put("consumer", "c").put("checkpoint", false);
    Message<Buffer> p1 = await(bus.request(read, peek, FAST));
    Message<Buffer> p2 = await(bus.request(read, peek, FAST));
    assertThat(p1.body().toString()).isEqualTo("x");
    assertThat(p2.body().toString()).isEqualTo("x");
    JsonObject consume = new JsonObject().put("consumer", "c");
    Message<Buffer> c1 = await(bus.request(read, consume, FAST));
    Message<Buffer> c2 = await(bus.request(read, consume, FAST));
    assertThat(c1.headers().get(WalrusHeaders.OFFSET)).isEqualTo("0");
    assertThat(c2.body().toString()).isEqualTo("y");
    assertThat(c2.headers().get(WalrusHeaders.OFFSET)).isEqualTo("1");
    assertThat(await(bus.<Buffer>request(read, consume, FAST)).body()).isNull();
  }

  @Test
  void readBatchAndCheckpointMoveANamedConsumer(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 10; i++) {
      batch.add(buf("e" + i));
    }
    await(bus.request(b.address("t", Operation.APPEND_BATCH), batch, FAST));
    Message<JsonArray> r =
        await(
            bus.request(
                b.address("t", Operation.READ_BATCH),
                new JsonObject().put("consumer", "c").put("maxBytes", 4),
                FAST));
    assertThat(r.body().size()).isEqualTo(2); // 2 bytes each, budget 4
    assertThat(r.body().getJsonObject(1).getLong("offset")).isEqualTo(1L);
    assertThat(r.body().getJsonObject(1).getBuffer("data").toString()).isEqualTo("e1");
    await(
        bus.request(
            b.address("t", Operation.CHECKPOINT),
            new JsonObject().put("consumer", "c").put("nextOffset", 7),
            FAST));
    assertThat(wal.position("t", "c")).isEqualTo(7L);
    Message<Buffer> next =
        await(
            bus.request(
                b.address("t", Operation.READ), new JsonObject().put("consumer", "c"), FAST));
    assertThat(next.body().toString()).isEqualTo("e7");
  }

  @Test
  void genericAddressesTakeTheTopicFromAHeaderAndRegisterItsFamily(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    assertThat(b.registeredTopics()).isEmpty();
    Message<Long> r =
        await(
            vertx
                .eventBus()
                .request(
                    "walrus.append",
                    buf("x"),
                    new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "fresh")));
    assertThat(r.body()).isZero();
    assertThat(b.registeredTopics()).as("the family exists once the reply is in").contains("fresh");
    Message<Long> r2 = await(vertx.eventBus().request("walrus.fresh.append", buf("y"), FAST));
    assertThat(r2.body()).isEqualTo(1L);
  }

  /** Options for a generic address: the topic in its header. */
  private static DeliveryOptions toTopic(String topic) {
    return new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, topic);
  }

  @Test
  void appendsSentWithoutWaitingToAFreshTopicGetOffsetsInTheOrderSent(Vertx vertx)
      throws Exception {
    bind(vertx, BindOptions.defaults());
    for (int round = 0; round < 5; round++) {
      List<Future<Message<Long>>> replies = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        // the first ones wait for the topic's family to be registered; the later ones must
        // not overtake them
        replies.add(vertx.eventBus().request("walrus.append", buf("p" + i), toTopic("b" + round)));
      }
      for (int i = 0; i < 300; i++) {
        assertThat(await(replies.get(i)).body()).as("offset of the %d-th append", i).isEqualTo(i);
      }
    }
  }

  @Test
  void everyCallerOfAFirstUseGetsItsReplyOnlyOnceTheFamilyIsRegistered(Vertx vertx)
      throws Exception {
    bind(vertx, BindOptions.defaults());
    EventBus bus = vertx.eventBus();
    for (int i = 0; i < 100; i++) {
      String t = "first" + i;
      DeliveryOptions o = toTopic(t);
      // Two first uses at once: the second must not reply before the first's registration.
      Future<Message<Object>> a = bus.request("walrus.append", buf("a"), o);
      Future<Message<Object>> r = bus.request("walrus.read", new JsonObject(), o);
      await(r);
      await(bus.request("walrus." + t + ".readBatch", new JsonObject().put("consumer", "c"), FAST));
      await(a);
      await(bus.request("walrus." + t + ".append", buf("b"), FAST));
    }
  }

  @Test
  void existingTopicsAreRegisteredAtBindTimeAndPrefixIsConfigurable(Vertx vertx) throws Exception {
    open();
    wal.appendForTopic("old", new byte[] {1});
    WalrusBinding b = bind(vertx, BindOptions.defaults().prefix("my.wal"));
    assertThat(b.registeredTopics()).containsExactly("old");
    Message<Long> r = await(vertx.eventBus().request("my.wal.old.append", buf("z"), FAST));
    assertThat(r.body()).isEqualTo(1L);
  }

  @Test
  void failuresReplyWithDocumentedCodes(Vertx vertx) throws Exception {
    open(engine().maxEntryBytes(1024));
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeWhere(t -> !t.startsWith("secret")));
    EventBus bus = vertx.eventBus();
    // bad topic (empty, via the generic address)
    ReplyException bad =
        awaitFailure(
            bus.request(
                "walrus.append",
                buf("x"),
                new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "")));
    assertThat(bad.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(bad.failureCode()).isEqualTo(FailureCodes.BAD_TOPIC);
    // too large entry
    ReplyException big =
        awaitFailure(
            bus.request(
                "walrus.append",
                Buffer.buffer(new byte[2048]),
                new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "t")));
    assertThat(big.failureCode()).isEqualTo(FailureCodes.TOO_LARGE);
    // too large batch
    JsonArray many = new JsonArray();
    for (int i = 0; i < 2001; i++) {
      many.add(buf("x"));
    }
    ReplyException tooMany =
        awaitFailure(
            bus.request(
                "walrus.appendBatch",
                many,
                new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "t")));
    assertThat(tooMany.failureCode()).isEqualTo(FailureCodes.TOO_LARGE);
    // not exposed
    ReplyException hidden =
        awaitFailure(
            bus.request(
                "walrus.append",
                buf("x"),
                new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "secret-stuff")));
    assertThat(hidden.failureCode()).isEqualTo(FailureCodes.NOT_EXPOSED);
    // malformed body
    ReplyException malformed =
        awaitFailure(
            bus.request(
                "walrus.append",
                "a string",
                new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "t")));
    assertThat(malformed.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    ReplyException noTopic = awaitFailure(bus.request("walrus.append", buf("x"), FAST));
    assertThat(noTopic.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    // nothing was written by any of them
    assertThat(wal.topics()).doesNotContain("secret-stuff");
    assertThat(wal.readNext("t", "check", false)).isEmpty();
    assertThat(b.registeredTopics()).doesNotContain("secret-stuff");
  }

  @Test
  void aSharedCursorReadWithoutTheSharedCursorIsABadRequest(Vertx vertx) throws Exception {
    open(engine().sharedCursor(false));
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    await(bus.request(b.address("t", Operation.APPEND), buf("x"), FAST));
    ReplyException shared =
        awaitFailure(bus.request(b.address("t", Operation.READ), new JsonObject(), FAST));
    assertThat(shared.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(shared.getMessage()).contains("sharedCursor(false)");
    // a named consumer still reads, from the first entry
    Message<Buffer> named =
        await(
            bus.request(
                b.address("t", Operation.READ), new JsonObject().put("consumer", "c"), FAST));
    assertThat(named.body().toString()).isEqualTo("x");
  }

  @Test
  void theInterceptorCanRefuseWithForbiddenOrItsOwnCode(Vertx vertx) throws Exception {
    List<BusRequest> seen = new ArrayList<>();
    WalrusBinding b =
        bind(
            vertx,
            BindOptions.defaults()
                .exposeTopics("t")
                .interceptor(
                    req -> {
                      seen.add(req);
                      String token = req.message().headers().get("token");
                      if ("ok".equals(token)) {
                        return io.vertx.core.Future.succeededFuture();
                      }
                      if ("teapot".equals(token)) {
                        return io.vertx.core.Future.failedFuture(
                            new ReplyException(
                                ReplyFailure.RECIPIENT_FAILURE, 418, "I'm a teapot"));
                      }
                      return io.vertx.core.Future.failedFuture("missing token");
                    }));
    EventBus bus = vertx.eventBus();
    String addr = b.address("t", Operation.APPEND);
    ReplyException refused = awaitFailure(bus.request(addr, buf("x"), FAST));
    assertThat(refused.failureCode()).isEqualTo(FailureCodes.FORBIDDEN);
    assertThat(refused.getMessage()).contains("missing token");
    ReplyException teapot =
        awaitFailure(
            bus.request(addr, buf("x"), new DeliveryOptions(FAST).addHeader("token", "teapot")));
    assertThat(teapot.failureCode()).isEqualTo(418);
    Message<Long> ok =
        await(bus.request(addr, buf("x"), new DeliveryOptions(FAST).addHeader("token", "ok")));
    assertThat(ok.body()).isZero();
    assertThat(seen).extracting(BusRequest::operation).containsOnly(Operation.APPEND);
    assertThat(seen).extracting(BusRequest::topic).containsOnly("t");
  }

  @Test
  void unbindUnregistersEverythingAndCompletes(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("t"));
    EventBus bus = vertx.eventBus();
    await(bus.request(b.address("t", Operation.APPEND), buf("x"), FAST));
    await(b.unbind());
    assertThat(b.unbind()).isSameAs(b.unbind());
    for (String addr :
        List.of(
            b.address("t", Operation.APPEND), "walrus.append", b.address("t", Operation.TAIL))) {
      ReplyException gone =
          awaitFailure(
              bus.request(
                  addr, buf("x"), new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, "t")));
      assertThat(gone.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    }
    ReplyException expose = awaitFailure(b.expose("t"));
    assertThat(expose.failureCode()).isEqualTo(FailureCodes.UNAVAILABLE);
  }

  @Test
  void exposeRegistersOnlyExposedTopicsAndLocalOnlyStillServesThisNode(Vertx vertx)
      throws Exception {
    WalrusBinding b =
        bind(vertx, BindOptions.defaults().localOnly(true).exposeWhere(t -> t.startsWith("pub-")));
    assertThat(awaitFailure(b.expose("private")).failureCode()).isEqualTo(FailureCodes.NOT_EXPOSED);
    await(b.expose("pub-1"));
    await(b.expose("pub-1")); // idempotent
    assertThat(b.registeredTopics()).containsExactly("pub-1");
    Message<Long> r = await(vertx.eventBus().request("walrus.pub-1.append", buf("x"), FAST));
    assertThat(r.body()).isZero();
    assertThat(b.options().isLocalOnly()).isTrue();
  }
}
