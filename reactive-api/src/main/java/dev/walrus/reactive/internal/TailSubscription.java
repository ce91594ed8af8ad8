package dev.walrus.reactive.internal;

import dev.walrus.Walrus;
import dev.walrus.WalrusClosedException;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One subscription to a tail: reads a topic through its {@link ConsumerGroup}'s cursor,
 * history first and then live entries, and emits them within the subscriber's demand.
 *
 * <p>How it works. All engine calls and all emissions happen in a drain task on the
 * scheduler, serialised by a work-in-progress counter. The task runs whenever something
 * changes: the subscriber requests more, cancels, the owner closes, or the engine's
 * {@link dev.walrus.AppendListener} reports new entries in the topic (there is no polling
 * loop: with nothing to read and demand outstanding, the tail waits for that signal).
 * Entries are read only against outstanding demand and emitted at once: one consuming
 * read per entry while fewer than {@link Walrus#MAX_BATCH_ENTRIES} are wanted, otherwise
 * batch reads of at most that many. So nothing is ever buffered, a slow subscriber stops
 * the reading, and in AUTO mode the consumer's cursor never runs ahead of what was
 * delivered. Entries come from the {@link ConsumerGroup} ({@link ConsumerGroup#take}):
 * those a departed tail of the same name left unfinished first, then new ones. Entries
 * taken but not delivered because the tail stopped, and (MANUAL) entries delivered but
 * not acknowledged, go back to the group when the tail leaves it.
 *
 * <p>Termination. Cancel, close of the owner (completes the Flux) and errors all end in
 * the drain task, which removes the engine listener, leaves the group (which commits a
 * MANUAL tail's acknowledged progress) and deregisters from the owner.
 *
 * <p>Thread-safe: {@link #request}, {@link #cancel} and {@link #stop} may be called from
 * any thread and never block.
 */
public final class TailSubscription implements Subscription, Runnable, Lifecycle.Stoppable {
  private static final int ENTRIES_PER_RUN = 8192;

  private final CoreSubscriber<? super ReceivedEntry> actual;
  private final Walrus wal;
  private final Scheduler scheduler;
  private final Lifecycle life;
  private final String topic;
  private final TailOptions options;
  private final ConsumerGroup group;
  private final AtomicLong requested = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean cancelled;
  private volatile boolean stopping;

  // drain-task state
  private boolean started;
  private boolean done;
  private AutoCloseable listener;
  private AckState member; // set once the group is joined

  /**
   * @param actual the subscriber
   * @param wal the engine
   * @param scheduler where engine calls and emissions run
   * @param life the owner's lifecycle
   * @param topic the topic (validated)
   * @param options the tail's options
   * @param group the consumer group of (topic, consumer name)
   */
  public TailSubscription(CoreSubscriber<? super ReceivedEntry> actual, Walrus wal,
      Scheduler scheduler, Lifecycle life, String topic, TailOptions options,
      ConsumerGroup group) {
    this.actual = actual;
    this.wal = wal;
    this.scheduler = scheduler;
    this.life = life;
    this.topic = topic;
    this.options = options;
    this.group = group;
  }

  /** Hands the subscription to the subscriber and schedules the start. Never blocks. */
  public void start() {
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
      Demand.add(requested, n);
      signal();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    signal();
  }

  @Override
  public void stop() {
    stopping = true;
    signal();
  }

  private void onAppend(String t, long endOffset) {
    if (requested.get() != 0) {
      signal();
    }
  }

  private void signal() {
    if (wip.getAndIncrement() == 0) {
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
        actual.onError(new WalrusClosedException("the ReactiveWalrus scheduler rejected the tail", e));
      }
    }
  }

  @Override
  public void run() {
    int missed = wip.get();
    int budget = ENTRIES_PER_RUN;
    for (;;) {
      if (done) {
        return;
      }
      try {
        if (cancelled || stopping) {
          finish(null);
          return;
        }
        if (!started) {
          startUp();
        }
        long r = requested.get();
        long e = 0;
        while (e != r && budget > 0 && !cancelled && !stopping) {
          int n = r - e >= Walrus.MAX_BATCH_ENTRIES ? readBatch() : readOne();
          if (n == 0) {
            break;
          }
          e += n;
          budget -= n;
        }
        if (e != 0) {
          Demand.produced(requested, e);
        }
        if (cancelled || stopping) {
          continue;
        }
        if (budget <= 0) {
          submit(); // let other tasks run; the drain right (wip) is kept
          return;
        }
      } catch (Throwable t) {
        finish(t);
        return;
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void startUp() {
    member = group.join(options.mode(), options.startPosition(), this::signal);
    listener = wal.addAppendListener(topic, this::onAppend);
    started = true;
  }

  /** @return 1 if an entry was delivered, 0 if none was there */
  private int readOne() {
    return emit(group.take(member, 1, options.maxBatchBytesValue(), scheduler));
  }

  /** @return how many entries were delivered */
  private int readBatch() {
    return emit(group.take(member, Walrus.MAX_BATCH_ENTRIES, options.maxBatchBytesValue(),
        scheduler));
  }

  /** @return how many were emitted; the others go back to the group when the tail leaves */
  private int emit(List<ReceivedEntryImpl> got) {
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
    if (member != null) {
      try {
        group.leave(member);
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
