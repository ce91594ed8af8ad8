package dev.walrus.vertx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusBusClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Exposure restrictions and the interceptor: a refused topic gets nothing written. */
class ExposureAuditTest extends AuditFixture {

  static Map<Operation, Object> bodies() {
    return Map.of(
        Operation.APPEND, Buffer.buffer("x"),
        Operation.APPEND_BATCH, new JsonArray().add(Buffer.buffer("x")),
        Operation.READ, new JsonObject().put("consumer", "c"),
        Operation.READ_BATCH, new JsonObject().put("consumer", "c"),
        Operation.CHECKPOINT, new JsonObject().put("consumer", "c").put("nextOffset", 0),
        Operation.TAIL, new JsonObject().put("consumer", "c").put("replyTo", "audit.nowhere"),
        Operation.OFFSET_FOR_TIME, new JsonObject().put("time", "2026-01-01T00:00:00Z"),
        Operation.DELETE_TOPIC, new JsonObject(),
        Operation.TOPIC_CONFIG, new JsonObject().put("op", "set").put("retention", "PT1S"));
  }

  @Test // every generic operation on a denied topic answers 404 and changes nothing
  void everyGenericOperationOnADeniedTopicIsNotExposedAndChangesNothing(Vertx vertx)
      throws Exception {
    open();
    wal.appendForTopic("secret", bytes("s0"));
    WalrusBinding b =
        bind(vertx, BindOptions.defaults().admin(true).exposeWhere(t -> !t.startsWith("secret")));
    EventBus bus = vertx.eventBus();
    for (Map.Entry<Operation, Object> e : bodies().entrySet()) {
      ReplyException r =
          awaitFailure(
              bus.request(b.options().genericAddress(e.getKey()), e.getValue(), topic("secret")));
      assertThat(r.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(r.failureCode()).as(e.getKey().name()).isEqualTo(FailureCodes.NOT_EXPOSED);
      assertThat(r.getMessage()).as(e.getKey().name()).contains("secret");
    }
    assertThat(b.registeredTopics()).doesNotContain("secret");
    assertThat(b.activeTails()).isZero();
    assertThat(wal.stats("secret").orElseThrow().nextOffset()).isEqualTo(1L);
    assertThat(wal.stats("secret").orElseThrow().unread().keySet()).isSubsetOf("");
    assertThat(wal.topicConfig("secret").retention()).isEmpty();
    // and no per-topic family exists for it
    ReplyException none =
        awaitFailure(bus.request(b.address("secret", Operation.APPEND), Buffer.buffer("x"), FAST));
    assertThat(none.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(wal.stats("secret").orElseThrow().nextOffset()).isEqualTo(1L);
  }

  @Test // with exposeTopics, unlisted topics are refused on generic addresses even for the client
  void anUnlistedTopicIsRefusedThroughTheClientAndGetsNoFamily(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().exposeTopics("orders"));
    WalrusBusClient client = WalrusBusClient.create(vertx);
    List<Future<?>> calls =
        List.of(
            client.append("other", Buffer.buffer("x")),
            client.appendBatch("other", List.of(Buffer.buffer("x"))),
            client.readNext("other", "c", true),
            client.batchRead("other", null, 100, true),
            client.checkpoint("other", "c", 0));
    for (Future<?> f : calls) {
      assertThat(awaitFailure(f).failureCode()).isEqualTo(FailureCodes.NOT_EXPOSED);
    }
    ReplyException tail =
        awaitFailure(
            client.tail("other", "c", dev.walrus.reactive.StartPosition.earliest(), 1, e -> {}));
    assertThat(tail.failureCode()).isEqualTo(FailureCodes.NOT_EXPOSED);
    assertThat(wal.topics()).doesNotContain("other");
    assertThat(b.registeredTopics()).containsExactly("orders");
    assertThat(b.activeTails()).isZero();
    // the listed topic works through both families
    assertThat(await(client.append("orders", Buffer.buffer("o")))).isZero();
    assertThat(
            await(
                    vertx
                        .eventBus()
                        .<Long>request(
                            b.address("orders", Operation.APPEND), Buffer.buffer("p"), FAST))
                .body())
        .isEqualTo(1L);
  }

  @Test // an interceptor refusal writes nothing for appends, batches, checkpoints and tails
  void anInterceptorRefusalWritesNothingForAnyOperation(Vertx vertx) throws Exception {
    open();
    wal.appendForTopic("t", bytes("a"));
    AtomicInteger seen = new AtomicInteger();
    WalrusBinding b =
        bind(
            vertx,
            BindOptions.defaults()
                .exposeTopics("t")
                .interceptor(
                    req -> {
                      seen.incrementAndGet();
                      // refuse later, asynchronously, as a token lookup would
                      io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
                      vertx.setTimer(5, x -> p.fail("denied"));
                      return p.future();
                    }));
    EventBus bus = vertx.eventBus();
    for (Operation op :
        List.of(
            Operation.APPEND,
            Operation.APPEND_BATCH,
            Operation.READ,
            Operation.READ_BATCH,
            Operation.CHECKPOINT,
            Operation.TAIL)) {
      ReplyException r = awaitFailure(bus.request(b.address("t", op), bodies().get(op), FAST));
      assertThat(r.failureCode()).as(op.name()).isEqualTo(FailureCodes.FORBIDDEN);
      assertThat(r.getMessage()).contains("denied");
    }
    assertThat(seen.get()).isEqualTo(6);
    assertThat(b.activeTails()).isZero();
    assertThat(wal.stats("t").orElseThrow().nextOffset()).isEqualTo(1L);
    assertThat(wal.stats("t").orElseThrow().unread().keySet()).isSubsetOf("");
    assertThat(wal.position("t", "c")).isZero();
  }
}
