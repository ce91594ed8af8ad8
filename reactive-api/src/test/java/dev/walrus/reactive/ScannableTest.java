package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.Scannable.Attr;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/** Reactor's tooling (Scannable) can inspect the tail and appendAll operators. */
class ScannableTest extends WalrusFixture {

  /** Requests nothing by itself; records what it receives. */
  static final class Probe<T> extends BaseSubscriber<T> {
    final ConcurrentLinkedQueue<T> received = new ConcurrentLinkedQueue<>();
    volatile boolean completed;
    volatile Throwable error;
    private final long initialRequest;

    Probe(long initialRequest) {
      this.initialRequest = initialRequest;
    }

    Subscription subscription() {
      return upstream();
    }

    @Override
    protected void hookOnSubscribe(Subscription s) {
      if (initialRequest > 0) {
        s.request(initialRequest);
      }
    }

    @Override
    protected void hookOnNext(T value) {
      received.add(value);
    }

    @Override
    protected void hookOnComplete() {
      completed = true;
    }

    @Override
    protected void hookOnError(Throwable t) {
      error = t;
    }
  }

  @Test
  void aTailReportsItsSubscriberDemandCancellationAndTermination() {
    open();
    Flux<ReceivedEntry> tail = rw.tail("t", TailOptions.forConsumer("c"));
    Scannable flux = Scannable.from(tail);
    assertThat(flux.isScanAvailable()).isTrue();
    assertThat(flux.scan(Attr.PARENT)).as("a source").isNull();
    assertThat(flux.scan(Attr.RUN_STYLE)).isEqualTo(Attr.RunStyle.ASYNC);

    Probe<ReceivedEntry> probe = new Probe<>(0);
    tail.subscribe(probe);
    Scannable sub = Scannable.from(probe.subscription());
    assertThat(sub.isScanAvailable()).isTrue();
    assertThat(sub.scanUnsafe(Attr.ACTUAL)).as("the subscriber").isSameAs(probe);
    assertThat(sub.scan(Attr.REQUESTED_FROM_DOWNSTREAM)).isZero();
    assertThat(sub.scan(Attr.CANCELLED)).isFalse();
    assertThat(sub.scan(Attr.TERMINATED)).isFalse();

    probe.request(5); // the topic is empty: the demand stays outstanding
    assertThat(sub.scan(Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(5L);

    wal.appendForTopic("t", bytes("a"));
    await("the entry delivered", () -> probe.received.size() == 1);
    // the demand is decremented right after onNext returns
    await("the demand left", () -> sub.scan(Attr.REQUESTED_FROM_DOWNSTREAM) == 4L);

    probe.cancel();
    assertThat(sub.scan(Attr.CANCELLED)).isTrue();
    await("the tail terminated", () -> sub.scan(Attr.TERMINATED));
  }

  @Test
  void appendAllReportsItsSourceWindowDemandAndTermination() {
    open();
    Flux<byte[]> source = Flux.just(bytes("a"), bytes("b"));
    Flux<Long> offsets = rw.appendAll("t", source);
    Scannable flux = Scannable.from(offsets);
    assertThat(flux.isScanAvailable()).isTrue();
    assertThat(flux.scan(Attr.PARENT)).isSameAs(source);
    assertThat(flux.scan(Attr.PREFETCH)).isEqualTo(4096); // the default window
    assertThat(flux.scan(Attr.RUN_STYLE)).isEqualTo(Attr.RunStyle.ASYNC);

    Probe<Long> probe = new Probe<>(1);
    offsets.subscribe(probe);
    Scannable sub = Scannable.from(probe.subscription());
    assertThat(sub.scanUnsafe(Attr.ACTUAL)).as("the subscriber").isSameAs(probe);
    assertThat(sub.scan(Attr.PARENT).isScanAvailable()).as("the source's subscription").isTrue();
    assertThat(sub.scan(Attr.PREFETCH)).isEqualTo(4096);
    await("the first offset", () -> probe.received.size() == 1);
    await("no demand left", () -> sub.scan(Attr.REQUESTED_FROM_DOWNSTREAM) == 0L);
    assertThat(sub.scan(Attr.TERMINATED)).as("an offset still waits for demand").isFalse();

    probe.request(1);
    await("completion", () -> probe.completed);
    assertThat(probe.received).containsExactly(0L, 1L);
    assertThat(sub.scan(Attr.TERMINATED)).isTrue();
    assertThat(sub.scan(Attr.CANCELLED)).isFalse();
    assertThat(sub.scan(Attr.ERROR)).isNull();
    assertThat(sub.scan(Attr.BUFFERED)).isZero();
  }
}
