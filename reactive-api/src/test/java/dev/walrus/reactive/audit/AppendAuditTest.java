package dev.walrus.reactive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.ReactiveWalrus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Appends cancelled the ways users cancel, and close() with appends in flight, checked after
 * a reopen: every acknowledged entry is there, nothing is written twice, an appendAll wrote
 * a prefix of its source, a batch is whole or absent (REACTIVE.md "Appends and what
 * completion means", "Cancellation and interrupts").
 */
class AppendAuditTest extends AuditSupport {

  private static Flux<byte[]> numbered(String prefix) {
    return Flux.range(0, Integer.MAX_VALUE).map(i -> (prefix + i).getBytes());
  }

  /** Asserts the topic holds exactly "p0".."p{k-1}" for some k, and returns k. */
  private int assertPrefix(String topic, String prefix) {
    List<Entry> all = everything(topic);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).dataAsString()).as("entry %d", i).isEqualTo(prefix + i);
      assertThat(all.get(i).offset()).isEqualTo(i);
    }
    return all.size();
  }

  // take(n) on appendAll's offsets cancels it: the n acknowledged are there, and what was
  // written is a prefix of the source (no duplicate, no hole), across a reopen.
  @Test
  void appendAllCutByTakeWritesAPrefixIncludingEveryAcknowledgedEntry() {
    open(engine().fsyncSchedule(FsyncSchedule.noFsync()));
    List<Long> acked = rw.appendAll("t", numbered("p")).take(5000).collectList().block(TIMEOUT);
    assertThat(acked).hasSize(5000);
    assertThat(rw.close(TIMEOUT)).isTrue();
    reopen();
    int written = assertPrefix("t", "p");
    assertThat(written).isGreaterThanOrEqualTo(5000);
  }

  // appendAll disposed at random instants from another thread, many times: each run wrote a
  // prefix of its own source, holding every offset it emitted.
  @Test
  void appendAllDisposedMidFlightWritesAPrefixOfItsSource() throws Exception {
    open(engine().fsyncSchedule(FsyncSchedule.noFsync()));
    Random rnd = new Random(3);
    Map<String, Integer> acked = new HashMap<>();
    for (int run = 0; run < 30; run++) {
      String topic = "t" + run;
      ConcurrentLinkedQueue<Long> offsets = new ConcurrentLinkedQueue<>();
      CountDownLatch started = new CountDownLatch(1 + rnd.nextInt(500));
      Disposable d =
          rw.appendAll(topic, numbered("p"))
              .subscribeOn(Schedulers.parallel())
              .subscribe(
                  o -> {
                    offsets.add(o);
                    started.countDown();
                  });
      assertThat(started.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      d.dispose();
      acked.put(topic, offsets.size());
      List<Long> list = new ArrayList<>(offsets);
      for (int i = 0; i < list.size(); i++) {
        assertThat(list.get(i)).isEqualTo((long) i);
      }
    }
    assertThat(rw.close(TIMEOUT)).isTrue();
    reopen();
    for (var e : acked.entrySet()) {
      assertThat(assertPrefix(e.getKey(), "p")).isGreaterThanOrEqualTo(e.getValue());
    }
  }

  // appendBatch cancelled by timeout at random instants: after a reopen every batch is whole
  // or absent, never twice, and every acknowledged batch is there.
  @Test
  void timedOutBatchesAreWholeOrAbsentAfterAReopen() {
    open();
    Random rnd = new Random(5);
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    for (int b = 0; b < 300; b++) {
      int id = b;
      List<byte[]> batch = new ArrayList<>();
      int size = 1 + rnd.nextInt(20);
      for (int i = 0; i < size; i++) {
        batch.add(bytes(id + ":" + i + ":" + size));
      }
      rw.appendBatch("t", batch)
          .doOnNext(os -> acked.add(id))
          .timeout(Duration.ofNanos(rnd.nextInt(300_000)), Mono.empty())
          .block(TIMEOUT);
    }
    assertThat(rw.close(TIMEOUT)).isTrue();
    reopen();
    Map<Integer, List<String>> byBatch = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    for (Entry e : everything("t")) {
      String[] p = e.dataAsString().split(":");
      int id = Integer.parseInt(p[0]);
      if (!byBatch.containsKey(id)) {
        order.add(id);
      }
      byBatch.computeIfAbsent(id, k -> new ArrayList<>()).add(e.dataAsString());
    }
    assertThat(order).doesNotHaveDuplicates().containsAll(acked);
    for (var e : byBatch.entrySet()) {
      List<String> parts = e.getValue();
      int size = Integer.parseInt(parts.get(0).split(":")[2]);
      assertThat(parts).as("batch %d whole, once, in order", e.getKey()).hasSize(size);
      for (int i = 0; i < size; i++) {
        assertThat(parts.get(i)).isEqualTo(e.getKey() + ":" + i + ":" + size);
      }
    }
  }

  // Mono.firstWithValue of two appends: the winner is acknowledged and present; each payload
  // is written at most once (the loser is written or skipped, never twice).
  @Test
  void racingAppendsAreEachWrittenAtMostOnceAndTheWinnerIsKept() {
    open();
    Set<String> winners = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 200; i++) {
      String a = "a" + i;
      String b = "b" + i;
      Mono.firstWithValue(
              rw.append("t", bytes(a)).thenReturn(a), rw.append("t", bytes(b)).thenReturn(b))
          .doOnNext(winners::add)
          .block(TIMEOUT);
    }
    assertThat(rw.close(TIMEOUT)).isTrue();
    reopen();
    List<String> present = everything("t").stream().map(Entry::dataAsString).toList();
    assertThat(present).doesNotHaveDuplicates().containsAll(winners);
  }

  // close() while appends are queued behind a busy scheduler: close waits for them, and
  // every append subscribed before close completes with its offset and is there on reopen.
  @Test
  void closeWaitsForQueuedAppendsAndEachIsAcknowledgedAndDurable() throws Exception {
    try (Gate gate = new Gate()) {
      wal = engine().open();
      rw = ReactiveWalrus.builder(wal).scheduler(gate.scheduler()).build();
      gate.hold();
      List<CompletableFuture<Long>> results = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        results.add(rw.append("t", bytes("q" + i)).toFuture()); // subscribed (queued) now
      }
      rw.appendBatch("t", List.of(bytes("b0"), bytes("b1"))).subscribe();
      CompletableFuture<Boolean> closed = new CompletableFuture<>();
      Thread closer = new Thread(() -> closed.complete(rw.close(TIMEOUT)), "audit-closer");
      closer.start();
      await(
          "close is waiting",
          () ->
              closer.getState() == Thread.State.TIMED_WAITING
                  || closer.getState() == Thread.State.WAITING);
      gate.open();
      assertThat(closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      int acknowledged = 0;
      for (CompletableFuture<Long> f : results) {
        try {
          f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          acknowledged++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(WalrusClosedException.class);
        }
      }
      Set<Long> offsets = ConcurrentHashMap.newKeySet();
      for (CompletableFuture<Long> f : results) {
        if (!f.isCompletedExceptionally()) {
          offsets.add(f.get());
        }
      }
      wal.close();
      wal = null;
      rw = null;
      open(engine());
      List<Entry> all = everything("t");
      assertThat(all.stream().map(Entry::offset).toList()).containsAll(offsets);
      assertThat(acknowledged).as("appends queued before close are written").isEqualTo(300);
    }
  }

  // close() while an appendAll streams from an endless source: close stops accepting work
  // and finishes, the Flux terminates, nothing is written after close, and every entry it
  // wrote has had its offset emitted ("nothing written goes unacknowledged").
  @Test
  void closeDuringAnEndlessAppendAllEndsItAndWritesAPrefix() throws Exception {
    open(engine().fsyncSchedule(FsyncSchedule.noFsync()));
    ConcurrentLinkedQueue<Long> offsets = new ConcurrentLinkedQueue<>();
    CountDownLatch some = new CountDownLatch(2000);
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    Disposable d =
        rw.appendAll("t", numbered("p"))
            .subscribe(
                o -> {
                  offsets.add(o);
                  some.countDown();
                },
                end::complete,
                () -> end.complete(null));
    assertThat(some.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    try {
      boolean finished = rw.close(Duration.ofSeconds(3));
      long writtenAtClose = wal.stats("t").orElseThrow().nextOffset();
      long emittedAtClose = offsets.size();
      assertThat(finished)
          .as(
              "close(3s) finished (appendAll terminated: %s, written %d, acknowledged %d)",
              end.isDone(), writtenAtClose, emittedAtClose)
          .isTrue();
      Throwable t = end.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      reopen();
      int written = assertPrefix("t", "p");
      assertThat(written)
          .as("written entries vs acknowledged offsets (terminal: %s)", t)
          .isEqualTo(offsets.size());
    } finally {
      d.dispose(); // so that the fixture's close does not wait 30 s for the endless source
    }
  }
}
