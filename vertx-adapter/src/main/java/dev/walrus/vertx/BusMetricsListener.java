package dev.walrus.vertx;

/**
 * Told of a binding's event-bus traffic, for metrics: every request to one of its
 * addresses with its outcome, every entry a tail session delivers and every credit grant.
 * Set one with {@link BindOptions#metrics}; the {@code walrus-micrometer} module's {@code
 * BusMeterBinder} is one. Every method has an empty default.
 *
 * <p>Called on the binding's event-loop context, so an implementation must be quick,
 * non-blocking and thread-safe (one listener may serve several bindings, each on its own
 * context). A {@code RuntimeException} it throws is logged and ignored: it never changes
 * a reply or a delivery.
 */
public interface BusMetricsListener {
  /** The outcome code of a request that succeeded, in {@link #onRequest}. */
  int OK = 0;

  /**
   * A request completed: replied to with success or refused / failed with a failure code.
   * Tail control messages (credits, acks) are not requests; a {@link Operation#TAIL}
   * request completes when its session is open.
   *
   * @param operation what was asked
   * @param outcome {@link #OK}, or the {@link FailureCodes} code the requester received
   *     (refusals before the engine is touched included: not exposed, forbidden, unbound)
   * @param nanos from the request's arrival at the binding to its completion
   */
  default void onRequest(Operation operation, int outcome, long nanos) {}

  /**
   * A tail session sent one entry to its subscriber.
   *
   * @param topic the session's topic
   */
  default void onTailDelivery(String topic) {}

  /**
   * A tail subscriber granted credits (when opening the session or by a credit message).
   *
   * @param topic the session's topic
   * @param credits the number granted, at least 1
   */
  default void onTailCredits(String topic, long credits) {}
}
