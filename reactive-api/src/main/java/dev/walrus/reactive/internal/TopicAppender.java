package dev.walrus.reactive.internal;

import dev.walrus.Walrus;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusPoisonedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * The group-commit writer of one topic. Appends from any number of threads are queued
 * (lock-free, never blocking the caller); a single drain task on the scheduler takes
 * everything queued, up to {@code maxEntries} entries and {@code maxBytes} bytes, and
 * writes it with one engine batch append: one positional write and, under
 * {@code SyncEach}, one synchronous write for all of them. Then it completes each unit in
 * queue order. While the task writes, new appends queue up and form the next group, so
 * the more producers wait, the larger the groups.
 *
 * <p>Units are written whole and in order. Coalescing never changes which entries are
 * written: when a combined write fails for a reason specific to one unit (a bad topic,
 * an oversized entry), nothing was written (the engine checks before writing) and each
 * unit is retried on its own, so only the offending unit fails. When it fails on I/O
 * (a write rolled back, {@code WriteRolledBackException}: none of the group was written;
 * or the failure that poisoned the instance), or the instance is poisoned or closed,
 * every unit of the group fails with that exception.
 *
 * <p>Every unit ends in exactly one of written, failed or skipped (cancelled before its
 * group was taken, or before its retry alone). The drain task is submitted with
 * {@link Scheduler#schedule(Runnable)} and never disposed, so no cancellation interrupts
 * a write; writes run with the interrupt status cleared ({@link InterruptShield}).
 *
 * <p>A caller that blocks for its append anyway may write it itself when the writer is
 * idle ({@link #appendOnCaller}): the drain then runs on that thread until its unit is
 * written, and whatever is left goes to a drain task on the scheduler. Either way there
 * is one drain at a time, so the rules above hold whoever drains.
 *
 * <p>Thread-safe: {@link #enqueue(PendingAppend)} may be called from any thread,
 * including non-blocking ones; {@link #appendOnCaller} only from threads that may block;
 * at most one drain runs at a time.
 */
public final class TopicAppender implements Runnable {
  private static final int GROUPS_PER_RUN = 64;

  private final String topic;
  private final Walrus wal;
  private final Scheduler scheduler;
  private final Lifecycle life;
  private final int maxEntries;
  private final long maxBytes;
  private final Queue<PendingAppend> queue = Queues.<PendingAppend>unboundedMultiproducer().get();
  private final AtomicInteger wip = new AtomicInteger();

  // drain-task state
  private final List<PendingAppend> group = new ArrayList<>();
  private final List<byte[]> payloads = new ArrayList<>();
  private PendingAppend carry;

  /**
   * @param topic the topic (already validated)
   * @param wal the engine
   * @param scheduler where the blocking writes run
   * @param life the owner's lifecycle
   * @param maxEntries most entries per write, 1 to {@link Walrus#MAX_BATCH_ENTRIES}
   * @param maxBytes most payload bytes per write (a larger unit is written alone)
   */
  public TopicAppender(
      String topic,
      Walrus wal,
      Scheduler scheduler,
      Lifecycle life,
      int maxEntries,
      long maxBytes) {
    this.topic = topic;
    this.wal = wal;
    this.scheduler = scheduler;
    this.life = life;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** Queues a unit and makes sure a drain task will write it. Never blocks. */
  public void enqueue(PendingAppend unit) {
    queue.offer(unit);
    if (wip.getAndIncrement() == 0) {
      life.taskStarted();
      submit();
    }
  }

  /**
   * Queues a unit for a caller that is going to wait for it anyway (a blocking
   * {@code block()} on a thread that may block) and, if the topic's writer is idle, writes
   * it on the calling thread: no hand-off to the scheduler and back. The caller's thread
   * then is the drain for a moment: it writes the group holding its unit (with whatever
   * else was queued before it), completes that group's units, and hands anything queued
   * meanwhile to a drain task on the scheduler. If a drain is already running elsewhere,
   * the unit simply joins its queue. Either way the unit's completion is told, as for
   * {@link #enqueue}; when this returns it may not have been yet.
   *
   * <p>Blocks the calling thread for the write (and, under {@code SyncEach}, the
   * synchronous write): call only where blocking is allowed.
   */
  public void appendOnCaller(PendingAppend unit) {
    queue.offer(unit);
    if (wip.getAndIncrement() == 0) {
      life.taskStarted();
      drainUntil(unit);
    }
  }

  /** The drain loop of {@link #run()}, on the caller, until {@code mine} is finished. */
  private void drainUntil(PendingAppend mine) {
    int missed = wip.get();
    for (; ; ) {
      while (!mine.finished() && takeGroup()) {
        writeGroup();
      }
      if (carry != null || !queue.isEmpty()) {
        submit(); // more work: the scheduler's drain task goes on with it (wip stays non-zero)
        return;
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        life.taskEnded();
        return;
      }
      if (mine.finished()) {
        submit(); // appends raced in after the queue looked empty: hand them over
        return;
      }
    }
  }

  private void submit() {
    try {
      scheduler.schedule(this);
    } catch (RejectedExecutionException e) {
      failQueued(e);
    }
  }

  @Override
  public void run() {
    int missed = wip.get();
    int groups = 0;
    for (; ; ) {
      while (takeGroup()) {
        writeGroup();
        if (++groups == GROUPS_PER_RUN) {
          submit(); // let other tasks run; keep the drain right (wip stays non-zero)
          return;
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        life.taskEnded();
        return;
      }
    }
  }

  /** Fails everything queued when the scheduler refuses work (it was disposed). */
  private void failQueued(RejectedExecutionException e) {
    WalrusClosedException error =
        new WalrusClosedException("the ReactiveWalrus scheduler rejected the append", e);
    int missed = wip.get();
    for (; ; ) {
      if (carry != null) {
        complete(carry, error);
        carry = null;
      }
      PendingAppend p;
      while ((p = queue.poll()) != null) {
        complete(p, error);
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        life.taskEnded();
        return;
      }
    }
  }

  private boolean takeGroup() {
    int entries = 0;
    long bytes = 0;
    for (; ; ) {
      PendingAppend p = carry;
      if (p != null) {
        carry = null;
      } else {
        p = queue.poll();
        if (p == null) {
          break;
        }
      }
      if (p.isCancelled()) {
        skip(p);
        continue;
      }
      if (!group.isEmpty() && (entries + p.count() > maxEntries || bytes + p.bytes() > maxBytes)) {
        carry = p;
        break;
      }
      group.add(p);
      entries += p.count();
      bytes += p.bytes();
    }
    return !group.isEmpty();
  }

  private void writeGroup() {
    try {
      if (group.size() == 1) {
        writeAlone(group.get(0));
        return;
      }
      for (PendingAppend p : group) {
        if (p.single() != null) {
          payloads.add(p.single());
        } else {
          payloads.addAll(p.batch());
        }
      }
      long first;
      try {
        first = InterruptShield.call(() -> wal.batchAppendForTopic(topic, payloads));
      } catch (Throwable t) {
        if (isFatal(t)) {
          for (PendingAppend p : group) {
            complete(p, t);
          }
        } else {
          for (PendingAppend p : group) {
            if (!p.isCancelled()) {
              writeAlone(p);
            } else {
              skip(p);
            }
          }
        }
        return;
      }
      long offset = first;
      for (PendingAppend p : group) {
        complete(p, offset);
        offset += p.count();
      }
    } finally {
      group.clear();
      payloads.clear();
    }
  }

  private void writeAlone(PendingAppend p) {
    long first;
    try {
      first =
          InterruptShield.call(
              () ->
                  p.single() != null
                      ? wal.appendForTopic(topic, p.single())
                      : wal.batchAppendForTopic(topic, p.batch()));
    } catch (Throwable t) {
      complete(p, t);
      return;
    }
    complete(p, first);
  }

  private static boolean isFatal(Throwable t) {
    return t instanceof WalrusIOException
        || t instanceof WalrusPoisonedException
        || t instanceof WalrusClosedException
        || t instanceof Error;
  }

  private static void complete(PendingAppend p, long first) {
    try {
      p.written(first);
    } catch (Throwable t) {
      Operators.onErrorDropped(t, reactor.util.context.Context.empty());
    }
  }

  private static void skip(PendingAppend p) {
    try {
      p.skipped();
    } catch (Throwable t) {
      Operators.onErrorDropped(t, reactor.util.context.Context.empty());
    }
  }

  private static void complete(PendingAppend p, Throwable error) {
    try {
      p.failed(error);
    } catch (Throwable t) {
      Operators.onErrorDropped(t, reactor.util.context.Context.empty());
    }
  }
}
