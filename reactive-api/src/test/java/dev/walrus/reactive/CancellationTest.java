package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Backend;
import dev.walrus.Entry;
import dev.walrus.ReadConsistency;
import dev.walrus.reactive.testkit.CountingScheduler;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

/**
 * SPEC §4.8, §5: cancelling a Mono of {@link ReactiveWalrus} at any instant (a
 * {@code timeout}, a {@code dispose()}) never interrupts the engine call, so the instance
 * stays healthy; a cancelled consuming read moves the cursor only if the entry reached
 * the subscriber; a cancelled checkpoint persisted or not. Per backend. (The seed's version
 * poisoned the instance within a few cancellations: Reactor interrupted the worker
 * inside the cursor journal's interruptible FileChannel.)
 */
class CancellationTest extends WalrusFixture {
  private static final int ROUNDS = 1500;

  private final CountingScheduler scheduler = new CountingScheduler();

  private void openOn(Backend b) {
    wal = engine().backend(b).consistency(ReadConsistency.strictlyAtOnce()).open();
    rw = ReactiveWalrus.builder(wal).scheduler(scheduler).build();
  }

  private void fill(String topic, int n) {
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(bytes("e" + i));
      if (batch.size() == 1000 || i == n - 1) {
        wal.batchAppendForTopic(topic, batch);
        batch.clear();
      }
    }
  }

  private void assertHealthy() {
    long off = rw.append("health", bytes("ok")).block(TIMEOUT);
    assertThat(rw.readNext("health", "h", false).block(TIMEOUT).offset()).isEqualTo(off);
    assertThat(wal.appendForTopic("health", bytes("ok2"))).isEqualTo(off + 1);
  }

  /** Cancels a Mono after a random short time, or at once, or not at all. */
  private static <T> Mono<T> cancelRandomly(Mono<T> m, Random rnd) {
    switch (rnd.nextInt(3)) {
      case 0:
        return m.timeout(Duration.ofNanos(rnd.nextInt(200_000)), Mono.empty());
      case 1:
        return Mono.<T>create(
            sink -> {
              var d = m.subscribe(sink::success, sink::error, sink::success);
              if (rnd.nextBoolean()) {
                d.dispose();
                sink.success();
              }
            });
      default:
        return m;
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void cancelledConsumingReadsNeverPoisonAndMoveTheCursorOnlyForDeliveredEntries(Backend b) {
    openOn(b);
    fill("t", ROUNDS * 3);
    Random rnd = new Random(7);
    Set<Long> delivered = ConcurrentHashMap.newKeySet();
    AtomicLong duplicates = new AtomicLong();
    for (int i = 0; i < ROUNDS; i++) {
      Mono<List<Long>> read =
          rnd.nextBoolean()
              ? rw.readNext("t", "c", true).map(e -> List.of(e.offset()))
              : rw.batchRead("t", "c", 2 + rnd.nextInt(20), true)
                  .map(es -> es.stream().map(Entry::offset).toList());
      cancelRandomly(
              read.doOnNext(
                  os ->
                      os.forEach(
                          o -> {
                            if (!delivered.add(o)) {
                              duplicates.incrementAndGet();
                            }
                          })),
              rnd)
          .block(TIMEOUT);
    }
    // Let reads whose Monos were cancelled finish (they are never interrupted).
    await("in-flight reads settle", scheduler::idle);
    assertHealthy();
    assertThat(duplicates.get()).isZero();
    long pos = wal.position("t", "c");
    assertThat((long) delivered.size())
        .as("cursor moved for delivered entries only")
        .isEqualTo(pos);
    for (long o = 0; o < pos; o++) {
      assertThat(delivered).contains(o);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void cancelledCheckpointsNeverPoisonAndPersistWhole(Backend b) {
    openOn(b);
    fill("t", ROUNDS);
    Random rnd = new Random(11);
    AtomicLong highestCompleted = new AtomicLong(-1);
    List<ReceivedEntry> got =
        rw.tail("t", TailOptions.forConsumer("m").checkpointMode(CheckpointMode.MANUAL))
            .take(ROUNDS)
            .concatMap(
                r ->
                    cancelRandomly(
                            r.checkpoint()
                                .then(
                                    Mono.fromRunnable(
                                        () ->
                                            highestCompleted.accumulateAndGet(
                                                r.offset(), Math::max))),
                            rnd)
                        .thenReturn(r))
            .collectList()
            .block(TIMEOUT);
    assertThat(got).hasSize(ROUNDS);
    await("in-flight checkpoints settle", scheduler::idle);
    assertHealthy();
    long checkpointed = wal.position("t", "m");
    assertThat(checkpointed).isBetween(highestCompleted.get() + 1, (long) ROUNDS);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void cancelledAppendsNeverPoisonAndAreWrittenAtMostOnce(Backend b) {
    openOn(b);
    Random rnd = new Random(13);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < ROUNDS; i++) {
      String p = "p" + i;
      cancelRandomly(rw.append("t", bytes(p)).doOnNext(o -> acknowledged.add(p)), rnd)
          .block(TIMEOUT);
    }
    assertHealthy();
    await("in-flight appends settle", scheduler::idle);
    Set<String> present = ConcurrentHashMap.newKeySet();
    Entry e;
    while ((e = wal.readNext("t", "v", true).orElse(null)) != null) {
      assertThat(present.add(e.dataAsString())).as("written once: %s", e).isTrue();
    }
    assertThat(present).containsAll(acknowledged);
  }

  @org.junit.jupiter.api.Test
  void callRunsAnyEngineCallLazilyOnTheSchedulerAndACancelNeverInterruptsIt() throws Exception {
    wal = engine().open();
    rw = ReactiveWalrus.create(wal); // boundedElastic: disposing a running task interrupts
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    Mono<Long> count =
        rw.call(
            w -> {
              runs.incrementAndGet();
              return w.stats("t").map(dev.walrus.TopicStats::retainedEntries).orElse(0L);
            });
    assertThat(runs.get()).as("nothing runs before subscription").isZero();
    fill("t", 3);
    assertThat(count.subscribeOn(reactor.core.scheduler.Schedulers.parallel()).block(TIMEOUT))
        .isEqualTo(3L);
    assertThat(rw.call(w -> null).blockOptional(TIMEOUT)).as("null completes empty").isEmpty();

    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Boolean> interruptedInside =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.atomic.AtomicBoolean emitted =
        new java.util.concurrent.atomic.AtomicBoolean();
    var running =
        rw.call(
                w -> {
                  inside.countDown();
                  boolean interrupted = false;
                  while (true) {
                    try {
                      release.await();
                      break;
                    } catch (InterruptedException e) {
                      interrupted = true;
                    }
                  }
                  w.appendForTopic("t", bytes("written by a cancelled call"));
                  interruptedInside.complete(interrupted || Thread.currentThread().isInterrupted());
                  return 1L;
                })
            .subscribe(v -> emitted.set(true));
    assertThat(inside.await(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .isTrue();
    running.dispose();
    release.countDown();
    assertThat(
            interruptedInside.get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .as("the cancelled call was never interrupted")
        .isFalse();
    assertThat(emitted.get()).as("the result of a cancelled call is dropped").isFalse();
    assertThat(wal.stats("t").orElseThrow().retainedEntries()).as("it ran to its end").isEqualTo(4);
    assertHealthy();

    rw.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> rw.call(w -> 1).block(TIMEOUT))
        .isInstanceOf(dev.walrus.WalrusClosedException.class);
  }

  @org.junit.jupiter.api.Test
  void closeWaitsForReadsInFlightAndACancelledQueuedReadConsumesNothing() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      fill("t", 3);
      gate.hold();
      rw.readNext("t", "c", true).subscribe().dispose(); // cancelled while queued
      java.util.concurrent.atomic.AtomicReference<Throwable> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      rw.readNext("t", "c", true).subscribe(e -> {}, failed::set);
      assertThat(rw.close(Duration.ofMillis(50))).as("a read is still queued").isFalse();
      gate.open();
      assertThat(rw.close(TIMEOUT)).as("close waited for the queued read").isTrue();
      // the queued read ran after close began: refused, like any new work
      assertThat(failed.get()).isInstanceOf(dev.walrus.WalrusClosedException.class);
      assertThat(wal.position("t", "c")).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aSubscriberThatInterruptsTheSchedulerThreadDoesNotPoison(Backend b) {
    openOn(b);
    fill("t", 50);
    List<Long> got =
        rw.tail("t", TailOptions.forConsumer("i"))
            .doOnNext(
                r -> Thread.currentThread().interrupt()) // user code leaving a stale interrupt
            .map(ReceivedEntry::offset)
            .take(50)
            .collectList()
            .block(TIMEOUT);
    assertThat(got).hasSize(50);
    for (int i = 0; i < 20; i++) {
      rw.append("t", bytes("x")).doOnNext(o -> Thread.currentThread().interrupt()).block(TIMEOUT);
      rw.readNext("t", "j", true).doOnNext(o -> Thread.currentThread().interrupt()).block(TIMEOUT);
    }
    assertHealthy();
    assertThat(wal.position("t", "j")).isEqualTo(20);
  }
}
