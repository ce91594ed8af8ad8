package dev.walrus.reactive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * {@code ReactiveWalrus.close()} with work in flight (REACTIVE.md: "completes every live
 * tail (after checkpointing MANUAL progress), waits for queued appends"; Javadoc: "Stops
 * accepting work (new subscriptions fail with WalrusClosedException)").
 */
class CloseAuditTest extends AuditSupport {

  // close() while an unbounded AUTO tail streams history: the tail completes, its cursor
  // stands right after what it delivered, and a reopened tail resumes exactly there.
  @Test
  void closeDuringAnUnboundedAutoTailCompletesItAndLosesNothing() throws Exception {
    open();
    appendN("t", 0, 50_000);
    AtomicInteger delivered = new AtomicInteger();
    CountDownLatch some = new CountDownLatch(2000);
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    rw.tail("t", TailOptions.forConsumer("c"))
        .subscribe(
            r -> {
              delivered.incrementAndGet();
              some.countDown();
            },
            end::complete,
            () -> end.complete(null));
    assertThat(some.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(rw.close(TIMEOUT)).isTrue();
    assertThat(end.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("completed").isNull();
    assertThat(wal.position("t", "c")).isEqualTo(delivered.get());
    long n = delivered.get();
    reopen();
    assertThat(firstOffset("t", TailOptions.forConsumer("c"), Duration.ofSeconds(5))).contains(n);
  }

  // close() with competing MANUAL tails of one name that acknowledged every entry below 20
  // and none above: after a reopen the name resumes exactly at 20 (acknowledged progress
  // checkpointed at close, nothing unacknowledged skipped).
  @Test
  void closeWithCompetingManualTailsCheckpointsAcknowledgedAndRedeliversTheRest() {
    open();
    appendN("t", 0, 40);
    AtomicInteger seen = new AtomicInteger();
    Disposable a = rw.tail("t", manual("m")).limitRate(1).subscribe(r -> handle(r, seen));
    Disposable b = rw.tail("t", manual("m")).limitRate(1).subscribe(r -> handle(r, seen));
    await("all 40 delivered", () -> seen.get() == 40);
    assertThat(rw.close(TIMEOUT)).isTrue();
    a.dispose();
    b.dispose();
    reopen();
    assertThat(wal.position("t", "m")).isEqualTo(20);
    assertThat(tailOffsets("t", manual("m"), 20))
        .containsExactlyElementsOf(java.util.stream.LongStream.range(20, 40).boxed().toList());
  }

  private static void handle(ReceivedEntry r, AtomicInteger seen) {
    if (r.offset() < 20) {
      r.acknowledge();
    }
    seen.incrementAndGet();
  }

  // An appendAll from a live, currently idle source (a sink): close() stops it and finishes;
  // payloads emitted after close are not written (new work is refused after close).
  @Test
  void closeEndsAnIdleStreamingAppendAllAndWritesNothingAfter() throws Exception {
    open();
    Sinks.Many<byte[]> source = Sinks.many().unicast().onBackpressureBuffer();
    ConcurrentLinkedQueue<Long> offsets = new ConcurrentLinkedQueue<>();
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    Disposable d =
        rw.appendAll("t", source.asFlux())
            .subscribe(offsets::add, end::complete, () -> end.complete(null));
    try {
      for (int i = 0; i < 10; i++) {
        source.tryEmitNext(bytes("p" + i));
      }
      await("10 acknowledged", () -> offsets.size() == 10);
      boolean finished = rw.close(Duration.ofSeconds(3));
      source.tryEmitNext(bytes("after-close"));
      boolean terminated;
      try {
        end.get(3, TimeUnit.SECONDS);
        terminated = true;
      } catch (java.util.concurrent.TimeoutException e) {
        terminated = false;
      }
      long written = wal.stats("t").orElseThrow().nextOffset();
      String state =
          "close finished="
              + finished
              + ", appendAll terminated="
              + terminated
              + " ("
              + end.getNow(null)
              + "), entries written="
              + written
              + ", offsets emitted="
              + offsets;
      assertThat(finished).as(state).isTrue();
      assertThat(written).as(state).isEqualTo(10);
      assertThat(terminated).as(state).isTrue();
    } finally {
      d.dispose();
    }
  }

  // After close(), a MANUAL entry's checkpoint() fails with WalrusClosedException or
  // completes, and the position persisted at close is not moved backwards.
  @Test
  void checkpointAfterCloseNeverMovesThePositionBackwards() {
    open();
    appendN("t", 0, 10);
    ReceivedEntry[] got = new ReceivedEntry[5];
    StepVerifier.create(rw.tail("t", manual("m")), 5)
        .consumeNextWith(r -> got[0] = r)
        .consumeNextWith(r -> got[1] = r)
        .consumeNextWith(r -> got[2] = r)
        .consumeNextWith(r -> got[3] = r)
        .consumeNextWith(
            r -> {
              got[4] = r;
              r.acknowledge();
            })
        .then(rw::close)
        .verifyComplete();
    assertThat(wal.position("t", "m")).isEqualTo(5);
    try {
      got[1].checkpoint().block(TIMEOUT);
    } catch (WalrusClosedException expected) {
      // allowed
    }
    assertThat(wal.position("t", "m")).isEqualTo(5);
  }
}
