package dev.walrus;

import java.util.Map;

/**
 * A point-in-time view of one topic.
 *
 * @param topic the topic name
 * @param firstOffset the lowest offset still retained (entries below were reclaimed)
 * @param nextOffset the offset the next append will get; {@code nextOffset - firstOffset}
 *     entries are retained
 * @param retainedEntries how many entries are retained ({@code nextOffset - firstOffset})
 * @param retainedBytes bytes the retained entries and their block headers occupy on disk
 * @param unread for each cursor of the topic, how many entries lie between it and
 *     {@code nextOffset}: the shared cursor (key {@code ""}, present for every topic unless
 *     the instance was opened with {@code sharedCursor(false)}) and every named consumer
 */
public record TopicStats(
    String topic,
    long firstOffset,
    long nextOffset,
    long retainedEntries,
    long retainedBytes,
    Map<String, Long> unread) {

  /** The name under which the shared default cursor appears in {@link #unread()}. */
  public static final String DEFAULT_CONSUMER = "";

  /**
   * Copies the map so the record is immutable.
   */
  public TopicStats {
    unread = Map.copyOf(unread);
  }
}
