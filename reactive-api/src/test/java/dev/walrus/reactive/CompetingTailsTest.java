package dev.walrus.reactive;

import static dev.walrus.testkit.Offsets.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Several tails of one consumer name on one {@code ReactiveWalrus} (issue 19): the
 * checkpointed position never passes an entry some tail was given and has not acknowledged,
 * and what a cancelled tail had not finished comes again to the others. Every check is
 * entry by entry against what was appended and acknowledged.
 */
class CompetingTailsTest extends WalrusFixture {

  /** Records every entry it receives; requests only when told. */
  static final class Recorder extends BaseSubscriber<ReceivedEntry> {
    final List<ReceivedEntry> got = new CopyOnWriteArrayList<>();
    final Consumer<ReceivedEntry> onEach;

    Recorder() {
      this(r -> {});
    }

    Recorder(Consumer<ReceivedEntry> onEach) {
      this.onEach = onEach;
    }

    @Override
    protected void hookOnSubscribe(Subscription s) {
      // demand is given by the test
    }

    @Override
    protected void hookOnNext(ReceivedEntry r) {
      got.add(r);
      onEach.accept(r);
    }

    List<Long> offsets() {
      List<Long> l = new ArrayList<>();
      got.forEach(r -> l.add(r.offset()));
      return l;
    }

    ReceivedEntry last() {
      return got.get(got.size() - 1);
    }
  }

  private void appendN(int n) {
    for (int i = 0; i < n; i++) {
      wal.appendForTopic("t", bytes("e" + i));
    }
  }

  private static TailOptions manual() {
    return TailOptions.forConsumer("c").checkpointMode(CheckpointMode.MANUAL);
  }

  /** Every entry's payload is the one appended at its offset. */
  private static void assertPayloads(List<ReceivedEntry> got) {
    for (ReceivedEntry r : got) {
      assertThat(r.dataAsString()).as("payload at %d", r.offset()).isEqualTo("e" + r.offset());
    }
  }

  @Test
  void aCheckpointNeverPassesWhatAnotherTailHoldsAndACancelledTailsEntriesComeAgain() {
    open();
    appendN(100);
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    rw.tail("t", manual()).subscribe(a);
    a.request(30);
    await("a got 30", () -> a.got.size() == 30);
    rw.tail("t", manual()).subscribe(b);
    b.request(30);
    await("b got 30", () -> b.got.size() == 30);
    assertThat(a.offsets()).containsExactlyElementsOf(range(0, 30));
    assertThat(b.offsets()).containsExactlyElementsOf(range(30, 60));

    a.got.get(9).checkpoint().block(TIMEOUT); // a: 0..9 done
    assertThat(wal.position("t", "c")).isEqualTo(10);
    b.last().checkpoint().block(TIMEOUT); // b: 30..59 done; a still holds 10..29
    assertThat(wal.position("t", "c"))
        .as("checkpointed stops at a's first unacknowledged")
        .isEqualTo(10);

    b.request(100); // 60..99, then it waits for more
    await("b got 70", () -> b.got.size() == 70);
    a.cancel(); // a leaves holding 10..29 unacknowledged
    await("a's unacknowledged entries reach b", () -> b.got.size() == 90);
    assertThat(b.offsets().subList(70, 90))
        .as("redelivered in offset order")
        .containsExactlyElementsOf(range(10, 30));
    assertThat(wal.position("t", "c")).isEqualTo(10);

    b.last().checkpoint().block(TIMEOUT); // b has now acknowledged all it got
    assertThat(wal.position("t", "c")).isEqualTo(100);
    Set<Long> acked = new TreeSet<>(a.offsets().subList(0, 10));
    acked.addAll(b.offsets());
    assertThat(acked).containsExactlyElementsOf(range(0, 100));
    assertPayloads(a.got);
    assertPayloads(b.got);
    b.cancel();
  }

  @Test
  void aManualTailCancelledMidBatchHandsBackWhatItHadNotFinished() {
    open();
    int n = 3000; // more than one batch: unbounded demand reads batches of 2,000
    appendN(n);
    Recorder b = new Recorder();
    rw.tail("t", manual()).subscribe(b); // joins, asks for nothing yet
    Recorder[] self = new Recorder[1];
    Recorder a =
        new Recorder(
            r -> {
              if (r.offset() == 249) {
                r.acknowledge(); // 0..249 done
              }
              if (r.offset() == 500) {
                self[0].cancel(); // in the middle of the first batch
              }
            });
    self[0] = a;
    rw.tail("t", manual()).subscribe(a);
    a.requestUnbounded();
    await(
        "a's cancel checkpointed its acknowledged progress",
        () -> a.got.size() == 501 && wal.position("t", "c") == 250);
    b.requestUnbounded();
    await("b got everything a had not acknowledged", () -> b.got.size() == n - 250);
    assertThat(new TreeSet<>(b.offsets())).containsExactlyElementsOf(range(250, n));
    assertThat(wal.position("t", "c")).isEqualTo(250);
    b.last().checkpoint().block(TIMEOUT);
    assertThat(wal.position("t", "c")).isEqualTo(n);
    assertPayloads(a.got);
    assertPayloads(b.got);
    b.cancel();
  }

  @Test
  void anAutoTailCancelledMidBatchWhileAnotherReadsLosesNothing() throws Exception {
    open();
    int n = 3000;
    appendN(n);
    Recorder b = new Recorder();
    rw.tail("t", TailOptions.forConsumer("g")).subscribe(b);
    CountDownLatch bRead = new CountDownLatch(1);
    Recorder[] self = new Recorder[1];
    Recorder a =
        new Recorder(
            r -> {
              if (r.offset() == 100) {
                b.request(5); // the other tail reads meanwhile
                try {
                  assertThat(bRead.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
                self[0].cancel();
              }
            });
    self[0] = a;
    Recorder watch = b;
    Thread waiter =
        new Thread(
            () -> {
              await("b read 5", () -> watch.got.size() == 5);
              bRead.countDown();
            });
    waiter.start();
    rw.tail("t", TailOptions.forConsumer("g")).subscribe(a);
    a.requestUnbounded();
    waiter.join(TIMEOUT.toMillis());
    await("a cancelled", () -> a.isDisposed() && a.got.size() == 101);
    b.requestUnbounded();
    await(
        "every entry delivered",
        () -> {
          Set<Long> all = new TreeSet<>(a.offsets());
          all.addAll(b.offsets());
          return all.size() == n;
        });
    Set<Long> all = new TreeSet<>(a.offsets());
    all.addAll(b.offsets());
    assertThat(all).containsExactlyElementsOf(range(0, n));
    assertPayloads(a.got);
    assertPayloads(b.got);
    b.cancel();
    await("consumer cursor at the end", () -> wal.position("t", "g") == n);
    assertThat(Walrus.MAX_BATCH_ENTRIES).isLessThan(n);
  }
}
