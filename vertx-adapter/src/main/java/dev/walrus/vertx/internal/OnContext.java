package dev.walrus.vertx.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Turns a Reactor {@code Mono} into a Vert.x {@code Future} completed on a context. */
public final class OnContext {
  private OnContext() {}

  /**
   * Whether the caller runs on {@code ctx}, counting the duplicates of it Vert.x runs event-bus
   * handlers on (same event loop, same ordering) as {@code ctx}.
   *
   * @param ctx a context
   * @return true on that context or one of its duplicates
   */
  public static boolean isOn(Context ctx) {
    Context c = Vertx.currentContext();
    if (c == ctx) {
      return true;
    }
    return c instanceof ContextInternal
        && ctx instanceof ContextInternal
        && ((ContextInternal) c).unwrap() == ((ContextInternal) ctx).unwrap();
  }

  /**
   * Subscribes at once (from the calling thread, which must not block: ReactiveWalrus
   * publishers never do) and completes the future on {@code ctx}.
   *
   * @param mono the publisher
   * @param ctx where the future is completed
   * @param <T> the value type
   * @return a future of the value, {@code null} if the Mono completed empty
   */
  public static <T> Future<T> future(Mono<T> mono, Context ctx) {
    Promise<T> p = Promise.promise();
    mono.map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .subscribe(
            v -> ctx.runOnContext(x -> p.tryComplete(v.orElse(null))),
            e -> ctx.runOnContext(x -> p.tryFail(e)));
    return p.future();
  }

  /**
   * Like {@link #future(Mono, Context)} but completes the future on the thread that emits
   * (the ReactiveWalrus scheduler), saving a hop: use only where the callbacks are
   * thread-safe, such as replying to a message (Vert.x delivers the reply on the
   * requester's own context).
   *
   * @param mono the publisher
   * @param <T> the value type
   * @return a future of the value, {@code null} if the Mono completed empty
   */
  public static <T> Future<T> direct(Mono<T> mono) {
    Promise<T> p = Promise.promise();
    mono.map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .subscribe(v -> p.tryComplete(v.orElse(null)), p::tryFail);
    return p.future();
  }
}
