package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class TailTest extends WalrusFixture {

  private void appendN(String topic, int from, int to) {
    for (int i = from; i < to; i++) {
      wal.appendForTopic(topic, bytes("e" + i));
    }
  }

  private static TailOptions manual(String name) {
    return TailOptions.forConsumer(name).checkpointMode(CheckpointMode.MANUAL);
  }

  @Test
  void deliversHistoryFirstThenLiveEntriesWokenByTheWriter() {
    open();
    appendN("t", 0, 3);
    StepVerifier.create(rw.tail("t").map(Entry::dataAsString))
        .expectNext("e0", "e1", "e2")
        .then(() -> wal.appendForTopic("t", bytes("live-engine")))
        .expectNext("live-engine")
        .then(() -> rw.append("t", bytes("live-reactive")).subscribe())
        .expectNext("live-reactive")
        .then(() -> wal.batchAppendForTopic("t", List.of(bytes("b1"), bytes("b2"))))
        .expectNext("b1", "b2")
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void aTopicThatDoesNotExistYetIsTailedFromItsFirstEntry() {
    open();
    StepVerifier.create(rw.tail("new", TailOptions.forConsumer("c")).map(ReceivedEntry::offset))
        .expectSubscription()
        .then(() -> appendN("new", 0, 2))
        .expectNext(0L, 1L)
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void honoursRequestExactlyAndNeverReadsAhead() {
    open();
    appendN("t", 0, 10);
    StepVerifier.create(rw.tail("t", TailOptions.forConsumer("c")).map(ReceivedEntry::offset), 0)
        .expectSubscription()
        .then(() -> assertThat(wal.position("t", "c")).isZero())
        .thenRequest(2)
        .expectNext(0L, 1L)
        .then(() -> assertThat(wal.position("t", "c")).isEqualTo(2))
        .then(() -> appendN("t", 10, 1000))
        .then(() -> assertThat(wal.position("t", "c")).isEqualTo(2))
        .thenRequest(3)
        .expectNext(2L, 3L, 4L)
        .then(() -> assertThat(wal.position("t", "c")).isEqualTo(5))
        .thenCancel()
        .verify(TIMEOUT);
    rw.close();
    assertThat(wal.position("t", "c")).isEqualTo(5);
  }

  @Test
  void largeDemandReadsInBatchesWithoutOvershooting() {
    open();
    appendN("t", 0, 5000);
    StepVerifier.create(rw.tail("t", TailOptions.forConsumer("c")).map(ReceivedEntry::offset), 0)
        .thenRequest(2500)
        .expectNextCount(2500)
        .then(() -> assertThat(wal.position("t", "c")).isEqualTo(2500))
        .thenRequest(Long.MAX_VALUE)
        .expectNextCount(2500)
        .then(() -> appendN("t", 5000, 5003))
        .expectNext(5000L, 5001L, 5002L)
        .thenCancel()
        .verify(TIMEOUT);
    rw.close();
    assertThat(wal.position("t", "c")).isEqualTo(5003);
  }

  @Test
  void cancellingMidBatchPutsUndeliveredEntriesBack() {
    open();
    appendN("t", 0, 3000);
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c")).map(ReceivedEntry::offset).take(10),
            Long.MAX_VALUE)
        .expectNextCount(10)
        .verifyComplete();
    rw.close();
    assertThat(wal.position("t", "c")).isEqualTo(10);
  }

  @Test
  void differentConsumerNamesEachSeeEveryEntry() {
    open();
    appendN("t", 0, 50);
    Flux<Long> x = rw.tail("t", TailOptions.forConsumer("x")).map(ReceivedEntry::offset).take(50);
    Flux<Long> y = rw.tail("t", TailOptions.forConsumer("y")).map(ReceivedEntry::offset).take(50);
    StepVerifier.create(Flux.merge(x, y).collectList())
        .assertNext(
            l -> {
              assertThat(l).hasSize(100);
              assertThat(new HashSet<>(l)).hasSize(50);
            })
        .verifyComplete();
  }

  @Test
  void tailsWithTheSameNameCompeteForEntries() {
    open();
    ConcurrentLinkedQueue<Long> a = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> b = new ConcurrentLinkedQueue<>();
    Disposable da =
        rw.tail("t", TailOptions.forConsumer("g")).map(ReceivedEntry::offset).subscribe(a::add);
    Disposable db =
        rw.tail("t", TailOptions.forConsumer("g")).map(ReceivedEntry::offset).subscribe(b::add);
    for (int i = 0; i < 20; i++) {
      StepVerifier.create(rw.appendAll("t", Flux.range(0, 10).map(k -> bytes("x"))))
          .expectNextCount(10)
          .verifyComplete();
    }
    await("200 entries delivered", () -> a.size() + b.size() >= 200);
    da.dispose();
    db.dispose();
    Set<Long> all = new HashSet<>(a);
    all.addAll(b);
    assertThat(a.size() + b.size()).isEqualTo(200);
    assertThat(all).hasSize(200);
  }

  @Test
  void startPositions() {
    open();
    appendN("t", 0, 10);
    wal.checkpoint("t", "c", 4);
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c")).map(ReceivedEntry::offset).take(1))
        .expectNext(4L)
        .verifyComplete();
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.earliest()))
                .map(ReceivedEntry::offset)
                .take(1))
        .expectNext(0L)
        .verifyComplete();
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.offset(7)))
                .map(ReceivedEntry::offset)
                .take(1))
        .expectNext(7L)
        .verifyComplete();
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("d").startAt(StartPosition.latest()))
                .map(ReceivedEntry::offset)
                .take(1))
        .expectSubscription()
        .then(() -> await("d positioned at the end", () -> wal.position("t", "d") == 10))
        .then(() -> appendN("t", 10, 11))
        .expectNext(10L)
        .verifyComplete();
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.offset(12))))
        .verifyError(InvalidArgumentException.class);
  }

  @Test
  void nothingHappensBeforeSubscription() {
    open();
    appendN("t", 0, 5);
    Flux<ReceivedEntry> notSubscribed =
        rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.latest()));
    assertThat(notSubscribed).isNotNull();
    assertThat(wal.stats("t").orElseThrow().unread()).doesNotContainKey("c");
    assertThat(wal.position("t", "c")).isZero();
  }

  @Test
  void manualAcknowledgeAndCheckpoint() {
    open();
    appendN("t", 0, 10);
    AtomicReference<ReceivedEntry> third = new AtomicReference<>();
    StepVerifier.create(rw.tail("t", manual("m")), 5)
        .consumeNextWith(ReceivedEntry::acknowledge)
        .consumeNextWith(ReceivedEntry::acknowledge)
        .consumeNextWith(third::set)
        .then(() -> assertThat(wal.position("t", "m")).as("acknowledge does not persist").isZero())
        .then(() -> StepVerifier.create(third.get().checkpoint()).verifyComplete())
        .then(() -> assertThat(wal.position("t", "m")).isEqualTo(3))
        .expectNextCount(2)
        .then(
            () ->
                assertThat(wal.position("t", "m")).as("delivery alone moves nothing").isEqualTo(3))
        .thenCancel()
        .verify(TIMEOUT);
    rw.close();
    assertThat(wal.position("t", "m")).isEqualTo(3);
  }

  @Test
  void cancellingAManualTailCheckpointsAcknowledgedProgress() {
    open();
    appendN("t", 0, 10);
    StepVerifier.create(rw.tail("t", manual("m")).doOnNext(ReceivedEntry::acknowledge), 6)
        .expectNextCount(6)
        .thenCancel()
        .verify(TIMEOUT);
    await("acknowledged progress checkpointed on cancel", () -> wal.position("t", "m") == 6);
    await(
        "reader cursor released",
        () -> !wal.stats("t").orElseThrow().unread().containsKey("m#tail-reader"));
  }

  @Test
  void closingCompletesTailsAndCheckpointsAcknowledgedProgress() {
    open();
    appendN("t", 0, 10);
    StepVerifier.create(rw.tail("t", manual("m")).doOnNext(ReceivedEntry::acknowledge), 3)
        .expectNextCount(3)
        .then(rw::close)
        .verifyComplete();
    assertThat(wal.position("t", "m")).isEqualTo(3);
  }

  @Test
  void acknowledgementIsCumulativeAndCheckpointsNeverGoBackwards() {
    open();
    appendN("t", 0, 10);
    List<ReceivedEntry> got = new ArrayList<>();
    StepVerifier.create(rw.tail("t", manual("m")), 5)
        .recordWith(() -> got)
        .expectNextCount(5)
        .then(() -> StepVerifier.create(got.get(3).checkpoint()).verifyComplete())
        .then(() -> assertThat(wal.position("t", "m")).isEqualTo(4))
        .then(() -> StepVerifier.create(got.get(1).checkpoint()).verifyComplete())
        .then(() -> assertThat(wal.position("t", "m")).isEqualTo(4))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void manualNeedsAConsumerNameAndModesCannotBeMixed() throws InterruptedException {
    open();
    StepVerifier.create(rw.tail("t", TailOptions.defaults().checkpointMode(CheckpointMode.MANUAL)))
        .verifyError(InvalidArgumentException.class);
    appendN("t", 0, 1);
    CountDownLatch joined = new CountDownLatch(1);
    // A tail joins its consumer group when it starts on its scheduler, after subscribe()
    // returns: wait for its first entry, so the AUTO tail is surely there before the
    // MANUAL one comes (else the MANUAL tail may join first and the AUTO one be refused).
    Disposable auto = rw.tail("t", TailOptions.forConsumer("c")).subscribe(e -> joined.countDown());
    try {
      assertThat(joined.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      StepVerifier.create(rw.tail("t", manual("c"))).verifyError(InvalidArgumentException.class);
    } finally {
      auto.dispose();
    }
  }

  @Test
  void autoModeAcknowledgeAndCheckpointDoNothing() {
    open();
    appendN("t", 0, 1);
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c"))
                .take(1)
                .flatMap(
                    r -> {
                      r.acknowledge();
                      return r.checkpoint().thenReturn(r.offset());
                    }))
        .expectNext(0L)
        .verifyComplete();
  }

  @Test
  void badArgumentsArriveAsOnError() {
    open();
    StepVerifier.create(rw.tail("")).verifyError(InvalidTopicException.class);
    StepVerifier.create(rw.tail("t", null)).verifyError(InvalidArgumentException.class);
  }

  @Test
  void anEngineFailureArrivesAsOnError() {
    open();
    appendN("t", 0, 2);
    StepVerifier.create(rw.tail("t"), 1)
        .expectNextCount(1)
        .then(wal::close)
        .thenRequest(1)
        .verifyError(WalrusClosedException.class);
  }

  @Test
  void subscribingAfterCloseFails() {
    open();
    rw.close();
    StepVerifier.create(rw.tail("t")).verifyError(WalrusClosedException.class);
  }
}
