package dev.walrus.vertx.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Requests that reach a topic through a generic address before the topic's per-topic
 * addresses are registered: they wait, in arrival order, until the registration is done,
 * then run in that order in one task on the binding's context.
 *
 * <pre>
 * requests:   r0 --r1--r2------------r3--
 * registered: ------------done--------
 * run:        ------------r0 r1 r2--r3--
 * </pre>
 *
 * <p>So a caller that has its reply finds the per-topic addresses there, and appends a
 * sender fires without waiting get offsets in the order sent: a request that arrives while
 * others wait queues behind them, and one that arrives after they ran sees the topic ready.
 * {@link #runAfter} and {@link #markReady} run on the context; {@link #isReady} on any
 * thread.
 */
final class FirstUses {
  private final Context ctx;
  private final Map<String, ArrayDeque<Runnable>> waiting = new ConcurrentHashMap<>();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();

  FirstUses(Context ctx) {
    this.ctx = ctx;
  }

  /** Whether the topic's addresses are registered and no request waits for them. */
  boolean isReady(String topic) {
    return ready.contains(topic);
  }

  /**
   * On the context: runs {@code request} once the topic's registration has completed
   * (either way: a failed registration leaves the request to report its own error), after
   * every request queued before it.
   *
   * @param registration the topic's registration, started by the first waiting request
   */
  void runAfter(String topic, Supplier<Future<Void>> registration, Runnable request) {
    ArrayDeque<Runnable> q = waiting.get(topic);
    if (q == null) {
      q = new ArrayDeque<>();
      waiting.put(topic, q);
      registration.get().onComplete(ar -> ctx.runOnContext(v -> release(topic, ar.succeeded())));
    }
    q.add(request);
  }

  /** On the context: the topic's registration succeeded (bind time, {@code expose}). */
  void markReady(String topic) {
    if (!waiting.containsKey(topic)) {
      ready.add(topic); // else the waiting requests' release marks it, after they ran
    }
  }

  /** On the context: forgets every topic (unbind). */
  void clear() {
    ready.clear();
  }

  private void release(String topic, boolean registered) {
    ArrayDeque<Runnable> q = waiting.remove(topic);
    if (registered) {
      ready.add(topic);
    }
    for (Runnable r : q) {
      r.run();
    }
  }
}
