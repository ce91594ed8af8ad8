package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicStats;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * SPEC §5: a streaming append whose source fails acknowledges every entry it wrote before
 * the error, in order. Each case is repeated, since the race it guards against (the error
 * overtaking writes in flight) does not show every time.
 */
class AppendAllErrorsTest extends WalrusFixture {
  private static final int ROUNDS = 200;

  private long end(String topic) {
    return wal.stats(topic).map(TopicStats::nextOffset).orElse(0L);
  }

  private List<String> payloads(String topic, long from) {
    List<String> out = new ArrayList<>();
    for (long o = from; o < end(topic); o++) {
      wal.checkpoint(topic, "verify", o);
      out.add(wal.readNext(topic, "verify", false).map(Entry::dataAsString).orElseThrow());
    }
    return out;
  }

  /** Emits every offset, then the error; returns the offsets. */
  private List<Long> run(Flux<Long> f, Class<? extends Throwable> error) {
    List<Long> got = new ArrayList<>();
    AtomicReference<Throwable> err = new AtomicReference<>();
    f.doOnNext(got::add)
        .onErrorResume(
            e -> {
              err.set(e);
              return Mono.empty();
            })
        .blockLast(TIMEOUT);
    assertThat(err.get()).isInstanceOf(error);
    return got;
  }

  @Test
  void aSourceErrorComesAfterTheOffsetsOfEverythingSentBeforeIt() {
    open();
    for (int i = 0; i < ROUNDS; i++) {
      long before = end("t");
      List<Long> offsets =
          run(
              rw.appendAll(
                  "t",
                  Flux.concat(
                      Flux.just(bytes("a" + i), bytes("b" + i)),
                      Flux.error(new IllegalStateException("x")))),
              IllegalStateException.class);
      assertThat(offsets).containsExactly(before, before + 1);
      assertThat(payloads("t", before)).containsExactly("a" + i, "b" + i);
    }
  }

  @Test
  void aSourceErrorFromAnotherThreadStillWaitsForTheWritesInFlight() {
    open();
    for (int i = 0; i < ROUNDS; i++) {
      long before = end("t");
      int n = 1 + i % 50;
      Flux<byte[]> src =
          Flux.range(0, n)
              .map(k -> bytes("p" + k))
              .concatWith(Mono.error(new IllegalStateException("late")))
              .subscribeOn(Schedulers.parallel());
      List<Long> offsets = run(rw.appendAll("t", src), IllegalStateException.class);
      assertThat(offsets).hasSize(n);
      for (int k = 0; k < n; k++) {
        assertThat(offsets.get(k)).isEqualTo(before + k);
      }
      assertThat(end("t")).isEqualTo(before + n);
    }
  }

  @Test
  void aNullPayloadFailsAfterTheOffsetsOfEverythingBeforeIt() {
    open();
    for (int i = 0; i < ROUNDS; i++) {
      long before = end("t");
      // Reactor operators refuse null, so the null comes from a raw Publisher that
      // sends "x<i>", "y<i>", null for the first request.
      String x = "x" + i;
      String y = "y" + i;
      Flux<Long> f =
          rw.appendAll(
              "t",
              s ->
                  s.onSubscribe(
                      new Subscription() {
                        boolean sent;

                        @Override
                        public void request(long n) {
                          if (!sent) {
                            sent = true;
                            s.onNext(bytes(x));
                            s.onNext(bytes(y));
                            s.onNext(null);
                          }
                        }

                        @Override
                        public void cancel() {}
                      }));
      List<Long> offsets = run(f, InvalidArgumentException.class);
      assertThat(offsets).containsExactly(before, before + 1);
      assertThat(payloads("t", before)).containsExactly(x, y);
    }
  }

  @Test
  void anOversizedPayloadMidStreamFailsAfterTheOffsetsOfEverythingBeforeIt() {
    open(engine().maxEntryBytes(1024));
    for (int i = 0; i < ROUNDS; i++) {
      long before = end("t");
      int n = i % 30;
      List<byte[]> src = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        src.add(bytes("ok" + k));
      }
      src.add(new byte[2048]);
      src.add(bytes("never"));
      List<Long> offsets =
          run(rw.appendAll("t", Flux.fromIterable(src)), EntryTooLargeException.class);
      assertThat(offsets).hasSize(n);
      assertThat(end("t")).as("round %d: written", i).isEqualTo(before + n);
      for (int k = 0; k < n; k++) {
        assertThat(offsets.get(k)).isEqualTo(before + k);
      }
    }
  }

  @Test
  void theErrorWaitsForDemandForTheOffsetsBeforeIt() {
    open();
    StepVerifier.create(
            rw.appendAll(
                "t",
                Flux.concat(
                    Flux.just(bytes("a"), bytes("b")), Flux.error(new IllegalStateException("x")))),
            1)
        .expectNext(0L)
        .thenRequest(1)
        .expectNext(1L)
        .verifyError(IllegalStateException.class);
  }
}
