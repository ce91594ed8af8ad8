package dev.walrus.vertx;

import io.vertx.core.eventbus.Message;
import java.util.Objects;

/**
 * A request seen by a {@link BusInterceptor}: which operation on which topic, and the
 * raw message (headers, body, reply address).
 *
 * <p>Immutable; the message itself must only be used on the event loop it was delivered
 * on, and must not be replied to by the interceptor.
 */
public final class BusRequest {
  private final Operation operation;
  private final String topic;
  private final Message<?> message;

  /**
   * @param operation the operation
   * @param topic the topic the request addresses
   * @param message the raw message
   */
  public BusRequest(Operation operation, String topic, Message<?> message) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.message = Objects.requireNonNull(message, "message");
  }

  /** @return the operation requested */
  public Operation operation() {
    return operation;
  }

  /** @return the topic addressed */
  public String topic() {
    return topic;
  }

  /** @return the raw message (read its headers and body; do not reply) */
  public Message<?> message() {
    return message;
  }

  @Override
  public String toString() {
    return "BusRequest{" + operation + " " + topic + " from " + message.address() + "}";
  }
}
