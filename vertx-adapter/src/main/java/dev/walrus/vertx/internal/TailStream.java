package dev.walrus.vertx.internal;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.BusTailStream;
import dev.walrus.vertx.FailureCodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link BusTailStream} over a {@link TailClient} opened with no credits: demand (flowing =
 * {@link Long#MAX_VALUE}, paused = 0, fetch adds) decides the credits, bounded by the window;
 * every drain acknowledges the last entry handed. Entries arrive, are handed and
 * acknowledged on the opening context; the flow-control state is guarded by {@code this} so
 * {@code pause()} from any thread takes effect at once, and the other calls hop to the
 * context.
 */
public final class TailStream implements BusTailStream {
  private final Context ctx;
  private final long window;
  private final long refill;
  private final Promise<String> ended = Promise.promise();
  private volatile BusTail tail;
  private boolean draining; // ctx-confined

  // guarded by this
  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private Handler<Entry> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private long granted;
  private long received;
  private long handed;
  private long acked;
  private long lastHanded = -1;
  private boolean ending;
  private String endReason;
  private Throwable failure;

  private TailStream(Context ctx, long window) {
    this.ctx = ctx;
    this.window = window;
    this.refill = Math.max(1, window / 2);
  }

  /**
   * Opens the session with no credits; credits follow the demand once a handler is set.
   *
   * @param vertx the Vert.x instance
   * @param tailAddress the binding's tail address (generic)
   * @param prefix the binding's prefix
   * @param topic the topic
   * @param consumer the consumer name
   * @param start the start position
   * @param window the credit window, at least 1
   * @param options delivery options of the requests (timeout)
   * @param renewals the client's lease renewals
   * @return a future of the stream, once the binding accepted the session
   * @throws InvalidArgumentException if an argument is null or the window below 1
   */
  public static Future<BusTailStream> open(
      Vertx vertx,
      String tailAddress,
      String prefix,
      String topic,
      String consumer,
      StartPosition start,
      long window,
      DeliveryOptions options,
      LeaseRenewals renewals) {
    if (topic == null || consumer == null || start == null || window < 1) {
      throw new InvalidArgumentException(
          "topic, consumer and start are required and the window must be at least 1, got "
              + window);
    }
    Context ctx = vertx.getOrCreateContext();
    TailStream s = new TailStream(ctx, window);
    Promise<BusTailStream> p = Promise.promise();
    ctx.runOnContext(
        v ->
            TailClient.open(
                    vertx,
                    tailAddress,
                    prefix,
                    topic,
                    consumer,
                    start,
                    0,
                    s::onEntry,
                    options,
                    renewals)
                .onSuccess(
                    t -> {
                      s.tail = t;
                      t.exceptionHandler(s::onFailure).endHandler(s::finishEnd);
                      s.drain();
                      p.complete(s);
                    })
                .onFailure(p::fail));
    return p.future();
  }

  // ------------------------------------------------------------------ on the context

  private void onEntry(Entry e) {
    synchronized (this) {
      received++;
      if (ending) {
        return; // not acknowledged: comes again to the consumer's other or next tails
      }
      pending.add(e);
    }
    drain();
  }

  /** Hands what the demand allows, then acknowledges and grants in one message each. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (true) {
        Entry e;
        Handler<Entry> h;
        synchronized (this) {
          if (ending || handler == null || demand == 0 || pending.isEmpty()) {
            break;
          }
          e = pending.poll();
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
          h = handler;
        }
        try {
          h.handle(e);
        } catch (RuntimeException | Error t) {
          fail(t);
          return;
        }
        synchronized (this) {
          handed++;
          lastHanded = e.offset();
        }
      }
    } finally {
      draining = false;
    }
    ackAndGrant();
  }

  private void ackAndGrant() {
    BusTail t = tail;
    if (t == null) {
      return; // not open yet: drained again once it is
    }
    long ackTo = -1;
    long grant = 0;
    synchronized (this) {
      if (ending) {
        return;
      }
      if (handed > acked) {
        acked = handed;
        ackTo = lastHanded;
      }
      if (handler != null) {
        long outstanding = pending.size() + (granted - received);
        long want = Math.min(window, demand) - outstanding;
        if (want > 0 && (want >= refill || outstanding == 0)) {
          grant = want;
          granted += want;
        }
      }
    }
    if (ackTo >= 0) {
      t.ack(ackTo);
    }
    if (grant > 0) {
      t.grant(grant);
    }
  }

  /** The handler threw: its entry is not acknowledged; report the failure, close. */
  private void fail(Throwable t) {
    synchronized (this) {
      if (failure == null) {
        failure = t;
      }
    }
    doClose();
  }

  private void onFailure(Throwable t) {
    synchronized (this) {
      if (failure == null) {
        failure = t;
      }
    }
  }

  private void doClose() {
    BusTail t = tail;
    long off = -1;
    synchronized (this) {
      if (ending || t == null) {
        return;
      }
      ending = true;
      pending.clear();
      if (handed > 0) {
        off = lastHanded;
        acked = handed;
      }
    }
    Future<Void> cp =
        off >= 0
            ? t.checkpoint(off).recover(e -> Future.succeededFuture())
            : Future.succeededFuture();
    cp.compose(x -> t.close()).onComplete(x -> ctx.runOnContext(v -> finishEnd("closed")));
  }

  /** Called once per end (from the tail's end handler or after close): handlers, future. */
  private void finishEnd(String reason) {
    Throwable f;
    Handler<Throwable> eh;
    Handler<Void> h;
    synchronized (this) {
      if (endReason != null) {
        return;
      }
      endReason = reason;
      ending = true;
      pending.clear();
      f = failure;
      eh = f == null ? null : exceptionHandler;
      if (f != null) {
        exceptionHandler = null;
      }
      h = endHandler;
      endHandler = null;
    }
    if (eh != null) {
      eh.handle(f);
    }
    if (h != null) {
      h.handle(null);
    }
    ended.tryComplete(reason);
  }

  // ------------------------------------------------------------------ any thread

  @Override
  public String session() {
    return tail.session();
  }

  @Override
  public long window() {
    return window;
  }

  @Override
  public BusTailStream handler(Handler<Entry> h) {
    synchronized (this) {
      handler = h; // null: nothing more is handed from now on
    }
    if (h == null) {
      close();
      return this;
    }
    ctx.runOnContext(v -> drain());
    return this;
  }

  @Override
  public BusTailStream pause() {
    synchronized (this) {
      demand = 0;
    }
    return this;
  }

  @Override
  public BusTailStream resume() {
    synchronized (this) {
      demand = Long.MAX_VALUE;
    }
    ctx.runOnContext(v -> drain());
    return this;
  }

  @Override
  public BusTailStream fetch(long amount) {
    if (amount < 0) {
      throw new InvalidArgumentException("fetch amount must not be negative, got " + amount);
    }
    synchronized (this) {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
    }
    ctx.runOnContext(v -> drain());
    return this;
  }

  @Override
  public BusTailStream exceptionHandler(Handler<Throwable> h) {
    boolean replay;
    synchronized (this) {
      exceptionHandler = h;
      replay = h != null && endReason != null && failure != null;
    }
    if (replay) {
      ctx.runOnContext(
          v -> {
            Throwable f;
            synchronized (this) {
              if (exceptionHandler != h) {
                return;
              }
              exceptionHandler = null; // called once
              f = failure;
            }
            h.handle(f);
          });
    }
    return this;
  }

  @Override
  public BusTailStream endHandler(Handler<Void> h) {
    boolean replay;
    synchronized (this) {
      endHandler = h;
      replay = h != null && endReason != null;
    }
    if (replay) {
      ctx.runOnContext(
          v -> {
            synchronized (this) {
              if (endHandler != h) {
                return;
              }
              endHandler = null; // called once
            }
            h.handle(null);
          });
    }
    return this;
  }

  @Override
  public Future<Void> checkpoint() {
    BusTail t = tail;
    long off;
    synchronized (this) {
      if (ending) {
        return Future.failedFuture(Failures.of(FailureCodes.UNKNOWN_SESSION, "tail has ended"));
      }
      off = handed > 0 ? lastHanded : -1;
    }
    return off < 0 ? Future.succeededFuture() : t.checkpoint(off);
  }

  @Override
  public Future<Void> close() {
    ctx.runOnContext(v -> doClose());
    return ended.future().mapEmpty();
  }

  @Override
  public Future<String> ended() {
    return ended.future();
  }

  @Override
  public Future<JsonObject> status() {
    return tail.status();
  }

  @Override
  public Future<Void> pipeTo(WriteStream<Entry> dst) {
    return onContext(ctx, () -> BusTailStream.super.pipeTo(dst));
  }

  /**
   * Runs {@code pipe} on {@code ctx}. A pipe sets its handler and then resumes; from another
   * thread, the handler could already have filled the write stream and the pipe paused this
   * stream on the context before that resume lands, which would then undo the pause.
   */
  static Future<Void> onContext(Context ctx, Supplier<Future<Void>> pipe) {
    if (OnContext.isOn(ctx)) {
      return pipe.get();
    }
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(v -> pipe.get().onComplete(p));
    return p.future();
  }

  @Override
  public <T> ReadStream<T> map(Function<? super Entry, ? extends T> mapper) {
    if (mapper == null) {
      throw new InvalidArgumentException("mapper must not be null");
    }
    return new Mapped<>(this, mapper);
  }

  /** A view with mapped items sharing the stream's flow control. */
  private static final class Mapped<T> implements ReadStream<T> {
    private final TailStream s;
    private final Function<? super Entry, ? extends T> f;

    Mapped(TailStream s, Function<? super Entry, ? extends T> f) {
      this.s = s;
      this.f = f;
    }

    @Override
    public ReadStream<T> handler(Handler<T> h) {
      s.handler(h == null ? null : e -> h.handle(f.apply(e)));
      return this;
    }

    @Override
    public ReadStream<T> exceptionHandler(Handler<Throwable> h) {
      s.exceptionHandler(h);
      return this;
    }

    @Override
    public Future<Void> pipeTo(WriteStream<T> dst) {
      return onContext(s.ctx, () -> ReadStream.super.pipeTo(dst));
    }

    @Override
    public ReadStream<T> pause() {
      s.pause();
      return this;
    }

    @Override
    public ReadStream<T> resume() {
      s.resume();
      return this;
    }

    @Override
    public ReadStream<T> fetch(long amount) {
      s.fetch(amount);
      return this;
    }

    @Override
    public ReadStream<T> endHandler(Handler<Void> h) {
      s.endHandler(h);
      return this;
    }
  }
}
