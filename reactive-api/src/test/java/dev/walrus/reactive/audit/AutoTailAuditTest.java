package dev.walrus.reactive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * AUTO tails under the demand patterns and cancellations users produce, checked across a
 * reopen: the cursor follows delivery exactly, nothing is skipped or delivered twice
 * (REACTIVE.md "Checkpoint modes: AUTO, under any demand").
 */
class AutoTailAuditTest extends AuditSupport {

  // take(n, false) passes unbounded demand upstream: still exactly n consumed, and a
  // reopened tail resumes at n.
  @Test
  void takeWithUnboundedUpstreamDemandConsumesExactlyNAcrossAReopen() {
    open();
    appendN("t", 0, 3000);
    List<Long> got =
        rw.tail("t", TailOptions.forConsumer("c"))
            .map(ReceivedEntry::offset)
            .take(1234, false)
            .collectList()
            .block(TIMEOUT);
    assertThat(got).hasSize(1234);
    assertThat(got.get(1233)).isEqualTo(1233L);
    reopen();
    assertThat(tailOffsets("t", TailOptions.forConsumer("c"), 3))
        .containsExactly(1234L, 1235L, 1236L);
  }

  // Flux.next() (unbounded request, cancel after one) consumes one entry, no more.
  @Test
  void nextConsumesOnlyTheEntryItReturns() {
    open();
    appendN("t", 0, 100);
    for (int i = 0; i < 20; i++) {
      Entry e = rw.tail("t").next().block(TIMEOUT);
      assertThat(e.offset()).isEqualTo(i);
    }
    assertThat(wal.position("t")).isEqualTo(20);
    reopen();
    assertThat(rw.readNext("t", true).block(TIMEOUT).offset()).isEqualTo(20);
  }

  // Flux.firstWithValue between AUTO tails of two names: each name's cursor stands right
  // after what its tail actually delivered, and nothing is skipped after a reopen.
  @Test
  void aFirstWithValueRaceMovesEachCursorOnlyForWhatItsTailDelivered() {
    open();
    appendN("t", 0, 50);
    for (int round = 0; round < 20; round++) {
      AtomicInteger a = new AtomicInteger();
      AtomicInteger b = new AtomicInteger();
      Flux.firstWithValue(
              rw.tail("t", TailOptions.forConsumer("a")).doOnNext(r -> a.incrementAndGet()).take(2),
              rw.tail("t", TailOptions.forConsumer("b")).doOnNext(r -> b.incrementAndGet()).take(2))
          .blockLast(TIMEOUT);
      int da = a.get();
      int db = b.get();
      // cancelled tails settle asynchronously; the cursor must end up at what was delivered
      long expectA = sumA += da;
      long expectB = sumB += db;
      await("a's cursor follows delivery", () -> wal.position("t", "a") == expectA);
      await("b's cursor follows delivery", () -> wal.position("t", "b") == expectB);
    }
    long pa = wal.position("t", "a");
    long pb = wal.position("t", "b");
    reopen();
    assertThat(firstOffset("t", TailOptions.forConsumer("a"), Duration.ofSeconds(5))).contains(pa);
    assertThat(firstOffset("t", TailOptions.forConsumer("b"), Duration.ofSeconds(5))).contains(pb);
  }

  private long sumA;
  private long sumB;

  // limitRate + request(1) style consumption: every offset once, in order, and the cursor
  // equals the count handed to the first operator after the tail.
  @Test
  void limitRateThenTakeLeavesTheCursorAtWhatLimitRateReceived() {
    open();
    appendN("t", 0, 500);
    AtomicInteger delivered = new AtomicInteger();
    List<Long> got =
        rw.tail("t", TailOptions.forConsumer("c"))
            .doOnNext(r -> delivered.incrementAndGet())
            .limitRate(7)
            .map(ReceivedEntry::offset)
            .take(100)
            .collectList()
            .block(TIMEOUT);
    for (int i = 0; i < 100; i++) {
      assertThat(got.get(i)).isEqualTo((long) i);
    }
    await("cursor at what limitRate received", () -> wal.position("t", "c") == delivered.get());
    long pos = wal.position("t", "c");
    reopen();
    assertThat(firstOffset("t", TailOptions.forConsumer("c"), Duration.ofSeconds(5))).contains(pos);
  }

