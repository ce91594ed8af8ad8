package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.meta.MetadataLog;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the fsync schedule: under {@code Milliseconds(n)} a background task forces
 * every data file written since the last run, then the metadata log. Forces start at a
 * fixed rate, every {@code n} ms measured from the start of the previous one (not from
 * its end, which would add the force's duration to every period): bytes written at any
 * instant are covered by the next force to start, at most {@code n} ms later, and durable
 * when it completes. A force that takes longer than {@code n} is followed at once by the
 * next (never overlapping, never bunched to catch up). See {@link #nextDelay}. Under
 * {@code SyncEach} each writer forces what it wrote before its append returns, sharing
 * the force with concurrent writers ({@link #forceWritten}, {@link GroupForce}), and
 * nothing is left to do here; under {@code NoFsync} nothing is forced until close.
 *
 * <p>It also writes block seals. A seal lets recovery trust a block without scanning
 * it, so it must never describe bytes that could still be lost: under
 * {@code Milliseconds} a seal is written only after a force that covered the block's
 * entries has completed. A failed force poisons the instance (no retry: the kernel may
 * have dropped the dirty pages).
 */
public final class Durability {
  private static final Logger LOG = LoggerFactory.getLogger(Durability.class);

  private final EngineConfig config;
  private final Health health;
  private final Supplier<List<DataFile>> files;
  private final MetadataLog journal;
  private final DirectorySync directory;
  private final Metrics metrics;
  private final List<PendingSeal> pending = new ArrayList<>();
  private final boolean syncEach;
  private final GroupForce group;
  private volatile ScheduledFuture<?> task;
  private ScheduledExecutorService executor;
  private volatile boolean stopped;

  private static final class PendingSeal {
    final Block block;
    final ByteBuffer seal;

    PendingSeal(Block block, ByteBuffer seal) {
      this.block = block;
      this.seal = seal;
    }
  }

  /** Syncs the namespace directory when files were created since it was last synced. */
  @FunctionalInterface
  public interface DirectorySync {
    void syncIfNeeded() throws IOException;
  }

  public Durability(
      EngineConfig config,
      Health health,
      Supplier<List<DataFile>> files,
      MetadataLog journal,
      DirectorySync directory,
      Metrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.health = health;
    this.files = files;
    this.journal = journal;
    this.directory = directory;
    this.syncEach = config.syncEach();
    this.group = new GroupForce(config.backend());
  }

  /** @return true under SyncEach: every write is forced before it is acknowledged */
  public boolean syncEach() {
    return syncEach;
  }

  /**
   * SyncEach: returns once the given data files (which the caller wrote) are forced by a
   * force that started after this call; concurrent callers share forces, run back to back on
   * one force thread that no interrupt reaches ({@link GroupForce}).
   *
   * @param written the files the caller wrote entries or block headers to
   * @throws dev.walrus.internal.storage.ForceFailedException if the force failed (poison)
   */
  public void forceWritten(List<DataFile> written) throws IOException {
    group.force(written); // not a force pass: not reported to metrics listeners
  }

  /**
   * SyncEach, pipelined: queues a force of {@code written} and returns at once; the caller
   * {@link #awaitForce awaits} it on the same thread (meanwhile it may write more).
   *
   * @param written the files the caller wrote entries to
   * @return the request to await
   * @throws dev.walrus.internal.storage.ForceFailedException if an earlier force failed
   */
  GroupForce.Request submitForce(List<DataFile> written) throws IOException {
    return group.submit(written);
  }

  /**
   * Returns once the force of a {@link #submitForce submitted} request has completed.
   *
   * @throws dev.walrus.internal.storage.ForceFailedException if that force failed
   */
  void awaitForce(GroupForce.Request request) throws IOException {
    group.await(request);
  }

  /** Starts the periodic force for the Milliseconds schedule. */
  public void start(ScheduledExecutorService maintenance) {
    long ms = config.schedule().intervalMillis();
    if (ms > 0) {
      executor = maintenance;
      task = maintenance.schedule(this::periodic, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * When the next periodic force starts: {@code interval} after the start of the one
   * that just ran, or at once if that one took longer.
   *
   * @param startedNanos when the force that just completed started
   * @param finishedNanos when it completed
   * @param intervalNanos the schedule's interval
   * @return the delay from {@code finishedNanos}, in nanoseconds, at least 0
   */
  static long nextDelay(long startedNanos, long finishedNanos, long intervalNanos) {
    return Math.max(0, intervalNanos - (finishedNanos - startedNanos));
  }

  private void periodic() {
    if (health.isPoisoned() || health.isClosed() || stopped) {
      return;
    }
    long started = System.nanoTime();
    try {
      sync();
    } catch (IOException e) {
      health.poison("background fsync", e);
      LOG.error("background fsync failed; instance poisoned", e);
      return;
    } catch (RuntimeException e) {
      LOG.error("background fsync failed", e);
    }
    long interval = TimeUnit.MILLISECONDS.toNanos(config.schedule().intervalMillis());
    try {
      if (!stopped) {
        task =
            executor.schedule(
                this::periodic,
                nextDelay(started, System.nanoTime(), interval),
                TimeUnit.NANOSECONDS);
      }
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the instance is closing
    }
  }

  /**
   * Records that a block was sealed with the given seal bytes. Written at once when the
   * block's entries are already as durable as the schedule makes them, otherwise after
   * the next completed force.
   */
  public void sealed(Block block, ByteBuffer seal) throws IOException {
    if (!syncEach) {
      // Milliseconds: written after the next periodic force; NoFsync: after the next
      // explicit sync() or at close. Only under SyncEach are the bytes already durable.
      synchronized (pending) {
        pending.add(new PendingSeal(block, seal));
      }
    } else {
      writeSeal(block, seal);
    }
  }

  /** Forgets a seal not yet written (its block is being rolled back). */
  public void cancelSeal(Block block) {
    synchronized (pending) {
      pending.removeIf(p -> p.block == block);
    }
  }

  private static void writeSeal(Block block, ByteBuffer seal) throws IOException {
    if (block.file().isDeleted()) {
      return;
    }
    try {
      block.file().file().write(seal, block.base() + block.header().sealPosition);
    } catch (java.nio.channels.ClosedChannelException e) {
      if (block.file().isDeleted()) {
        return; // reclaimed meanwhile: nothing left to seal
      }
      throw e;
    }
    block.file().markDirty();
  }

  /**
   * Forces every dirty data file and then the metadata log, then writes the seals that
   * were waiting for that force.
   */
  public synchronized void sync() throws IOException {
    try {
      sync0();
    } catch (InternalError e) {
      // SIGBUS from a mapped file truncated behind the engine's back
      throw new IOException("a mapped data file is shorter than its mapping: " + e.getMessage(), e);
    }
  }

  private void sync0() throws IOException {
    // Serialised: a sync() must not return while another one is still forcing what it
    // took the dirty flags of (the periodic force and an explicit sync() may overlap).
    boolean measured = metrics.active();
    long t0 = measured ? System.nanoTime() : 0L;
    List<PendingSeal> ready;
    synchronized (pending) {
      ready = new ArrayList<>(pending);
      pending.clear();
    }
    List<StorageFile> dirty = new ArrayList<>();
    for (DataFile f : files.get()) {
      if (f.takeDirty() && !f.isDeleted()) {
        dirty.add(f.file());
      }
    }
    try {
      config.backend().forceAll(dirty); // one io_uring submission for all of them, where available
    } catch (java.nio.channels.ClosedChannelException e) {
      // A file reclaimed meanwhile needs nothing; force the survivors one by one. Only the
      // reclaimer closes a data file while the instance is open, so a file found closed
      // here was reclaimed (its close may come just before it is marked deleted).
      for (DataFile f : files.get()) {
        if (!f.isDeleted() && dirty.contains(f.file())) {
          try {
            f.file().force();
          } catch (java.nio.channels.ClosedChannelException closed) {
            // reclaimed meanwhile
          }
        }
      }
    }
    directory.syncIfNeeded(); // names of files created since the last sync
    // Data before cursors: a durable cursor then never points past durable data.
    boolean journalForced = journal.forceIfDirty();
    for (PendingSeal p : ready) {
      writeSeal(p.block, p.seal);
    }
    if (measured && (!dirty.isEmpty() || journalForced)) {
      metrics.fsync(dirty.size(), System.nanoTime() - t0);
    }
  }

  /** Stops the periodic task and writes whatever seals are pending. */
  public void stop() throws IOException {
    stopped = true;
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
    sync();
  }
}
