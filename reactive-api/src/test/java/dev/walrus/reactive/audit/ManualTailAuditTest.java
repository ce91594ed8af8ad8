package dev.walrus.reactive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.TailOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * MANUAL tails cancelled in the ways users cancel (take, timeout, races, publishOn with a
 * disposed scheduler, interrupts), then a reopen: acknowledged entries are not delivered
 * again, unacknowledged ones are (REACTIVE.md "Checkpoint modes", "Competing tails").
 */
class ManualTailAuditTest extends AuditSupport {

  // An acknowledge() after take(n) terminated the tail is honoured: the next tail does not get it.
  @Test
  void aLateAcknowledgeAfterTakeIsNotDeliveredAgainToTheNextTail() {
    open();
    appendN("t", 0, 10);
    List<ReceivedEntry> got = rw.tail("t", manual("m")).take(5).collectList().block(TIMEOUT);
    assertThat(got).extracting(ReceivedEntry::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
    got.get(4).acknowledge(); // after the tail terminated (docs: still works)
    assertThat(firstOffset("t", manual("m"), Duration.ofSeconds(5))).contains(5L);
  }

  // Same, across a restart: a late acknowledge is persisted by the time the instance closes.
  @Test
  void aLateAcknowledgeAfterTakeSurvivesAReopen() {
    open();
    appendN("t", 0, 10);
    List<ReceivedEntry> got = rw.tail("t", manual("m")).take(5).collectList().block(TIMEOUT);
    got.get(4).acknowledge();
    reopen();
    assertThat(firstOffset("t", manual("m"), Duration.ofSeconds(5))).contains(5L);
  }

  // A late checkpoint() after take(n) persists at once: position right after it.
  @Test
  void aLateCheckpointAfterTakePersistsThePosition() {
    open();
    appendN("t", 0, 10);
    List<ReceivedEntry> got = rw.tail("t", manual("m")).take(5).collectList().block(TIMEOUT);
    StepVerifier.create(got.get(2).checkpoint()).verifyComplete();
    assertThat(wal.position("t", "m")).isEqualTo(3);
    reopen();
    assertThat(tailOffsets("t", manual("m"), 7)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  // timeout() fires on a MANUAL tail: the acknowledged prefix is kept, the rest comes again.
  @Test
  void aTimedOutTailRedeliversWhatItNeverAcknowledgedAfterAReopen() {
    open();
    appendN("t", 0, 6);
    StepVerifier.create(
            rw.tail("t", manual("m"))
                .doOnNext(
                    r -> {
                      if (r.offset() < 3) {
                        r.acknowledge();
                      }
                    })
                .timeout(Duration.ofMillis(300)))
        .expectNextCount(6)
        .expectError(TimeoutException.class)
        .verify(TIMEOUT);
    reopen();
    assertThat(tailOffsets("t", manual("m"), 3)).containsExactly(3L, 4L, 5L);
  }

  // Mono.firstWithValue between two MANUAL tails of different names: nothing was
  // acknowledged, so after a reopen both names deliver from 0 again.
  @Test
  void aFirstWithValueRaceAcknowledgesNothingForEitherName() {
    open();
    appendN("t", 0, 5);
    ReceivedEntry winner =
        Mono.firstWithValue(rw.tail("t", manual("a")).next(), rw.tail("t", manual("b")).next())
            .block(TIMEOUT);
    assertThat(winner.offset()).isZero();
    reopen();
    assertThat(firstOffset("t", manual("a"), Duration.ofSeconds(5))).contains(0L);
    assertThat(firstOffset("t", manual("b"), Duration.ofSeconds(5))).contains(0L);
  }

  // publishOn onto a user scheduler that is disposed mid-stream: every entry up to the
  // persisted position was processed, and the next tail resumes exactly there.
  @Test
  void disposingAPublishOnSchedulerMidStreamLosesNoUnprocessedEntry() throws Exception {
    open();
    appendN("t", 0, 3000);
    Scheduler user = Schedulers.newBoundedElastic(2, 10_000, "audit-user");
    AtomicLong maxCompleted = new AtomicLong(-1);
    AtomicLong maxStarted = new AtomicLong(-1);
    CountDownLatch enough = new CountDownLatch(200);
    AtomicReference<Throwable> error = new AtomicReference<>();
    Disposable d =
        rw.tail("t", manual("m"))
            .publishOn(user, 32)
            .concatMap(
                r -> {
                  maxStarted.accumulateAndGet(r.offset(), Math::max);
                  return r.checkpoint()
                      .doOnSuccess(
                          v -> {
                            maxCompleted.accumulateAndGet(r.offset(), Math::max);
                            enough.countDown();
                          });
                })
            .subscribe(v -> {}, error::set);
    assertThat(enough.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    user.dispose(); // interrupts the user's threads; Reactor may leave the chain hanging,
    d.dispose(); // so the user also cancels it, as a disconnecting client would
    reopen();
    long pos = wal.position("t", "m");
    assertThat(pos).isBetween(maxCompleted.get() + 1, maxStarted.get() + 1);
    assertThat(firstOffset("t", manual("m"), Duration.ofSeconds(5))).contains(pos);
  }

  // A thread blocked in blockLast() on a MANUAL tail is interrupted: the tail is cancelled
  // and, nothing being acknowledged, every entry is delivered again after a reopen.
  @Test
  void anInterruptedBlockLastOnAManualTailRedeliversEverythingAfterAReopen() throws Exception {
    open();
    appendN("t", 0, 3);
    ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
    CountDownLatch threeSeen = new CountDownLatch(3);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                rw.tail("t", manual("m"))
                    .doOnNext(
                        r -> {
                          seen.add(r.offset());
                          threeSeen.countDown();
                        })
                    .take(5)
                    .blockLast();
              } catch (Throwable e) {
                thrown.set(e);
              }
            },
            "audit-blocker");
    t.start();
    assertThat(threeSeen.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    t.interrupt();
    t.join(TIMEOUT.toMillis());
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get()).isNotNull();
    assertThat(seen).containsExactly(0L, 1L, 2L);
    reopen();
    assertThat(tailOffsets("t", manual("m"), 3)).containsExactly(0L, 1L, 2L);
  }

  // Large demand (batch reads of the hidden reader) cancelled mid-way, then a reopen:
  // the acknowledged prefix is kept and the rest is delivered again, in order, no gap.
  @Test
  void aManualTailCancelledDuringBatchReadsResumesAtItsAcknowledgedPrefixAfterAReopen() {
    open();
    appendN("t", 0, 5000);
    StepVerifier.create(
            rw.tail("t", manual("m"))
                .doOnNext(
                    r -> {
                      if (r.offset() < 1500) {
                        r.acknowledge();
                      }
                    }),
            4500)
        .expectNextCount(2500)
        .thenCancel()
        .verify(TIMEOUT);
    reopen();
    List<Long> again = tailOffsets("t", manual("m"), 3500);
    assertThat(again.get(0)).isEqualTo(1500L);
    for (int i = 0; i < again.size(); i++) {
      assertThat(again.get(i)).isEqualTo(1500L + i);
    }
  }

  // Two 255-byte consumer names differing only in their last character keep separate
  // progress (their hidden reader cursors are shortened and must not collide).
  @Test
  void longConsumerNamesThatShareAPrefixEachSeeEveryEntry() {
    open();
    appendN("t", 0, 20);
    String base = "n".repeat(254);
    TailOptions a = manual(base + "a");
    TailOptions b = manual(base + "b");
    StepVerifier.create(
            Flux.merge(
                    rw.tail("t", a).doOnNext(ReceivedEntry::acknowledge).take(20),
                    rw.tail("t", b).doOnNext(ReceivedEntry::acknowledge).take(20))
                .map(ReceivedEntry::offset)
                .collectList())
        .assertNext(
            l -> {
              assertThat(l).hasSize(40);
              for (long o = 0; o < 20; o++) {
                final long x = o;
                assertThat(l.stream().filter(v -> v == x).count()).as("offset %d", o).isEqualTo(2);
              }
            })
        .verifyComplete();
    reopen();
    appendN("t", 20, 21);
    assertThat(firstOffset("t", a, Duration.ofSeconds(5))).contains(20L);
    assertThat(firstOffset("t", b, Duration.ofSeconds(5))).contains(20L);
  }

  // A tail joining a MANUAL tail of its name at earliest() (the first may still be leaving:
  // a rebalance) gets every entry, those the first held unacknowledged included (docs:
  // "entries held or queued are still delivered"); in the rebalance some may come twice.
  @Test
  void aRebalanceToEarliestStillDeliversWhatTheLiveTailHeld() {
    open();
    appendN("t", 0, 10);
    ConcurrentLinkedQueue<Long> first = new ConcurrentLinkedQueue<>();
    CountDownLatch held = new CountDownLatch(4);
    Disposable live =
        rw.tail("t", manual("m"))
            .limitRate(4)
            .doOnNext(
                r -> {
                  first.add(r.offset());
                  held.countDown();
                })
            .take(4)
            .subscribe();
    try {
      assertThat(awaitLatch(held)).isTrue();
      live.dispose(); // leaves holding 0..3 unacknowledged
      java.util.Set<Long> all = java.util.Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      java.util.Set<Long> seen = new java.util.HashSet<>();
      List<Long> second =
          rw.tail("t", manual("m").startAt(StartPosition.earliest()))
              .map(ReceivedEntry::offset)
              .doOnNext(seen::add)
              .takeUntil(o -> seen.containsAll(all))
              .take(20) // at most each held entry twice
              .collectList()
              .block(TIMEOUT);
      assertThat(second).containsAll(all);
    } finally {
      live.dispose();
    }
  }

  // After close() of the reactive view, a MANUAL tail's unacknowledged entries come again
  // from checkpointed() on the next open; the acknowledged ones do not.
  @Test
  void closeWithALiveManualTailKeepsAcknowledgedAndRedeliversTheRest() {
    open();
    appendN("t", 0, 8);
    StepVerifier.create(
            rw.tail("t", manual("m"))
                .doOnNext(
                    r -> {
                      if (r.offset() < 5) {
                        r.acknowledge();
                      }
                    }),
            8)
        .expectNextCount(8)
        .then(rw::close)
        .verifyComplete();
    reopen();
    assertThat(tailOffsets("t", manual("m"), 3)).containsExactly(5L, 6L, 7L);
  }

  private static boolean awaitLatch(CountDownLatch l) {
    try {
      return l.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