  // A thread parked in blockFirst() on an empty topic is interrupted: the dead tail must not
  // consume the next entry appended; a new tail gets it.
  @Test
  void anInterruptedBlockFirstOnAnIdleTailConsumesNothingLater() throws Exception {
    open();
    CountDownLatch subscribed = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                rw.tail("t", TailOptions.forConsumer("c"))
                    .doOnSubscribe(s -> subscribed.countDown())
                    .blockFirst();
              } catch (Throwable e) {
                thrown.set(e);
              }
            },
            "audit-blocker");
    t.start();
    assertThat(subscribed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    t.interrupt();
    t.join(TIMEOUT.toMillis());
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get()).isNotNull();
    wal.appendForTopic("t", bytes("after"));
    assertThat(firstOffset("t", TailOptions.forConsumer("c"), Duration.ofSeconds(10))).contains(0L);
  }

  // Interrupting a worker thread in blockLast() of an AUTO tail mid-history: the cursor
  // stands right after the entries the subscriber saw, across a reopen.
  @Test
  void anInterruptedBlockLastMidStreamLeavesTheCursorAtWhatWasDelivered() throws Exception {
    open();
    appendN("t", 0, 20_000);
    ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
    CountDownLatch some = new CountDownLatch(1000);
    Thread t =
        new Thread(
            () -> {
              try {
                rw.tail("t", TailOptions.forConsumer("c"))
                    .doOnNext(
                        r -> {
                          seen.add(r.offset());
                          some.countDown();
                        })
                    .blockLast();
              } catch (Throwable e) {
                // expected: the interrupt
              }
            },
            "audit-blocker");
    t.start();
    assertThat(some.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    t.interrupt();
    t.join(TIMEOUT.toMillis());
    assertThat(t.isAlive()).isFalse();
    await("cursor at what was delivered", () -> wal.position("t", "c") == seen.size());
    reopen();
    long n = seen.size();
    assertThat(firstOffset("t", TailOptions.forConsumer("c"), Duration.ofSeconds(5))).contains(n);
  }

  // An AUTO tail with publishOn, disposed: what publishOn had received counts as delivered
  // (docs), but nothing past it is consumed and nothing is skipped after a reopen.
  @Test
  void publishOnThenDisposeNeverConsumesPastWhatPublishOnReceived() throws Exception {
    open();
    appendN("t", 0, 5000);
    AtomicInteger delivered = new AtomicInteger();
    CountDownLatch some = new CountDownLatch(300);
    var d =
        rw.tail("t", TailOptions.forConsumer("c"))
            .doOnNext(r -> delivered.incrementAndGet())
            .publishOn(Schedulers.parallel(), 64)
            .subscribe(r -> some.countDown());
    assertThat(some.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    d.dispose();
    await("cursor at what publishOn received", () -> wal.position("t", "c") == delivered.get());
    long pos = wal.position("t", "c");
    reopen();
    assertThat(firstOffset("t", TailOptions.forConsumer("c"), Duration.ofSeconds(5))).contains(pos);
  }

  // skippedBefore: an entry consumed through the same cursor by the blocking API is a jump
  // the tail reports (REACTIVE.md "Skips are visible").
  @Test
  void anEntryTakenThroughTheSameCursorByTheBlockingApiIsReportedAsASkip() {
    open();
    appendN("t", 0, 1);
    StepVerifier.create(rw.tail("t", TailOptions.forConsumer("c")), 1)
        .assertNext(r -> assertThat(r.skippedBefore()).isZero())
        .then(
            () -> {
              appendN("t", 1, 3);
              assertThat(wal.readNext("t", "c", true).orElseThrow().offset()).isEqualTo(1);
            })
        .thenRequest(1)
        .assertNext(
            r -> {
              assertThat(r.offset()).isEqualTo(2);
              assertThat(r.skippedBefore()).isEqualTo(1);
            })
        .thenCancel()
        .verify(TIMEOUT);
  }

  // Live tails of a deleted topic stay subscribed and deliver what is appended after the
  // delete, the re-created topic continuing its offsets (ReactiveWalrus#deleteTopic).
  @Test
  void aLiveTailSurvivesDeleteTopicAndDeliversTheRecreatedTopicsEntries() {
    open();
    appendN("t", 0, 3);
    StepVerifier.create(rw.tail("t", TailOptions.forConsumer("c")).map(ReceivedEntry::offset), 10)
        .expectNext(0L, 1L, 2L)
        .then(() -> assertThat(rw.deleteTopic("t").block(TIMEOUT)).isTrue())
        .then(() -> rw.append("t", bytes("again")).block(TIMEOUT))
        .expectNext(3L)
        .thenCancel()
        .verify(TIMEOUT);
  }

  // Results are emitted on the instance's scheduler, not on the subscribing thread.
  @Test
  void tailEntriesAndReadsAreEmittedOnTheInstancesScheduler() {
    open();
    appendN("t", 0, 3);
    String tailThread =
        rw.tail("t")
            .subscribeOn(Schedulers.parallel())
            .map(e -> Thread.currentThread().getName())
            .blockFirst(TIMEOUT);
    String readThread =
        rw.readNext("t", "r", true)
            .subscribeOn(Schedulers.parallel())
            .map(e -> Thread.currentThread().getName())
            .block(TIMEOUT);
    assertThat(tailThread).startsWith("boundedElastic");
    assertThat(readThread).startsWith("boundedElastic");
  }

  // Mono.firstWithValue between two consuming readNext of one named consumer: the cursor
  // moves exactly for the entries emitted by the reads (a loser's entry is put back, or,
  // if it raced with the cancel, emitted to the operator: "counts as delivered"), no entry
  // is emitted twice, and no offset below the cursor was never emitted.
  @Test
  void racingConsumingReadsOfOneCursorMoveItOnlyForEmittedEntries() {
    open();
    appendN("t", 0, 400);
    ConcurrentLinkedQueue<Long> emitted = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> won = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 150; i++) {
      Mono.firstWithValue(
              rw.readNext("t", "c", true).doOnNext(e -> emitted.add(e.offset())),
              rw.readNext("t", "c", true).doOnNext(e -> emitted.add(e.offset())))
          .doOnNext(e -> won.add(e.offset()))
          .block(TIMEOUT);
    }
    assertThat(won).doesNotHaveDuplicates().hasSize(150);
    await("cursor settles at what was emitted", () -> wal.position("t", "c") == emitted.size());
    assertThat(emitted).doesNotHaveDuplicates();
    long pos = wal.position("t", "c");
    assertThat(emitted)
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.LongStream.range(0, pos).boxed().toList());
    reopen();
    assertThat(rw.readNext("t", "c", true).block(TIMEOUT).offset()).isEqualTo(pos);
  }
}
