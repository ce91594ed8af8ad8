package dev.walrus.internal.write;

import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.storage.ForceFailedException;
import dev.walrus.internal.storage.ForceThread;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit of the SyncEach forces, across topics, pipelined: a writer that has written
 * bytes to some data files queues a request for a force of those files and parks; one force
 * thread (a {@link ForceThread}, which no interrupt reaches) takes every request queued,
 * forces the union of their files at once (one {@link StorageBackend#forceAll}: one
 * {@code fdatasync} per file, however many topics and writers wrote to it, or one io_uring
 * submission), completes those requests and at once takes the next ones, which queued while
 * it forced. So one force covers every request queued before it started, the next starts
 * as soon as it ends, and the disk never waits for the writers' wake-ups. Every caller
 * returns only after a force that started after its request was queued (so after its
 * writes) has completed: its bytes are on stable storage.
 *
 * <p>Waking a force's callers costs one unpark each, shared among them: the force thread
 * wakes the first, and each caller, once it sees its request done, wakes the next two of
 * its force (a binary tree), so the force thread goes back to the disk after one unpark.
 *
 * <p>A failed force fails every caller of that force, and every later one (the instance is
 * poisoned: the kernel may have dropped the dirty pages, a retry could report success for
 * lost bytes), with a {@link ForceFailedException}. Waiting is not interruptible: an
 * interrupt is kept for the caller, never lost, never turned into a failure (the force
 * itself runs where no interrupt reaches it). The force thread is started on demand and
 * ends after {@value #IDLE_SECONDS} s without requests. Thread-safe.
 */
final class GroupForce {
  /** An idle force thread ends after this long. */
  static final long IDLE_SECONDS = 5;

  private static final int NONE = 0;
  private static final int RUNNING = 1;
  private static final int PARKED = 2;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final StorageBackend backend;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();

  /** The force thread: none, running (it will look at the queue again), or parked. */
  private final AtomicInteger state = new AtomicInteger(NONE);

  private volatile Thread forcer;

  /** The first failure; every later caller fails with it. */
  private volatile ForceFailedException failure;

  /** One caller's request: its files; completed by the force that covered them. */
  static final class Request {
    final DataFile[] files;
    final Thread waiter = Thread.currentThread();

    /** The requests of the force that completed this one, and this one's place in them. */
    Request[] group;

    int index;
    ForceFailedException error;
    volatile boolean done;

    Request(List<DataFile> files) {
      this.files = files.toArray(new DataFile[0]);
    }

    Path path() {
      return files.length > 0 ? files[0].file().path() : Path.of(".");
    }
  }

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
    await(submit(files));
  }

  /**
   * Queues a request for a force of {@code files} and returns at once; {@link #await} it.
   *
   * @param files the data files the caller wrote (and wants on stable storage)
   * @return the request, to await on the same thread
   * @throws ForceFailedException if an earlier force failed
   */
  Request submit(List<DataFile> files) throws ForceFailedException {
    ForceFailedException failed = failure;
    if (failed != null) {
      throw failed;
    }
    Request r = new Request(files);
    queue.add(r);
    signal();
    return r;
  }

  /**
   * Returns once the force that took {@code r} has completed.
   *
   * @param r a request this thread submitted
   * @throws ForceFailedException if that force failed, or an earlier one did
   */
  void await(Request r) throws ForceFailedException {
    boolean interrupted = false;
    while (!r.done) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true; // kept for the caller; the force must complete first
      }
    }
    wakeNext(r);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (r.error != null) {
      throw r.error;
    }
  }

  /** @return requests queued and not yet taken by a force (tests) */
  int queued() {
    return queue.size();
  }

  /** Makes sure the force thread will see the queue: starts it, unparks it, or trusts it. */
  private void signal() {
    for (; ; ) {
      int s = state.get();
      if (s == RUNNING) {
        return; // it looks at the queue again before it parks
      }
      if (s == PARKED && state.compareAndSet(PARKED, RUNNING)) {
        LockSupport.unpark(forcer);
        return;
      }
      if (s == NONE && state.compareAndSet(NONE, RUNNING)) {
        ForceThread.start("walrus-force-" + THREADS.incrementAndGet(), this::run);
        return;
      }
    }
  }

  /** Wakes the two requests after {@code r} in its force's binary tree of wake-ups. */
  private static void wakeNext(Request r) {
    Request[] g = r.group;
    int child = 2 * r.index + 1;
    for (int i = child; i < child + 2 && i < g.length; i++) {
      LockSupport.unpark(g[i].waiter);
    }
  }

  /** The force thread's loop. */
  private void run() {
    forcer = Thread.currentThread(); // before it can be PARKED, so before anyone unparks it
    List<Request> taken = new ArrayList<>();
    for (; ; ) {
      Request q;
      while ((q = queue.poll()) != null) {
        taken.add(q);
      }
      if (!taken.isEmpty()) {
        try {
          forceAndComplete(taken);
        } catch (RuntimeException | Error e) {
          // Never leave a caller parked for ever: fail what this force took (poison).
          ForceFailedException f = new ForceFailedException(taken.get(0).path(), e);
          failure = failure == null ? f : failure;
          complete(taken.toArray(new Request[0]), failure); // the thread goes on
        }
        taken.clear();
        continue;
      }
      state.set(PARKED);
      if (!queue.isEmpty()) {
        state.compareAndSet(PARKED, RUNNING); // a caller may have set RUNNING already
        continue;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
      while (state.get() == PARKED) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          if (state.compareAndSet(PARKED, NONE)) {
            return; // idle: the next caller starts a new thread
          }
          break; // a caller just set RUNNING
        }
        LockSupport.parkNanos(this, left);
      }
    }
  }

  /** Forces the union of the requests' files, then completes the requests. */
  private void forceAndComplete(List<Request> taken) {
    Set<DataFile> files = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Request r : taken) {
      Collections.addAll(files, r.files);
    }
    ForceFailedException failed = failure;
    if (failed == null) {
      // Crash safety: every request taken here was queued after its caller's writes had
      // returned, so this force starts after those writes, and an fdatasync covers every
      // byte written to the file before it started (through any descriptor). Only its
      // successful return lets the callers acknowledge; a failure fails them all and
      // poisons (no retry: the kernel may have dropped the dirty pages).
      failed = forceAll(new ArrayList<>(files));
      if (failed != null) {
        failure = failed; // before any caller of this force is completed
      }
    }
    complete(taken.toArray(new Request[0]), failed);
  }

  /** Completes a force's requests with its outcome and starts their wake-ups. */
  private static void complete(Request[] group, ForceFailedException failed) {
    for (int i = 0; i < group.length; i++) {
      if (group[i].done) {
        continue; // completed before an unexpected failure (see run)
      }
      group[i].group = group;
      group[i].index = i;
      group[i].error = failed;
      group[i].done = true; // publishes group, index and error
    }
    LockSupport.unpark(group[0].waiter); // it wakes the next ones (wakeNext)
  }

  private ForceFailedException forceAll(List<DataFile> files) {
    if (files.isEmpty()) {
      return null;
    }
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
