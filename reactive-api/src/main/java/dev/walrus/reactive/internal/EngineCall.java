package dev.walrus.reactive.internal;

import dev.walrus.WalrusClosedException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * A {@code Mono} of one blocking engine call, run as a task on the scheduler, whose
 * cancellation never interrupts the call.
 *
 * <p>Why not {@code Mono.fromCallable(..).subscribeOn(scheduler)}: cancelling that (a
 * {@code timeout}, a {@code dispose()}, a client disconnect) disposes the scheduler task,
 * and Reactor's schedulers dispose a running task with {@code Future.cancel(true)}, which
 * interrupts the thread inside the engine call; an interruptible {@code FileChannel}
 * then closes. Here the task returned by {@link Scheduler#schedule(Runnable)} is never
 * disposed; a cancellation only changes what happens to the result:
 * <ul>
 *   <li>cancelled before the task starts: the call is not made;</li>
 *   <li>cancelled while the call runs: the call runs to completion; the body may ask
 *       {@link Body#run(BooleanSupplier) deliverable} whether its result will be
 *       delivered (and, if not, undo what it did, e.g. put a consumed entry back);
 *       otherwise the result is dropped;</li>
 *   <li>a cancel racing with the emission itself may still see the value emitted.</li>
 * </ul>
 * The call runs with the thread's interrupt status cleared ({@link InterruptShield}).
 *
 * @param <T> the result type; a null result completes the Mono empty
 */
public final class EngineCall<T> extends Mono<T> {
  /**
   * The blocking work.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface Body<T> {
    /**
     * @param deliverable claims the delivery of the result: true means the subscriber
     *     has not cancelled and the result will be emitted (a later cancel no longer
     *     matters); false means it was cancelled and the result will be dropped. Calling
     *     it is optional; its first answer is final.
     * @return the result, or null for none
     */
    T run(BooleanSupplier deliverable);
  }

  private final Scheduler scheduler;
  private final Lifecycle life;
  private final Body<T> body;

  /**
   * @param scheduler where the call runs (must allow blocking)
   * @param body the call
   */
  public EngineCall(Scheduler scheduler, Body<T> body) {
    this(scheduler, null, body);
  }

  /**
   * @param scheduler where the call runs (must allow blocking)
   * @param life if not null, counts the task as busy from scheduling to its end, so that
   *     closing the owner waits for it (a put-back included)
   * @param body the call
   */
  public EngineCall(Scheduler scheduler, Lifecycle life, Body<T> body) {
    this.scheduler = scheduler;
    this.life = life;
    this.body = body;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    Task<T> task = new Task<>(actual, body, life);
    actual.onSubscribe(task);
    if (life != null) {
      life.taskStarted();
    }
    try {
      scheduler.schedule(task); // the returned Disposable is deliberately never disposed
    } catch (RejectedExecutionException e) {
      if (life != null) {
        life.taskEnded();
      }
      task.rejected(new WalrusClosedException("the ReactiveWalrus scheduler rejected the call", e));
    }
  }

  private static final class Task<T> extends AtomicInteger implements Subscription, Runnable {
    private static final long serialVersionUID = 1L; // Serializable through AtomicInteger only
    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int CANCELLED = 2;
    private static final int CLAIMED = 3;

    private final CoreSubscriber<? super T> actual;
    private final Body<T> body;
    private final Lifecycle life;
    private static final int REQUESTED = 1;
    private static final int READY = 2;

    /** Bits REQUESTED and READY; whoever sets the second one emits. */
    private final AtomicInteger emission = new AtomicInteger();

    private volatile T value;

    Task(CoreSubscriber<? super T> actual, Body<T> body, Lifecycle life) {
      this.actual = actual;
      this.body = body;
      this.life = life;
    }

    @Override
    public void run() {
      try {
        execute();
      } finally {
        if (life != null) {
          life.taskEnded();
        }
      }
    }

    private void execute() {
      if (!compareAndSet(PENDING, RUNNING)) {
        return; // cancelled before it started: nothing was done
      }
      T v;
      try {
        v = InterruptShield.call(() -> body.run(this::claim));
      } catch (Throwable t) {
        if (claim()) {
          actual.onError(t);
        } else {
          Operators.onErrorDropped(t, actual.currentContext());
        }
        return;
      }
      if (get() == RUNNING) {
        claim();
      }
      if (get() != CLAIMED) {
        if (v != null) {
          Operators.onDiscard(v, actual.currentContext());
        }
        return;
      }
      if (v == null) {
        actual.onComplete();
        return;
      }
      value = v;
      if (emission.getAndUpdate(s -> s | READY) == REQUESTED) {
        emit();
      }
    }

    private boolean claim() {
      return compareAndSet(RUNNING, CLAIMED) || get() == CLAIMED;
    }

    void rejected(Throwable t) {
      if (compareAndSet(PENDING, CLAIMED)) {
        actual.onError(t);
      }
    }

    private void emit() {
      T v = value;
      value = null;
      actual.onNext(v);
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n) && emission.getAndUpdate(s -> s | REQUESTED) == READY) {
        emit();
      }
    }

    @Override
    public void cancel() {
      if (!compareAndSet(PENDING, CANCELLED)) {
        compareAndSet(RUNNING, CANCELLED);
      }
    }
  }
}
