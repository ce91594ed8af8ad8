package dev.walrus.vertx;

import io.vertx.core.Future;
import java.util.Set;

/**
 * A live binding of a {@code ReactiveWalrus} to a {@code Vertx} event bus, returned by
 * {@link WalrusEventBus#bind}. Its handlers run on one event-loop context (the binding's
 * context) and never block it: engine work runs on the {@code ReactiveWalrus} scheduler and
 * results hop back to the context.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public interface WalrusBinding {
  /** @return the options the binding was made with */
  BindOptions options();

  /**
   * @param topic a topic
   * @param op an operation
   * @return the topic's address for the operation (registered or not)
   */
  default String address(String topic, Operation op) {
    return options().address(topic, op);
  }

  /** @return the topics whose per-topic address family is currently registered */
  Set<String> registeredTopics();

  /** @return the number of live tail sessions */
  int activeTails();

  /**
   * Registers the per-topic address family of an exposed topic (idempotent).
   *
   * @param topic the topic
   * @return a future completing once the addresses are registered (cluster-wide when
   *     clustered); fails with a {@link io.vertx.core.eventbus.ReplyException} coded
   *     {@link FailureCodes#BAD_TOPIC} if the name breaks the engine's rule
   *     ({@link dev.walrus.TopicNames}), {@link FailureCodes#NOT_EXPOSED} if the options do
   *     not expose it, or {@link FailureCodes#UNAVAILABLE} after {@link #unbind()}
   */
  Future<Void> expose(String topic);

  /**
   * Stops every tail session (checkpointing its acknowledged progress and telling its
   * subscriber with an {@code "unbound"} end notice), unregisters every address and
   * control address, and completes once all of that is done. Requests arriving meanwhile
   * fail with {@link FailureCodes#UNAVAILABLE}. Does not close the {@code ReactiveWalrus}
   * or the engine. Idempotent: later calls return the same future.
   *
   * @return a future completing once everything is unregistered
   */
  Future<Void> unbind();
}
