package dev.walrus.examples.webflux;

import dev.walrus.TopicConfig;
import dev.walrus.TopicStats;
import java.time.Duration;
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
 * @param retention the topic's effective age limit as an ISO-8601 duration (e.g.
 *     {@code PT24H}), or null for none
 * @param retentionBytes the topic's effective size limit in bytes, or null for none
 * @param skippedByRetention for each cursor listed above (the shared one as {@code ""}),
 *     entries retention deleted before it read them, since the log opened; cursors that
 *     skipped nothing are left out
 */
public record TopicSummary(
    String topic,
    long firstOffset,
    long nextOffset,
    long retainedEntries,
    long retainedBytes,
    Long sharedUnread,
    Map<String, Long> consumers,
    String retention,
    Long retentionBytes,
    Map<String, Long> skippedByRetention) {

  /**
   * @param s the engine's stats of a topic
   * @param config its effective retention
   * @return the summary
   */
  public static TopicSummary of(TopicStats s, TopicConfig config) {
    Map<String, Long> skipped = new TreeMap<>();
    s.skippedByRetention()
        .forEach(
            (name, n) -> {
              if (n > 0 && !ConsumerNames.isInternal(name)) {
                skipped.put(name, n);
              }
            });
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
        named,
        config.retention().map(Duration::toString).orElse(null),
        config.retentionBytes().isPresent() ? config.retentionBytes().getAsLong() : null,
        skipped);
  }
}
