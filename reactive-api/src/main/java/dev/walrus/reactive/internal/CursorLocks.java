package dev.walrus.reactive.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One monitor per engine cursor (topic, consumer name; null for the shared cursor) of one
 * {@code ReactiveWalrus}. Every consuming read this instance makes holds the cursor's
 * monitor from the engine call until it has decided to deliver what it read or to put
 * it back (move the cursor back), so a put-back is exact against every other read made
 * through the same instance: no other reader of the cursor can have read in between.
 *
 * <p>Thread-safe. The monitors are held across blocking engine calls, so they are taken
 * only on the scheduler.
 */
public final class CursorLocks {
  private record Key(String topic, String consumer) {}

  private final ConcurrentHashMap<Key, Key> locks = new ConcurrentHashMap<>();

  /**
   * @param topic the topic
   * @param consumer the engine cursor's consumer name, or null for the shared cursor
   * @return the cursor's monitor (created once, kept for the life of the instance): the
   *     first key stored for it, which spares one object per cursor
   */
  public Object of(String topic, String consumer) {
    return locks.computeIfAbsent(new Key(topic, consumer), k -> k);
  }
}
