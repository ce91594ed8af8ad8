package dev.walrus.examples.webflux;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs one blocking engine call on the {@code ReactiveWalrus} scheduler, off the event
 * loop, and <em>never interrupts it</em>: {@code Mono.fromCallable(..).subscribeOn(..)}
 * would interrupt the worker thread when the subscriber cancels (a client disconnects
 * mid-request), and an interrupt during the engine's file I/O must not be what a
 * disconnect does. Cancelling the returned Mono only drops the call's outcome: the call
 * runs to its end, its result is discarded and its error logged at DEBUG (nobody is
 * left to tell). Thread-safe; never blocks the subscribing thread.
 */
final class EngineCall {
  private static final Logger LOG = LoggerFactory.getLogger(EngineCall.class);

  private EngineCall() {}

  /**
   * @param scheduler where the call runs
   * @param call the blocking call; a null result completes the Mono empty
   * @param <T> the result type
   * @return emits the call's result or error; cancelling never interrupts the call
   */
  static <T> Mono<T> on(Scheduler scheduler, Callable<T> call) {
    return Mono.create(sink -> {
      AtomicBoolean cancelled = new AtomicBoolean();
      sink.onCancel(() -> cancelled.set(true));
      // The Disposable is deliberately not tied to the sink: disposing it would interrupt.
      scheduler.schedule(() -> {
        T value;
        try {
          value = call.call();
        } catch (Throwable t) {
          if (cancelled.get()) {
            LOG.debug("engine call failed after its request was cancelled: {}", t.toString());
          } else {
            sink.error(t);
          }
          return;
        }
        if (value == null) {
          sink.success();
        } else {
          sink.success(value);
        }
      });
    });
  }
}
