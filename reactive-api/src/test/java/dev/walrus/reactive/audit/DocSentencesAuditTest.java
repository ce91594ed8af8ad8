package dev.walrus.reactive.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.SharedCursorDisabledException;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Checkable sentences of REACTIVE.md not covered elsewhere. */
class DocSentencesAuditTest extends AuditSupport {

  // "A tail, read or batch read without a consumer name on an engine opened with
  // sharedCursor(false) fails with SharedCursorDisabledException."
  @Test
  void sharedCursorOffRefusesUnnamedTailsAndReads() {
    open(engine().sharedCursor(false));
    appendN("t", 0, 3);
    StepVerifier.create(rw.tail("t")).verifyError(SharedCursorDisabledException.class);
    StepVerifier.create(rw.readNext("t", true)).verifyError(SharedCursorDisabledException.class);
    StepVerifier.create(rw.batchRead("t", 1024, false))
        .verifyError(SharedCursorDisabledException.class);
    assertThat(tailOffsets("t", TailOptions.forConsumer("c"), 3)).containsExactly(0L, 1L, 2L);
  }

  // "tailing a topic that does not exist yet creates nothing in the engine" (AUTO tail).
  @Test
  void anAutoTailOfAMissingTopicCreatesNothing() {
    open();
    StepVerifier.create(rw.tail("ghost", TailOptions.forConsumer("c")), 1)
        .expectSubscription()
        .thenAwait()
        .then(() -> assertThat(wal.topics()).doesNotContain("ghost"))
        .then(() -> assertThat(wal.stats("ghost")).isEmpty())
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(wal.topics()).doesNotContain("ghost");
  }

  // maxBatchBytes(0): "a batch read always returns at least one entry", so a MANUAL tail
  // with a zero budget and large demand still delivers everything, in order.
  @Test
  void aZeroBatchBudgetStillDeliversEveryEntryInOrder() {
    open();
    appendN("t", 0, 4500);
    List<Long> got = tailOffsets("t", manual("m").maxBatchBytes(0), 4500);
    for (int i = 0; i < 4500; i++) {
      assertThat(got.get(i)).isEqualTo((long) i);
    }
  }

  // close(Duration) is idempotent: a second close returns true at once.
  @Test
  void closeIsIdempotent() {
    open();
    assertThat(rw.close(TIMEOUT)).isTrue();
    assertThat(rw.close(TIMEOUT)).isTrue();
  }

  // AUTO ReceivedEntry: checkpoint() "completes empty at once" and acknowledge() does
  // nothing, even after the tail terminated.
  @Test
  void autoEntriesCheckpointCompletesEmptyAfterTheTailEnded() {
    open();
    appendN("t", 0, 3);
    List<ReceivedEntry> got =
        rw.tail("t", TailOptions.forConsumer("c")).take(2).collectList().block(TIMEOUT);
    got.get(0).acknowledge();
    StepVerifier.create(got.get(0).checkpoint()).verifyComplete();
    assertThat(wal.position("t", "c")).isEqualTo(2);
  }

  // Reader-cursor names are reserved: a tail or read named like one is refused, naming it,
  // and the MANUAL tail whose reader it would be still gets every entry.
  @Test
  void consumerNamesOfReaderCursorsAreRefused() {
    open();
    appendN("t", 0, 3);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dev.walrus.reactive.TailOptions.forConsumer("m#tail-reader"))
        .isInstanceOf(dev.walrus.InvalidArgumentException.class)
        .hasMessageContaining("'m#tail-reader'");
    StepVerifier.create(rw.readNext("t", "m#tail-reader", true))
        .expectError(dev.walrus.InvalidArgumentException.class)
        .verify(TIMEOUT);
    org.assertj.core.api.Assertions.assertThat(
            tailOffsets(
                "t",
                dev.walrus.reactive.TailOptions.forConsumer("m")
                    .checkpointMode(dev.walrus.reactive.CheckpointMode.MANUAL),
                3))
        .containsExactly(0L, 1L, 2L);
  }
}
