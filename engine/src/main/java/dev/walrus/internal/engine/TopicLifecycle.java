package dev.walrus.internal.engine;

import dev.walrus.TopicConfig;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.cursor.Cursors;
import dev.walrus.internal.meta.MetadataLog;
import dev.walrus.internal.meta.MetadataLog.TopicState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic configuration (retention: the instance default and each topic's own, persisted as
 * {@code TOPIC_CONFIG} records) and topic deletion (one {@code DELETE} record, forced, is
 * the commit point). Thread-safe.
 */
final class TopicLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(TopicLifecycle.class);

  private final EngineConfig config;
  private final Health health;
  private final MetadataLog journal;
  private final Cursors cursors;
  private final Map<String, TopicConfig> own = new ConcurrentHashMap<>();

  TopicLifecycle(
      EngineConfig config,
      Health health,
      MetadataLog journal,
      Cursors cursors,
      Map<String, TopicState> replayed) {
    this.config = config;
    this.health = health;
    this.journal = journal;
    this.cursors = cursors;
    replayed.forEach(
        (name, ts) -> {
          if (ts.config != null) {
            own.put(name, ts.config);
          }
        });
  }

  /** @return the retention that applies to the topic */
  TopicConfig effective(String topic) {
    TopicConfig c = own.get(topic);
    return c != null ? c : config.retentionDefault();
  }

  /** @return true if some topic may have a limit (the reclaimer then runs periodically) */
  boolean anyRetention() {
    if (!config.retentionDefault().isUnlimited()) {
      return true;
    }
    for (TopicConfig c : own.values()) {
      if (!c.isUnlimited()) {
        return true;
      }
    }
    return false;
  }

  /** Sets a topic's own retention; {@code null} forgets it. Durable when it returns. */
  synchronized boolean set(String topic, TopicConfig c) {
    boolean had = own.containsKey(topic);
    if (c == null && !had) {
      return false;
    }
    try {
      journal.recordTopicConfig(topic.getBytes(StandardCharsets.UTF_8), topic, c);
    } catch (IOException e) {
      throw health.poison("topic configuration of '" + topic + "'", e);
    }
    if (c == null) {
      own.remove(topic);
    } else {
      own.put(topic, c);
    }
    return had;
  }

  /**
   * Deletes {@code t}: under its write lock (no append is in progress or starts) and its
   * retention lock (no cursor is created or moved, no reclamation pass decides), records
   * the deletion durably, then forgets its entries (the floor rises to its end), cursors
   * and configuration in memory. The shared cursor, if the instance has them, is created
   * again at the end, as for a new topic.
   *
   * @return false if the topic was not listed (never existed, or already deleted)
   */
  boolean delete(Topic t, boolean sharedCursor, String shared) {
    t.writeLock().lock();
    try {
      synchronized (this) {
        synchronized (t.retentionLock()) {
          health.check();
          if (!t.isVisible()) {
            return false;
          }
          long end = t.endOffset();
          try {
            journal.recordDelete(t.utf8(), t.name(), end); // the commit point, forced
          } catch (IOException e) {
            throw health.poison("deletion of topic '" + t.name() + "'", e);
          }
          own.remove(t.name());
          t.raiseFloor(end);
          t.hideBelow(end);
          t.trimHead();
          cursors.forgetAll(t);
          if (sharedCursor) {
            cursors.get(t, shared); // at the end, as a new topic's from its first entry
          }
          if (!config.quiet()) {
            LOG.info("deleted topic '{}' (its next entry would have had offset {})", t.name(), end);
          }
          return true;
        }
      }
    } finally {
      t.writeLock().unlock();
    }
  }
}
