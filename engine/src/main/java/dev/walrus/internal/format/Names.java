package dev.walrus.internal.format;

import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.TopicNames;

/**
 * The engine's entry points to the name rule, which is {@link TopicNames}'s (the one
 * public statement of it), and the quoting of user-supplied names in error messages.
 */
public final class Names {
  private Names() {}

  /**
   * Validates a topic name.
   *
   * @throws InvalidTopicException if it breaks {@link TopicNames}'s rule
   */
  public static void topic(String topic) {
    TopicNames.checkTopic(topic);
  }

  /**
   * Validates a consumer name (same rule as a topic).
   *
   * @throws InvalidArgumentException if it breaks {@link TopicNames}'s rule
   */
  public static void consumer(String consumer) {
    TopicNames.checkConsumer(consumer);
  }

  /**
   * Quotes a user-supplied name for an error message, shortened if huge and with
   * control characters escaped.
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("'");
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > n) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.append('\'').toString();
  }
}
