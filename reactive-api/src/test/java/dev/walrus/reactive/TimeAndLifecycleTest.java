package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicConfig;
import dev.walrus.reactive.testkit.WalrusFixture;
import dev.walrus.testkit.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

/**
 * Timestamps, tails from a time, topic deletion, retention and visible skips through the
 * reactive API.
 */
class TimeAndLifecycleTest extends WalrusFixture {
  @AfterEach
  void close() {
    closeAll();
  }

  /** Waits until the clock has moved past {@code t} by at least a microsecond. */
  private static Instant after(Instant t) {
    Instant now = Instant.now();
    while (!now.isAfter(t.plusNanos(1_000))) {
      Thread.onSpinWait();
      now = Instant.now();
    }
    return now;
  }

  @Test
  void tailedAndReadEntriesCarryTheirAppendTime() {
    open();
    Instant before = Instant.now();
    rw.append("t", bytes("a")).block(TIMEOUT);
    Instant afterAppend = Instant.now();
    ReceivedEntry r =
        rw.tail("t", TailOptions.defaults().startAt(StartPosition.earliest())).blockFirst(TIMEOUT);
    assertThat(r.timestamp()).isBetween(before.minusMillis(1), afterAppend.plusMillis(1));
    Entry e = rw.readNext("t", "c", false).block(TIMEOUT);
    assertThat(e.timestamp()).isEqualTo(r.timestamp());
    assertThat(r.skippedBefore()).isZero();
  }

  @Test
  void aTailAtATimeStartsAtTheFirstEntryAppendedAtOrAfterIt() {
    open();
    for (int i = 0; i < 3; i++) {
      rw.append("t", bytes("old" + i)).block(TIMEOUT);
    }
    // entries 0..2 are before the cut: wait until the clock passed the last one
    Entry last = wal.batchReadForTopic("t", "probe", 1 << 20, false).get(2);
    Instant cut = after(last.timestamp());
    for (int i = 0; i < 2; i++) {
      rw.append("t", bytes("new" + i)).block(TIMEOUT);
    }
    assertThat(rw.offsetForTime("t", cut).block(TIMEOUT)).isEqualTo(3L);
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.atTime(cut)))
                .map(ReceivedEntry::dataAsString)
                .take(2))
        .expectNext("new0", "new1")
        .verifyComplete();
  }

  @Test
  void aTailAtATimeAfterTheLastEntryWaitsForNewOnes() {
    open();
    rw.append("t", bytes("old")).block(TIMEOUT);
    Instant future = Instant.now().plus(Duration.ofDays(1));
    assertThat(rw.offsetForTime("t", future).blockOptional(TIMEOUT)).isEmpty();
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.atTime(future)))
                .map(ReceivedEntry::dataAsString)
                .take(1))
        // the tail positions itself (at the end: nothing is that recent) once it starts, on
        // the scheduler; append only after that, or the append would be history to it
        .then(
            () ->
                Poll.until(
                    "the tail started at the end", TIMEOUT, () -> wal.position("t", "c") == 1))
        .then(() -> rw.append("t", bytes("new")).block(TIMEOUT))
        .expectNext("new")
        .verifyComplete();
  }

  @Test
  void atTimeRefusesNull() {
    assertThatThrownBy(() -> StartPosition.atTime(null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("null");
    Instant t = Instant.parse("2026-12-01T10:15:30Z");
    assertThat(StartPosition.atTime(t)).isEqualTo(StartPosition.atTime(t));
    assertThat(StartPosition.atTime(t).timeValue()).isEqualTo(t);
    assertThat(StartPosition.atTime(t).toString()).contains("2026-12-01T10:15:30Z");
  }

  @Test
  void deleteTopicRemovesItAndARecreatedTopicContinuesItsOffsets() {
    open();
    rw.appendBatch("t", List.of(bytes("a"), bytes("b"))).block(TIMEOUT);
    assertThat(rw.deleteTopic("t").block(TIMEOUT)).isTrue();
    assertThat(wal.topics()).doesNotContain("t");
    assertThat(rw.deleteTopic("t").block(TIMEOUT)).isFalse();
    assertThat(rw.append("t", bytes("c")).block(TIMEOUT)).isEqualTo(2L);
    StepVerifier.create(
            rw.tail("t", TailOptions.forConsumer("c").startAt(StartPosition.earliest()))
                .map(ReceivedEntry::dataAsString)
                .take(1))
        .expectNext("c")
        .verifyComplete();
  }

  @Test
  void deleteTopicRefusesAnInvalidNameAsAnError() {
    open();
    StepVerifier.create(rw.deleteTopic("")).expectError().verify();
  }

  @Test
  void topicConfigIsSetReadAndCleared() {
    open();
    TopicConfig c = TopicConfig.unlimited().withRetention(Duration.ofHours(1));
    rw.setTopicConfig("t", c).block(TIMEOUT);
    assertThat(rw.topicConfig("t").block(TIMEOUT)).isEqualTo(c);
    assertThat(rw.clearTopicConfig("t").block(TIMEOUT)).isTrue();
    assertThat(rw.topicConfig("t").block(TIMEOUT)).isEqualTo(TopicConfig.unlimited());
  }

  /** Requests one entry at a time, on demand of the test. */
  static final class OneByOne extends BaseSubscriber<ReceivedEntry> {
    final BlockingQueue<ReceivedEntry> got = new LinkedBlockingQueue<>();

    @Override
    protected void hookOnSubscribe(org.reactivestreams.Subscription s) {}

    @Override
    protected void hookOnNext(ReceivedEntry r) {
      got.add(r);
    }

    ReceivedEntry next() throws InterruptedException {
      request(1);
      ReceivedEntry r = got.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r).as("an entry within the timeout").isNotNull();
      return r;
    }
  }

  @Test
  void aSlowTailOvertakenByRetentionResumesAtTheFirstRetainedOffsetAndSeesTheSkip()
      throws Exception {
    open(engine().blockSize(4096).blocksPerFile(4));
    byte[] payload = new byte[200];
    rw.append("t", payload).block(TIMEOUT);
    OneByOne tail = new OneByOne();
    rw.tail("t", TailOptions.forConsumer("slow").startAt(StartPosition.earliest())).subscribe(tail);
    assertThat(tail.next().offset()).isZero();
    for (int i = 0; i < 200; i++) { // about 12 blocks
      rw.append("t", payload).block(TIMEOUT);
    }
    rw.setTopicConfig("t", TopicConfig.unlimited().withRetentionBytes(8192)).block(TIMEOUT);
    wal.reclaim();
    long first = wal.stats("t").orElseThrow().firstOffset();
    assertThat(first).as("retention dropped old blocks").isGreaterThan(1);
    ReceivedEntry r = tail.next();
    assertThat(r.offset()).isEqualTo(first);
    assertThat(r.skippedBefore()).isEqualTo(first - 1);
    assertThat(wal.stats("t").orElseThrow().skipped("slow")).isEqualTo(first - 1);
    ReceivedEntry n = tail.next();
    assertThat(n.offset()).isEqualTo(first + 1);
    assertThat(n.skippedBefore()).isZero();
    tail.dispose();
  }
}
