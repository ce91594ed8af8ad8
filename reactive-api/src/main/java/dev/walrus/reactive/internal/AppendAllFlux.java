package dev.walrus.reactive.internal;

import dev.walrus.InvalidArgumentException;
import dev.walrus.WalrusClosedException;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * {@code appendAll}: appends every payload of a source to one topic in order and emits
 * their offsets in the same order.
 *
 * <p>Backpressure is exact and bounded: the source is asked for no more payloads than the
 * subscriber has requested offsets, and never for more than {@code window} payloads
 * beyond what has been emitted; so a slow subscriber stops the source and nothing
 * buffers without bound. Payloads are handed to the topic's {@link TopicAppender}, which
 * coalesces them (with any other appends to the topic) into large writes.
 *
 * <p>Errors. Whatever happens, the offset of every entry written is emitted before the
 * error, in order; the error waits for the subscriber's demand for those offsets.
 * <ul>
 *   <li>A source error, or a null payload ({@link InvalidArgumentException}; the source
 *       is cancelled): every payload received before it is written, then the Flux fails
 *       with it.</li>
 *   <li>A failed write (say an oversized payload, {@code EntryTooLargeException}): the
 *       source is cancelled, payloads after the failed one are skipped (not written),
 *       those before it are written, then the Flux fails with the engine's exception.
 *       </li>
 *   <li>Cancel: the source is cancelled and payloads whose write has not started are
 *       skipped; those already being written (at most one coalesced write) are written
 *       but their offsets are not emitted (the subscriber has gone).</li>
 *   <li>The {@code ReactiveWalrus} is closed ({@link Lifecycle.Stoppable#stop}): as a
 *       source error, {@link WalrusClosedException}. The source is cancelled, every payload
 *       received before is written (closing waits for that), nothing received after is,
 *       and the Flux fails once their offsets are emitted. The flux counts as live work
 *       of the instance from its subscription until its source is stopped and every
 *       payload it took has its outcome.</li>
 * </ul>
 * The subscriber's {@code Context} is visible to the source.
 *
 * <p>{@link Scannable}, as the flux and as the subscription it hands downstream: the
 * source ({@code PARENT}), the subscriber ({@code ACTUAL}), the window ({@code PREFETCH}),
 * the demand, the offsets waiting for it ({@code BUFFERED}), cancellation and
 * termination.
 *
 * <p>Not public API: {@code ReactiveWalrus.appendAll} returns it as a plain {@code Flux};
 * this package is not exported by the module.
 */
public final class AppendAllFlux extends Flux<Long> implements Scannable {
  private final Publisher<byte[]> source;
  private final Supplier<TopicAppender> appender;
  private final Lifecycle life;
  private final int window;

  /**
   * @param source the payloads
   * @param appender resolves (at subscription) the topic's appender; may throw to fail
   *     the subscription (bad topic, closed)
   * @param life the owner's lifecycle: closing it stops the flux
   * @param window the most payloads requested but not yet emitted
   */
  public AppendAllFlux(
      Publisher<byte[]> source, Supplier<TopicAppender> appender, Lifecycle life, int window) {
    this.source = source;
    this.appender = appender;
    this.life = life;
    this.window = window;
  }

  @Override
  @SuppressWarnings("rawtypes") // Scannable declares the raw Attr
  public Object scanUnsafe(Attr key) {
    if (key == Attr.PARENT) {
      return source; // Attr.PARENT converts (Scannable.from)
    }
    if (key == Attr.PREFETCH) {
      return window;
    }
    if (key == Attr.RUN_STYLE) {
      return Attr.RunStyle.ASYNC; // offsets are emitted on the appender's drain thread
    }
    return null;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Long> actual) {
    TopicAppender a;
    try {
      if (source == null) {
        throw new InvalidArgumentException("appendAll source must not be null");
      }
      a = appender.get();
    } catch (RuntimeException e) {
      Operators.error(actual, e);
      return;
    }
    Flux.from(source).subscribe(new Main(actual, a, life, window));
  }

  /** The subscriber to the source and the subscription handed to the downstream. */
  static final class Main
      implements CoreSubscriber<byte[]>,
          Subscription,
          Scannable,
          PendingAppend.Completion,
          Lifecycle.Stoppable {
    private static final AtomicLongFieldUpdater<Main> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(Main.class, "requested");

    private final CoreSubscriber<? super Long> actual;
    private final TopicAppender appender;
    private final Lifecycle life;
    private final int window;
    private final Queue<Long> results;
    private volatile long requested;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();

    private Subscription upstream;
    private volatile boolean sourceDone;
    private volatile boolean cancelled;

    /** The source failed (or sent null): what it sent before is still written. */
    private volatile Throwable sourceError;

    /** A write failed: units not yet written are skipped. */
    private volatile Throwable writeError;

    /** Written by the drain loop only; volatile for {@link #scanUnsafe}. */
    private volatile boolean terminated;

    // drain-loop state
    private long emitted;
    private long requestedUpstream;

    Main(CoreSubscriber<? super Long> actual, TopicAppender appender, Lifecycle life, int window) {
      this.actual = actual;
      this.appender = appender;
      this.life = life;
      this.window = window;
      this.results = Queues.<Long>unbounded(Math.min(window, 256)).get();
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    @SuppressWarnings("rawtypes") // Scannable declares the raw Attr
    public Object scanUnsafe(Attr key) {
      if (key == Attr.PARENT) {
        return upstream;
      }
      if (key == Attr.ACTUAL) {
        return actual;
      }
      if (key == Attr.PREFETCH) {
        return window;
      }
      if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
        return requested;
      }
      if (key == Attr.BUFFERED) {
        return results.size();
      }
      if (key == Attr.CANCELLED) {
        return cancelled;
      }
      if (key == Attr.TERMINATED) {
        return terminated;
      }
      if (key == Attr.ERROR) {
        return writeError != null ? writeError : sourceError;
      }
      if (key == Attr.RUN_STYLE) {
        return Attr.RunStyle.ASYNC;
      }
      return null;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        // Live work from here (so stop() always finds the source's subscription).
        if (!life.register(this)) {
          // Closed meanwhile: stopped before the subscriber can request anything (a
          // synchronous source would emit inside that request); the drain below fails it.
          s.cancel();
          sourceError = new WalrusClosedException("this ReactiveWalrus is closed");
          sourceDone = true;
        }
        actual.onSubscribe(this);
        drain();
      }
    }

    @Override
    public void onNext(byte[] data) {
      // Counted before the check: stop() sets sourceDone before it looks at inFlight (in
      // drain), so either it sees this payload in flight and the flux stays live work
      // until its outcome, or this sees sourceDone and drops it. Nothing is enqueued after
      // a close that found no work left.
      inFlight.incrementAndGet();
      if (sourceDone || isCancelled()) {
        inFlight.decrementAndGet();
        Operators.onNextDropped(data, actual.currentContext());
        drain();
        return;
      }
      if (data == null) {
        inFlight.decrementAndGet();
        upstream.cancel();
        sourceFailed(new InvalidArgumentException("appendAll payload must not be null"));
        return;
      }
      appender.enqueue(PendingAppend.single(data, this));
    }

    /**
     * The owner is closing: the source is cancelled and the flux ends as if it had failed
     * with {@link WalrusClosedException} (what it received before is still written). Never
     * blocks.
     */
    @Override
    public void stop() {
      if (sourceDone) {
        return;
      }
      upstream.cancel();
      sourceFailed(new WalrusClosedException("this ReactiveWalrus was closed"));
    }

    @Override
    public void onError(Throwable t) {
      if (sourceDone) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      sourceFailed(t);
    }

    private void sourceFailed(Throwable t) {
      sourceError = t;
      sourceDone = true;
      drain();
    }

    @Override
    public void onComplete() {
      if (sourceDone) {
        return;
      }
      sourceDone = true;
      drain();
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n)) {
        Operators.addCap(REQUESTED, this, n);
        drain();
      }
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      upstream.cancel();
      // What is in flight is the appender's work now, which closing waits for by itself.
      life.deregister(this);
      if (wip.getAndIncrement() == 0) {
        results.clear();
      }
    }

    // ---- outcomes of single units, called on the appender's drain thread, in order

    @Override
    public void written(PendingAppend unit, long firstOffset) {
      results.offer(firstOffset);
      inFlight.decrementAndGet();
      drain();
    }

    @Override
    public void failed(PendingAppend unit, Throwable t) {
      synchronized (this) {
        if (writeError == null) {
          writeError = t;
        } else if (writeError != t) {
          Operators.onErrorDropped(t, actual.currentContext());
        }
      }
      upstream.cancel();
      inFlight.decrementAndGet();
      drain();
    }

    @Override
    public void skipped(PendingAppend unit) {
      inFlight.decrementAndGet();
      drain();
    }

    @Override
    public boolean isCancelled() {
      return cancelled || writeError != null;
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      for (; ; ) {
        if (terminated || cancelled) {
          results.clear();
          return;
        }
        long r = requested;
        long e = 0;
        while (e != r && !cancelled) {
          Long v = results.poll();
          if (v == null) {
            break;
          }
          actual.onNext(v);
          e++;
        }
        if (cancelled) {
          results.clear();
          return;
        }
        if (e != 0) {
          emitted += e;
          Operators.produced(REQUESTED, this, e);
        }
        if ((sourceDone || writeError != null) && inFlight.get() == 0) {
          // Nothing more will be written: no longer live work of the instance, even
          // while the last offsets wait for the subscriber's demand.
          life.deregister(this);
        }
        // Terminate only once every unit handed to the appender has its outcome (written,
        // failed or skipped) and every written offset was emitted: so the offsets of all
        // entries written come before the error, in order. inFlight is read before the
        // queue: an outcome is recorded before its count is released.
        if ((sourceDone || writeError != null) && inFlight.get() == 0 && results.isEmpty()) {
          terminated = true;
          Throwable ex = writeError != null ? writeError : sourceError;
          if (ex != null) {
            actual.onError(ex);
          } else {
            actual.onComplete();
          }
          return;
        }
        if (writeError == null) {
          requestMore();
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /** Keeps min(window, outstanding demand) payloads requested from the source. */
    private void requestMore() {
      if (sourceDone) {
        return;
      }
      long target = Math.min(window, requested);
      long outstanding = requestedUpstream - emitted;
      long deficit = target - outstanding;
      if (deficit > 0 && (deficit >= Math.min(target, Math.max(1, window / 4)))) {
        requestedUpstream += deficit;
        upstream.request(deficit);
      }
    }
  }
}
