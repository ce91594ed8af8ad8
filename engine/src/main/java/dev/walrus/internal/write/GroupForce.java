package dev.walrus.internal.write;

import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.storage.ForceFailedException;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Group commit of the SyncEach forces, across topics (leader/follower): a writer that has
 * written bytes to some data files asks for a force of those files that starts after its
 * writes; while one force runs, the files asked for meanwhile are collected, and when it
 * completes the first waiter forces all of them at once for everyone collected (one
 * {@link StorageBackend#forceAll}: one {@code fdatasync} per file, or one io_uring
 * submission). Every caller returns only after a force that started after its call
 * completed, so its bytes are on stable storage.
 *
 * <p>A failed force fails every caller of that force, and every later one (the instance is
 * poisoned: the kernel may have dropped the dirty pages, a retry could report success for
 * lost bytes), with a {@link ForceFailedException}. Waiting is not interruptible: an
 * interrupt is kept for the caller, never lost, never turned into a failure (the force
 * itself runs where no interrupt reaches it). Thread-safe.
 */
final class GroupForce {
  private final StorageBackend backend;
  private final Object lock = new Object();

  /** Files asked for since the running force started: the next force's. */
  private final Set<DataFile> collecting = new LinkedHashSet<>();

  /** The force that collects now; it starts when the running one completes. */
  private long collectingRound = 1;

  /** The last force that completed. */
  private long completedRound;

  private boolean forcing;

  /** Callers in the collecting round (written under the monitor, read while filling). */
  private volatile int joined;

  /** Callers the last force served. */
  private int previousRound;

  /** The first failure; every later caller fails with it. */
  private ForceFailedException failure;

  private long failedRound;

  GroupForce(StorageBackend backend) {
    this.backend = backend;
  }

  /**
   * Returns once a force of {@code files} that started after this call has completed.
   *
   * @param files the data files the caller wrote (and wants on stable storage)
   * @throws ForceFailedException if that force failed, or an earlier one did
   */
  void force(List<DataFile> files) throws ForceFailedException {
    boolean interrupted = false;
    long round;
    List<DataFile> mine = null;
    try {
      synchronized (lock) {
        if (failure != null) {
          throw failure;
        }
        collecting.addAll(files);
        joined++;
        round = collectingRound;
        for (; ; ) {
          if (completedRound >= round) {
            if (failure != null && round >= failedRound) {
              throw failure;
            }
            return; // a follower: the leader forced our files
          }
          if (!forcing) {
            forcing = true; // the leader of the collecting round
            break;
          }
          try {
            lock.wait();
          } catch (InterruptedException e) {
            interrupted = true; // kept for the caller; the force must complete first
          }
        }
      }
      ForceFailedException failed = null;
      try {
        GroupFill.await(() -> joined, previousRound); // outside the monitor: others join
        synchronized (lock) {
          mine = new ArrayList<>(collecting);
          collecting.clear();
          previousRound = joined;
          joined = 0;
          collectingRound = round + 1;
        }
        failed = forceAll(mine);
      } finally {
        synchronized (lock) {
          forcing = false;
          completedRound = round;
          if (failed != null && failure == null) {
            failure = failed;
            failedRound = round;
          }
          lock.notifyAll();
        }
      }
      if (failed != null) {
        throw failed;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private ForceFailedException forceAll(List<DataFile> files) {
    List<StorageFile> live = new ArrayList<>(files.size());
    for (DataFile f : files) {
      if (!f.isDeleted()) {
        live.add(f.file());
      }
    }
    try {
      try {
        backend.forceAll(live);
      } catch (ClosedChannelException e) {
        // Only the reclaimer closes a data file while the instance is open: a file found
        // closed was reclaimed (nothing left to force); force the survivors one by one.
        for (DataFile f : files) {
          if (!f.isDeleted()) {
            try {
              f.file().force();
            } catch (ClosedChannelException closed) {
              if (!f.isDeleted()) {
                throw closed;
              }
            }
          }
        }
      }
      return null;
    } catch (ForceFailedException e) {
      return e;
    } catch (IOException | RuntimeException | Error e) {
      // InternalError: SIGBUS from a mapped file truncated behind the engine's back. Any
      // failure fails the force: nobody may be told its bytes are durable.
      return new ForceFailedException(where(files), e);
    }
  }

  private static Path where(List<DataFile> files) {
    Path p = files.get(0).file().path();
    return files.size() == 1 || p.getParent() == null ? p : p.getParent();
  }
}
