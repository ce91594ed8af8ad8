package dev.walrus.reactive.internal;

import dev.walrus.Entry;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One engine cursor of a topic, the shared one or a named consumer's, behind a uniform
 * set of blocking calls. Every method calls the engine and must run on the scheduler.
 *
 * <p>Immutable and thread-safe (the engine is).
 */
public final class CursorRef {
  private final Walrus wal;
  private final String topic;
  private final String consumer; // null for the shared cursor

  /**
   * @param wal the engine
   * @param topic the topic
   * @param consumer a consumer name, or null for the topic's shared cursor
   */
  public CursorRef(Walrus wal, String topic, String consumer) {
    this.wal = wal;
    this.topic = topic;
    this.consumer = consumer;
  }

  /** @return the consumer name, or null for the shared cursor */
  public String consumer() {
    return consumer;
  }

  /** @return the next entry, consumed, or null if none */
  public Entry readNext() {
    Optional<Entry> e =
        consumer == null ? wal.readNext(topic, true) : wal.readNext(topic, consumer, true);
    return e.orElse(null);
  }

  /** @return up to {@link Walrus#MAX_BATCH_ENTRIES} entries within the budget, consumed */
  public List<Entry> batchRead(long maxBytes) {
    return consumer == null
        ? wal.batchReadForTopic(topic, maxBytes, true)
        : wal.batchReadForTopic(topic, consumer, maxBytes, true);
  }

  /** Moves the cursor so that its next read returns {@code next}; persisted at once. */
  public void seek(long next) {
    if (consumer == null) {
      wal.checkpoint(topic, next);
    } else {
      wal.checkpoint(topic, consumer, next);
    }
  }

  /** @return the offset the cursor reads next */
  public long position() {
    if (consumer != null) {
      return wal.position(topic, consumer);
    }
    Optional<TopicStats> s = wal.stats(topic);
    if (s.isEmpty()) {
      return 0;
    }
    Long unread = s.get().unread().get(TopicStats.DEFAULT_CONSUMER);
    return unread == null ? s.get().firstOffset() : s.get().nextOffset() - unread;
  }

  /** @return the topic's first retained offset (0 if no such topic) */
  public long earliest() {
    return wal.stats(topic).map(TopicStats::firstOffset).orElse(0L);
  }

  /**
   * @param time an instant
   * @return the first retained offset at or after it, else the topic's next offset
   */
  public long atTime(Instant time) {
    return wal.offsetForTime(topic, time).orElseGet(this::latest);
  }

  /** @return the topic's next offset (0 if no such topic) */
  public long latest() {
    return wal.stats(topic).map(TopicStats::nextOffset).orElse(0L);
  }
}
