package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.util.context.Context;

class AppendAllTest extends WalrusFixture {

  private static Flux<byte[]> payloads(int n) {
    return Flux.range(0, n).map(i -> bytes("e" + i));
  }

  @Test
  void keepsOrderAndEmitsOneOffsetPerPayload() {
    open();
    StepVerifier.create(rw.appendAll("t", payloads(5000)).collectList())
        .assertNext(
            offsets -> {
              assertThat(offsets).hasSize(5000);
              for (int i = 0; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).isEqualTo((long) i);
              }
            })
        .verifyComplete();
    List<Entry> read = new ArrayList<>();
    List<Entry> batch;
    while (!(batch = wal.batchReadForTopic("t", 1 << 20, true)).isEmpty()) {
      read.addAll(batch);
    }
    assertThat(read).hasSize(5000);
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).dataAsString()).isEqualTo("e" + i);
    }
  }

  @Test
  void emptySourceCompletesAtOnce() {
    open();
    StepVerifier.create(rw.appendAll("t", Flux.empty())).verifyComplete();
  }

  @Test
  void requestsFromTheSourceNoMoreThanTheSubscriberAsked() {
    open();
    AtomicLong asked = new AtomicLong();
    Flux<byte[]> source = payloads(1000).doOnRequest(n -> asked.addAndGet(n));
    StepVerifier.create(rw.appendAll("t", source), 0)
        .expectSubscription()
        .then(() -> assertThat(asked.get()).isZero())
        .thenRequest(3)
        .expectNext(0L, 1L, 2L)
        .then(() -> assertThat(asked.get()).isEqualTo(3))
        .thenRequest(2)
        .expectNext(3L, 4L)
        .then(() -> assertThat(asked.get()).isEqualTo(5))
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(wal.stats("t").orElseThrow().nextOffset()).isEqualTo(5);
  }

  @Test
  void aFastSourceNeverRunsMoreThanAWindowAhead() {
    wal = engine().open();
    rw = ReactiveWalrus.builder(wal).appendAllWindow(16).build();
    AtomicLong asked = new AtomicLong();
    AtomicLong seen = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    Flux<byte[]> endless =
        Flux.<byte[]>generate(s -> s.next(bytes("x"))).doOnRequest(n -> asked.addAndGet(n));
    StepVerifier.create(
            rw.appendAll("t", endless)
                .doOnNext(
                    o -> {
                      long ahead = asked.get() - seen.incrementAndGet();
                      maxAhead.accumulateAndGet(ahead, Math::max);
                    })
                .take(500))
        .expectNextCount(500)
        .verifyComplete();
    assertThat(maxAhead.get()).isBetween(1L, 16L);
  }

  @Test
  void theSubscribersContextReachesTheSource() {
    open();
    Flux<byte[]> source = Flux.deferContextual(ctx -> Flux.just(bytes(ctx.get("user"))));
    StepVerifier.create(rw.appendAll("t", source).contextWrite(Context.of("user", "alice")))
        .expectNext(0L)
        .verifyComplete();
    assertThat(wal.readNext("t", true)).map(Entry::dataAsString).contains("alice");
  }

  @Test
  void aNullPayloadFailsAndCancelsTheSource() {
    open();
    TestPublisher<byte[]> source =
        TestPublisher.createNoncompliant(TestPublisher.Violation.ALLOW_NULL);
    StepVerifier.create(rw.appendAll("t", source))
        .then(() -> source.next(bytes("a")))
        .expectNext(0L)
        .then(() -> source.next(null))
        .verifyError(InvalidArgumentException.class);
    source.assertCancelled();
  }

  @Test
  void aFailedWriteFailsTheFluxAndLaterPayloadsAreNotWritten() {
    open(engine().maxEntryBytes(10));
    AtomicBoolean cancelled = new AtomicBoolean();
    Flux<byte[]> source =
        Flux.just(bytes("a"), new byte[11])
            .concatWith(Flux.never())
            .doOnCancel(() -> cancelled.set(true));
    StepVerifier.create(rw.appendAll("t", source))
        .expectNext(0L)
        .verifyError(EntryTooLargeException.class);
    assertThat(cancelled).isTrue();
    assertThat(wal.stats("t").orElseThrow().nextOffset()).isEqualTo(1);
  }

  @Test
  void aSourceErrorIsPassedOn() {
    open();
    StepVerifier.create(rw.appendAll("t", Flux.error(new IllegalStateException("boom"))))
        .verifyErrorMessage("boom");
    StepVerifier.create(rw.appendAll("t", null)).verifyError(InvalidArgumentException.class);
  }

  @Test
  void cancellingStopsTheSource() {
    open();
    AtomicBoolean cancelled = new AtomicBoolean();
    Flux<byte[]> endless =
        Flux.<byte[]>generate(s -> s.next(bytes("x"))).doOnCancel(() -> cancelled.set(true));
    StepVerifier.create(rw.appendAll("t", endless).take(100)).expectNextCount(100).verifyComplete();
    assertThat(cancelled).isTrue();
  }

  @Test
  void aSlowTimedSourceIsWrittenEntryByEntryInVirtualTime() {
    open();
    StepVerifier.withVirtualTime(
            () ->
                rw.appendAll(
                    "t", Flux.interval(Duration.ofSeconds(10)).map(i -> bytes("tick" + i)).take(3)))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(9))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext(0L)
        .thenAwait(Duration.ofSeconds(10))
        .expectNext(1L)
        .thenAwait(Duration.ofSeconds(10))
        .expectNext(2L)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void invalidTopicFailsAtSubscription() {
    open();
    StepVerifier.create(rw.appendAll("", payloads(3)))
        .verifyError(dev.walrus.InvalidTopicException.class);
  }
}
