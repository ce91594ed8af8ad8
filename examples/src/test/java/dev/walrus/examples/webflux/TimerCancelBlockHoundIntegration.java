package dev.walrus.examples.webflux;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets an event loop cancel a Reactor timer. Cancelling {@code Flux.interval} (a topic
 * stream's heartbeat, when its client disconnects and the stream ends on the event loop)
 * removes its task from a {@code ScheduledThreadPoolExecutor}'s queue, which takes the
 * queue's lock for a few instructions; BlockHound reports the rare contended park as a
 * blocking call and the exception breaks the cancellation half-way (seen in
 * {@link SseStormTest}: a stream left open, its viewer cursors kept). Reactor's own
 * integration already allows the same lock in {@code offer} and {@code take} and the
 * disposal of one-shot tasks ({@code WorkerTask.dispose}); this allows the disposal of
 * periodic ones. Loaded by BlockHound's service loader for the examples' tests.
 */
public final class TimerCancelBlockHoundIntegration implements BlockHoundIntegration {
  /** Created by BlockHound's service loader. */
  public TimerCancelBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicWorkerTask", "dispose");
    builder.allowBlockingCallsInside("reactor.core.scheduler.InstantPeriodicWorkerTask", "dispose");
    builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicSchedulerTask", "dispose");
  }
}
