package dev.walrus.vertx.internal;

import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.TopicNames;
import dev.walrus.TopicStats;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.TailOptions;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.BusMetricsListener;
import dev.walrus.vertx.BusRequest;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import dev.walrus.vertx.WalrusBinding;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The implementation of {@link WalrusBinding}: registers the address families, routes each
 * request through the exposure check and the interceptor to {@link Requests} or a new
 * {@link TailSession}, and tears everything down on unbind. Handlers run on one context;
 * the public methods hop onto it. One periodic timer per binding, ten times a lease,
 * sweeps the sessions for lapsed leases ({@link TailSession#checkLease}): sessions have no
 * timer of their own, so 10,000 idle sessions cost one timer, not 10,000.
 */
public final class Binding implements WalrusBinding {
  private final Vertx vertx;
  private final Context ctx;
  private final ReactiveWalrus rw;
  private final BindOptions options;
  private final EventBus bus;
  private final Requests requests;
  private final BusMetrics metrics;
  private final Map<String, List<MessageConsumer<Object>>> topics = new ConcurrentHashMap<>();
  private final List<MessageConsumer<Object>> generic = new ArrayList<>(); // ctx-confined

  /** Each exposed topic's registration, complete once all its addresses are registered. */
  private final Map<String, Future<Void>> registered = new ConcurrentHashMap<>();

  private final FirstUses firstUses;

  private final Map<String, TailSession> sessions = new ConcurrentHashMap<>();
  private volatile Future<Void> unbound;
  private long sweepTimer = -1; // ctx-confined

  /**
   * Unbinds when the context closes: the verticle that bound is undeployed, or Vert.x is
   * closed. Vert.x then drops the addresses and the sweep timer by itself, but not the
   * sessions' tails: without this they would stay subscribed, no lease sweep would end
   * them, and the entries they had been sent would never come again to another tail.
   */
  private final Closeable closeHook = this::contextClosed;

  private Binding(Vertx vertx, Context ctx, ReactiveWalrus rw, BindOptions options) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.rw = rw;
    this.options = options;
    this.bus = vertx.eventBus();
    this.requests = new Requests(rw);
    this.metrics = new BusMetrics(options.metricsListener());
    this.firstUses = new FirstUses(ctx);
  }

  /**
   * Creates a binding and registers its addresses on {@code ctx}.
   *
   * @param vertx the Vert.x instance
   * @param ctx the context the handlers run on
   * @param rw the reactive engine
   * @param options the options
   * @return a future of the binding, completed once every address is registered
   */
  public static Future<WalrusBinding> start(
      Vertx vertx, Context ctx, ReactiveWalrus rw, BindOptions options) {
    Binding b = new Binding(vertx, ctx, rw, options);
    if (ctx instanceof ContextInternal) {
      ((ContextInternal) ctx).addCloseHook(b.closeHook);
    }
    Promise<WalrusBinding> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          long period = Math.max(5, options.tailLeaseValue().toMillis() / 10);
          b.sweepTimer = vertx.setPeriodic(period, t -> b.sweepLeases());
          List<Future<Void>> regs = new ArrayList<>();
          for (Operation op : Operation.values()) {
            if (!op.isAdmin() || options.isAdmin()) {
              regs.add(b.register(options.genericAddress(op), op, null, b.generic));
            }
          }
          // Off the event loop: seed the session-id generator, list the existing topics.
          Future<Collection<String>> initial =
              OnContext.future(
                  Mono.fromCallable(
                          () -> {
                            Ids.seed();
                            return options.isListed()
                                ? options.listedTopics()
                                : (Collection<String>) rw.engine().topics();
                          })
                      .subscribeOn(rw.scheduler()),
                  ctx);
          initial
              .compose(
                  names -> {
                    for (String t : names) {
                      if (options.isExposed(t)) {
                        regs.add(b.expose(t));
                      }
                    }
                    return Future.all(regs);
                  })
              .onComplete(
                  ar -> {
                    if (ar.succeeded()) {
                      p.complete(b);
                    } else {
                      b.unbind().onComplete(x -> p.fail(ar.cause()));
                    }
                  });
        });
    return p.future();
  }

  Vertx vertx() {
    return vertx;
  }

  Context context() {
    return ctx;
  }

  BusMetrics metrics() {
    return metrics;
  }

  @Override
  public BindOptions options() {
    return options;
  }

  @Override
  public Set<String> registeredTopics() {
    return Set.copyOf(topics.keySet());
  }

  @Override
  public int activeTails() {
    return sessions.size();
  }

  @Override
  public Future<Void> expose(String topic) {
    try {
      TopicNames.checkTopic(topic);
    } catch (InvalidTopicException e) {
      return Future.failedFuture(Failures.of(FailureCodes.BAD_TOPIC, e.getMessage()));
    }
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          if (unbound != null) {
            p.fail(Failures.of(FailureCodes.UNAVAILABLE, "binding is unbound"));
          } else if (!options.isExposed(topic)) {
            p.fail(Failures.of(FailureCodes.NOT_EXPOSED, "topic '" + topic + "' is not exposed"));
          } else {
            family(topic).onComplete(p); // a second caller waits for the same registration
          }
        });
    return p.future();
  }

  /**
   * On the context: the topic's family registration, started now if there is none (the
   * topic is valid and exposed, the binding bound).
   */
  private Future<Void> family(String topic) {
    Future<Void> f = registered.get(topic);
    if (f != null) {
      return f;
    }
    List<MessageConsumer<Object>> list = new ArrayList<>();
    topics.put(topic, list);
    List<Future<Void>> regs = new ArrayList<>();
    for (Operation op : Operation.values()) {
      if (!op.isAdmin() || options.isAdmin()) {
        regs.add(register(options.address(topic, op), op, topic, list));
      }
    }
    Future<Void> all = Future.all(regs).mapEmpty();
    registered.put(topic, all);
    all.onSuccess(x -> ctx.runOnContext(v -> firstUses.markReady(topic)));
    return all;
  }

  private Future<Void> register(
      String address, Operation op, String topic, List<MessageConsumer<Object>> into) {
    MessageConsumer<Object> c =
        options.isLocalOnly() ? bus.localConsumer(address) : bus.consumer(address);
    c.handler(msg -> dispatch(op, topic, msg));
    into.add(c);
    return c.completion();
  }

  // ------------------------------------------------------------ routing

  private void dispatch(Operation op, String fixedTopic, Message<Object> msg) {
    long started = System.nanoTime();
    if (unbound != null) {
      refuse(op, started, msg, FailureCodes.UNAVAILABLE, "binding is unbound");
      return;
    }
    String topic = fixedTopic != null ? fixedTopic : msg.headers().get(WalrusHeaders.TOPIC);
    if (topic == null) {
      refuse(op, started, msg, FailureCodes.BAD_REQUEST, "missing header " + WalrusHeaders.TOPIC);
      return;
    }
    if (!options.isExposed(topic)) {
      refuse(op, started, msg, FailureCodes.NOT_EXPOSED, "topic '" + topic + "' is not exposed");
      return;
    }
    Future<Void> allowed;
    try {
      allowed = options.interceptor().intercept(new BusRequest(op, topic, msg));
    } catch (RuntimeException e) {
      allowed = Future.failedFuture(e);
    }
    if (allowed == null) {
      allowed = Future.failedFuture("interceptor returned null");
    }
    allowed.onComplete(
        ar -> {
          if (ar.failed()) {
            Throwable e = ar.cause();
            if (e instanceof ReplyException) {
              Failures.reply(msg, e);
              metrics.request(op, Failures.code(e), started);
            } else {
              refuse(op, started, msg, FailureCodes.FORBIDDEN, Failures.message(e));
            }
            return;
          }
          if (!addsFamily(op, fixedTopic, topic)) {
            run(op, topic, msg, started);
          } else if (OnContext.isOn(ctx) && TopicNames.isValid(topic)) {
            // First use through a generic address: the family is registered before the
            // request runs (the reply means the per-topic addresses exist), in arrival order.
            firstUses.runAfter(topic, () -> family(topic), () -> run(op, topic, msg, started));
          } else {
            // off the context (an interceptor that answered later) or an invalid name, which
            // expose refuses and the request then reports itself
            expose(topic).onComplete(x -> run(op, topic, msg, started));
          }
        });
  }

  /** Executes an admitted request; replies to a failure and records the metrics. */
  private void run(Operation op, String topic, Message<Object> msg, long started) {
    Future<?> done;
    try {
      done = execute(op, topic, msg);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(
        r -> {
          if (r.succeeded()) {
            metrics.request(op, BusMetricsListener.OK, started);
          } else {
            Failures.reply(msg, r.cause());
            metrics.request(op, Failures.code(r.cause()), started);
          }
        });
  }

  /** Whether a generic-address request is for a topic whose family is not yet registered. */
  private boolean addsFamily(Operation op, String fixedTopic, String topic) {
    return fixedTopic == null
        && op != Operation.TAIL
        && op != Operation.OFFSET_FOR_TIME
        && !op.isAdmin()
        && !options.isListed()
        && !firstUses.isReady(topic);
  }

  private void refuse(Operation op, long started, Message<Object> msg, int code, String why) {
    Failures.reply(msg, code, why);
    metrics.request(op, code, started);
  }

  private Future<?> execute(Operation op, String topic, Message<Object> msg) {
    switch (op) {
      case APPEND:
        return requests.append(topic, msg);
      case APPEND_BATCH:
        return requests.appendBatch(topic, msg);
      case READ:
        return requests.read(topic, msg);
      case READ_BATCH:
        return requests.readBatch(topic, msg);
      case CHECKPOINT:
        return requests.checkpoint(topic, msg);
      case TAIL:
        return openTail(topic, msg);
      case OFFSET_FOR_TIME:
        return requests.offsetForTime(topic, msg);
      case DELETE_TOPIC:
        return requests.deleteTopic(topic, msg);
      case TOPIC_CONFIG:
        return requests.topicConfig(topic, msg);
      default:
        throw new IllegalStateException("unknown operation " + op);
    }
  }

  // ------------------------------------------------------------ tails

  private Future<Void> openTail(String topic, Message<Object> msg) {
    // A bad name fails the request itself (400), before any reply or session: a
    // requester is never told it is subscribed to a topic that cannot exist.
    TopicNames.checkTopic(topic);
    JsonObject req = Requests.json(msg);
    String consumer = Fields.text(req, "consumer");
    String replyTo = Fields.text(req, "replyTo");
    long credits = Fields.number(req, "credits", 0L);
    if (consumer == null || replyTo == null || credits < 0) {
      throw new InvalidArgumentException("tail expects {consumer, replyTo, start?, credits >= 0}");
    }
    StartPosition start = start(req.getValue("start"));
    TailOptions opts =
        TailOptions.forConsumer(consumer).startAt(start).checkpointMode(CheckpointMode.MANUAL);
    // An out-of-range start offset fails the request itself (422), before any session.
    Future<Void> checked =
        start.kind() != StartPosition.Kind.OFFSET
            ? Future.succeededFuture()
            : OnContext.future(
                Mono.<Void>fromRunnable(() -> checkStart(topic, start.offsetValue()))
                    .subscribeOn(rw.scheduler()),
                ctx);
    return checked.compose(
        x -> {
          if (unbound != null) {
            return Future.failedFuture(Failures.of(FailureCodes.UNAVAILABLE, "binding is unbound"));
          }
          TailSession s =
              new TailSession(
                  Ids.secret(), topic, replyTo, this, options.tailLeaseValue().toMillis());
          sessions.put(s.id(), s);
          return s.register()
              .onSuccess(
                  v -> {
                    msg.reply(
                        new JsonObject()
                            .put("session", s.id())
                            .put("control", s.controlAddress())
                            .put("leaseMs", options.tailLeaseValue().toMillis()));
                    rw.tail(topic, opts).subscribe(s);
                    s.grant(credits); // counted by the session, as later grants are
                  })
              .onFailure(e -> s.stop("failed", Failures.code(e), Failures.message(e)));
        });
  }

  /** Blocking: refuses a start offset outside the topic's retained range. */
  private void checkStart(String topic, long offset) {
    Optional<TopicStats> stats = rw.engine().stats(topic);
    long first = stats.map(TopicStats::firstOffset).orElse(0L);
    long next = stats.map(TopicStats::nextOffset).orElse(0L);
    if (offset < first || offset > next) {
      throw new InvalidArgumentException(
          "start offset "
              + offset
              + " is outside the retained "
              + "range ["
              + first
              + ", "
              + next
              + "] of topic '"
              + topic
              + "'");
    }
  }

  static StartPosition start(Object v) {
    if (v == null || "checkpointed".equals(v)) {
      return StartPosition.checkpointed();
    }
    if ("earliest".equals(v)) {
      return StartPosition.earliest();
    }
    if ("latest".equals(v)) {
      return StartPosition.latest();
    }
    if (v instanceof Number) {
      return StartPosition.offset(((Number) v).longValue());
    }
    if (v instanceof String && ((String) v).startsWith("time:")) {
      String iso = ((String) v).substring("time:".length());
      try {
        return StartPosition.atTime(Instant.parse(iso));
      } catch (DateTimeParseException e) {
        throw new InvalidArgumentException(
            "start time must be an ISO-8601 instant such as 2026-12-01T10:15:30Z, got '"
                + iso
                + "'");
      }
    }
    throw new InvalidArgumentException(
        "start must be checkpointed, earliest, latest, an offset or time:<ISO-8601 instant>,"
            + " got "
            + v);
  }

  /** Stops the sessions whose lease lapsed; on the context, from the sweep timer. */
  private void sweepLeases() {
    long now = System.nanoTime();
    for (TailSession s : sessions.values()) {
      s.checkLease(now);
    }
  }

  void removed(TailSession s) {
    sessions.remove(s.id(), s);
  }

  // ------------------------------------------------------------ unbind

  /** The context's close hook ({@link #closeHook}): unbinds, then lets the close go on. */
  private void contextClosed(Completable<Void> done) {
    unbind(false).onComplete(done);
  }

  @Override
  public Future<Void> unbind() {
    return unbind(true);
  }

  private synchronized Future<Void> unbind(boolean dropHook) {
    if (unbound != null) {
      return unbound;
    }
    if (dropHook && ctx instanceof ContextInternal) {
      ((ContextInternal) ctx).removeCloseHook(closeHook);
    }
    Promise<Void> p = Promise.promise();
    unbound = p.future();
    ctx.runOnContext(
        v -> {
          if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
            sweepTimer = -1;
          }
          List<Future<Void>> all = new ArrayList<>();
          for (TailSession s : List.copyOf(sessions.values())) {
            all.add(s.stop("unbound", 0, null));
          }
          for (MessageConsumer<Object> c : generic) {
            all.add(c.unregister());
          }
          for (List<MessageConsumer<Object>> list : topics.values()) {
            for (MessageConsumer<Object> c : list) {
              all.add(c.unregister());
            }
          }
          topics.clear();
          registered.clear();
          firstUses.clear();
          Future.join(all).<Void>mapEmpty().onComplete(p);
        });
    return unbound;
  }
}
