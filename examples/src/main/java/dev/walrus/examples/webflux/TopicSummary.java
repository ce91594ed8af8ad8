package dev.walrus.examples.webflux;

import dev.walrus.TopicStats;
import java.util.Map;
import java.util.TreeMap;

/**
 * One topic in {@code GET /topics}.
 *
 * @param topic the topic name
 * @param firstOffset the lowest retained offset
 * @param nextOffset the offset the next append gets (= entries ever appended)
 * @param retainedEntries entries still on disk
 * @param retainedBytes bytes they occupy on disk
 * @param sharedUnread entries not yet consumed through the topic's shared cursor, or null
 *     if nothing has read through it
 * @param consumers for each named consumer, its unread entries (internal cursors, e.g.
 *     viewers', are not listed)
 */
public record TopicSummary(
    String topic,
    long firstOffset,
    long nextOffset,
    long retainedEntries,
    long retainedBytes,
    Long sharedUnread,
    Map<String, Long> consumers) {

  /**
   * @param s the engine's stats of a topic
   * @return the summary
   */
  public static TopicSummary of(TopicStats s) {
    Map<String, Long> named = new TreeMap<>();
    s.unread()
        .forEach(
            (name, unread) -> {
              if (!name.equals(TopicStats.DEFAULT_CONSUMER) && !ConsumerNames.isInternal(name)) {
                named.put(name, unread);
              }
            });
    return new TopicSummary(
        s.topic(),
        s.firstOffset(),
        s.nextOffset(),
        s.retainedEntries(),
        s.retainedBytes(),
        s.unread().get(TopicStats.DEFAULT_CONSUMER),
        named);
  }
}
