package dev.walrus;

import java.util.Map;

/**
 * A point-in-time view of one topic, counting what reads return: entries whose offsets a
 * power cut lost (under {@code Milliseconds} or {@code NoFsync}, when a cursor had been
 * persisted past them, recovery restarts the topic after them) and blocks left empty are
 * not counted, so {@code retainedEntries} may be less than {@code nextOffset - firstOffset}.
 *
 * @param topic the topic name
 * @param firstOffset the offset of the oldest entry a read can return, or
 *     {@code nextOffset} if there is none (entries below were reclaimed or lost)
 * @param nextOffset the offset the next append will get
 * @param retainedEntries how many entries reads can return, from {@code firstOffset} up to
 *     {@code nextOffset} (offsets a power cut lost are not counted)
 * @param retainedBytes bytes the retained entries and their block headers occupy on disk
 * @param unread for each cursor of the topic — the shared cursor (key {@code ""}, present
 *     for every topic unless the instance was opened with {@code sharedCursor(false)}) and
 *     every named consumer — how many entries its reads would return before reaching
 *     {@code nextOffset}; a cursor's position is {@link Walrus#position(String, String)}
 *     (or {@link Walrus#position(String)} for the shared one), not
 *     {@code nextOffset - unread} when lost offsets lie ahead
 * @param skippedByRetention for each cursor of the topic (same keys as {@code unread}), how
 *     many entries retention deleted before that cursor read them, since this instance
 *     opened: each time a retention pass raises the topic's first offset past a cursor,
 *     the cursor resumes at the first retained offset and the number of offsets it jumps is
 *     added here (each an entry deleted unread, unless a power cut had lost it before); 0
 *     for a cursor never
 *     overtaken. Not persisted: every count starts at 0 when an instance opens (a cursor a
 *     crash left behind the first retained offset, its move not yet written, starts there
 *     uncounted)
 */
public record TopicStats(
    String topic,
    long firstOffset,
    long nextOffset,
    long retainedEntries,
    long retainedBytes,
    Map<String, Long> unread,
    Map<String, Long> skippedByRetention) {

  /** The name under which the shared default cursor appears in {@link #unread()}. */
  public static final String DEFAULT_CONSUMER = "";

  /**
   * Copies the map so the record is immutable.
   *
   * @param topic the topic name
   * @param firstOffset the offset of the oldest entry a read can return
   * @param nextOffset the offset the next append will get
   * @param retainedEntries how many entries reads can return
   * @param retainedBytes bytes the retained entries and their block headers occupy
   * @param unread per cursor, how many entries its reads would return (copied)
   * @param skippedByRetention per cursor, entries retention deleted before it read them
   *     (copied)
   * @throws NullPointerException if a map is null or holds a null key or value
   */
  public TopicStats {
    unread = Map.copyOf(unread);
    skippedByRetention = Map.copyOf(skippedByRetention);
  }

  /**
   * A view without retention skips (every cursor's {@code skippedByRetention} is absent,
   * read as 0 by {@link #skipped(String)}).
   *
   * @param topic the topic name
   * @param firstOffset the offset of the oldest entry a read can return
   * @param nextOffset the offset the next append will get
   * @param retainedEntries how many entries reads can return
   * @param retainedBytes bytes the retained entries and their block headers occupy
   * @param unread per cursor, how many entries its reads would return (copied)
   */
  public TopicStats(
      String topic,
      long firstOffset,
      long nextOffset,
      long retainedEntries,
      long retainedBytes,
      Map<String, Long> unread) {
    this(topic, firstOffset, nextOffset, retainedEntries, retainedBytes, unread, Map.of());
  }

  /**
   * @param consumer a consumer name, or {@link #DEFAULT_CONSUMER} for the shared cursor
   * @return how many entries retention deleted before that cursor read them (0 if none
   *     or no such cursor)
   */
  public long skipped(String consumer) {
    return skippedByRetention.getOrDefault(consumer, 0L);
  }
}
