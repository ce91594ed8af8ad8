package dev.walrus.internal.reclaim;

import dev.walrus.TopicConfig;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.DataFiles;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.cursor.Cursors;
import dev.walrus.internal.meta.MetadataLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes data files whose every block is consumed: dead, or sealed with all its entries
 * below the lowest cursor of its topic (a topic without cursors consumes nothing), or
 * below its floor (which {@link Retention}, run first in each pass, raises past blocks
 * the topic's retention drops, and a topic's deletion raises to its end).
 *
 * <p>Before a file is deleted, each topic with blocks in it gets a floor record in the
 * metadata log (forced): offsets below the floor are gone. Recovery needs the floor to
 * accept the gap the deletion leaves in a topic's chain and to keep offsets from going
 * backwards even when every block of a topic is gone. The file being allocated from is
 * never deleted. Runs on the maintenance thread when poked; works the same after a
 * restart, because recovery restores every file's blocks.
 */
public final class Reclaimer {
  private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);

  private final EngineConfig config;
  private final Health health;
  private final DataFiles files;
  private final Function<String, Topic> topics;
  private final Cursors cursors;
  private final MetadataLog journal;
  private final Executor executor;
  private final Metrics metrics;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Supplier<Collection<Topic>> allTopics;
  private final Retention retention;

  /**
   * @param config the instance's configuration (backend, directory, schedule)
   * @param health poisoned if a deletion's floor cannot be made durable
   * @param files the namespace's data files (the allocator, which owns them)
   * @param topics looks a topic up by name (null if unknown)
   * @param cursors whose lowest positions decide what is consumed
   * @param journal the metadata log the floors go to
   * @param executor runs the passes {@link #poke} asks for
   * @param metrics told of every file deleted
   * @param allTopics every topic, for retention
   * @param retentionOf a topic's effective retention by name
   */
  public Reclaimer(
      EngineConfig config,
      Health health,
      DataFiles files,
      Function<String, Topic> topics,
      Cursors cursors,
      MetadataLog journal,
      Executor executor,
      Metrics metrics,
      Supplier<Collection<Topic>> allTopics,
      Function<String, TopicConfig> retentionOf) {
    this.metrics = metrics;
    this.allTopics = allTopics;
    this.retention = new Retention(retentionOf, cursors, journal, config.clock(), config.quiet());
    this.config = config;
    this.health = health;
    this.files = files;
    this.topics = topics;
    this.cursors = cursors;
    this.journal = journal;
    this.executor = executor;
  }

  /** Asks for a reclamation pass soon (coalesced). */
  public void poke() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::runQuietly);
      } catch (RuntimeException e) {
        scheduled.set(false); // shutting down
      }
    }
  }

  /** Most topics whose retention locks are nested on the calling thread's stack. */
  static final int DEEP_LOCKS = 512;

  /** Stack bytes allowed per nested lock on the helper thread (a frame is far less). */
  private static final long FRAME_BYTES = 512;

  private void runQuietly() {
    scheduled.set(false);
    if (health.isClosed() || health.isPoisoned()) {
      return;
    }
    try {
      run();
    } catch (IOException e) {
      health.poison("reclamation", e);
      LOG.error("reclamation failed; instance poisoned", e);
    } catch (RuntimeException e) {
      LOG.error("reclamation failed", e);
    }
  }

  /**
   * Applies every topic's retention (raising floors past blocks it drops), then deletes
   * every file that is fully consumed or dropped.
   */
  public synchronized void run() throws IOException {
    // Only topics with a limit: without one (the common case) a pass costs no sort of
    // every topic's name.
    List<Topic> limited = new ArrayList<>();
    for (Topic t : allTopics.get()) {
      if (retention.limited(t)) {
        limited.add(t);
      }
    }
    for (Topic t : sorted(limited)) {
      retention.apply(t);
    }
    // Not currentFile() then files(): a file created in between (right after a restart,
    // before the first allocation, there is no current file) would look like a file with
    // no live blocks, and be deleted under the writer about to fill it.
    for (DataFile f : files.completedFiles()) {
      if (f.isDeleted()) {
        continue;
      }
      // Without locks first: a file some topic still needs (the common case) is passed
      // over without taking the retention lock of each of its topics (a file of small
      // blocks can hold a block of every topic of the namespace). The locked decision
      // below is the one that counts.
      if (consumedFloors(f) != null) {
        reclaimLocked(f, topicsOf(f));
      }
    }
  }

  /**
   * Takes the retention locks of {@code locked} (nested monitors: one stack frame each)
   * and decides. A file with blocks of very many topics is decided on a helper thread
   * whose stack fits that many frames, so no topic count overflows the caller's stack.
   */
  private void reclaimLocked(DataFile f, List<Topic> locked) throws IOException {
    if (locked.size() <= DEEP_LOCKS) {
      reclaimIfConsumed(f, locked, 0);
      return;
    }
    IOException[] failed = new IOException[1];
    RuntimeException[] broke = new RuntimeException[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                reclaimIfConsumed(f, locked, 0);
              } catch (IOException e) {
                failed[0] = e;
              } catch (RuntimeException e) {
                broke[0] = e;
              }
            },
            "walrus-reclaim-deep",
            (1L << 20) + FRAME_BYTES * locked.size());
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the decision holds locks: let it finish
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failed[0] != null) {
      throw failed[0];
    }
    if (broke[0] != null) {
      throw broke[0];
    }
  }

  private static List<Topic> sorted(java.util.Collection<Topic> ts) {
    List<Topic> l = new ArrayList<>(ts);
    l.sort(java.util.Comparator.comparing(Topic::name)); // one lock order for everyone
    return l;
  }

  private List<Topic> topicsOf(DataFile f) {
    java.util.Set<Topic> ts = new java.util.HashSet<>();
    for (Block b : f.blocks()) {
      Topic t = topics.apply(b.header().topic);
      if (t != null) {
        ts.add(t);
      }
    }
    return sorted(ts);
  }

  /** Takes the retention locks of the file's topics in name order, then decides. */
  private void reclaimIfConsumed(DataFile f, List<Topic> locked, int i) throws IOException {
    if (i < locked.size()) {
      synchronized (locked.get(i).retentionLock()) {
        reclaimIfConsumed(f, locked, i + 1);
      }
      return;
    }
    Map<Topic, Long> floors = consumedFloors(f);
    if (floors != null) {
      delete(f, floors);
    }
  }

  /** @return per topic the floor deleting {@code f} implies, or null if not all consumed */
  private Map<Topic, Long> consumedFloors(DataFile f) {
    Map<Topic, Long> floors = new HashMap<>();
    for (Block b : f.blocks()) {
      if (b.isDead()) {
        continue;
      }
      Topic t = topics.apply(b.header().topic);
      if (t == null || !b.isSealed()) {
        return null;
      }
      long limit = Math.max(t.floor(), cursors.minConsumed(t));
      if (b.endOffset() > limit) {
        return null;
      }
      floors.merge(t, b.endOffset(), Math::max);
    }
    return floors;
  }

  private void delete(DataFile f, Map<Topic, Long> floors) throws IOException {
    boolean wrote = false;
    for (Map.Entry<Topic, Long> e : floors.entrySet()) {
      Topic t = e.getKey();
      if (e.getValue() > t.floor()) {
        journal.recordFloor(t.utf8(), t.name(), e.getValue());
        wrote = true;
      }
    }
    if (wrote) {
      journal.force(); // the floor must be durable before the file is gone
    }
    for (Map.Entry<Topic, Long> e : floors.entrySet()) {
      e.getKey().raiseFloor(e.getValue());
      e.getKey().trimHead();
    }
    f.markDeleted();
    files.remove(f);
    f.file().close();
    config.backend().delete(f.file().path());
    if (!config.noFsync()) {
      config.backend().syncDirectory(config.directory());
    }
    metrics.fileReclaimed();
    if (!config.quiet()) {
      LOG.debug("reclaimed {}", f.file().path());
    }
  }
}
