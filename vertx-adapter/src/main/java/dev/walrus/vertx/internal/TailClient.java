package dev.walrus.vertx.internal;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * The subscriber side of a tail session ({@link BusTail}): a subscriber address for the
 * entries, a control address on the binding for credits and acknowledgments, and lease
 * renewal by the client's {@link LeaseRenewals} (one timer for all the client's tails: an
 * idle tail has no timer of its own). Lease renewals are pings with a reply, every third of
 * the lease, each
 * waiting at most half a lease: the first that fails (no reply in time, no handler, or
 * the session unknown) ends the tail with reason {@code "lost"} and that failure, so a
 * tail whose binding vanished ends within about 5/6 of a lease. Handlers run on the
 * opening context.
 */
public final class TailClient implements BusTail {
  /** The end reason of a tail whose binding stopped answering its pings. */
  public static final String LOST = "lost";

  private final Context ctx;
  private final EventBus bus;
  private final String topic;
  private final Handler<Entry> handler;
  private final MessageConsumer<Object> subscriber;
  private final DeliveryOptions requests;
  private final LeaseRenewals renewals;
  private volatile DeliveryOptions pings;
  private volatile String session;
  private volatile String control;
  private volatile boolean ended;
  private volatile Handler<String> endHandler;
  private volatile Handler<Throwable> exceptionHandler;
  private String endReason; // ctx-confined: kept for handlers set after the end
  private Throwable endFailure;

  private TailClient(
      Vertx vertx,
      Context ctx,
      String prefix,
      String topic,
      Handler<Entry> handler,
      DeliveryOptions requests,
      LeaseRenewals renewals) {
    this.renewals = renewals;
    this.requests = requests;
    this.ctx = ctx;
    this.bus = vertx.eventBus();
    this.topic = topic;
    this.handler = handler;
    this.subscriber = bus.consumer(prefix + ".__subscriber." + Ids.unique());
  }

