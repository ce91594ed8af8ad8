package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;

/**
 * BlockHound is installed for the whole suite, with Vert.x event-loop threads marked
 * non-blocking and every engine call marked blocking ({@link VertxBlockingCalls}); any
 * blocking call in a handler lands in the Vert.x exception handler, which
 * {@link BusFixture} turns into a failure. These tests drive every operation from an
 * event loop.
 */
class BlockHoundTest extends BusFixture {

  @Test
  void blockHoundFlagsBlockingCallsOnAnEventLoop(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(
        v -> {
          assertThat(VertxBlockingCalls.isEventLoop(Thread.currentThread())).isTrue();
          try {
            Thread.sleep(1);
            tc.failNow("Thread.sleep on an event loop was not flagged");
          } catch (BlockingOperationError expected) {
            tc.completeNow();
          } catch (InterruptedException e) {
            tc.failNow(e);
          }
        });
  }

  @Test
  void anEngineCallOnAnEventLoopIsFlagged(Vertx vertx, VertxTestContext tc) {
    open();
    vertx.runOnContext(
        v -> {
          try {
            wal.appendForTopic("t", new byte[] {1});
            tc.failNow("an engine append on an event loop was not flagged");
          } catch (BlockingOperationError expected) {
            tc.completeNow();
          }
        });
  }

  @Test
  void everyOperationDrivenFromAnEventLoopNeverBlocksIt(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    WalrusBusClient client = WalrusBusClient.create(vertx);
    Context ctx = vertx.getOrCreateContext();
    Promise<List<Long>> done = Promise.promise();
    ctx.runOnContext(
        v -> {
          List<Long> received = new ArrayList<>();
          client
              .append("t", Buffer.buffer("a"))
              .compose(
                  o -> client.appendBatch("t", List.of(Buffer.buffer("b"), Buffer.buffer("c"))))
              .compose(os -> client.readNext("t", "r", true))
              .compose(e -> client.batchRead("t", "r", 1024, false))
              .compose(es -> client.checkpoint("t", "r", 3))
              .compose(
                  x ->
                      client.tail(
                          "t",
                          "c",
                          dev.walrus.reactive.StartPosition.earliest(),
                          3,
                          e -> {
                            received.add(e.offset());
                          }))
              .compose(
                  tail ->
                      poll(vertx, () -> received.size() == 3)
                          .compose(x -> tail.checkpoint(2))
                          .compose(x -> tail.close()))
              .map(x -> received)
              .onComplete(done);
        });
    assertThat(
            done.future()
                .toCompletionStage()
                .toCompletableFuture()
                .get(TIMEOUT_S, TimeUnit.SECONDS))
        .containsExactly(0L, 1L, 2L);
    assertThat(wal.position("t", "c")).isEqualTo(3L);
  }

  /** Non-blocking polling on the event loop with a timer. */
  static Future<Void> poll(Vertx vertx, java.util.function.BooleanSupplier cond) {
    Promise<Void> p = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    vertx.setPeriodic(
        1,
        id -> {
          if (cond.getAsBoolean()) {
            vertx.cancelTimer(id);
            p.tryComplete();
          } else if (System.nanoTime() > deadline) {
            vertx.cancelTimer(id);
            p.tryFail("timed out");
          }
        });
    return p.future();
  }
}
