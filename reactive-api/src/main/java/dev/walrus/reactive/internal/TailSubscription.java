package dev.walrus.reactive.internal;

import dev.walrus.AppendListener;
import dev.walrus.Walrus;
import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One subscription to a tail: reads a topic through its {@link ConsumerGroup}'s cursor,
 * history first and then live entries, and emits them within the subscriber's demand.
 *
 * <p>How it works. All engine calls and all emissions happen in a drain task on the
 * scheduler, serialised by a work-in-progress counter. The task runs whenever something
 * changes: the subscriber requests more, cancels, acknowledges (MANUAL: before it waits,
 * the task lets go of the entries acknowledged, so an idle tail holds none of them), the
 * owner closes, or the engine's
 * {@link dev.walrus.AppendListener} reports new entries in the topic (there is no polling
 * loop: with nothing to read and demand outstanding, the tail waits for that signal).
 * Entries are read only against outstanding demand and emitted as soon as they are
 * read. An AUTO tail makes one consuming read per entry whatever the demand (also
 * unbounded): a batch read would consume entries before they are delivered, and a crash
 * while the subscriber handles one of them would lose the rest. A MANUAL tail reads its
 * hidden reader cursor in batches of at most {@link Walrus#MAX_BATCH_ENTRIES} while that
 * many are wanted (a restart resumes from the checkpointed cursor, not the reader). So
 * nothing is ever buffered, a slow subscriber stops the reading, and in AUTO mode the
 * consumer's cursor stands right after the entry being delivered, never further. Entries
 * come from the {@link ConsumerGroup} ({@link ConsumerGroup#take}): those a departed tail
 * of the same name left unfinished first, then new ones. Each single-entry read holds the
 * cursor's {@link CursorLocks monitor} until it has decided to deliver the entry or, if
 * the tail is stopping, to put it back ({@link ConsumerGroup#putBack}: the cursor moves
 * back); so a put-back is exact against every other read through the same
 * {@code ReactiveWalrus}. A MANUAL tail's undelivered and unacknowledged entries go back
 * to the group when it leaves (under the monitor too).
 *
 * <p>Waiting. When the drain has nothing left to do (nothing to read, or no demand) it
 * normally gives the thread back and the next signal schedules it again (the default
 * {@link dev.walrus.reactive.WaitStrategy#park()}). With
 * {@link dev.walrus.reactive.WaitStrategy#spinThenPark} it first busy-spins, still holding
 * the drain right, until a signal bumps the work-in-progress counter (then it drains again
 * at once: no hand-off to another thread, and the signalling thread schedules nothing) or
 * the spin time is over, the thread is interrupted, or it is a non-blocking thread
 * (then it does not spin at all).
 *
 * <p>Cost of an idle tail. A parked tail holds no thread and no buffer: this object, its
 * {@link AckState} and its place in the engine's listener array of the topic, its
 * {@link ConsumerGroup} (shared by the tails of one consumer name) and the subscriber's
 * own objects, about 0.9 KiB of heap in all (measured by {@code ManyTailsTest} with
 * 10,000 tails on 10,000 topics). A tail on a named consumer also makes the engine keep
 * that consumer's cursor, which is the engine's cost. So the counters are field updaters,
 * and the tail is its own append listener.
 *
 * <p>Engine calls run with the thread's interrupt status cleared (and restored when the
 * task ends, as {@link InterruptShield} does): a subscriber's {@code onNext} runs on this
 * thread and may leave it interrupted.
 *
 * <p>Termination. Cancel, close of the owner (completes the Flux) and errors all end in
 * the drain task, which removes the engine listener, leaves the group (which checkpoints a
 * MANUAL tail's acknowledged progress) and deregisters from the owner.
 *
 * <p>Thread-safe: {@link #request}, {@link #cancel} and {@link #stop} may be called from
 * any thread and never block. {@link Scannable}: Reactor's tooling sees the subscriber,
 * the outstanding demand and whether the tail was cancelled or has terminated.
 *
 * <p>Not public API (a Reactor-style operator of the internal package, which the module
 * does not export).
 */
final class TailSubscription
    implements Subscription, Scannable, Runnable, Lifecycle.Stoppable, AppendListener {
  private static final int ENTRIES_PER_RUN = 8192;
  private static final AtomicLongFieldUpdater<TailSubscription> REQUESTED =
      AtomicLongFieldUpdater.newUpdater(TailSubscription.class, "requested");
  private static final AtomicIntegerFieldUpdater<TailSubscription> WIP =
      AtomicIntegerFieldUpdater.newUpdater(TailSubscription.class, "wip");

  private final CoreSubscriber<? super ReceivedEntry> actual;
  private final Walrus wal;
  private final Scheduler scheduler;
  private final Lifecycle life;
  private final String topic;
  private final TailOptions options;
  private final ConsumerGroup group;
  private final CursorLocks locks;

  /** How long the drain spins before it gives the thread back; 0 to park at once. */
  private final long spinNanos;

  private volatile long requested;
  private volatile int wip; // through WIP
  private volatile boolean cancelled;
  private volatile boolean stopping;

  /** Written by the drain task only; volatile for {@link #scanUnsafe}. */
  private volatile boolean done;

  // drain-task state
  private boolean started;
  private AutoCloseable listener;
  private volatile AckState member; // set once the group is joined (read by cancel())
  private Object readLock;
  private boolean interrupted;

  /**
   * @param actual the subscriber
   * @param wal the engine
   * @param scheduler where engine calls and emissions run
   * @param life the owner's lifecycle
   * @param topic the topic (validated)
   * @param options the tail's options
   * @param group the consumer group of (topic, consumer name)
   * @param locks the owner's cursor monitors
   */
  TailSubscription(
      CoreSubscriber<? super ReceivedEntry> actual,
      Walrus wal,
      Scheduler scheduler,
      Lifecycle life,
      String topic,
      TailOptions options,
      ConsumerGroup group,
      CursorLocks locks) {
    this.actual = actual;
    this.wal = wal;
    this.scheduler = scheduler;
    this.life = life;
    this.topic = topic;
    this.options = options;
    this.group = group;
    this.locks = locks;
    this.spinNanos = options.waitStrategyValue().spinDuration().toNanos();
  }

  /** Hands the subscription to the subscriber and schedules the start. Never blocks. */
  void start() {
    if (!life.register(this)) {
      Operators.error(actual, new WalrusClosedException("this ReactiveWalrus is closed"));
      return;
    }
    actual.onSubscribe(this);
    signal();
  }

  @Override
  public void request(long n) {
    if (Operators.validate(n)) {
      Operators.addCap(REQUESTED, this, n);
      signal();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    AckState m = member;
    if (m != null) {
      m.markLeaving(); // the next take of any tail of the group lets it leave first
    }
    signal();
  }

  @Override
  @SuppressWarnings("rawtypes") // Scannable declares the raw Attr
  public Object scanUnsafe(Attr key) {
    if (key == Attr.ACTUAL) {
      return actual;
    }
    if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
      return requested;
    }
    if (key == Attr.CANCELLED) {
      return cancelled;
    }
    if (key == Attr.TERMINATED) {
      return done;
    }
    if (key == Attr.RUN_STYLE) {
      return Attr.RunStyle.ASYNC; // every read and emission runs on the scheduler
    }
    return null;
  }

  @Override
  public void stop() {
    stopping = true;
    signal();
  }

  /**
   * The engine's append listener, on the appending thread: schedules the drain if the
   * subscriber wants entries (a tail without demand is not woken). Never blocks.
   */
  @Override
  public void onAppend(String t, long endOffset) {
    if (requested != 0) {
      signal();
    }
  }

  private void signal() {
    if (WIP.getAndIncrement(this) == 0) {
      submit();
    }
  }

  private void submit() {
    try {
      scheduler.schedule(this);
    } catch (RejectedExecutionException e) {
      // The scheduler is gone, so no blocking clean-up can run: release what is free.
      done = true;
      closeListener();
      life.deregister(this);
      if (!cancelled) {
        actual.onError(
            new WalrusClosedException("the ReactiveWalrus scheduler rejected the tail", e));
      }
    }
  }

  @Override
  public void run() {
    interrupted = Thread.interrupted();
    try {
      drain();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt(); // not ours to swallow: restored for the pool
      }
    }
  }

  /** Clears the interrupt status before an engine call; {@link #run} restores it. */
  private void shield() {
    if (Thread.interrupted()) {
      interrupted = true;
    }
  }

  private void drain() {
    int missed = wip;
    int budget = ENTRIES_PER_RUN;
    for (; ; ) {
      if (done) {
        return;
      }
      try {
        if (cancelled || stopping) {
          finish(null);
          return;
        }
        if (!started) {
          shield();
          startUp();
        }
        long r = requested;
        long e = 0;
        while (e != r && budget > 0 && !cancelled && !stopping) {
          shield();
          int n =
              options.mode() == CheckpointMode.MANUAL && r - e >= Walrus.MAX_BATCH_ENTRIES
                  ? readBatch()
                  : readOne();
          if (n == 0) {
            break;
          }
          e += n;
          budget -= n;
        }
        if (e != 0) {
          Operators.produced(REQUESTED, this, e);
        }
        if (cancelled || stopping) {
          continue;
        }
        if (budget <= 0) {
          submit(); // let other tasks run; the drain right (wip) is kept
          return;
        }
        group.forgetAcknowledged(member); // about to wait: hold no entry that is done
      } catch (Throwable t) {
        finish(t);
        return;
      }
      if (spinNanos != 0) {
        spin(missed);
      }
      missed = WIP.addAndGet(this, -missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /**
   * Busy-waits (WaitStrategy.spinThenPark) until a signal comes, that is until the
   * work-in-progress counter moves past {@code missed}, or the spin time is over. Not on a
   * non-blocking thread, and not while the thread is interrupted (a scheduler being
   * disposed interrupts its threads: it must get them back).
   */
  private void spin(int missed) {
    if (Schedulers.isInNonBlockingThread()) {
      return;
    }
    Thread self = Thread.currentThread();
    long start = System.nanoTime();
    while (wip == missed) {
      if (System.nanoTime() - start >= spinNanos || self.isInterrupted()) {
        return;
      }
      Thread.onSpinWait();
    }
  }

  private void startUp() {
    readLock = locks.of(topic, group.readCursorName(options.mode()));
    member = group.join(options.mode(), options.startPosition(), this::signal);
    listener = wal.addAppendListener(topic, this);
    started = true;
  }

  /** @return 1 if an entry was delivered, 0 if none was there or the tail stops */
  private int readOne() {
    ReceivedEntryImpl r;
    synchronized (readLock) {
      List<ReceivedEntryImpl> got = group.take(member, 1, options.maxBatchBytesValue(), scheduler);
      if (got.isEmpty()) {
        return 0;
      }
      r = got.get(0);
      if (cancelled || stopping) {
        group.putBack(member, r); // AUTO: at once, under the monitor; MANUAL: when leaving
        return 0;
      }
      r.delivered();
    }
    actual.onNext(r);
    return 1;
  }

  /**
   * MANUAL only (its read cursor is the hidden reader, which a crash does not trust: the
   * checkpointed cursor is where a restart resumes), so reading a batch ahead of delivery
   * loses nothing. Undelivered entries of a stopped tail go back to the group when it
   * leaves.
   *
   * @return how many entries were delivered
   */
  private int readBatch() {
    List<ReceivedEntryImpl> got =
        group.take(member, Walrus.MAX_BATCH_ENTRIES, options.maxBatchBytesValue(), scheduler);
    for (int i = 0; i < got.size(); i++) {
      if (cancelled || stopping) {
        return i;
      }
      got.get(i).delivered();
      actual.onNext(got.get(i));
    }
    return got.size();
  }

  private void finish(Throwable error) {
    done = true;
    Throwable err = error;
    closeListener();
    shield();
    if (member != null) {
      try {
        synchronized (readLock) {
          group.leave(member);
        }
      } catch (Throwable t) {
        err = combine(err, t);
      }
    }
    life.deregister(this);
    if (cancelled) {
      if (err != null) {
        Operators.onErrorDropped(err, actual.currentContext());
      }
    } else if (err != null) {
      actual.onError(err);
    } else {
      actual.onComplete();
    }
  }

  private static Throwable combine(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    if (first != next) {
      first.addSuppressed(next);
    }
    return first;
  }

  private void closeListener() {
    AutoCloseable l = listener;
    listener = null;
    if (l != null) {
      try {
        l.close();
      } catch (Exception ignored) {
        // removing a listener from a list cannot fail in a way that matters here
      }
    }
  }
}
