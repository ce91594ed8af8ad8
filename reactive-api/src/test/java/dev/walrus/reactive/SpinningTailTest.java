package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.testkit.CountingScheduler;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * A tail with {@link WaitStrategy#spinThenPark} behaves exactly like a parking one under
 * every demand pattern (AUTO: the cursor stands right after the entry being delivered,
 * never further), and a cancel, a close or an interrupt ends the spin and gives the
 * scheduler thread back. The spin time is an hour in most tests, so a tail that did not
 * stop spinning when it should would keep {@link CountingScheduler#idle()} false and fail
 * the test. BlockHound is installed for the whole suite.
 */
class SpinningTailTest extends WalrusFixture {
  private static final WaitStrategy LONG_SPIN = WaitStrategy.spinThenPark(Duration.ofHours(1));

  private final CountingScheduler scheduler = new CountingScheduler();

  private void openSpinning() {
    wal = engine().open();
    rw = ReactiveWalrus.builder(wal).scheduler(scheduler).build();
  }

  private TailOptions spinning(String consumer) {
    return TailOptions.forConsumer(consumer).waitStrategy(LONG_SPIN);
  }

  private void append(int from, int to) {
    for (int i = from; i < to; i++) {
      wal.appendForTopic("t", bytes("e" + i));
    }
  }

  /** @return the offsets {@code from} (inclusive) to {@code to} (exclusive) */
  private static List<Long> offsets(int from, int to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  /** Appends {@code n} live entries from another thread, one at a time. */
  private Thread appendLive(int from, int to) {
    Thread t = new Thread(() -> append(from, to), "live-appender");
    t.start();
    return t;
  }

  /**
   * Runs a spinning tail through {@code demand} while entries are appended live, checks
   * the cursor at every delivery, then that the scheduler thread is given back.
   */
  private void check(String consumer, Function<Flux<ReceivedEntry>, Flux<?>> demand, int n)
      throws InterruptedException {
    openSpinning();
    append(0, n / 2); // history, then live entries while the tail spins
    ConcurrentLinkedQueue<String> ahead = new ConcurrentLinkedQueue<>();
    List<Long> seen = new CopyOnWriteArrayList<>();
    Flux<ReceivedEntry> tail =
        rw.tail("t", spinning(consumer))
            .doOnNext(
                r -> {
                  long p = wal.position("t", consumer);
                  if (p != r.offset() + 1) {
                    ahead.add("at delivery of " + r.offset() + " the cursor was at " + p);
                  }
                  seen.add(r.offset());
                });
    Thread live = appendLive(n / 2, n);
    demand.apply(tail).blockLast(TIMEOUT);
    live.join(TIMEOUT.toMillis());
    assertThat(ahead).as("cursor ahead of delivery").isEmpty();
    assertThat(seen).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(seen.get(i)).isEqualTo((long) i);
    }
    await("the spinning tail gave its thread back", scheduler::idle);
    assertThat(wal.position("t", consumer)).isEqualTo(n);
  }

  @Test
  void unboundedDemand() throws Exception {
    check("unb", f -> f.take(2000), 2000);
  }

  @Test
  void requestOneAtATime() throws Exception {
    check("one", f -> f.limitRate(1).take(400), 400);
  }

  @Test
  void limitRate() throws Exception {
    check("lr", f -> f.limitRate(64).take(3000), 3000);
  }

  @Test
  void requestsFromAnotherThread() throws Exception {
    check(
        "async",
        f -> f.publishOn(Schedulers.boundedElastic(), 4).concatMap(r -> Mono.just(r)).take(500),
        500);
  }

  @Test
  void concatMapWithAsyncWork() throws Exception {
    check(
        "cm", f -> f.take(300).concatMap(r -> Mono.just(r).publishOn(Schedulers.parallel())), 300);
  }

  @Test
  void burstsOfRandomSize() throws Exception {
    openSpinning();
    int n = 3000;
    Thread live = appendLive(0, n);
    ConcurrentLinkedQueue<String> ahead = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(1);
    Random rnd = new Random(7);
    rw.tail("t", spinning("burst"))
        .subscribe(
            new BaseSubscriber<>() {
              long outstanding;
              long count;

              @Override
              protected void hookOnSubscribe(Subscription s) {
                outstanding = 1 + rnd.nextInt(100);
                s.request(outstanding);
              }

              @Override
              protected void hookOnNext(ReceivedEntry r) {
                long p = wal.position("t", "burst");
                if (p != r.offset() + 1 || r.offset() != count) {
                  ahead.add("delivery " + count + " was " + r.offset() + ", cursor " + p);
                }
                if (++count == n) {
                  cancel();
                  done.countDown();
                  return;
                }
                if (--outstanding == 0) {
                  outstanding = 1 + rnd.nextInt(100);
                  request(outstanding);
                }
              }
            });
    assertThat(done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    live.join(TIMEOUT.toMillis());
    assertThat(ahead).isEmpty();
    await("the spinning tail gave its thread back", scheduler::idle);
  }

  @Test
  void withoutDemandItReadsNothingAndARequestWakesIt() throws Exception {
    openSpinning();
    append(0, 5);
    List<Long> seen = new CopyOnWriteArrayList<>();
    CountDownLatch two = new CountDownLatch(2);
    CountDownLatch three = new CountDownLatch(3);
    BaseSubscriber<ReceivedEntry> s =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription sub) {
            sub.request(2);
          }

          @Override
          protected void hookOnNext(ReceivedEntry r) {
            seen.add(r.offset());
            assertThat(wal.position("t", "nodemand")).isEqualTo(r.offset() + 1);
            two.countDown();
            three.countDown();
          }
        };
    rw.tail("t", spinning("nodemand")).subscribe(s);
    assertThat(two.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    append(5, 10); // appended while the tail spins without demand: not read
    assertThat(wal.position("t", "nodemand")).isEqualTo(2);
    s.request(1); // from this thread, while the tail spins
    assertThat(three.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(seen).containsExactly(0L, 1L, 2L);
    s.dispose();
    await("the spinning tail gave its thread back", scheduler::idle);
    assertThat(wal.position("t", "nodemand")).isEqualTo(3);
  }

  /** Subscribes a spinning tail that records what it receives, requesting {@code demand}. */
  private BaseSubscriber<ReceivedEntry> recorder(
      String consumer, long demand, List<Long> seen, CountDownLatch received) {
    BaseSubscriber<ReceivedEntry> s =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription sub) {
            sub.request(demand);
          }

          @Override
          protected void hookOnNext(ReceivedEntry r) {
            seen.add(r.offset());
            received.countDown();
          }
        };
    rw.tail("t", spinning(consumer)).subscribe(s);
    return s;
  }

  @Test
  void cancelFromAnotherThreadWhileSpinningReleasesEverything() throws Exception {
    openSpinning();
    append(0, 3);
    List<Long> seen = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    BaseSubscriber<ReceivedEntry> s = recorder("c", 10, seen, three);
    assertThat(three.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    // demand is left and there is nothing to read: the tail spins on its scheduler thread
    assertThat(scheduler.idle()).as("spinning, the tail keeps its thread").isFalse();
    s.cancel();
    await("the cancelled tail gave its thread back", scheduler::idle);
    assertThat(seen).containsExactly(0L, 1L, 2L);
    assertThat(wal.position("t", "c")).isEqualTo(3);
    append(3, 4); // nothing listens any more
    assertThat(scheduler.idle()).isTrue();
    // the group was left: a tail of another mode may join the name and reads on from 3
    StepVerifier.create(
            rw.tail("t", spinning("c").checkpointMode(CheckpointMode.MANUAL))
                .map(ReceivedEntry::offset)
                .take(1))
        .expectNext(3L)
        .verifyComplete();
    await("the taken tail gave its thread back", scheduler::idle);
  }

  @Test
  void cancelInsideOnNextReleasesEverything() {
    openSpinning();
    append(0, 3);
    StepVerifier.create(rw.tail("t", spinning("c")).map(ReceivedEntry::offset), 10)
        .expectNext(0L, 1L, 2L)
        .then(() -> append(3, 4))
        .expectNext(3L)
        .thenCancel()
        .verify();
    await("the cancelled tail gave its thread back", scheduler::idle);
    assertThat(wal.position("t", "c")).isEqualTo(4);
  }

  @Test
  void takeCancelsTheSpinningTailAndLeavesTheCursorRightAfterTheLastDelivery() {
    openSpinning();
    append(0, 100);
    List<Long> got =
        rw.tail("t", spinning("take"))
            .map(ReceivedEntry::offset)
            .take(10)
            .collectList()
            .block(TIMEOUT);
    assertThat(got).hasSize(10);
    await("the taken tail gave its thread back", scheduler::idle);
    assertThat(wal.position("t", "take")).isEqualTo(10);
  }

  @Test
  void closingTheOwnerCompletesASpinningTail() throws Exception {
    openSpinning();
    append(0, 1);
    CountDownLatch one = new CountDownLatch(1);
    CountDownLatch completed = new CountDownLatch(1);
    rw.tail("t", spinning("close")).subscribe(r -> one.countDown(), e -> {}, completed::countDown);
    assertThat(one.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(scheduler.idle()).as("spinning, the tail keeps its thread").isFalse();
    assertThat(rw.close(TIMEOUT)).isTrue();
    assertThat(completed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    await("the completed tail gave its thread back", scheduler::idle);
  }

  @Test
  void aManualSpinningTailReadsInBatchesAndCheckpoints() {
    openSpinning();
    append(0, 2500);
    Thread live = appendLive(2500, 5000);
    StepVerifier.create(
            rw.tail("t", spinning("m").checkpointMode(CheckpointMode.MANUAL))
                .concatMap(
                    r -> r.offset() % 100 == 99 ? r.checkpoint().thenReturn(r) : Mono.just(r))
                .map(ReceivedEntry::offset)
                .take(5000))
        .expectNextSequence(offsets(0, 5000))
        .verifyComplete();
    assertThat(wal.position("t", "m")).isEqualTo(5000);
    await("the manual tail gave its thread back", scheduler::idle);
    try {
      live.join(TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void competingSpinningTailsLoseNothingWhenOneLeaves() throws Exception {
    openSpinning();
    List<Long> all = new CopyOnWriteArrayList<>();
    Disposable stays = rw.tail("t", spinning("g")).map(ReceivedEntry::offset).subscribe(all::add);
    var leaves =
        rw.tail("t", spinning("g")).map(ReceivedEntry::offset).take(5).collectList().toFuture();
    int n = 0;
    while (!leaves.isDone() && n < 100_000) { // the two compete for these
      wal.appendForTopic("t", bytes("e" + n++));
    }
    for (int i = 0; i < 50; i++) { // after one left, the other gets its leftovers and these
      wal.appendForTopic("t", bytes("e" + n++));
    }
    all.addAll(leaves.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    int total = n;
    await("every entry reached one of the tails", () -> all.size() >= total);
    stays.dispose();
    assertThat(new ArrayList<>(all)).doesNotHaveDuplicates().hasSize(total);
    await("both tails gave their threads back", scheduler::idle);
  }

  @Test
  void aSubscriberThatInterruptsItsThreadStopsTheSpinButMissesNothing() {
    openSpinning();
    StepVerifier.create(
            rw.tail("t", spinning("intr"))
                .map(ReceivedEntry::offset)
                .doOnNext(o -> Thread.currentThread().interrupt())
                .take(20))
        .then(() -> appendLive(0, 20))
        .expectNextSequence(offsets(0, 20))
        .verifyComplete();
    await("the tail gave its thread back", scheduler::idle);
  }

  @Test
  void subscribingRequestingAndCancellingFromParallelThreadsNeverBlocksThem() {
    openSpinning();
    append(0, 100);
    Flux<Long> tail =
        rw.tail("t", spinning("p"))
            .publishOn(Schedulers.parallel(), 8) // request(n) and cancel from parallel threads
            .map(ReceivedEntry::offset)
            .subscribeOn(Schedulers.parallel())
            .take(300);
    Flux<Long> live =
        Flux.range(100, 200)
            .concatMap(i -> rw.append("t", bytes("l" + i)))
            .subscribeOn(Schedulers.parallel());
    StepVerifier.create(Flux.merge(tail, live.thenMany(Flux.<Long>empty())))
        .expectNextSequence(offsets(0, 300))
        .verifyComplete();
    await("the tail gave its thread back", scheduler::idle);
  }

  @Test
  void aShortSpinParksAndTheAppendNotificationStillWakesTheTail() {
    openSpinning();
    StepVerifier.create(
            rw.tail(
                    "t",
                    TailOptions.forConsumer("short")
                        .waitStrategy(WaitStrategy.spinThenPark(Duration.ofNanos(1))))
                .map(ReceivedEntry::offset)
                .take(3))
        .then(() -> await("the tail parked", scheduler::idle))
        .then(() -> append(0, 1))
        .expectNext(0L)
        .then(() -> await("the tail parked again", scheduler::idle))
        .then(() -> append(1, 3))
        .expectNext(1L, 2L)
        .verifyComplete();
  }
}
