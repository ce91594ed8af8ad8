package dev.walrus.vertx.internal;

import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * One credit-based tail over the event bus: subscribes to a MANUAL
 * {@code ReactiveWalrus} tail, requests from it exactly the credits the subscriber grants,
 * sends each entry to the subscriber's address, and moves the consumer's cursor only on
 * the subscriber's acknowledgments. The binding's lease sweep ({@link #checkLease}, one
 * timer per binding for all its sessions, ten times a lease) stops the session when the
 * subscriber falls silent, so a silent session ends between 1 and 1.1 leases after the
 * last control message. An idle session has no timer and no thread of its own: it runs
 * only when its tail delivers an entry or a control message comes. Entries sent and not
 * acknowledged when the
 * session ends are handed back to the consumer's group by the cancelled tail and go to
 * the consumer's other or next tails.
 *
 * <p>Threading: Reactor signals arrive on the ReactiveWalrus scheduler and are handed to
 * the binding's context; all other state is confined to that context.
 */
final class TailSession extends BaseSubscriber<ReceivedEntry> {
  private final String id;
  private final String topic;
  private final String replyTo;
  private final String controlAddress;
  private final Binding binding;
  private final Context ctx;
  private final EventBus bus;
  private final long leaseNanos;

  // Confined to ctx.
  private final ArrayDeque<ReceivedEntry> unacked = new ArrayDeque<>();

  /** The last acknowledged entry's checkpoint, kept without the entry (nor its payload). */
  private Mono<Void> lastAcked;

  private boolean upstreamReady;
  private long pendingDemand;
  private long granted;
  private long sent;
  private long lastHeard = System.nanoTime();
  private MessageConsumer<Object> control;
  private Future<Void> stopped;

  TailSession(String id, String topic, String replyTo, Binding binding, long leaseMillis) {
    this.id = id;
    this.topic = topic;
    this.replyTo = replyTo;
    this.binding = binding;
    this.ctx = binding.context();
    this.bus = binding.vertx().eventBus();
    this.controlAddress = binding.options().prefix() + ".__session." + id;
    this.leaseNanos = leaseMillis * 1_000_000L;
  }

  String id() {
    return id;
  }

  String controlAddress() {
    return controlAddress;
  }

  /** Registers the control address; on the context. */
  Future<Void> register() {
    control =
        binding.options().isLocalOnly()
            ? bus.localConsumer(controlAddress)
            : bus.consumer(controlAddress);
    control.handler(this::onControl);
    return control.completion();
  }

  /**
   * Called by the binding's lease sweep (on the context): stops the session with reason
   * {@code "expired"} if no control message came for more than a lease.
   *
   * @param now {@link System#nanoTime()}
   */
  void checkLease(long now) {
    if (stopped == null && now - lastHeard > leaseNanos) {
      stop("expired", 0, null);
    }
  }

  /** Grants credits (on the context). */
  void grant(long n) {
    if (stopped != null || n <= 0) {
      return;
    }
    granted += n;
    binding.metrics().credits(topic, n);
    if (upstreamReady) {
      request(n);
    } else {
      pendingDemand += n;
    }
  }

  // ------------------------------------------------------------ Reactor signals

  @Override
  protected void hookOnSubscribe(Subscription subscription) {
    ctx.runOnContext(
        v -> {
          upstreamReady = true;
          if (pendingDemand > 0 && stopped == null) {
            long n = pendingDemand;
            pendingDemand = 0;
            request(n);
          }
        });
  }

  @Override
  protected void hookOnNext(ReceivedEntry r) {
    ctx.runOnContext(v -> deliver(r));
  }

  @Override
  protected void hookOnError(Throwable e) {
    ctx.runOnContext(v -> stop("failed", Failures.code(e), Failures.message(e)));
  }

  @Override
  protected void hookOnComplete() {
    ctx.runOnContext(v -> stop("completed", 0, null));
  }

  private void deliver(ReceivedEntry r) {
    if (stopped != null) {
      return; // not acknowledged: delivered again to the consumer's next tail
    }
    sent++;
    unacked.add(r);
    DeliveryOptions o =
        EntryHeaders.add(new DeliveryOptions(), r.entry()).addHeader(WalrusHeaders.SESSION, id);
    if (r.skippedBefore() > 0) {
      o.addHeader(WalrusHeaders.SKIPPED, Long.toString(r.skippedBefore()));
    }
    try {
      bus.send(replyTo, Buffer.buffer(r.data()), o);
      binding.metrics().delivery(topic);
    } catch (RuntimeException e) {
      // Vert.x 5.0 can throw here when the subscriber's node just died (connection reset).
      // The entry stays unacknowledged: it comes again to the consumer's other or next tail.
    }
  }

  // ------------------------------------------------------------ control messages

  private void onControl(Message<Object> msg) {
    lastHeard = System.nanoTime();
    JsonObject body;
    String op;
    try {
      body = Requests.json(msg);
      op = Fields.text(body, "op", "ping");
    } catch (RuntimeException e) {
      Failures.reply(msg, e);
      return;
    }
    if (stopped != null) {
      Failures.reply(msg, FailureCodes.UNKNOWN_SESSION, "tail session " + id + " has ended");
      return;
    }
    try {
      switch (op) {
        case "credit":
          {
            Long n = Fields.number(body, "n");
            if (n == null || n <= 0) {
              Failures.reply(msg, FailureCodes.BAD_REQUEST, "credit needs n > 0, got " + n);
              return;
            }
            grant(n);
            replyStats(msg);
            return;
          }
        case "ack":
          ack(offset(msg, body));
          replyStats(msg);
          return;
        case "checkpoint":
          ack(offset(msg, body));
          checkpointAcked()
              .onComplete(
                  ar -> {
                    if (ar.succeeded()) {
                      replyStats(msg);
                    } else {
                      Failures.reply(msg, ar.cause());
                    }
                  });
          return;
        case "ping":
          replyStats(msg);
          return;
        case "close":
          stop("closed", 0, null).onComplete(ar -> replyStats(msg));
          return;
        default:
          Failures.reply(msg, FailureCodes.BAD_REQUEST, "unknown tail control op '" + op + "'");
      }
    } catch (RuntimeException e) {
      Failures.reply(msg, e);
    }
  }

  private static long offset(Message<?> msg, JsonObject body) {
    Long o = Fields.number(body, "offset");
    if (o == null) {
      throw new InvalidArgumentException("control message needs an offset");
    }
    return o;
  }

  private void replyStats(Message<?> msg) {
    if (msg.replyAddress() != null) {
      msg.reply(
          new JsonObject()
              .put("session", id)
              .put("granted", granted)
              .put("sent", sent)
              .put("unacked", unacked.size()));
    }
  }

  /**
   * Acknowledges the delivered entry with {@code offset} and every entry sent before it
   * (cumulative in delivery order, which is offset order except for entries redelivered
   * after another tail of the consumer left). If no unacknowledged entry has that offset,
   * acknowledges the entries at the head of the delivery order up to {@code offset}.
   */
  private void ack(long offset) {
    int through = -1;
    int i = 0;
    for (ReceivedEntry r : unacked) {
      if (r.offset() == offset) {
        through = i;
        break;
      }
      i++;
    }
    ReceivedEntry last = null;
    if (through >= 0) {
      for (int k = 0; k <= through; k++) {
        last = unacked.poll();
      }
    } else {
      while (!unacked.isEmpty() && unacked.peek().offset() <= offset) {
        last = unacked.poll();
      }
    }
    if (last != null) {
      last.acknowledge();
      lastAcked = last.checkpoint();
    }
  }

  private Future<Void> checkpointAcked() {
    if (lastAcked == null) {
      return Future.succeededFuture();
    }
    return OnContext.future(lastAcked, ctx);
  }

  // ------------------------------------------------------------ ending

  /**
   * Stops the session (on the context): checkpoints acknowledged progress, cancels the tail,
   * tells the subscriber why, unregisters the control address. Idempotent.
   *
   * @param reason the {@link WalrusHeaders#END} value
   * @param code failure code if failed, else 0
   * @param message failure message if failed
   * @return a future completing once everything is released
   */
  Future<Void> stop(String reason, int code, String message) {
    if (stopped != null) {
      return stopped;
    }
    Promise<Void> done = Promise.promise();
    stopped = done.future();
    Future<Void> checkpointed =
        "failed".equals(reason)
            ? Future.succeededFuture()
            : checkpointAcked().recover(e -> Future.succeededFuture());
    checkpointed.onComplete(
        ar -> {
          cancel(); // a MANUAL tail checkpoints acknowledged progress on cancel too
          DeliveryOptions o =
              new DeliveryOptions()
                  .addHeader(WalrusHeaders.END, reason)
                  .addHeader(WalrusHeaders.SESSION, id);
          if (code != 0) {
            o.addHeader(WalrusHeaders.FAILURE_CODE, Integer.toString(code));
          }
          bus.send(replyTo, message, o);
          unacked.clear();
          binding.removed(this);
          Future<Void> unreg = control != null ? control.unregister() : Future.succeededFuture();
          unreg.onComplete(x -> done.complete());
        });
    return stopped;
  }

  @Override
  public String toString() {
    return "TailSession{" + id + " " + topic + " -> " + replyTo + "}";
  }
}
