package dev.walrus.reactive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/**
 * A tail that takes a cancelled tail's place in its consumer group (a bus subscriber that
 * vanished and came back) gets the entries the cancelled one held before newer ones, even
 * though the cancelled tail's own drain, which leaves the group, has not run yet. Before the
 * fix the newcomer read 3.. first and got 0..2 after them (TailProtocolTest saw it once under
 * load).
 */
class ConsumerGroupLeavingTest extends WalrusFixture {
  @Test
  void aTailTakingACancelledTailsPlaceGetsItsHeldEntriesFirst() {
    open();
    for (int i = 0; i < 10; i++) {
      wal.appendForTopic("t", new byte[] {(byte) i});
    }
    ConsumerGroup group = new ConsumerGroup(wal, "t", "c");
    AckState gone = group.join(CheckpointMode.MANUAL, StartPosition.earliest(), () -> {});
    assertThat(takeOneByOne(group, gone, 3)).containsExactly(0L, 1L, 2L);

    gone.markLeaving(); // cancelled; its drain (which calls leave) has not run yet
    AckState next = group.join(CheckpointMode.MANUAL, StartPosition.checkpointed(), () -> {});
    assertThat(takeOneByOne(group, next, 5))
        .as("the cancelled tail's unacknowledged entries first, in order")
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(group.take(gone, 1, Long.MAX_VALUE, Schedulers.immediate()))
        .as("nothing more for the cancelled tail")
        .isEmpty();
    group.leave(gone); // its late drain: a no-op now
    assertThat(takeOneByOne(group, next, 5)).containsExactly(5L, 6L, 7L, 8L, 9L);
  }

  /** {@code n} single takes, as a tail with demand 1 at a time makes them. */
  private static List<Long> takeOneByOne(ConsumerGroup group, AckState a, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (ReceivedEntryImpl r : group.take(a, 1, Long.MAX_VALUE, Schedulers.immediate())) {
        out.add(r.entry().offset());
      }
    }
    return out;
  }
}
