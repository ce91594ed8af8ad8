package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.TopicConfig;
import dev.walrus.reactive.StartPosition;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Entry timestamps on the bus, tails and lookups by time, and the admin address family. */
class TimeAndAdminTest extends BusFixture {
  static final DeliveryOptions FAST = new DeliveryOptions().setSendTimeout(10_000);

  static Buffer buf(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }

  private static DeliveryOptions topic(String t) {
    return new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, t);
  }

  @Test
  void readRepliesAndBatchesCarryTheEntrysTimestamp(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults());
    EventBus bus = vertx.eventBus();
    Instant before = Instant.now();
    await(bus.request("walrus.append", buf("x"), topic("t")));
    Entry stored = wal.readNext("t", "probe", false).orElseThrow();
    assertThat(stored.timestamp()).isAfterOrEqualTo(before.minusMillis(1));
    Message<Buffer> r =
        await(bus.request(b.address("t", Operation.READ), new JsonObject().put("consumer", "c")));
    assertThat(r.headers().get(WalrusHeaders.TIMESTAMP))
        .isEqualTo(Long.toString(stored.timestampMicros()));
    Message<JsonArray> batch =
        await(
            bus.request(
                b.address("t", Operation.READ_BATCH), new JsonObject().put("consumer", "d"), FAST));
    assertThat(batch.body().getJsonObject(0).getLong("timestamp"))
        .isEqualTo(stored.timestampMicros());
    WalrusBusClient c = WalrusBusClient.create(vertx);
    assertThat(await(c.readNext("t", "e", false)).timestampMicros())
        .isEqualTo(stored.timestampMicros());
    assertThat(await(c.batchRead("t", "e", 1 << 20, false)).get(0).timestampMicros())
        .isEqualTo(stored.timestampMicros());
  }

  @Test
  void offsetForTimeAndATailFromATime(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    WalrusBusClient c = WalrusBusClient.create(vertx);
    await(c.append("t", buf("old")));
    Instant last = wal.readNext("t", "probe", false).orElseThrow().timestamp();
    Instant cut = last.plusNanos(1_000);
    while (!Instant.now().isAfter(cut)) {
      Thread.onSpinWait();
    }
    await(c.append("t", buf("new")));
    assertThat(await(c.offsetForTime("t", cut))).isEqualTo(1L);
    assertThat(await(c.offsetForTime("t", Instant.now().plus(Duration.ofDays(1))))).isNull();
    List<Entry> got = new CopyOnWriteArrayList<>();
    BusTail tail = await(c.tail("t", "reader", StartPosition.atTime(cut), 10, got::add));
    poll("the entry after the cut", () -> !got.isEmpty());
    assertThat(got.get(0).dataAsString()).isEqualTo("new");
    assertThat(got.get(0).timestampMicros()).isGreaterThan(0);
    await(tail.close());
  }

  @Test
  void aMalformedTimeIsABadRequestNamingIt(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    ReplyException e =
        awaitFailure(
            vertx
                .eventBus()
                .request(
                    "walrus.offsetForTime", new JsonObject().put("time", "yesterday"), topic("t")));
    assertThat(e.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(e.getMessage()).contains("yesterday");
  }

  @Test
  void theAdminFamilyIsNotRegisteredByDefault(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    await(vertx.eventBus().request("walrus.append", buf("x"), topic("t")));
    ReplyException e = awaitFailure(WalrusBusClient.create(vertx).deleteTopic("t"));
    assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(wal.topics()).contains("t");
  }

  @Test
  void adminDeletesATopicAndManagesItsRetention(Vertx vertx) throws Exception {
    WalrusBinding b = bind(vertx, BindOptions.defaults().admin(true));
    assertThat(b.address("t", Operation.DELETE_TOPIC)).isEqualTo("walrus.t.admin.deleteTopic");
    WalrusBusClient c = WalrusBusClient.create(vertx);
    await(c.append("t", buf("x")));
    TopicConfig day =
        TopicConfig.unlimited().withRetention(Duration.ofDays(1)).withRetentionBytes(1 << 20);
    assertThat(await(c.setTopicConfig("t", day))).isEqualTo(day);
    assertThat(wal.topicConfig("t")).isEqualTo(day);
    assertThat(await(c.topicConfig("t"))).isEqualTo(day);
    assertThat(await(c.clearTopicConfig("t"))).isEqualTo(TopicConfig.unlimited());
    assertThat(await(c.deleteTopic("t"))).isTrue();
    assertThat(wal.topics()).doesNotContain("t");
    assertThat(await(c.deleteTopic("t"))).isFalse();
  }

  @Test
  void theInterceptorDecidesOnAdminRequests(Vertx vertx) throws Exception {
    List<Operation> seen = new CopyOnWriteArrayList<>();
    BusInterceptor onlyData =
        req -> {
          seen.add(req.operation());
          return req.operation().isAdmin()
              ? Future.failedFuture("admin needs the admin role")
              : Future.succeededFuture();
        };
    bind(vertx, BindOptions.defaults().admin(true).interceptor(onlyData));
    WalrusBusClient c = WalrusBusClient.create(vertx);
    await(c.append("t", buf("x")));
    ReplyException e = awaitFailure(c.deleteTopic("t"));
    assertThat(e.failureCode()).isEqualTo(FailureCodes.FORBIDDEN);
    assertThat(e.getMessage()).contains("admin role");
    assertThat(seen).contains(Operation.DELETE_TOPIC);
    assertThat(wal.topics()).contains("t");
    ReplyException bad =
        awaitFailure(
            vertx
                .eventBus()
                .request(
                    "walrus.admin.topicConfig", new JsonObject().put("op", "set"), topic("t")));
    assertThat(bad.failureCode()).isEqualTo(FailureCodes.FORBIDDEN);
  }

  @Test
  void aMalformedRetentionIsABadRequestAndChangesNothing(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults().admin(true));
    ReplyException e =
        awaitFailure(
            vertx
                .eventBus()
                .request(
                    "walrus.admin.topicConfig",
                    new JsonObject().put("op", "set").put("retention", "a day"),
                    topic("t")));
    assertThat(e.failureCode()).isEqualTo(FailureCodes.BAD_REQUEST);
    assertThat(e.getMessage()).contains("a day");
    assertThat(wal.topicConfig("t")).isEqualTo(TopicConfig.unlimited());
  }
}
