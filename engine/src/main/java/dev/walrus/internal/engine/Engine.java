package dev.walrus.internal.engine;

import dev.walrus.AppendListener;
import dev.walrus.BatchTooLargeException;
import dev.walrus.CorruptNamespaceException;
import dev.walrus.Entry;
import dev.walrus.EntryHandler;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicStats;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusMetricsListener;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.core.OffsetLimit;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.cursor.Cursor;
import dev.walrus.internal.cursor.Cursors;
import dev.walrus.internal.cursor.ViewReads;
import dev.walrus.internal.format.Names;
import dev.walrus.internal.maintenance.Maintenance;
import dev.walrus.internal.meta.MetadataLog;
import dev.walrus.internal.reclaim.Reclaimer;
import dev.walrus.internal.recovery.Recovery;
import dev.walrus.internal.time.TimeLookup;
import dev.walrus.internal.write.AppendGroup;
import dev.walrus.internal.write.BlockAllocator;
import dev.walrus.internal.write.Durability;
import dev.walrus.internal.write.TopicWriter;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open namespace: wires recovery, the write path, cursors, the fsync schedule and
 * reclamation together, and validates every input before anything is written. The
 * public {@code Walrus} class is a thin, documented facade over this. Thread-safe.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** Most entries in one batch append or batch read. */
  public static final int MAX_BATCH_ENTRIES = 2000;

  /** Most payload bytes in one batch append (10 GiB). */
  public static final long MAX_BATCH_BYTES = 10L << 30;

  /** The shared cursor's consumer name. */
  public static final String SHARED = "";

  private static final long JOURNAL_COMPACT_AT = 16L << 20;

  private final EngineConfig config;
  private final Metrics metrics = new Metrics();

  /** The direct buffers every write and read of this instance borrows while it runs. */
  private final BufferPool buffers = BufferPool.shared();

  private final Health health;
  private final NamespaceLock lock;
  private final MetadataLog journal;
  private final BlockAllocator allocator;
  private final Durability durability;
  private final Cursors cursors;
  private final ViewReads views;
  private final Reclaimer reclaimer;
  private final TopicLifecycle lifecycle;
  private final ScheduledExecutorService maintenance;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
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

  private Engine(
      EngineConfig config, NamespaceLock lock, MetadataLog journal, Recovery.Result recovered) {
    this.config = config;
    this.health = new Health(config.directory().toString(), metrics);
    this.lock = lock;
    this.journal = journal;
    this.topics.putAll(recovered.topics);
    this.allocator =
        new BlockAllocator(
            config,
            recovered.files,
            recovered.nextFileSequence,
            recovered.nextBlockSequence,
            this::verifyBeforeNewFile,
            metrics);
    // The process's shared maintenance threads; this lane runs this instance's tasks one
    // at a time, and a slow task of another instance's lane never delays them.
    this.maintenance = Maintenance.lane(config.directory().toString());
    this.durability =
        new Durability(
            config, health, allocator::files, journal, allocator::syncDirectoryIfNeeded, metrics);
    this.cursors = new Cursors(journal, config.consistency(), health, this::pokeReclaimer, buffers);
    this.lifecycle = new TopicLifecycle(config, health, journal, cursors, journal.snapshot());
    this.views = new ViewReads(cursors, health, metrics);
    this.reclaimer =
        new Reclaimer(
            config,
            health,
            allocator,
            topics::get,
            cursors,
            journal,
            maintenance,
            metrics,
            topics::values,
            lifecycle::effective);
    recovered.cursors.forEach(
        (topic, byConsumer) ->
            byConsumer.forEach(
                (consumer, next) -> {
                  if (config.sharedCursor() || !SHARED.equals(consumer)) {
                    cursors.restore(topics.get(topic), consumer, next);
                  }
                }));
    if (config.sharedCursor()) {
      // A topic with no recorded shared cursor (it never moved, or an older version did
      // not create one) gets it at its first retained offset, as if it had existed since
      // the topic's first entry: nothing retained is deleted before the shared cursor read it.
      for (Topic t : topics.values()) {
        cursors.get(t, SHARED);
      }
    }
  }

  /**
   * Opens (creating if needed) the namespace directory and recovers it.
   *
   * @throws dev.walrus.NamespaceLockedException if another instance owns it
   * @throws WalrusIOException if the directory cannot be created or read
   */
  public static Engine open(EngineConfig config) {
    NamespaceLock lock = null;
    MetadataLog journal = null;
    try {
      NamespaceDirectory.prepare(config.backend(), config.directory()); // ours, no planted links
      lock = NamespaceLock.acquire(config.directory());
      long t0 = System.nanoTime();
      // Replay only: recovery forces the data files, then rewrites the journal durably.
      journal =
          MetadataLog.replay(
              config.backend(), config.directory(), config.syncEach(), JOURNAL_COMPACT_AT);
      Recovery.Result r = new Recovery(config).run(journal);
      Engine e = new Engine(config, lock, journal, r);
      e.durability.start(e.maintenance);
      e.maintenance.scheduleWithFixedDelay(e::verifyOwnership, 1, 1, TimeUnit.SECONDS);
      e.maintenance.scheduleWithFixedDelay(e::retentionTick, 1, 1, TimeUnit.SECONDS);
      e.reclaimer.poke(); // files consumed before a restart are reclaimed too
      if (!config.quiet()) {
        LOG.info(
            "opened {} ({} backend, {}, {}): {} topics, {} files, {} blocks rescanned, "
                + "{} dead, in {} ms",
            config.directory(),
            config.backend().name(),
            config.consistency(),
            config.schedule(),
            r.topics.size(),
            r.files.size(),
            r.blocksScanned,
            r.blocksDead,
            (System.nanoTime() - t0) / 1_000_000);
      }
      return e;
    } catch (IOException ex) {
      closeQuietly(journal);
      config.backend().close();
      closeQuietly(lock);
      throw new WalrusIOException("cannot open namespace " + config.directory() + ": " + ex, ex);
    } catch (RuntimeException ex) {
      closeQuietly(journal);
      config.backend().close();
      closeQuietly(lock);
      throw ex;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already failing
      }
    }
  }

  /**
   * Before each new data file, on the caller's thread: a lost ownership poisons (no
   * rollback, no retry). Read-only, so an interrupt of the caller cannot drop the lock.
   */
  private void verifyBeforeNewFile() {
    try {
      lock.checkHeld();
    } catch (IOException e) {
      throw health.poison("namespace ownership check", e);
    }
  }

  /** Maintenance: re-checks (and repairs) the lock files; poisons if ownership is lost. */
  private void verifyOwnership() {
    if (health.isClosed() || health.isPoisoned()) {
      return;
    }
    try {
      lock.verify();
    } catch (IOException | RuntimeException e) {
      health.poison(
          "namespace ownership check",
          e instanceof IOException io ? io : new IOException(e.getMessage(), e));
      LOG.error("{}: instance poisoned", config.directory(), e);
    }
  }

  /**
   * Maintenance, once a second: age limits expire blocks as time passes, not only as
   * cursors move; readers that stopped reading give back the buffer they kept.
   */
  private void retentionTick() {
    cursors.sweepReaders();
    if (lifecycle.anyRetention()) {
      pokeReclaimer();
    }
  }

  private void pokeReclaimer() {
    if (reclaimer != null) {
      reclaimer.poke();
    }
  }

  public EngineConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- writes

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
    if (n > MAX_BATCH_ENTRIES) {
      throw new BatchTooLargeException(
          "batch of " + n + " entries exceeds the limit of " + MAX_BATCH_ENTRIES + " entries");
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      byte[] d = batch.get(i);
      if (d == null || d.length > config.maxEntryBytes()) {
        checkPayload(d, "batch entry " + i); // the message is built only for a bad entry
      }
      total += d.length;
    }
    if (total > MAX_BATCH_BYTES) {
      throw new BatchTooLargeException(
          "batch payload of "
              + total
              + " bytes exceeds the limit of "
              + MAX_BATCH_BYTES
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
  private Topic topic(String name) {
    return topics.computeIfAbsent(
        name,
        n -> {
          Topic created = new Topic(n, 0, 0);
          created.useClock(config.clock());
          created.hideBelow(0); // listed from its first entry on
          if (config.sharedCursor()) {
            cursors.get(created, SHARED); // exists from the topic's first entry, at offset 0
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

  /** Attaches a metrics listener; closing the returned handle detaches it. */
  public AutoCloseable addMetricsListener(WalrusMetricsListener l) {
    if (l == null) {
      throw new InvalidArgumentException("metrics listener must not be null");
    }
    return metrics.add(l);
  }

  // ---------------------------------------------------------------- reads

  /** The cursor the last read found (see {@link #registered}); null before any. */
  private volatile ReadHint readHint;

  /** Reads the next entry for a consumer ({@link #SHARED} for the shared cursor), or null. */
  public Entry readNext(String topic, String consumer, boolean checkpoint) {
    Cursor c = registered(topic, consumer);
    Topic t = c != null ? c.topic() : existing(topic);
    if (c == null) { // else the read checks, under the cursor's lock
      health.check();
      if (t == null) {
        return null;
      }
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
    if (c == null) { // else the read checks, under the cursor's lock
      health.check();
      if (t == null) {
        return List.of();
      }
    }
    List<Entry> read = cursors.batchRead(t, c, consumer, maxBytes, MAX_BATCH_ENTRIES, checkpoint);
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
    if (c == null) { // else the read checks, under the cursor's lock
      health.check();
      if (t == null) {
        return false;
      }
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
    if (c == null) { // else the read checks, under the cursor's lock
      health.check();
      if (t == null) {
        return 0;
      }
    }
    return views.batchRead(t, c, consumer, maxBytes, MAX_BATCH_ENTRIES, checkpoint, handler);
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

  /** Moves a consumer so its next read returns {@code next}; persisted at once. */
  public void checkpoint(String topic, String consumer, long next) {
    Names.topic(topic);
    checkConsumer(consumer);
    checkShared(topic, consumer);
    health.check();
    Topic t = topics.get(topic);
    if (t == null) {
      if (next == 0) {
        // A consumer registered before the topic's first entry: its cursor at 0 must hold
        // the entries appended later like any cursor (else the shared cursor or another
        // consumer could let them be reclaimed before it reads them). The topic exists
        // from now on, unlisted until its first entry.
        Topic created = topic(topic);
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
    Names.topic(topic);
    checkConsumer(consumer);
    checkShared(topic, consumer);
    health.check();
    Topic t = topics.get(topic);
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

  /**
   * Validates a name that is not yet known; known names were validated when first seen,
   * which keeps the per-call cost of a hot topic to one map lookup.
   */
  private static String validKey(String topic) {
    if (topic == null) {
      Names.topic(null); // throws
    }
    return topic;
  }

  /** @return the topic, or null if it does not exist (then the name is validated) */
  private Topic existing(String topic) {
    Topic t = topics.get(validKey(topic));
    if (t == null) {
      Names.topic(topic);
    }
    return t;
  }

  /** Refuses shared-cursor calls when the instance has no shared cursor. */
  private void checkShared(String topic, String consumer) {
    if (SHARED.equals(consumer) && !config.sharedCursor()) {
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

  // ---------------------------------------------------------------- introspection

  /** @return the names of all topics, sorted */
  public Set<String> topics() {
    health.check();
    TreeSet<String> names = new TreeSet<>();
    topics.forEach(
        (name, t) -> {
          if (t.isVisible()) {
            names.add(name); // not a deleted topic (until it is appended to again)
          }
        });
    return names;
  }

  /** @return stats of a topic, or null if it does not exist */
  public TopicStats stats(String topic) {
    Names.topic(topic);
    health.check();
    Topic t = topics.get(topic);
    if (t == null || !t.isVisible()) {
      return null;
    }
    // What reads return: entries of the chain's blocks at or above the floor. Offsets a
    // power cut lost (a restart jumped past them) and blocks left empty are not counted.
    long end = t.endOffset(); // first: block ends may run ahead of it, never behind
    long floor = t.floor();
    List<Block> chain = t.chain();
    long first = -1;
    long retained = 0;
    long bytes = 0;
    for (Block b : chain) {
      long lo = Math.max(b.firstOffset(), floor);
      long hi = Math.min(b.endOffset(), end);
      if (hi > lo) {
        first = first < 0 ? lo : first;
        retained += hi - lo;
      }
      if (b.endOffset() > floor) {
        bytes += b.endPos();
      }
    }
    first = first < 0 ? end : first;
    Map<String, Long> unread = new HashMap<>();
    Map<String, Long> skipped = new HashMap<>();
    for (Cursor c : cursors.of(t)) {
      skipped.put(c.consumer(), c.skipped());
      long from = Math.max(c.nextOffset(), first);
      long n = 0;
      for (Block b : chain) {
        long lo = Math.max(Math.max(b.firstOffset(), floor), from);
        long hi = Math.min(b.endOffset(), end);
        n += Math.max(0, hi - lo);
      }
      unread.put(c.consumer(), n);
    }
    return new TopicStats(topic, first, end, retained, bytes, unread, skipped);
  }

  // ---------------------------------------------------------------- time and lifecycle

  /** @return the first retained offset with a timestamp at or after {@code time}, or -1 */
  public long offsetForTime(String topic, java.time.Instant time) {
    Names.topic(topic);
    health.check();
    Topic t = topics.get(topic);
    if (t == null || !t.isVisible()) {
      return -1;
    }
    try {
      return TimeLookup.find(t, TimeLookup.micros(time));
    } catch (IOException e) {
      throw health.poison("time lookup in topic '" + topic + "'", e);
    }
  }

  /** @return true if the topic existed; see {@code Walrus.deleteTopic} */
  public boolean deleteTopic(String topic) {
    Names.topic(topic);
    health.check();
    Topic t = topics.get(topic);
    boolean deleted = t != null && lifecycle.delete(t, config.sharedCursor(), SHARED);
    if (deleted) {
      pokeReclaimer();
    }
    return deleted;
  }

  /** @return the topic's effective retention */
  public dev.walrus.TopicConfig topicConfig(String topic) {
    Names.topic(topic);
    health.check();
    return lifecycle.effective(topic);
  }

  /** Sets and persists a topic's own retention. */
  public void setTopicConfig(String topic, dev.walrus.TopicConfig c) {
    Names.topic(topic);
    health.check();
    lifecycle.set(topic, c);
    pokeReclaimer();
  }

  /** @return true if the topic had its own retention, now forgotten */
  public boolean clearTopicConfig(String topic) {
    Names.topic(topic);
    health.check();
    boolean had = lifecycle.set(topic, null);
    pokeReclaimer();
    return had;
  }

  /** Runs a reclamation pass now, on the calling thread. */
  public void reclaimNow() {
    health.check();
    try {
      reclaimer.run();
    } catch (IOException e) {
      throw health.poison("reclamation", e);
    }
  }

  /** @return the instance's health, for {@link dev.walrus.Walrus#health()} */
  public Health health() {
    return health;
  }

  /** Forces everything written so far to stable storage. */
  public void sync() {
    health.check();
    try {
      durability.sync();
      durability.sync(); // the seals the first pass wrote
    } catch (IOException e) {
      throw health.poison("fsync", e);
    }
  }

  @Override
  public void close() {
    if (health.isClosed()) {
      return;
    }
    IOException failure = null;
    try {
      if (!health.isPoisoned()) {
        cursors.persistAll();
        durability.stop();
        durability.sync();
      }
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      LOG.warn("error while closing {}", config.directory(), e);
    } finally {
      health.markClosed();
      maintenance.shutdown();
      try {
        maintenance.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      cursors.dropReaders();
      for (var f : allocator.files()) {
        closeQuietly(f.file());
      }
      closeQuietly(journal);
      config.backend().close();
      closeQuietly(lock);
    }
    if (failure != null) {
      throw new dev.walrus.FatalIOException(
          "final fsync of "
              + config.directory()
              + " failed: "
              + failure
              + "; the instance is closed",
          failure);
    }
  }
}
