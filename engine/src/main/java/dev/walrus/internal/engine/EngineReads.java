package dev.walrus.internal.engine;

import dev.walrus.Entry;
import dev.walrus.EntryHandler;
import dev.walrus.InvalidArgumentException;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.cursor.Cursor;
import dev.walrus.internal.cursor.Cursors;
import dev.walrus.internal.cursor.ViewReads;
import dev.walrus.internal.format.Names;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read side of an open namespace ({@link Engine}): consuming reads and peeks, copied
 * ({@link Entry}) or lent ({@link EntryHandler}), and moving, asking for and forgetting
 * consumers' positions. Validates every input before a cursor moves. Thread-safe.
 */
public final class EngineReads {
  private final EngineConfig config;
  private final Health health;
  private final Metrics metrics;
  private final Cursors cursors;
  private final ViewReads views;
  private final EngineWrites writes;

  /** The namespace's topics (shared with the rest of the engine). */
  private final ConcurrentHashMap<String, Topic> topics;

  /** The cursor the last read found (see {@link #registered}); null before any. */
  private volatile ReadHint readHint;

  EngineReads(
      EngineConfig config,
      Health health,
      Metrics metrics,
      ConcurrentHashMap<String, Topic> topics,
      Cursors cursors,
      ViewReads views,
      EngineWrites writes) {
    this.config = config;
    this.health = health;
    this.metrics = metrics;
    this.topics = topics;
    this.cursors = cursors;
    this.views = views;
    this.writes = writes;
  }

  /** Reads the next entry for a consumer ({@link Engine#SHARED} for the shared cursor), or null. */
  public Entry readNext(String topic, String consumer, boolean checkpoint) {
    Cursor c = registered(topic, consumer);
    Topic t = c != null ? c.topic() : existing(topic);
    if (absent(c, t)) {
      return null;
    }
    Entry e = cursors.readNext(t, c, consumer, checkpoint);
    if (e != null && metrics.active()) {
      metrics.read(topic, 1, e.data().length);
    }
    return e;
  }

  /** Reads up to 2,000 entries within a payload budget; at least one if any is there. */
  public List<Entry> batchRead(String topic, String consumer, long maxBytes, boolean checkpoint) {
    Cursor c = registered(topic, consumer);
    Topic t = c != null ? c.topic() : existing(topic);
    checkBudget(maxBytes);
    if (absent(c, t)) {
      return List.of();
    }
    List<Entry> read =
        cursors.batchRead(t, c, consumer, maxBytes, Engine.MAX_BATCH_ENTRIES, checkpoint);
    if (!read.isEmpty() && metrics.active()) {
      long bytes = 0;
      for (int i = 0, n = read.size(); i < n; i++) {
        bytes += read.get(i).data().length;
      }
      metrics.read(topic, read.size(), bytes);
    }
    return read;
  }

  /** Hands the consumer's next entry to {@code handler} as a lent view; false if none. */
  public boolean readNext(String topic, String consumer, boolean checkpoint, EntryHandler handler) {
    Cursor c = registered(topic, consumer);
    Topic t = c != null ? c.topic() : existing(topic);
    checkHandler(handler);
    if (absent(c, t)) {
      return false;
    }
    return views.readNext(t, c, consumer, checkpoint, handler);
  }

  /** Hands up to 2,000 entries within a payload budget to {@code handler}; the count. */
  public int batchRead(
      String topic, String consumer, long maxBytes, boolean checkpoint, EntryHandler handler) {
    Cursor c = registered(topic, consumer);
    Topic t = c != null ? c.topic() : existing(topic);
    checkBudget(maxBytes);
    checkHandler(handler);
    if (absent(c, t)) {
      return 0;
    }
    return views.batchRead(t, c, consumer, maxBytes, Engine.MAX_BATCH_ENTRIES, checkpoint, handler);
  }

  /**
   * For a read without a registered cursor ({@code c} null): checks the instance's health
   * (a read with one checks it under the cursor's lock).
   *
   * @return true if there is no topic {@code t} to read
   */
  private boolean absent(Cursor c, Topic t) {
    if (c != null) {
      return false;
    }
    health.check();
    return t == null;
  }