  /**
   * Opens a session: registers the subscriber address, asks the binding for the tail,
   * starts lease renewal.
   *
   * @param vertx the Vert.x instance
   * @param tailAddress the binding's tail address (generic)
   * @param prefix the binding's prefix
   * @param topic the topic
   * @param consumer the consumer name
   * @param start the start position
   * @param credits the initial credits
   * @param handler the entry handler
   * @param options delivery options of the request (timeout)
   * @param renewals the client's lease renewals
   * @return a future of the open tail
   */
  public static Future<BusTail> open(
      Vertx vertx,
      String tailAddress,
      String prefix,
      String topic,
      String consumer,
      StartPosition start,
      long credits,
      Handler<Entry> handler,
      DeliveryOptions options,
      LeaseRenewals renewals) {
    if (topic == null || consumer == null || start == null || handler == null || credits < 0) {
      throw new InvalidArgumentException(
          "topic, consumer, start and handler are required " + "and credits must not be negative");
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<BusTail> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          TailClient t =
              new TailClient(
                  vertx,
                  ctx,
                  prefix,
                  topic,
                  handler,
                  new DeliveryOptions().setSendTimeout(options.getSendTimeout()),
                  renewals);
          t.subscriber.handler(t::onMessage);
          JsonObject req =
              new JsonObject()
                  .put("consumer", consumer)
                  .put("replyTo", t.subscriber.address())
                  .put("credits", credits)
                  .put("start", encode(start));
          t.subscriber
              .completion()
              .compose(
                  x ->
                      t.bus.<JsonObject>request(
                          tailAddress,
                          req,
                          new DeliveryOptions(options).addHeader(WalrusHeaders.TOPIC, topic)))
              .onSuccess(
                  reply -> {
                    JsonObject r = reply.body();
                    t.session = r.getString("session");
                    t.control = r.getString("control");
                    long lease = r.getLong("leaseMs");
                    t.pings = new DeliveryOptions().setSendTimeout(Math.max(10, lease / 2));
                    if (!t.ended) { // on ctx, as finish(): no race with the end
                      t.renewals.add(t, Math.max(5, lease / 3));
                    }
                    p.complete(t);
                  })
              .onFailure(
                  e -> {
                    t.ended = true;
                    t.subscriber.unregister();
                    p.fail(e);
                  });
        });
    return p.future();
  }

  static Object encode(StartPosition s) {
    switch (s.kind()) {
      case EARLIEST:
        return "earliest";
      case LATEST:
        return "latest";
      case OFFSET:
        return s.offsetValue();
      case TIME:
        return "time:" + s.timeValue();
      default:
        return "checkpointed";
    }
  }

  private void onMessage(Message<Object> m) {
    if (ended) {
      return;
    }
    String end = m.headers().get(WalrusHeaders.END);
    if (end != null) {
      String code = m.headers().get(WalrusHeaders.FAILURE_CODE);
      end(end, code == null ? null : Failures.of(Integer.parseInt(code), String.valueOf(m.body())));
      return;
    }
    long offset = Long.parseLong(m.headers().get(WalrusHeaders.OFFSET));
    handler.handle(
        new Entry(
            topic, offset, EntryHeaders.timestamp(m.headers()), ((Buffer) m.body()).getBytes()));
  }

  /**
   * Renews the lease (called by {@link LeaseRenewals}, on any context); a failed ping means
   * the binding is gone: the tail is lost.
   */
  void ping() {
    String c = control;
    if (c == null || ended) {
      return;
    }
    bus.request(c, new JsonObject().put("op", "ping"), pings)
        .onFailure(
            e ->
                ctx.runOnContext(
                    v -> {
                      if (!ended) {
                        end(LOST, e);
                      }
                    }));
  }

  /** Ends the tail (on the context): releases everything, then calls the handlers once. */
  private void end(String reason, Throwable failure) {
    finish();
    endReason = reason;
    if (failure != null) {
      endFailure = failure;
      Handler<Throwable> eh = exceptionHandler;
      exceptionHandler = null;
      if (eh != null) {
        eh.handle(endFailure);
      }
    }
    Handler<String> h = endHandler;
    endHandler = null;
    if (h != null) {
      h.handle(reason);
    }
  }

  private void finish() {
    ended = true;
    renewals.remove(this);
    subscriber.unregister();
  }

  private void send(JsonObject body) {
    String c = control;
    if (c != null && !ended) {
      bus.send(c, body);
    }
  }

  @Override
  public String session() {
    return session;
  }

  @Override
  public BusTail grant(long n) {
    if (n <= 0) {
      throw new InvalidArgumentException("credits must be positive, got " + n);
    }
    send(new JsonObject().put("op", "credit").put("n", n));
    return this;
  }

  @Override
  public BusTail ack(long offset) {
    send(new JsonObject().put("op", "ack").put("offset", offset));
    return this;
  }

  @Override
  public Future<Void> checkpoint(long offset) {
    if (ended) {
      return Future.failedFuture(Failures.of(FailureCodes.UNKNOWN_SESSION, "tail has ended"));
    }
    return bus.request(
            control, new JsonObject().put("op", "checkpoint").put("offset", offset), requests)
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    if (ended) {
      return Future.succeededFuture();
    }
    Future<Void> f = bus.request(control, new JsonObject().put("op", "close"), requests).mapEmpty();
    return f.recover(e -> Future.succeededFuture())
        .onComplete(
            x ->
                ctx.runOnContext(
                    v -> {
                      if (!ended) {
                        finish();
                      }
                    }));
  }

  @Override
  public BusTail endHandler(Handler<String> handler) {
    this.endHandler = handler;
    ctx.runOnContext(
        v -> {
          if (endReason != null && handler != null && endHandler == handler) {
            endHandler = null; // called once
            handler.handle(endReason);
          }
        });
    return this;
  }

  @Override
  public BusTail exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    ctx.runOnContext(
        v -> {
          if (endFailure != null && handler != null && exceptionHandler == handler) {
            exceptionHandler = null;
            handler.handle(endFailure);
          }
        });
    return this;
  }

  @Override
  public Future<JsonObject> status() {
    if (ended) {
      return Future.failedFuture(Failures.of(FailureCodes.UNKNOWN_SESSION, "tail has ended"));
    }
    return bus.<JsonObject>request(control, new JsonObject().put("op", "ping"), requests)
        .map(Message::body);
  }
}
