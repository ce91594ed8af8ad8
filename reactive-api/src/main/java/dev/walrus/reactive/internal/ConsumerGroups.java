package dev.walrus.reactive.internal;

import dev.walrus.Walrus;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ConsumerGroup}s of one {@code ReactiveWalrus}, one per (topic, consumer
 * name). Groups are kept for the life of the instance (one small object per name ever
 * tailed), which keeps joining and leaving free of races.
 *
 * <p>Thread-safe; never blocks.
 */
public final class ConsumerGroups {
  private record Key(String topic, String consumer) {}

  private final Walrus wal;
  private final ConcurrentHashMap<Key, ConsumerGroup> groups = new ConcurrentHashMap<>();

  /** @param wal the engine */
  public ConsumerGroups(Walrus wal) {
    this.wal = wal;
  }

  /**
   * Persists, for every idle group, what its departed tails acknowledged after they left
   * ({@link ConsumerGroup#checkpointDeparted}); at close. A group whose checkpoint fails
   * (the engine closed or poisoned) keeps its position, so those entries come again.
   * Blocking.
   */
  public void checkpointDeparted() {
    for (ConsumerGroup g : groups.values()) {
      try {
        g.checkpointDeparted();
      } catch (RuntimeException e) {
        // not persisted: redelivered, as unacknowledged entries are
      }
    }
  }

  /**
   * @param topic the topic
   * @param consumer the consumer name, or null for the shared cursor
   * @return the group, created if needed
   */
  public ConsumerGroup get(String topic, String consumer) {
    return groups.computeIfAbsent(
        new Key(topic, consumer), k -> new ConsumerGroup(wal, k.topic(), k.consumer()));
  }
}
