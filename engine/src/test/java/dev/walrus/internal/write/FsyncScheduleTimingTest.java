package dev.walrus.internal.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7: under {@code Milliseconds(n)} the background force used to be
 * scheduled with a fixed delay, n after the previous force <em>ended</em>: bytes written
 * just after a force started waited for that force, n, and the whole next force (537–632
 * ms measured for n = 200). Forces now start every n measured from the previous start, so
 * bytes are covered by a force starting at most n after they were written. This checks
 * the scheduling decision, not wall-clock timing.
 */
class FsyncScheduleTimingTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void theNextForceStartsAnIntervalAfterTheStartOfTheLastNotAfterItsEnd() {
    long started = 1_000 * MS;
    long finished = started + 150 * MS; // a force of 150 ms, interval 200 ms
    long delay = Durability.nextDelay(started, finished, 200 * MS);
    assertThat(finished + delay).as("start of the next force").isEqualTo(started + 200 * MS);
  }

  @Test
  void aForceLongerThanTheIntervalIsFollowedAtOnceWithoutCatchingUp() {
    long started = 5_000 * MS;
    assertThat(Durability.nextDelay(started, started + 700 * MS, 200 * MS)).isZero();
  }

  @Test
  void anInstantForceWaitsTheWholeInterval() {
    assertThat(Durability.nextDelay(7 * MS, 7 * MS, 200 * MS)).isEqualTo(200 * MS);
  }
}
