package dev.walrus.vertx.internal;

import dev.walrus.vertx.BusMetricsListener;
import dev.walrus.vertx.Operation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls a binding's {@link BusMetricsListener}, containing what it throws: logged (the
 * first time at WARNING, then at DEBUG) and ignored. Thread-safe.
 */
final class BusMetrics {
  private static final System.Logger LOG = System.getLogger(BusMetrics.class.getName());

  private final BusMetricsListener listener;
  private final AtomicBoolean warned = new AtomicBoolean();

  BusMetrics(BusMetricsListener listener) {
    this.listener = listener;
  }

  /** A request completed with {@code outcome} ({@link BusMetricsListener#OK} or a code). */
  void request(Operation op, int outcome, long startedNanos) {
    try {
      listener.onRequest(op, outcome, System.nanoTime() - startedNanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  void delivery(String topic) {
    try {
      listener.onTailDelivery(topic);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  void credits(String topic, long n) {
    try {
      listener.onTailCredits(topic, n);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private void failed(RuntimeException e) {
    System.Logger.Level level =
        warned.compareAndSet(false, true) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
    LOG.log(level, "bus metrics listener " + listener + " failed; ignored", e);
  }
}