  /**
   * Finds and validates a read's cursor: a registered cursor proves both names valid. The
   * last one found is remembered ({@link #readHint}), so a hot consumer's reads cost two
   * string comparisons and a volatile read here, no map lookup; a miss costs two map
   * lookups.
   *
   * @return the consumer's registered cursor, or null (the names are then validated)
   */
  private Cursor registered(String topic, String consumer) {
    ReadHint h = readHint;
    if (h != null && h.matches(topic, consumer)) {
      return h.cursor();
    }
    Topic t = existing(topic);
    Cursor c = t == null || consumer == null ? null : cursors.find(t, consumer);
    if (c == null) {
      checkConsumer(consumer);
    }
    checkShared(topic, consumer);
    if (c != null) {
      readHint = new ReadHint(topic, consumer, c);
    }
    return c;
  }

  /**
   * A (topic, consumer) pair a read found registered, with its cursor. Valid while the
   * cursor is registered: removing a consumer or deleting its topic unregisters the
   * cursor first, so a stale hint is never used for a later read.
   */
  private record ReadHint(String topic, String consumer, Cursor cursor) {
    boolean matches(String t, String c) {
      return (topic == t || topic.equals(t))
          && (consumer == c || consumer.equals(c))
          && cursor.registered();
    }
  }

  private static void checkBudget(long maxBytes) {
    if (maxBytes < 0) {
      throw new InvalidArgumentException("maxBytes must not be negative, got " + maxBytes);
    }
  }

  private static void checkHandler(EntryHandler handler) {
    if (handler == null) {
      throw new InvalidArgumentException("handler must not be null");
    }
  }

  /**
   * Validates a position call's names and the instance's health.
   *
   * @return the topic, or null if it does not exist
   */
  private Topic knownOrNull(String topic, String consumer) {
    Names.topic(topic);
    checkConsumer(consumer);
    checkShared(topic, consumer);
    health.check();
    return topics.get(topic);
  }

  /** Moves a consumer so its next read returns {@code next}; persisted at once. */
  public void checkpoint(String topic, String consumer, long next) {
    Topic t = knownOrNull(topic, consumer);
    if (t == null) {
      if (next == 0) {
        // A consumer registered before the topic's first entry: its cursor at 0 must hold
        // the entries appended later like any cursor (else the shared cursor or another
        // consumer could let them be reclaimed before it reads them). The topic exists
        // from now on, unlisted until its first entry.
        Topic created = writes.topic(topic);
        cursors.seek(created, consumer, 0);
        return;
      }
      throw new InvalidArgumentException(
          "offset "
              + next
              + " is outside the retained range [0, 0]"
              + " of topic '"
              + topic
              + "' (it has no entries)");
    }
    cursors.seek(t, consumer, next);
  }

  /** @return the offset a consumer reads next */
  public long position(String topic, String consumer) {
    Topic t = knownOrNull(topic, consumer);
    if (t == null) {
      return 0;
    }
    // Asking must not create a cursor: a cursor holds back reclamation.
    Cursor c = cursors.exists(t, consumer) ? cursors.get(t, consumer) : null;
    return c == null ? t.firstOffset() : Math.max(c.nextOffset(), t.floor());
  }

  /** Forgets a named consumer. */
  public boolean removeConsumer(String topic, String consumer) {
    Names.topic(topic);
    checkConsumer(consumer);
    health.check();
    Topic t = topics.get(topic);
    return t != null && cursors.remove(t, consumer);
  }

  /** @return the topic, or null if it does not exist (then the name is validated) */
  private Topic existing(String topic) {
    Topic t = topics.get(EngineWrites.validKey(topic));
    if (t == null) {
      Names.topic(topic);
    }
    return t;
  }

  /** Refuses shared-cursor calls when the instance has no shared cursor. */
  private void checkShared(String topic, String consumer) {
    if (Engine.SHARED.equals(consumer) && !config.sharedCursor()) {
      throw new dev.walrus.SharedCursorDisabledException(
          "topic "
              + Names.quote(topic)
              + " has no shared cursor: this instance was opened with sharedCursor(false);"
              + " read through a named consumer, or open with sharedCursor(true)");
    }
  }

  private static void checkConsumer(String consumer) {
    if (consumer == null) {
      throw new InvalidArgumentException("consumer name must not be null");
    }
    if (!consumer.isEmpty()) {
      Names.consumer(consumer);
    }
  }
}
