package dev.walrus.examples.webflux;

import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cursor names of viewers: streams opened without a consumer name. A viewer must not
 * move anyone's cursor, so it tails in MANUAL mode under a fresh name and never commits;
 * the reactive API then only keeps a hidden reader cursor, which it removes when the
 * stream ends. After a crash such cursors can be left over, and a left-over cursor holds
 * back reclamation, so they are removed at startup.
 */
public final class ViewerCursors {
  /** Every viewer's name starts with this; consumer names must not. */
  public static final String PREFIX = "~viewer-";
  private static final String RUN = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private static final AtomicLong NEXT = new AtomicLong();

  private ViewerCursors() {}

  /**
   * Non-blocking (no {@code SecureRandom}, which may read {@code /dev/urandom}), so safe
   * on an event loop.
   *
   * @return a name no other stream of this process uses
   */
  public static String newName() {
    return PREFIX + RUN + "-" + NEXT.incrementAndGet();
  }

  /**
   * @param consumer a consumer name as listed in {@link TopicStats#unread()}
   * @return whether it belongs to a viewer (its own or its hidden reader)
   */
  public static boolean isViewer(String consumer) {
    return consumer.startsWith(PREFIX);
  }

  /**
   * Removes every viewer cursor of every topic. Blocking: call it before serving.
   *
   * @param wal the engine
   * @return how many cursors were removed
   */
  public static int removeLeftovers(Walrus wal) {
    int removed = 0;
    for (String topic : wal.topics()) {
      TopicStats s = wal.stats(topic).orElse(null);
      if (s == null) {
        continue;
      }
      for (String consumer : s.unread().keySet()) {
        if (isViewer(consumer) && wal.removeConsumer(topic, consumer)) {
          removed++;
        }
      }
    }
    return removed;
  }
}
