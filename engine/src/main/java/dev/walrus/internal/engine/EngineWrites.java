package dev.walrus.internal.engine;

import dev.walrus.AppendListener;
import dev.walrus.BatchTooLargeException;
import dev.walrus.CorruptNamespaceException;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.core.OffsetLimit;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.cursor.Cursors;
import dev.walrus.internal.format.Names;
import dev.walrus.internal.write.AppendGroup;
import dev.walrus.internal.write.BlockAllocator;
import dev.walrus.internal.write.Durability;
import dev.walrus.internal.write.TopicWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of an open namespace ({@link Engine}): validates every append before
 * anything is written, routes it to the topic's writer (under SyncEach through the topic's
 * group commit), and tells the topic's append listeners. Creates a topic on its first
 * append. Thread-safe.
 */
public final class EngineWrites {
  private static final Logger LOG = LoggerFactory.getLogger(EngineWrites.class);

  private final EngineConfig config;
  private final Health health;
  private final Metrics metrics;
  private final BlockAllocator allocator;
  private final Durability durability;
  private final Cursors cursors;
  private final BufferPool buffers;

  /** The namespace's topics (shared with the rest of the engine). */
  private final ConcurrentHashMap<String, Topic> topics;

  private final ConcurrentHashMap<String, TopicWriter> writers = new ConcurrentHashMap<>();

  /** SyncEach only: each topic's group commit of single appends. */
  private final ConcurrentHashMap<String, AppendGroup> groups = new ConcurrentHashMap<>();

  /**
   * Each topic's append listeners, as an array replaced whole on every change (copy on
   * write, under the map's per-key lock): an append costs one lookup, and a topic whose
   * last listener left has no entry, so 10,000 tails cost one small array each and
   * 10,000 cancelled tails nothing.
   */
  private final ConcurrentHashMap<String, AppendListener[]> listeners = new ConcurrentHashMap<>();

  EngineWrites(
      EngineConfig config,
      Health health,
      Metrics metrics,
      ConcurrentHashMap<String, Topic> topics,
      BlockAllocator allocator,
      Durability durability,
      Cursors cursors,
      BufferPool buffers) {
    this.config = config;
    this.health = health;
    this.metrics = metrics;
    this.topics = topics;
    this.allocator = allocator;
    this.durability = durability;
    this.cursors = cursors;
    this.buffers = buffers;
  }

  /** Appends one entry and returns its offset. */
  public long append(String topic, byte[] data) {
    boolean measured = metrics.active();
    long t0 = measured ? System.nanoTime() : 0L;
    TopicWriter w = writers.get(validKey(topic));
    checkPayload(data, "payload");
    health.check();
    if (w == null) {
      Names.topic(topic);
      w = writer(topic);
    }
    Topic t = w.topic();
    long offset;
    if (config.syncEach()) {
      // Each write waits for stable storage: concurrent callers share one (group commit).
      offset =
          groups
              .computeIfAbsent(topic, k -> new AppendGroup(writer(k)))
              .append(
                  data,
                  n -> {
                    health.check();
                    checkOffsetLimit(t, n);
                  });
    } else {
      t.writeLock().lock();
      try {
        health.check();
        checkOffsetLimit(t, 1);
        offset = w.append(data);
      } finally {
        t.writeLock().unlock();
      }
    }
    if (measured) {
      metrics.append(topic, data.length, System.nanoTime() - t0);
    }
    notifyListeners(topic, offset + 1);
    return offset;
  }

  /** Appends a batch atomically and returns the first offset (or the next offset if empty). */
  public long appendBatch(String topic, List<byte[]> batch) {
    boolean measured = metrics.active();
    long t0 = measured ? System.nanoTime() : 0L;
    if (!writers.containsKey(validKey(topic))) {
      Names.topic(topic);
    }
    if (batch == null) {
      throw new InvalidArgumentException("batch must not be null");
    }
    int n = batch.size();
    if (n > Engine.MAX_BATCH_ENTRIES) {
      throw new BatchTooLargeException(
          "batch of "
              + n
              + " entries exceeds the limit of "
              + Engine.MAX_BATCH_ENTRIES
              + " entries");
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      byte[] d = batch.get(i);
      if (d == null || d.length > config.maxEntryBytes()) {
        checkPayload(d, "batch entry " + i); // the message is built only for a bad entry
      }
      total += d.length;
    }
    if (total > Engine.MAX_BATCH_BYTES) {
      throw new BatchTooLargeException(
          "batch payload of "
              + total
              + " bytes exceeds the limit of "
              + Engine.MAX_BATCH_BYTES
              + " bytes");
    }
    health.check();
    if (n == 0) {
      Topic t = topics.get(topic);
      return t == null ? 0 : t.endOffset();
    }
    TopicWriter w = writer(topic);
    Topic t = w.topic();
    long first;
    t.writeLock().lock();
    try {
      health.check();
      checkOffsetLimit(t, n);
      first = w.appendBatch(batch);
    } finally {
      t.writeLock().unlock();
      AppendGroup g = groups.get(topic);
      if (g != null) {
        g.unlocked(); // single appends queued meanwhile get a leader
      }
    }
    if (measured) {
      metrics.batchAppend(topic, n, total, System.nanoTime() - t0);
    }
    notifyListeners(topic, first + n);
    return first;
  }

