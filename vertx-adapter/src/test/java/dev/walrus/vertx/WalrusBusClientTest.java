package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.reactive.StartPosition;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Future-returning client over the local bus. */
class WalrusBusClientTest extends BusFixture {

  @Test
  void appendsReadsAndCheckpointsThroughFutures(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    WalrusBusClient c = WalrusBusClient.create(vertx);
    assertThat(await(c.append("t", Buffer.buffer("a")))).isZero();
    assertThat(await(c.appendBatch("t", List.of(Buffer.buffer("b"), Buffer.buffer("c")))))
        .containsExactly(1L, 2L);
    Entry e = await(c.readNext("t", "r", false));
    assertThat(e.offset()).isZero();
    assertThat(e.dataAsString()).isEqualTo("a");
    assertThat(e.topic()).isEqualTo("t");
    List<Entry> batch = await(c.batchRead("t", "r", 1024, true));
    assertThat(batch).extracting(Entry::dataAsString).containsExactly("a", "b", "c");
    assertThat(await(c.readNext("t", "r", true))).isNull();
    await(c.checkpoint("t", "r", 1));
    assertThat(await(c.readNext("t", "r", true)).offset()).isEqualTo(1L);
    assertThat(await(c.readNext("t", null, true)).dataAsString()).isEqualTo("a");
  }

  @Test
  void failuresAreReplyExceptionsWithCodes(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults().exposeTopics("t"));
    WalrusBusClient c = WalrusBusClient.create(vertx);
    assertThat(awaitFailure(c.append("other", Buffer.buffer("x"))).failureCode())
        .isEqualTo(FailureCodes.NOT_EXPOSED);
    WalrusBusClient nobody = WalrusBusClient.create(vertx, "nobody", Duration.ofSeconds(5));
    assertThat(awaitFailure(nobody.append("t", Buffer.buffer("x"))).failureType())
        .isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  @Test
  void tailDeliversInOrderWithinCreditsAndResumesAfterCheckpoints(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    for (int i = 0; i < 50; i++) {
      wal.appendForTopic("t", ("e" + i).getBytes());
    }
    WalrusBusClient c = WalrusBusClient.create(vertx);
    List<Entry> got = new CopyOnWriteArrayList<>();
    BusTail tail = await(c.tail("t", "billing", StartPosition.checkpointed(), 10, got::add));
    assertThat(tail.session()).isNotBlank();
    poll("first 10", () -> got.size() == 10);
    tail.ack(9).grant(30);
    poll("next 30", () -> got.size() == 40);
    await(tail.checkpoint(19));
    assertThat(wal.position("t", "billing")).isEqualTo(20L);
    await(tail.close());
    assertThat(got).extracting(Entry::offset).isSorted().doesNotHaveDuplicates();
    assertThat(got.get(39).dataAsString()).isEqualTo("e39");
    ReplyException ended = awaitFailure(tail.checkpoint(30));
    assertThat(ended.failureCode()).isEqualTo(FailureCodes.UNKNOWN_SESSION);

    List<Entry> again = new CopyOnWriteArrayList<>();
    BusTail t2 = await(c.tail("t", "billing", StartPosition.checkpointed(), 1000, again::add));
    poll("rest from the checkpoint", () -> again.size() == 30);
    assertThat(again.get(0).offset()).isEqualTo(20L);
    wal.appendForTopic("t", "live".getBytes());
    poll("live entry", () -> again.size() == 31);
    assertThat(again.get(30).dataAsString()).isEqualTo("live");
    await(t2.close());
  }

  @Test
  void aTailWithAnOutOfRangeStartIsRefused(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    wal.appendForTopic("t", "a".getBytes());
    WalrusBusClient c = WalrusBusClient.create(vertx);
    ReplyException refused = awaitFailure(c.tail("t", "x", StartPosition.offset(5), 1, e -> {}));
    assertThat(refused.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(refused.getMessage()).contains("5").contains("[0, 1]");
    assertThat(b.activeTails()).isZero();
  }

  /**
   * A stand-in binding on {@code fake.tail} that opens sessions whose control address
   * either has no handler ({@code answer == false}: a dead owner, NO_HANDLERS) or never
   * replies (a hung owner, TIMEOUT).
   */
  private static void fakeBinding(Vertx vertx, boolean answer) throws Exception {
    String control = "fake.control." + System.nanoTime();
    if (answer) {
      await(
          vertx
              .eventBus()
              .consumer(
                  control,
                  m -> {
                    /* never replies */
                  })
              .completion());
    }
    await(
        vertx
            .eventBus()
            .<io.vertx.core.json.JsonObject>consumer(
                "fake.tail",
                m ->
                    m.reply(
                        new io.vertx.core.json.JsonObject()
                            .put("session", "s1")
                            .put("control", control)
                            .put("leaseMs", 300)))
            .completion());
  }

  @Test
  void aTailWhoseBindingVanishedEndsAsLost(Vertx vertx) throws Exception {
    fakeBinding(vertx, false);
    WalrusBusClient c = WalrusBusClient.create(vertx, "fake", Duration.ofSeconds(5));
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<String> ends = new CopyOnWriteArrayList<>();
    BusTail t = await(c.tail("t", "x", StartPosition.checkpointed(), 1, e -> {}));
    t.exceptionHandler(errors::add).endHandler(ends::add);
    poll("end", () -> ends.size() == 1);
    assertThat(ends).containsExactly("lost");
    assertThat(errors)
        .singleElement()
        .isInstanceOfSatisfying(
            ReplyException.class,
            r -> assertThat(r.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(awaitFailure(t.status()).failureCode()).isEqualTo(FailureCodes.UNKNOWN_SESSION);
  }

  @Test
  void aTailWhoseBindingStoppedAnsweringEndsAsLost(Vertx vertx) throws Exception {
    fakeBinding(vertx, true);
    WalrusBusClient c = WalrusBusClient.create(vertx, "fake", Duration.ofSeconds(5));
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<String> ends = new CopyOnWriteArrayList<>();
    BusTail t = await(c.tail("t", "x", StartPosition.checkpointed(), 1, e -> {}));
    t.endHandler(ends::add);
    poll("end", () -> ends.size() == 1);
    t.exceptionHandler(errors::add); // set after the end: still called, once
    poll("failure", () -> errors.size() == 1);
    assertThat(ends).containsExactly("lost");
    assertThat(errors)
        .singleElement()
        .isInstanceOfSatisfying(
            ReplyException.class, r -> assertThat(r.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
  }
}
