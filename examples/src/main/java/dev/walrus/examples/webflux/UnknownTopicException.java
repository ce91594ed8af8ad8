package dev.walrus.examples.webflux;

/**
 * A request about a topic that does not exist, where that matters ({@code DELETE}). Mapped
 * to {@code 404 topic-not-found} with the topic named in the problem body.
 */
public class UnknownTopicException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String topic;

  /** @param topic the topic that does not exist */
  public UnknownTopicException(String topic) {
    super("topic '" + topic + "' does not exist");
    this.topic = topic;
  }

  /** @return the topic */
  public String topic() {
    return topic;
  }
}
