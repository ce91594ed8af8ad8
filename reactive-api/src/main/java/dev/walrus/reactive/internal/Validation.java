package dev.walrus.reactive.internal;

import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.TopicNames;
import java.util.List;

/**
 * Early argument checks made at subscription, so that bad input fails its own operation
 * with the engine's exception types without ever reaching a coalesced write. Names are
 * checked by the engine's own rule ({@link TopicNames}); the engine checks again.
 *
 * <p>Stateless and thread-safe; never blocks.
 */
public final class Validation {
  private Validation() {}

  /**
   * @throws InvalidTopicException if the topic name breaks {@link TopicNames}'s rule
   */
  public static void topic(String topic) {
    TopicNames.checkTopic(topic);
  }

  /**
   * @throws InvalidArgumentException if the consumer name breaks {@link TopicNames}'s rule,
   *     or contains {@link ConsumerGroup#READER_MARK}: such names belong to the hidden
   *     reader cursors of MANUAL tails, and reading one would take entries from under the
   *     tails of another consumer
   */
  public static void consumer(String name) {
    TopicNames.checkConsumer(name);
    if (name.contains(ConsumerGroup.READER_MARK)) {
      throw new InvalidArgumentException(
          "consumer names containing '"
              + ConsumerGroup.READER_MARK
              + "' are reserved for the reader cursors of MANUAL tails, got '"
              + name
              + "'");
    }
  }

  /**
   * @throws InvalidArgumentException if the payload is null
   */
  public static void payload(byte[] data, String what) {
    if (data == null) {
      throw new InvalidArgumentException(what + " must not be null");
    }
  }

  /**
   * @return the payload bytes of the batch
   * @throws InvalidArgumentException if the list or one of its entries is null
   */
  public static long batch(List<byte[]> entries) {
    if (entries == null) {
      throw new InvalidArgumentException("batch must not be null");
    }
    long total = 0;
    for (int i = 0; i < entries.size(); i++) {
      byte[] d = entries.get(i);
      payload(d, "batch entry " + i);
      total += d.length;
    }
    return total;
  }
}
