package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.Entry;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * {@code append(..).block()} and {@code appendBatch(..).block()}: where blocking is
 * allowed they write on the calling thread when the topic's writer is idle, join the
 * writer's queue when it is busy, and otherwise behave as Reactor's {@code block} does
 * (values, errors, timeouts, interrupts, non-blocking threads).
 */
class BlockingAppendTest extends WalrusFixture {
  private final ExecutorService blockers = Executors.newCachedThreadPool();

  @AfterEach
  void stopBlockers() {
    blockers.shutdownNow();
  }

  @Test
  void blockWritesOnTheCallingThreadWhileTheSchedulerIsShut() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold(); // the scheduler cannot run anything: only the caller can write
      assertThat(rw.append("t", bytes("a")).block()).isEqualTo(0L);
      assertThat(rw.appendBatch("t", List.of(bytes("b"), bytes("c"))).block())
          .containsExactly(1L, 2L);
      assertThat(rw.append("t", bytes("d")).block(Duration.ofSeconds(20))).isEqualTo(3L);
      assertThat(wal.batchReadForTopic("t", 1 << 20, true))
          .extracting(Entry::dataAsString)
          .containsExactly("a", "b", "c", "d");
      gate.open();
    }
  }

  @Test
  void blockJoinsTheQueueWhenTheWriterIsBusyElsewhere() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      AtomicReference<Long> first = new AtomicReference<>();
      rw.append("t", bytes("queued")).subscribe(first::set); // its drain task waits at the gate
      AtomicReference<Thread> blocker = new AtomicReference<>();
      CompletableFuture<Long> blocked =
          blockOn(
              () -> {
                blocker.set(Thread.currentThread());
                return rw.append("t", bytes("blocked")).block();
              });
      await("the blocker to wait", () -> isWaiting(blocker.get()));
      gate.open();
      assertThat(blocked.get(20, TimeUnit.SECONDS)).isEqualTo(1L);
      await("the queued append to complete", () -> first.get() != null);
      assertThat(first.get()).isEqualTo(0L);
      assertThat(gate.tasksRun()).as("one drain task wrote both").isEqualTo(1);
    }
  }

  @Test
  void aTimedOutBlockSkipsTheAppendIfTheWriterHadNotTakenIt() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      rw.append("t", bytes("queued")).subscribe();
      assertThatThrownBy(() -> rw.append("t", bytes("timed out")).block(Duration.ofMillis(50)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Timeout");
      gate.open();
      StepVerifier.create(rw.append("t", bytes("after"))).expectNext(1L).verifyComplete();
      assertThat(wal.batchReadForTopic("t", 1 << 20, true))
          .extracting(Entry::dataAsString)
          .containsExactly("queued", "after");
    }
  }

  @Test
  void anInterruptWhileWaitingCancelsTheAppendAndKeepsTheStatus() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      rw.append("t", bytes("queued")).subscribe();
      AtomicReference<Thread> blocker = new AtomicReference<>();
      AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
      CompletableFuture<Long> blocked =
          blockOn(
              () -> {
                blocker.set(Thread.currentThread());
                try {
                  return rw.append("t", bytes("interrupted")).block();
                } finally {
                  stillInterrupted.set(Thread.interrupted());
                }
              });
      await("the blocker to wait", () -> isWaiting(blocker.get()));
      blocker.get().interrupt();
      assertThatThrownBy(() -> blocked.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .satisfies(
              e ->
                  assertThat(Exceptions.unwrap(e.getCause()))
                      .isInstanceOf(InterruptedException.class));
      assertThat(stillInterrupted.get()).isTrue();
      gate.open();
      StepVerifier.create(rw.append("t", bytes("after"))).expectNext(1L).verifyComplete();
      assertThat(wal.batchReadForTopic("t", 1 << 20, true))
          .extracting(Entry::dataAsString)
          .containsExactly("queued", "after");
    }
  }

  @Test
  void aStaleInterruptNeitherStopsTheWriteNorReachesTheEngine() {
    open();
    Thread.currentThread().interrupt();
    try {
      assertThat(rw.append("t", bytes("a")).block()).isEqualTo(0L);
      assertThat(Thread.currentThread().isInterrupted()).as("status restored").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(rw.append("t", bytes("b")).block()).isEqualTo(1L);
    StepVerifier.create(rw.append("t", bytes("c"))).expectNext(2L).verifyComplete();
  }

  @Test
  void blockOnANonBlockingThreadFailsAsReactorsBlockDoesAndWritesNothing() {
    open();
    StepVerifier.create(
            Mono.fromCallable(() -> rw.append("t", bytes("a")).block())
                .subscribeOn(Schedulers.parallel()))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("blocking, which is not supported"))
        .verify();
    assertThat(wal.stats("t")).isEmpty();
  }

  @Test
  void blockThrowsTheEnginesErrors() {
    open(engine().maxEntryBytes(10));
    assertThatThrownBy(() -> rw.append("bad\0topic", bytes("a")).block())
        .isInstanceOf(InvalidTopicException.class);
    assertThatThrownBy(() -> rw.append("t", null).block())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> rw.appendBatch("t", Arrays.asList(bytes("a"), null)).block())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> rw.append("t", new byte[11]).block())
        .isInstanceOf(EntryTooLargeException.class);
    assertThat(rw.append("t", bytes("ok")).block()).as("the topic still works").isEqualTo(0L);
    rw.close();
    assertThatThrownBy(() -> rw.append("t", bytes("late")).block())
        .isInstanceOf(WalrusClosedException.class);
  }

  @Test
  void blockingCallersOnManyThreadsEachGetTheirOwnOffset() throws Exception {
    open();
    List<CompletableFuture<List<Long>>> callers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int id = t;
      callers.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                  got.add(rw.append("t", bytes(id + ":" + i)).block());
                }
                return got;
              },
              blockers));
    }
    List<Long> all = new ArrayList<>();
    for (CompletableFuture<List<Long>> c : callers) {
      List<Long> got = c.get(20, TimeUnit.SECONDS);
      assertThat(got).isSorted();
      all.addAll(got);
    }
    assertThat(all).doesNotHaveDuplicates().hasSize(1600);
    assertThat(wal.stats("t").orElseThrow().nextOffset()).isEqualTo(1600);
  }

  private <T> CompletableFuture<T> blockOn(java.util.concurrent.Callable<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    blockers.execute(
        () -> {
          try {
            f.complete(call.call());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  private static boolean isWaiting(Thread t) {
    return t != null
        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
  }
}