  /** Refuses an append whose offsets would pass {@link OffsetLimit#MAX} (never wraps). */
  private static void checkOffsetLimit(Topic t, int n) {
    if (t.endOffset() > OffsetLimit.MAX - n) {
      throw new CorruptNamespaceException(
          "appending "
              + n
              + " entries to topic '"
              + t.name()
              + "' at offset "
              + t.endOffset()
              + " would pass the largest possible next offset "
              + OffsetLimit.MAX
              + "; nothing was written");
    }
  }

  private void checkPayload(byte[] data, String what) {
    if (data == null) {
      throw new InvalidArgumentException(what + " must not be null");
    }
    if (data.length > config.maxEntryBytes()) {
      throw new EntryTooLargeException(
          what
              + " of "
              + data.length
              + " bytes exceeds the maximum entry size of "
              + config.maxEntryBytes()
              + " bytes");
    }
  }

  private TopicWriter writer(String name) {
    TopicWriter w = writers.get(name);
    if (w != null) {
      return w;
    }
    Topic t = topic(name);
    return writers.computeIfAbsent(
        name, n -> new TopicWriter(t, allocator, durability, health, buffers));
  }

  /**
   * @return the topic of that name, created (without entries, so unlisted until its first
   *     entry) if it does not exist
   */
  Topic topic(String name) {
    return topics.computeIfAbsent(
        name,
        n -> {
          Topic created = new Topic(n, 0, 0);
          created.useClock(config.clock());
          created.hideBelow(0); // listed from its first entry on
          if (config.sharedCursor()) {
            cursors.get(created, Engine.SHARED); // exists from the topic's first entry, at offset 0
          }
          return created;
        });
  }

  private void notifyListeners(String topic, long end) {
    AppendListener[] ls = listeners.get(topic);
    if (ls == null) {
      return;
    }
    for (AppendListener l : ls) {
      try {
        l.onAppend(topic, end);
      } catch (RuntimeException e) {
        LOG.warn("append listener failed for topic '{}'", topic, e);
      }
    }
  }

  /** Registers a listener; closing the returned handle removes it. */
  public AutoCloseable addListener(String topic, AppendListener l) {
    Names.topic(topic);
    if (l == null) {
      throw new InvalidArgumentException("listener must not be null");
    }
    if (health.isClosed()) {
      health.check(); // throws WalrusClosedException: a closed instance would never call it
    }
    listeners.compute(
        topic,
        (k, ls) -> {
          if (ls == null) {
            return new AppendListener[] {l};
          }
          AppendListener[] more = Arrays.copyOf(ls, ls.length + 1);
          more[ls.length] = l;
          return more;
        });
    return () -> listeners.computeIfPresent(topic, (k, ls) -> without(ls, l));
  }

  /** @return {@code ls} without one occurrence of {@code l}; null if nothing is left */
  private static AppendListener[] without(AppendListener[] ls, AppendListener l) {
    for (int i = 0; i < ls.length; i++) {
      if (ls[i] == l) {
        if (ls.length == 1) {
          return null;
        }
        AppendListener[] fewer = new AppendListener[ls.length - 1];
        System.arraycopy(ls, 0, fewer, 0, i);
        System.arraycopy(ls, i + 1, fewer, i, ls.length - i - 1);
        return fewer;
      }
    }
    return ls;
  }

  /**
   * Validates a name that is not yet known; known names were validated when first seen,
   * which keeps the per-call cost of a hot topic to one map lookup.
   */
  static String validKey(String topic) {
    if (topic == null) {
      Names.topic(null); // throws
    }
    return topic;
  }
}
