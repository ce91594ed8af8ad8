package dev.walrus.internal.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A lane behaves as a single-thread scheduled executor on the process's shared threads. */
class MaintenanceLaneTest {
  private static final long DEADLINE = 30;

  @Test
  void runsTasksOneAtATimeInOrder() throws Exception {
    MaintenanceLane lane = Maintenance.lane("order");
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger inside = new AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(200);
    for (int i = 0; i < 200; i++) {
      int n = i;
      lane.execute(
          () -> {
            if (inside.incrementAndGet() != 1) {
              overlapped.set(true);
            }
            ran.add(n);
            inside.decrementAndGet();
            done.countDown();
          });
    }
    assertThat(done.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    assertThat(overlapped).as("two tasks of one lane at once").isFalse();
    for (int i = 0; i < 200; i++) {
      assertThat(ran.get(i)).isEqualTo(i);
    }
    lane.shutdown();
    assertThat(lane.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBlockedLaneDoesNotDelayOthers() throws Exception {
    // more blocked lanes than base workers: the watchdog adds workers for the others
    int blocked = Maintenance.BASE_WORKERS + 2;
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(blocked);
    List<MaintenanceLane> stuck = new ArrayList<>();
    for (int i = 0; i < blocked; i++) {
      MaintenanceLane l = Maintenance.lane("blocked-" + i);
      stuck.add(l);
      l.execute(
          () -> {
            entered.countDown();
            awaitQuietly(release);
          });
    }
    try {
      assertThat(entered.await(DEADLINE, TimeUnit.SECONDS)).as("all blocked lanes ran").isTrue();
      MaintenanceLane free = Maintenance.lane("free");
      CountDownLatch ticks = new CountDownLatch(5);
      free.scheduleWithFixedDelay(ticks::countDown, 0, 1, TimeUnit.MILLISECONDS);
      assertThat(ticks.await(DEADLINE, TimeUnit.SECONDS))
          .as("another lane's periodic task runs while %d lanes are blocked", blocked)
          .isTrue();
      free.shutdown();
      assertThat(free.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
      assertThat(Maintenance.workers()).isLessThanOrEqualTo(Maintenance.MAX_WORKERS);
    } finally {
      release.countDown();
    }
    for (MaintenanceLane l : stuck) {
      l.shutdown();
      assertThat(l.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aLaneBlockedBehindItsOwnTaskWaitsButClosingAnotherDoesNot() throws Exception {
    MaintenanceLane slow = Maintenance.lane("slow");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    slow.execute(
        () -> {
          entered.countDown();
          awaitQuietly(release);
        });
    assertThat(entered.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean second = new AtomicBoolean();
    slow.execute(() -> second.set(true));
    MaintenanceLane other = Maintenance.lane("other");
    other.execute(() -> {});
    other.shutdown();
    assertThat(other.awaitTermination(DEADLINE, TimeUnit.SECONDS))
        .as("closing a lane does not wait for another lane's task")
        .isTrue();
    slow.shutdown();
    assertThat(slow.awaitTermination(10, TimeUnit.MILLISECONDS))
        .as("a lane's own running task delays its termination")
        .isFalse();
    assertThat(second).as("queued behind the blocked task: not run yet").isFalse();
    release.countDown();
    assertThat(slow.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
    assertThat(second).as("due tasks finish after shutdown").isTrue();
  }

  @Test
  void aFailingTaskDoesNotStopTheLane() throws Exception {
    MaintenanceLane lane = Maintenance.lane("failing");
    CountDownLatch after = new CountDownLatch(1);
    lane.execute(
        () -> {
          throw new IllegalStateException("injected");
        });
    lane.execute(after::countDown);
    assertThat(after.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    AtomicInteger runs = new AtomicInteger();
    ScheduledFuture<?> f =
        lane.scheduleWithFixedDelay(
            () -> {
              runs.incrementAndGet();
              throw new IllegalStateException("injected periodic");
            },
            0,
            1,
            TimeUnit.MILLISECONDS);
    assertThat(awaitDone(f)).as("a periodic task that threw is done").isTrue();
    assertThat(runs).hasValue(1);
    CountDownLatch still = new CountDownLatch(1);
    lane.execute(still::countDown);
    assertThat(still.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    lane.shutdown();
    assertThat(lane.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownCancelsDelayedAndPeriodicTasksAndRefusesNewOnes() throws Exception {
    MaintenanceLane lane = Maintenance.lane("shutdown");
    AtomicBoolean delayedRan = new AtomicBoolean();
    ScheduledFuture<?> delayed = lane.schedule(() -> delayedRan.set(true), 1, TimeUnit.HOURS);
    CountDownLatch ticked = new CountDownLatch(1);
    ScheduledFuture<?> periodic =
        lane.scheduleAtFixedRate(ticked::countDown, 0, 1, TimeUnit.MILLISECONDS);
    assertThat(ticked.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    assertThat(delayed.getDelay(TimeUnit.MINUTES)).isGreaterThan(50);
    lane.shutdown();
    assertThat(lane.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
    assertThat(delayed.isCancelled()).isTrue();
    assertThat(periodic.isCancelled()).isTrue();
    assertThat(delayedRan).isFalse();
    assertThatThrownBy(() -> lane.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> lane.schedule(() -> {}, 1, TimeUnit.MILLISECONDS))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aCancelledPeriodicTaskStopsAndADelayedOneRunsOnce() throws Exception {
    MaintenanceLane lane = Maintenance.lane("cancel");
    CountDownLatch once = new CountDownLatch(1);
    ScheduledFuture<String> f =
        lane.schedule(
            () -> {
              once.countDown();
              return "done";
            },
            1,
            TimeUnit.MILLISECONDS);
    assertThat(f.get(DEADLINE, TimeUnit.SECONDS)).isEqualTo("done");
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    ScheduledFuture<?> p =
        lane.scheduleWithFixedDelay(
            () -> {
              runs.incrementAndGet();
              three.countDown();
            },
            0,
            1,
            TimeUnit.MILLISECONDS);
    assertThat(three.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    assertThat(p.cancel(false)).isTrue();
    // a run already queued may still finish; after one more lane turn none follows
    CountDownLatch turn = new CountDownLatch(1);
    lane.execute(turn::countDown);
    assertThat(turn.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    int after = runs.get();
    CountDownLatch turn2 = new CountDownLatch(1);
    lane.schedule(turn2::countDown, 20, TimeUnit.MILLISECONDS);
    assertThat(turn2.await(DEADLINE, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).as("no run after cancel").hasValue(after);
    lane.shutdown();
    assertThat(lane.awaitTermination(DEADLINE, TimeUnit.SECONDS)).isTrue();
  }

  private static boolean awaitDone(ScheduledFuture<?> f) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE);
    while (!f.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(1); // polling with a deadline
    }
    return f.isDone();
  }

  private static void awaitQuietly(CountDownLatch l) {
    try {
      l.await(DEADLINE, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
