package dev.walrus.internal.engine;

import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicStats;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusMetricsListener;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
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
import dev.walrus.internal.write.BlockAllocator;
import dev.walrus.internal.write.Durability;
import java.io.IOException;
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
  private final Reclaimer reclaimer;
  private final TopicLifecycle lifecycle;
  private final ScheduledExecutorService maintenance;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private final EngineWrites writes;
  private final EngineReads reads;

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
    ViewReads views = new ViewReads(cursors, health, metrics);
    this.writes =
        new EngineWrites(config, health, metrics, topics, allocator, durability, cursors, buffers);
    this.reads = new EngineReads(config, health, metrics, topics, cursors, views, writes);
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

  /** @return the write side: appends and append listeners */
  public EngineWrites writes() {
    return writes;
  }

  /** @return the read side: reads, peeks and consumer positions */
  public EngineReads reads() {
    return reads;
  }

  /** Attaches a metrics listener; closing the returned handle detaches it. */
  public AutoCloseable addMetricsListener(WalrusMetricsListener l) {
    if (l == null) {
      throw new InvalidArgumentException("metrics listener must not be null");
    }
    return metrics.add(l);
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

  /** Waits for the writes under way: takes and releases every topic's write lock. */
  private void awaitWrites() {
    for (Topic t : topics.values()) {
      t.writeLock().lock();
      t.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    if (health.isClosed()) {
      return;
    }
    // Closed first, so every call from here on is refused; then the calls already past
    // their check are waited for, before anything they write to is forced or closed.
    // Writes check the instance's health under their topic's write lock, and a write
    // holds that lock until it is published (under SyncEach: forced; AppendGroup finishes
    // its pipelined group before it lets go): taking and releasing every topic's lock
    // below waits for the writes under way, and any later one sees the instance closed
    // and writes nothing. Consuming reads and checkpoints do the same under their
    // cursor's monitor, which persistAll takes. So a call racing close() either completes
    // (acknowledged, and covered by the final force below) or fails with
    // WalrusClosedException having written nothing: never a write into a closed file,
    // never an acknowledgment the final force did not cover.
    health.markClosed();
    awaitWrites();
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
