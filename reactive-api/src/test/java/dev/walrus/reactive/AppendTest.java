package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.BatchTooLargeException;
import dev.walrus.Entry;
import dev.walrus.EntryTooLargeException;
import dev.walrus.FsyncSchedule;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.ReadConsistency;
import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class AppendTest extends WalrusFixture {

  @Test
  void appendEmitsConsecutiveOffsetsAndTheEntriesAreReadable() {
    open();
    StepVerifier.create(rw.append("t", bytes("a"))).expectNext(0L).verifyComplete();
    StepVerifier.create(rw.append("t", bytes("b"))).expectNext(1L).verifyComplete();
    assertThat(wal.readNext("t", true)).map(Entry::dataAsString).contains("a");
    assertThat(wal.readNext("t", true)).map(Entry::dataAsString).contains("b");
  }

  @Test
  void nothingIsWrittenBeforeSubscription() {
    open();
    Mono<Long> a = rw.append("t", bytes("a"));
    Mono<List<Long>> b = rw.appendBatch("t", List.of(bytes("b")));
    Flux<Long> c = rw.appendAll("t", Flux.just(bytes("c")));
    assertThat(wal.stats("t")).isEmpty();
    StepVerifier.create(a.then(b).thenMany(c)).expectNext(2L).verifyComplete();
  }

  @Test
  void eachSubscriptionAppendsAgain() {
    open();
    Mono<Long> a = rw.append("t", bytes("x"));
    StepVerifier.create(a.repeat(2)).expectNext(0L, 1L, 2L).verifyComplete();
  }

  @Test
  void appendBatchReturnsAllOffsetsAndIsAtomic() {
    open();
    StepVerifier.create(rw.append("t", bytes("first"))).expectNext(0L).verifyComplete();
    StepVerifier.create(rw.appendBatch("t", List.of(bytes("a"), bytes("b"), bytes("c"))))
        .expectNext(List.of(1L, 2L, 3L))
        .verifyComplete();
    assertThat(wal.batchReadForTopic("t", 1 << 20, true))
        .extracting(Entry::dataAsString)
        .containsExactly("first", "a", "b", "c");
  }

  @Test
  void emptyBatchWritesNothing() {
    open();
    StepVerifier.create(rw.appendBatch("t", List.of())).expectNext(List.of()).verifyComplete();
    StepVerifier.create(rw.append("t", bytes("a"))).expectNext(0L).verifyComplete();
  }

  @Test
  void appendBatchCopiesTheListAtSubscription() {
    open();
    List<byte[]> list = new ArrayList<>(List.of(bytes("a"), bytes("b")));
    Mono<List<Long>> m = rw.appendBatch("t", list);
    list.add(bytes("c"));
    StepVerifier.create(m).expectNext(List.of(0L, 1L, 2L)).verifyComplete();
  }

  @Test
  void badInputFailsWithTheEngineExceptionTypesAndWritesNothing() {
    open(engine().maxEntryBytes(10));
    StepVerifier.create(rw.append("", bytes("a"))).verifyError(InvalidTopicException.class);
    StepVerifier.create(rw.append("bad\0topic", bytes("a")))
        .verifyError(InvalidTopicException.class);
    StepVerifier.create(rw.append("t", null)).verifyError(InvalidArgumentException.class);
    StepVerifier.create(rw.append("t", new byte[11])).verifyError(EntryTooLargeException.class);
    StepVerifier.create(rw.appendBatch("t", null)).verifyError(InvalidArgumentException.class);
    List<byte[]> tooMany = new ArrayList<>();
    for (int i = 0; i < 2001; i++) {
      tooMany.add(bytes("x"));
    }
    StepVerifier.create(rw.appendBatch("t", tooMany)).verifyError(BatchTooLargeException.class);
    StepVerifier.create(rw.appendBatch("t", List.of(bytes("ok"), new byte[11])))
        .verifyError(EntryTooLargeException.class);
    assertThat(wal.stats("t").map(s -> s.nextOffset()).orElse(0L)).isZero();
  }

  @Test
  void queuedAppendsAreWrittenByOneTaskInOneGroup() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      List<Mono<Long>> appends = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        appends.add(rw.append("t", bytes("e" + i)));
      }
      StepVerifier.Step<Long> step =
          StepVerifier.create(
                  Flux.merge(appends).collectList().map(l -> (long) new HashSet<>(l).size()))
              .then(gate::open);
      step.expectNext(100L).verifyComplete();
      assertThat(gate.tasksRun()).as("drain tasks that wrote 100 queued appends").isEqualTo(1);
      assertThat(wal.stats("t").orElseThrow().nextOffset()).isEqualTo(100);
    }
  }

  @Test
  void anEntryThatFailsOnItsOwnFailsAloneInsideAGroup() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().maxEntryBytes(10).open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      List<Long> got = new ArrayList<>();
      List<Throwable> errors = new ArrayList<>();
      Disposable d1 = rw.append("t", bytes("a")).subscribe(got::add, errors::add);
      Disposable d2 = rw.append("t", new byte[11]).subscribe(got::add, errors::add);
      Disposable d3 =
          rw.appendBatch("t", List.of(bytes("b"), bytes("c")))
              .subscribe(l -> got.addAll(l), errors::add);
      gate.open();
      await(
          "all three appends to finish",
          () ->
              d1.isDisposed()
                  && d2.isDisposed()
                  && d3.isDisposed()
                  && got.size() + errors.size() == 4);
      assertThat(got).containsExactly(0L, 1L, 2L);
      assertThat(errors).singleElement().isInstanceOf(EntryTooLargeException.class);
    }
  }

  @Test
  void cancellingBeforeTheWriteSkipsTheEntry() throws Exception {
    try (GateScheduler gate = new GateScheduler()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      Disposable d = rw.append("t", bytes("dropped")).subscribe();
      d.dispose();
      StepVerifier.create(rw.append("t", bytes("kept")))
          .then(gate::open)
          .expectNext(0L)
          .verifyComplete();
      assertThat(wal.readNext("t", true)).map(Entry::dataAsString).contains("kept");
    }
  }

  @Test
  void tenThousandAppendsInFlightOnTheDefaultPoolDoNotNeedTenThousandThreads() {
    open();
    int before = Thread.activeCount();
    Mono<Set<Long>> all =
        Flux.range(0, 10_000)
            .flatMap(i -> rw.append("t", bytes("e" + i)), 10_000)
            .collect(HashSet::new, Set::add);
    StepVerifier.create(all)
        .assertNext(offsets -> assertThat(offsets).hasSize(10_000).contains(0L, 9_999L))
        .verifyComplete();
    assertThat(Thread.activeCount() - before).isLessThan(100);
    assertThat(wal.stats("t").orElseThrow().nextOffset()).isEqualTo(10_000);
  }

  @Test
  void concurrentProducersUnderSyncEachAllComplete() {
    open(ReadConsistency.strictlyAtOnce(), FsyncSchedule.syncEach());
    Flux<Long> producers =
        Flux.range(0, 64)
            .flatMap(p -> Flux.range(0, 20).concatMap(i -> rw.append("t", bytes(p + ":" + i))), 64);
    StepVerifier.create(producers.collect(HashSet::new, Set::add))
        .assertNext(s -> assertThat(s).hasSize(64 * 20))
        .verifyComplete();
  }

  @Test
  void appendsToDifferentTopicsAreIndependent() {
    open();
    StepVerifier.create(
            Flux.merge(
                    rw.append("a", bytes("1")),
                    rw.append("b", bytes("1")),
                    rw.append("a", bytes("2")))
                .collectList())
        .assertNext(l -> assertThat(l).containsExactlyInAnyOrder(0L, 0L, 1L))
        .verifyComplete();
  }

  @Test
  void afterCloseNewWorkFailsWithWalrusClosedException() {
    open();
    rw.close();
    StepVerifier.create(rw.append("t", bytes("a"))).verifyError(WalrusClosedException.class);
    StepVerifier.create(rw.appendAll("t", Flux.just(bytes("a"))))
        .verifyError(WalrusClosedException.class);
    StepVerifier.create(rw.readNext("t", true)).verifyError(WalrusClosedException.class);
  }

  @Test
  void aClosedEngineFailsAppendsWithItsException() {
    open();
    wal.close();
    StepVerifier.create(rw.append("t", bytes("a"))).verifyError(WalrusClosedException.class);
    StepVerifier.create(rw.appendBatch("t", List.of(bytes("a"), bytes("b"))))
        .verifyError(WalrusClosedException.class);
  }
}
