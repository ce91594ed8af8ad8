package dev.walrus.vertx.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.testkit.WalrusFixture;
import dev.walrus.testkit.Poll;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusEventBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Black-box audit fixture: a small engine in a temp dir (from {@link WalrusFixture}), a
 * Vert.x instance from vertx-junit5, and a record of every exception thrown on a Vert.x
 * thread (a BlockHound error lands there), which fails the test.
 */
@ExtendWith(VertxExtension.class)
public abstract class AuditFixture extends WalrusFixture {
  static final long TIMEOUT_S = 15;
  static final DeliveryOptions FAST = new DeliveryOptions().setSendTimeout(10_000);

  final Queue<Throwable> vertxErrors = new ConcurrentLinkedQueue<>();

  WalrusBinding bind(Vertx vertx, BindOptions options) throws Exception {
    vertx.exceptionHandler(vertxErrors::add);
    if (wal == null) {
      open();
    }
    return await(WalrusEventBus.bind(vertx, rw, options));
  }

  @AfterEach
  void checkVertxErrors() {
    closeAll();
    vertxErrors.forEach(Throwable::printStackTrace);
    assertThat(vertxErrors).as("exceptions on Vert.x threads").isEmpty();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** Awaits a future that must fail with a ReplyException; returns it. */
  static ReplyException awaitFailure(Future<?> f) throws Exception {
    try {
      Object v = await(f);
      throw new AssertionError("expected a failure, got success: " + v);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return (ReplyException) e.getCause();
    }
  }

  static void poll(String what, BooleanSupplier condition) {
    Poll.until(what, Duration.ofSeconds(TIMEOUT_S), condition);
  }

  static DeliveryOptions topic(String t) {
    return new DeliveryOptions(FAST).addHeader(dev.walrus.vertx.WalrusHeaders.TOPIC, t);
  }
}
