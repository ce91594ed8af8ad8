package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.testkit.WalrusFixture;
import dev.walrus.testkit.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A small engine in a temp dir and its reactive view (from {@link WalrusFixture}) and a
 * Vert.x instance (from vertx-junit5); records every exception thrown on a Vert.x thread (a BlockHound error
 * inside a handler lands there) and fails the test if there was one.
 */
@ExtendWith(VertxExtension.class)
public abstract class BusFixture extends WalrusFixture {
  protected static final long TIMEOUT_S = 20;

  protected final Queue<Throwable> vertxErrors = new ConcurrentLinkedQueue<>();

  /** Opens the engine and binds it with {@code options}; waits for the binding. */
  protected WalrusBinding bind(Vertx vertx, BindOptions options) throws Exception {
    vertx.exceptionHandler(vertxErrors::add);
    if (wal == null) {
      open();
    }
    return await(WalrusEventBus.bind(vertx, rw, options));
  }

  @AfterEach
  void closeEngine() {
    closeAll();
    vertxErrors.forEach(Throwable::printStackTrace);
    assertThat(vertxErrors).as("exceptions on Vert.x threads").isEmpty();
  }

  protected static <T> T await(Future<T> f) throws Exception {
    return Futures.await(f, TIMEOUT_S);
  }

  /** Awaits a future that must fail with a ReplyException; returns it. */
  protected static ReplyException awaitFailure(Future<?> f) throws Exception {
    try {
      Futures.await(f, TIMEOUT_S);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return (ReplyException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** Polls until the condition holds; fails after the deadline. */
  protected static void poll(String what, BooleanSupplier condition) {
    Poll.until(what, Duration.ofSeconds(TIMEOUT_S), condition);
  }
}
