package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.TopicStats;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * SPEC §5: an AUTO tail never consumes ahead of what its subscriber received, whatever the
 * demand. Each test looks at the consumer's cursor at the moment entry k reaches the
 * subscriber (a {@code doOnNext} right after the tail): it must be exactly k + 1, so a
 * crash then resumes at k + 1 (see {@code TailCrashPropertyTest} for the real crashes).
 */
class AutoTailDemandTest extends WalrusFixture {
  private static final int N = 5000; // more than one engine batch (2,000)

  private void fill() {
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(bytes("e"));
    }
    for (int i = 0; i < N; i += 1000) {
      wal.batchAppendForTopic("t", batch);
    }
  }

  /** Runs the tail through {@code demand} and checks the cursor at every delivery. */
  private void check(
      TailOptions options,
      LongSupplier position,
      Function<Flux<ReceivedEntry>, Flux<?>> demand,
      int expected) {
    ConcurrentLinkedQueue<String> ahead = new ConcurrentLinkedQueue<>();
    List<Long> seen = new ArrayList<>();
    Flux<ReceivedEntry> tail =
        rw.tail("t", options)
            .doOnNext(
                r -> {
                  long p = position.getAsLong();
                  if (p != r.offset() + 1) {
                    ahead.add("at delivery of " + r.offset() + " the cursor was at " + p);
                  }
                  seen.add(r.offset());
                });
    demand.apply(tail).take(Duration.ofSeconds(30)).blockLast(TIMEOUT);
    assertThat(ahead).as("cursor ahead of delivery").isEmpty();
    assertThat(seen).hasSize(expected);
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo((long) i);
    }
  }

  private LongSupplier named(String c) {
    return () -> wal.position("t", c);
  }

  private LongSupplier shared() {
    return () -> {
      TopicStats s = wal.stats("t").orElseThrow();
      return s.nextOffset() - s.unread().get(TopicStats.DEFAULT_CONSUMER);
    };
  }

  @Test
  void unboundedDemandBlockLast() {
    open();
    fill();
    check(TailOptions.forConsumer("unb"), named("unb"), f -> f.take(N), N);
  }

  @Test
  void unboundedDemandOnTheSharedCursor() {
    open();
    fill();
    check(TailOptions.defaults(), shared(), f -> f.take(N), N);
  }

  @Test
  void unboundedSubscribeWithAConsumerLambda() throws Exception {
    open();
    fill();
    CountDownLatch done = new CountDownLatch(N);
    ConcurrentLinkedQueue<String> ahead = new ConcurrentLinkedQueue<>();
    var d =
        rw.tail("t", TailOptions.forConsumer("lambda"))
            .subscribe(
                r -> {
                  long p = wal.position("t", "lambda");
                  if (p != r.offset() + 1) {
                    ahead.add("at delivery of " + r.offset() + " the cursor was at " + p);
                  }
                  done.countDown();
                });
    try {
      assertThat(done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } finally {
      d.dispose();
    }
    assertThat(ahead).isEmpty();
  }

  @Test
  void requestOneAtATime() {
    open();
    fill();
    check(TailOptions.forConsumer("one"), named("one"), f -> f.limitRate(1).take(300), 300);
  }

  @Test
  void burstsOfRandomSize() throws Exception {
    open();
    fill();
    ConcurrentLinkedQueue<String> ahead = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(1);
    java.util.Random rnd = new java.util.Random(42);
    rw.tail("t", TailOptions.forConsumer("burst"))
        .subscribe(
            new BaseSubscriber<>() {
              long outstanding;
              long count;

              @Override
              protected void hookOnSubscribe(Subscription s) {
                outstanding = 1 + rnd.nextInt(3000);
                s.request(outstanding);
              }

              @Override
              protected void hookOnNext(ReceivedEntry r) {
                long p = wal.position("t", "burst");
                if (p != r.offset() + 1) {
                  ahead.add("at delivery of " + r.offset() + " the cursor was at " + p);
                }
                if (++count == N) {
                  cancel();
                  done.countDown();
                  return;
                }
                if (--outstanding == 0) {
                  outstanding = 1 + rnd.nextInt(3000);
                  request(outstanding);
                }
              }
            });
    assertThat(done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(ahead).isEmpty();
  }

  @Test
  void limitRateAndTake() {
    open();
    fill();
    check(TailOptions.forConsumer("lr"), named("lr"), f -> f.limitRate(2500).take(N - 7), N - 7);
  }

  @Test
  void concatMapWithAsyncWork() {
    open();
    fill();
    check(
        TailOptions.forConsumer("cm"),
        named("cm"),
        f -> f.take(600).concatMap(r -> Mono.just(r).publishOn(Schedulers.parallel())),
        600);
  }

  @Test
  void aCancelledUnboundedTailLeavesTheCursorRightAfterTheLastDeliveredEntry() {
    open();
    fill();
    List<Long> seen =
        rw.tail("t", TailOptions.forConsumer("cut"))
            .map(ReceivedEntry::offset)
            .take(2) // take(2) requests 2; unbounded demand here comes from the first operator
            .collectList()
            .block(TIMEOUT);
    assertThat(seen).containsExactly(0L, 1L);
    Long last =
        rw.tail("t", TailOptions.forConsumer("unb2"))
            .map(ReceivedEntry::offset)
            .doOnNext(o -> {})
            .takeUntil(o -> o == 2) // takeUntil passes unbounded demand upstream
            .blockLast(TIMEOUT);
    assertThat(last).isEqualTo(2L);
    assertThat(wal.position("t", "unb2")).isEqualTo(3L);
  }
}
