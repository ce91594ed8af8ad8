package dev.walrus.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.testkit.WalrusFixture;
import dev.walrus.testkit.Poll;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.BusMetricsListener;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusBusClient;
import dev.walrus.vertx.WalrusEventBus;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BusMeterBinder} counts a local Vert.x binding's traffic. */
class BusMeterBinderTest extends WalrusFixture {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BusMeterBinder bus = new BusMeterBinder(Tags.of("binding", "test"));
  private Vertx vertx;
  private WalrusBusClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    client = WalrusBusClient.create(vertx);
    bus.bindTo(registry);
    open();
  }

  @AfterEach
  void stop() throws Exception {
    bus.close();
    await(vertx.close());
    closeAll();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private WalrusBinding bind(BindOptions options) throws Exception {
    return await(WalrusEventBus.bind(vertx, rw, options.metrics(bus)));
  }

  private long requests(Operation op, String outcome) {
    var t =
        registry
            .find("walrus.bus.requests")
            .tags("operation", op.suffix(), "outcome", outcome)
            .timer();
    return t == null ? 0 : t.count();
  }

  private static int failureCode(Future<?> f) {
    try {
      await(f);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return ((ReplyException) e.getCause()).failureCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void requestsAreTimedByOperationAndOutcome() throws Exception {
    bind(BindOptions.defaults().exposeTopics("orders"));
    await(client.append("orders", Buffer.buffer("a")));
    await(client.append("orders", Buffer.buffer("b")));
    await(client.appendBatch("orders", List.of(Buffer.buffer("c"), Buffer.buffer("d"))));
    await(client.readNext("orders", "billing", true));
    assertThat(failureCode(client.append("secret", Buffer.buffer("x"))))
        .isEqualTo(FailureCodes.NOT_EXPOSED);

    // a request completes (and is counted) when its reply is sent: poll for the last one
    Poll.until(
        "counted", Duration.ofSeconds(20), () -> requests(Operation.APPEND, "not_exposed") == 1);
    assertThat(requests(Operation.APPEND, "ok")).isEqualTo(2);
    assertThat(requests(Operation.APPEND_BATCH, "ok")).isEqualTo(1);
    assertThat(requests(Operation.READ, "ok")).isEqualTo(1);
    assertThat(registry.get("walrus.bus.requests").tag("outcome", "ok").timers())
        .allSatisfy(t -> assertThat(t.getId().getTag("binding")).isEqualTo("test"));
  }

  @Test
  void refusalsByTheInterceptorAndEngineFailuresAreCountedWithTheirCode() throws Exception {
    bind(
        BindOptions.defaults()
            .interceptor(
                req ->
                    req.topic().equals("locked")
                        ? Future.failedFuture("no")
                        : Future.succeededFuture()));
    assertThat(failureCode(client.append("locked", Buffer.buffer("x"))))
        .isEqualTo(FailureCodes.FORBIDDEN);
    assertThat(failureCode(client.checkpoint("open", "billing", 99)))
        .isEqualTo(FailureCodes.BAD_REQUEST);
    Poll.until(
        "counted",
        Duration.ofSeconds(20),
        () ->
            requests(Operation.APPEND, "forbidden") == 1
                && requests(Operation.CHECKPOINT, "bad_request") == 1);
    assertThat(BusMeterBinder.outcome(418)).isEqualTo("unknown(418)");
    assertThat(BusMeterBinder.outcome(BusMetricsListener.OK)).isEqualTo("ok");
  }

  @Test
  void tailDeliveriesAndCreditsAreCounted() throws Exception {
    bind(BindOptions.defaults());
    for (int i = 0; i < 5; i++) {
      wal.appendForTopic("orders", new byte[] {(byte) i});
    }
    AtomicInteger got = new AtomicInteger();
    BusTail tail =
        await(
            client.tail(
                "orders", "billing", StartPosition.earliest(), 3, e -> got.incrementAndGet()));
    Poll.until("3 delivered", Duration.ofSeconds(20), () -> got.get() == 3);
    assertThat(registry.get("walrus.bus.tail.deliveries").counter().count()).isEqualTo(3);
    assertThat(registry.get("walrus.bus.tail.credits").counter().count()).isGreaterThanOrEqualTo(3);
    assertThat(requests(Operation.TAIL, "ok")).isEqualTo(1);
    await(tail.close());
  }

  @Test
  void aThrowingListenerChangesNoReply() throws Exception {
    BusMetricsListener bad =
        new BusMetricsListener() {
          @Override
          public void onRequest(Operation operation, int outcome, long nanos) {
            throw new IllegalStateException("listener bug");
          }
        };
    await(WalrusEventBus.bind(vertx, rw, BindOptions.defaults().metrics(bad)));
    assertThat(await(client.append("orders", Buffer.buffer("a")))).isEqualTo(0L);
    assertThat(await(client.readNext("orders", "billing", true)).offset()).isEqualTo(0L);
  }

  @Test
  void closeRemovesTheMeters() throws Exception {
    bind(BindOptions.defaults());
    await(client.append("orders", Buffer.buffer("a")));
    Poll.until("counted", Duration.ofSeconds(20), () -> requests(Operation.APPEND, "ok") == 1);
    bus.close();
    assertThat(registry.getMeters()).isEmpty();
    await(client.append("orders", Buffer.buffer("b")));
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void aNullListenerIsRefused() {
    assertThatThrownBy(() -> BindOptions.defaults().metrics(null))
        .isInstanceOf(dev.walrus.InvalidArgumentException.class);
  }
}
